"""Allow ``python -m geg_tui`` as well as the ``geg-tui`` console script."""

from geg_tui.cli import main

raise SystemExit(main())

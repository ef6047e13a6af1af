"""The wheel's one build step beyond setuptools' own: compile the gettext catalogues.

The ``.po`` files (geg_tui/locale/<lang>/LC_MESSAGES/geg_tui.po) are the source; the ``.mo``
files the program reads are build outputs, never committed: ``make`` writes them beside the
``.po`` for ``make run`` and the tests, and this writes them into the wheel. Babel (a build
requirement in pyproject.toml) does the compiling, as ``pybabel compile`` would.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """setuptools' build_py, then every ``.po`` compiled to its ``.mo`` in the build tree."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path("geg_tui/locale").glob("*/LC_MESSAGES/*.po"):
            target = Path(self.build_lib) / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalogue)


setup(cmdclass={"build_py": BuildWithCatalogues})

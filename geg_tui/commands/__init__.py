"""The customer's commands (``geg-tui factures``, ``payer``, ``releve``, ``conso``,
``echeances``): the account from scripts, on the same ``Backend`` as the TUI.

One module per family (``invoices``, ``pay``, ``reading``, ``consumption``, ``calendar``), the
parsers in ``parsers`` (built only when a command is typed: a plain ``geg-tui`` never imports
this package, so the TUI starts no slower), the log-in and the session kept between commands
in ``login``, what every command shares (the backend, exit statuses, output) in ``common``.
Exit statuses: 0 done, 1 refused by GEG (its message), 2 bad usage, 3 service unavailable.
"""

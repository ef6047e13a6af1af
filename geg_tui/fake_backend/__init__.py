"""The fake backend: an in-process implementation of every account rule (RULES.md).

Rules live in plain modules by area (``signup``, ``invoices``, ``requests``…) over a SQLite ``store`` with an
injected ``clock``; ``demo`` seeds the deterministic demo world and ``admin`` holds the tester
controls behind ``geg-tui fake …``. Nothing here imports Textual.
"""

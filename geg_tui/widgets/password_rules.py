"""The password rules shown live while the person types (SIGNUP-2).

The rule: 8 to 25 Unicode code points after NFC normalisation (``geg_tui.api.limits``, which the
backend reads too), different from the identifier, typed twice. The backend remains the judge;
this is only the feedback while typing. Each rule shows ✓ or ✗, not only a colour.
"""

from __future__ import annotations

import unicodedata

from textual.widgets import Static

from geg_tui.api.limits import PASSWORD_MAX, PASSWORD_MIN
from geg_tui.i18n import _


def password_checks(password: str, confirm: str, identifier: str) -> list[tuple[str, bool]]:
    """Each rule with whether ``password`` meets it."""
    pw = unicodedata.normalize("NFC", password)
    n = len(pw)
    ident = identifier.strip()
    return [
        (_("Au moins {n} caractères").format(n=PASSWORD_MIN), n >= PASSWORD_MIN),
        (_("Au plus {n} caractères").format(n=PASSWORD_MAX), n <= PASSWORD_MAX),
        (
            _("Différent de l'identifiant"),
            bool(pw) and pw.casefold() != unicodedata.normalize("NFC", ident).casefold(),
        ),
        (
            _("Confirmation identique"),
            bool(pw) and unicodedata.normalize("NFC", confirm) == pw,
        ),
    ]


class PasswordRules(Static):
    """Two lines of ✓/✗, updated by ``check``."""

    DEFAULT_CSS = "PasswordRules { height: auto; padding: 0 1; margin: 0 0 1 0; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.checks: list[tuple[str, bool]] = password_checks("", "", "")

    def on_mount(self) -> None:
        self._render_checks()

    def check(self, password: str, confirm: str, identifier: str) -> None:
        self.checks = password_checks(password, confirm, identifier)
        self._render_checks()

    @property
    def all_met(self) -> bool:
        return all(ok for _label, ok in self.checks)

    def _render_checks(self) -> None:
        cells = [
            f"[$success]✓ {label}[/]" if ok else f"[$error]✗ {label}[/]"
            for label, ok in self.checks
        ]
        width = 30
        lines = []
        for i in range(0, len(cells), 2):
            pair = self.checks[i : i + 2]
            first = cells[i] + " " * max(1, width - len(pair[0][0]) - 2)
            lines.append(first + (cells[i + 1] if i + 1 < len(cells) else ""))
        self.update("\n".join(lines))

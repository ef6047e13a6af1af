"""Blocked access (LOCK-1…5): when the block ends, in local time, and the way to ask for access."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.formats import format_datetime
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar


class BlockedScreen(BaseScreen):
    TITLE = _l("Accès bloqué")
    HELP = _l(
        "Après trois tentatives de connexion infructueuses, le compte est bloqué trois heures par "
        "sécurité. Attendez la fin du blocage ou demandez l'accès au service client."
    )
    BINDINGS = [Binding("f4", "request_access", _l("Demander l'accès"), id="request-access")]
    CSS_PATH = "blocked.tcss"

    def __init__(self, until: datetime, email: str) -> None:
        super().__init__()
        self.until = until
        self.email = email

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="blocked"):
            yield Static(_("Accès bloqué"), classes="screen-title")
            yield Static(
                _(
                    "Trois tentatives de connexion ont échoué : votre compte est bloqué pendant 3 heures."
                ),
                classes="hint",
            )
            yield Static(
                _("Il sera débloqué le {when}.").format(when=format_datetime(self.until)),
                id="until",
            )
            yield Static(
                _(
                    "Vous pouvez attendre, puis vous reconnecter (votre mot de passe n'a pas changé), "
                    "ou demander dès maintenant l'accès au service client. Mot de passe oublié ? Après "
                    "le blocage, utilisez « Mot de passe oublié » sur l'écran de connexion."
                ),
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button(
                    _("Demander l'accès au compte"), id="request", variant="primary", compact=True
                )
                yield Button(_("Retour à la connexion"), id="back", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#request", Button).focus()

    def action_request_access(self) -> None:
        from geg_tui.screens.contact import AccessRequestScreen

        self.app.push_screen(AccessRequestScreen(email=self.email))

    @on(Button.Pressed, "#request")
    def _request(self) -> None:
        self.action_request_access()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

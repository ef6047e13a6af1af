"""The logged-out contact forms (REQ-1): account access (LOCK-5), forgotten secret question
(RESET-7), forgotten identifier (RESET-6, with the advisor's phone and hours)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static, TextArea

from geg_tui.api.errors import BackendError
from geg_tui.api.models import ContactForm, RequestCategory
from geg_tui.i18n import _
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar


class ContactScreen(BaseScreen):
    """A logged-out contact form for one category."""

    CATEGORY = RequestCategory.ACCOUNT_ACCESS
    TITLE = _("Demander l'accès au compte")
    INTRO = _("Expliquez votre situation : le service client vous répondra par e-mail.")
    SUBJECT = _("Accès au compte")
    HELP = _(
        "Remplissez le formulaire puis envoyez-le (bouton « Envoyer »). Tab passe au champ suivant."
    )
    DEFAULT_CSS = """
    ContactScreen #contact { width: 76; max-width: 100%; }
    ContactScreen { align: center top; }
    ContactScreen .pair { height: auto; }
    ContactScreen .pair > Field { width: 1fr; }
    ContactScreen #message-head { height: 1; padding: 0 1; }
    ContactScreen #message-label { width: 1fr; color: $text-muted; }
    ContactScreen #message-count { width: auto; color: $text-muted; }
    ContactScreen #message-count.-bad { color: $warning; }
    ContactScreen TextArea { height: 5; margin: 0 1; background: $boost; }
    ContactScreen TextArea.-invalid { background: $error 20%; }
    ContactScreen #support { color: $accent; text-style: bold; }
    ContactScreen .field-error-message { color: $error; padding: 0 1; height: auto; display: none; }
    ContactScreen .field-error-message.-shown { display: block; }
    """
    MESSAGE_MIN = 10  # REQ-1, shown live; the backend decides
    MESSAGE_MAX = 2000

    def __init__(self, *, email: str = "") -> None:
        super().__init__()
        self.email = email

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="contact"):
            yield Static(self.TITLE, classes="screen-title")
            yield from self.intro()
            with Horizontal(classes="pair"):
                yield Field(_("Nom et prénom"), "name", max_length=100)
                yield Field(_("Adresse e-mail (pour la réponse)"), "email", value=self.email)
            with Horizontal(classes="pair"):
                yield Field(
                    _("Référence contrat (facultatif)"), "contract_ref", placeholder="10 chiffres"
                )
                yield Field(
                    _("Objet (100 caractères au plus)"),
                    "subject",
                    value=self.SUBJECT,
                    max_length=100,
                )
            with Horizontal(id="message-head"):
                yield Label(_("Message (10 à 2000 caractères)"), id="message-label")
                yield Label("", id="message-count")
            yield TextArea(id="message", compact=True)
            yield Static("", id="message-error", classes="field-error-message")
            yield FormError(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Envoyer"), id="send", variant="primary", compact=True)
                yield Button(_("Annuler"), id="cancel", compact=True)
        yield KeyBar()

    def intro(self) -> ComposeResult:
        yield Static(self.INTRO, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#message", TextArea).cursor_blink = getattr(self.app, "cursor_blink", True)
        self._count()
        self.query_one("#field-name", Field).input.focus()

    @on(TextArea.Changed, "#message")
    def _count(self) -> None:
        """The live counter of the message (REQ-1: 10 to 2000 characters)."""
        n = len(self.query_one("#message", TextArea).text.strip())
        counter = self.query_one("#message-count", Label)
        counter.update(_("{n}/{max}").format(n=n, max=self.MESSAGE_MAX))
        counter.set_class(n < self.MESSAGE_MIN or n > self.MESSAGE_MAX, "-bad")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.send()

    def clear_errors(self) -> None:
        super().clear_errors()
        self._message_error(None)

    def _message_error(self, message: str | None) -> None:
        self.query_one("#message", TextArea).set_class(bool(message), "-invalid")
        error = self.query_one("#message-error", Static)
        error.set_class(bool(message), "-shown")
        error.update(message or "")

    def show_error(self, error: BackendError) -> None:
        """Field errors under their field, the message's under the text area, the rest above
        the buttons; the first wrong input gets the focus."""
        super().show_error(error)
        message = error.fields.get("message")
        self._message_error(message)
        if message and not any(f.has_class("-invalid") for f in self.query(Field)):
            self.query_one("#message", TextArea).focus()

    @work(exclusive=True, exit_on_error=False, group="contact")
    async def send(self) -> None:
        value = {f.field_name: f.value for f in self.query(Field)}
        form = ContactForm(
            category=self.CATEGORY,
            subject=value["subject"],
            message=self.query_one("#message", TextArea).text,
            name=value["name"],
            email=value["email"],
            contract_ref=value["contract_ref"] or None,
        )
        self.clear_errors()
        before = self.focused
        request = await self.backend_call(
            lambda backend: backend.contact_logged_out(form),
            label=_("Envoi de votre demande…"),
            widget=self.query_one("#contact"),
        )
        if request is None:
            if not self.query(".-invalid") and before is not None and before.is_attached:
                before.focus()  # the loading indicator took the focus; give it back
            return
        self.query_one(FormError).show(
            _(
                "Demande {ref} envoyée. Un accusé de réception part à {email} ; le service client vous répondra par e-mail."
            ).format(ref=request.ref, email=value["email"]),
            info=True,
        )
        self.query_one("#send", Button).disabled = True
        self.query_one("#cancel", Button).label = _("Retour")
        self.query_one("#cancel", Button).focus()


class AccessRequestScreen(ContactScreen):
    CATEGORY = RequestCategory.ACCOUNT_ACCESS
    TITLE = _("Demander l'accès au compte")
    SUBJECT = _("Compte bloqué : demande d'accès")


class ForgottenQuestionScreen(ContactScreen):
    CATEGORY = RequestCategory.FORGOTTEN_QUESTION
    TITLE = _("Question secrète oubliée")
    INTRO = _(
        "Le service client vérifie votre identité puis vous envoie par e-mail un code pour choisir "
        "un nouveau mot de passe et une nouvelle question secrète."
    )
    SUBJECT = _("Question secrète oubliée")


class ForgottenIdentifierScreen(ContactScreen):
    CATEGORY = RequestCategory.FORGOTTEN_IDENTIFIER
    TITLE = _("Identifiant oublié")
    SUBJECT = _("Identifiant oublié")

    def intro(self) -> ComposeResult:
        yield Static(
            _(
                "Votre identifiant est l'adresse e-mail choisie à la création du compte. Un conseiller peut vous la rappeler :"
            ),
            classes="hint",
        )
        yield Static("", id="support", classes="hint")
        yield Static(_("Vous pouvez aussi écrire au service client :"), classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.load_support()

    @work(exclusive=True, exit_on_error=False, group="support")
    async def load_support(self) -> None:
        info = await self.backend_call(
            lambda backend: backend.support_info(),
            label=_("Chargement des coordonnées du service client…"),
            widget=self.query_one("#support"),
        )
        if info is not None:
            self.query_one("#support", Static).update(
                f"☎ {info.phone} — {info.hours}\n{info.address}"
            )

"""The logged-out contact forms (REQ-1): account access (LOCK-5), forgotten secret question
(RESET-7), forgotten identifier (RESET-6, with the advisor's phone and hours)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.api.limits import (
    CONTRACT_REF_DIGITS,
    MESSAGE_MAX,
    MESSAGE_MIN,
    NAME_MAX,
    SUBJECT_MAX,
)
from geg_tui.api.models import ContactForm, RequestCategory
from geg_tui.api.texts import support_hours
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError, TextAreaField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar


def message_field() -> TextAreaField:
    """The message of a request to customer service, logged out or in (REQ-1's limits)."""
    return TextAreaField(
        _("Message ({min} à {max} caractères)").format(min=MESSAGE_MIN, max=MESSAGE_MAX),
        "message",
        min_length=MESSAGE_MIN,
        max_length=MESSAGE_MAX,
    )


class ContactScreen(BaseScreen):
    """A logged-out contact form for one category."""

    CATEGORY = RequestCategory.ACCOUNT_ACCESS
    TITLE = _l("Demander l'accès au compte")
    INTRO = _l("Expliquez votre situation : le service client vous répondra par e-mail.")
    SUBJECT = _l("Accès au compte")
    HELP = _l(
        "Remplissez le formulaire puis envoyez-le (bouton « Envoyer »). Tab passe au champ suivant."
    )
    CSS_PATH = "contact.tcss"

    def __init__(self, *, email: str = "") -> None:
        super().__init__()
        self.email = email

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="contact"), Form(id="contact-form"):
            yield Static(str(self.TITLE), classes="screen-title")
            yield from self.intro()
            with Horizontal(classes="pair"):
                yield Field(_("Nom et prénom"), "name", max_length=NAME_MAX)
                yield Field(_("Adresse e-mail (pour la réponse)"), "email", value=self.email)
            with Horizontal(classes="pair"):
                yield Field(
                    _("Référence contrat (facultatif)"),
                    "contract_ref",
                    placeholder=_("{n} chiffres").format(n=CONTRACT_REF_DIGITS),
                )
                yield Field(
                    _("Objet ({n} caractères au plus)").format(n=SUBJECT_MAX),
                    "subject",
                    value=str(self.SUBJECT),
                    max_length=SUBJECT_MAX,
                )
            yield message_field()
            yield FormError(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Envoyer"), id="send", variant="primary", compact=True)
                yield Button(_("Annuler"), id="cancel", compact=True)
        yield KeyBar()

    def intro(self) -> ComposeResult:
        yield Static(str(self.INTRO), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#field-name", Field).input.focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.send()

    @work(exclusive=True, exit_on_error=False, group="contact")
    async def send(self) -> None:
        value = self.query_one(Form).values()
        form = ContactForm(
            category=self.CATEGORY,
            subject=value["subject"],
            message=value["message"],
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
            # The loading indicator took the focus: the first field to correct, else where
            # the person was.
            if not self.query_one(Form).focus_first_error() and before and before.is_attached:
                before.focus()
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
    TITLE = _l("Demander l'accès au compte")
    SUBJECT = _l("Compte bloqué : demande d'accès")


class ForgottenQuestionScreen(ContactScreen):
    CATEGORY = RequestCategory.FORGOTTEN_QUESTION
    TITLE = _l("Question secrète oubliée")
    INTRO = _l(
        "Le service client vérifie votre identité puis vous envoie par e-mail un code pour choisir "
        "un nouveau mot de passe et une nouvelle question secrète."
    )
    SUBJECT = _l("Question secrète oubliée")


class ForgottenIdentifierScreen(ContactScreen):
    CATEGORY = RequestCategory.FORGOTTEN_IDENTIFIER
    TITLE = _l("Identifiant oublié")
    SUBJECT = _l("Identifiant oublié")

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
                f"☎ {info.phone} — {support_hours(info.hours)}\n{info.address}"
            )

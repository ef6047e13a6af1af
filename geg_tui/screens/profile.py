"""« Mes informations » (PROFILE-1…3, AUTH-5, RESET-7, SEC-5): what the account knows of the
customer, and what they may change online, one tab per form so that each fits at 80×24.

- « Coordonnées »: identity read-only (PROFILE-1: name and birth date are changed by customer
  service only; the screen says how to reach it), postal address and phones (PROFILE-3).
- « E-mail »: the new address and the password (PROFILE-2), then the code mailed to the new
  address; until it is confirmed the identifier does not change.
- « Mot de passe »: the current one, the new one twice with the live rules (AUTH-5), and
  « se souvenir de moi » on this device, which can be forgotten here as at logout.
- « Question secrète »: a new question and answer, confirmed by the password (RESET-7).

Each tab has its own ``Form``: a refusal goes to the form whose button was pressed, under the
field the backend names, with everything typed kept.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane, Tabs

from geg_tui.api.limits import ANSWER_MAX, ANSWER_MIN
from geg_tui.api.models import Profile, SecretQuestion, SupportInfo
from geg_tui.api.texts import question_text, support_hours
from geg_tui.formats import format_date
from geg_tui.i18n import _, _l
from geg_tui.labels import person_name
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError, SelectField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.password_rules import PasswordRules
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

T = TypeVar("T")

# The tabs, in order (F6 goes to the next).
TABS = ("tab-contact", "tab-email", "tab-password", "tab-question")


def identity_text(profile: Profile, support: SupportInfo | None) -> str:
    """PROFILE-1: who the account is, and how to have it corrected."""
    who = _("{identity}, né(e) le {day}").format(
        identity=escape(person_name(profile.identity)), day=format_date(profile.birth_date)
    )
    if support is not None:
        how = _(
            "Une erreur dans votre nom ou votre date de naissance ? Seul le service client peut "
            "la corriger : {phone} ({hours}) ou une demande écrite."
        ).format(phone=support.phone, hours=support_hours(support.hours))
    else:
        how = _(
            "Une erreur dans votre nom ou votre date de naissance ? Seul le service client peut "
            "la corriger."
        )
    return f"[b]{who}[/b]\n{how}"


def email_text(profile: Profile) -> str:
    """The identifier, and the address waiting for its code (PROFILE-2)."""
    text = _("Identifiant actuel : {email}").format(email=profile.email)
    if profile.pending_email:
        text += "\n" + _(
            "En attente : {email} — saisissez le code qui lui a été envoyé (valable 24 heures)."
        ).format(email=profile.pending_email)
    return text


class Pane(VerticalScroll, can_focus=False):
    """A tab's content, scrolling when it does not fit; Tab from the tabs goes straight to
    its first field, not to the container."""


class ProfileScreen(BaseScreen):
    """Read and change the personal details, the identifier, the password, the secret question."""

    TITLE = _l("Mes informations")
    HELP = _l(
        "Quatre onglets (F6 passe au suivant ; flèches gauche/droite sur les onglets) : "
        "Coordonnées (adresse postale, téléphones), E-mail (un code est envoyé à la nouvelle "
        "adresse, à saisir ici), Mot de passe (règles vérifiées pendant la saisie ; « se "
        "souvenir de moi » s'oublie ici) et Question secrète. Changer l'e-mail ou la question "
        "secrète demande votre mot de passe actuel. Ctrl+S envoie le formulaire de l'onglet "
        "affiché. Votre nom et votre date de naissance ne se changent que par le service client."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "submit",
            _l("Enregistrer"),
            tooltip=_l("Envoyer le formulaire de l'onglet affiché"),
            id="profile-save",
        ),
        Binding(
            "f6",
            "next_tab",
            _l("Onglet suivant"),
            tooltip=_l("Passer à l'onglet suivant, son premier champ"),
            id="profile-next-tab",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("profile-save", "profile-next-tab")
    CSS_PATH = "profile.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.profile: Profile | None = None
        self.questions: list[SecretQuestion] = []
        self._sending: Form | None = None  # the form whose call is under way (its errors)

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar()
        with TabbedContent(id="tabs", initial="tab-contact"):
            with TabPane(_("Coordonnées"), id="tab-contact"):
                yield from self._contact_tab()
            with TabPane(_("E-mail"), id="tab-email"):
                yield from self._email_tab()
            with TabPane(_("Mot de passe"), id="tab-password"):
                yield from self._password_tab()
            with TabPane(_("Question secrète"), id="tab-question"):
                yield from self._question_tab()
        yield KeyBar()

    def _contact_tab(self) -> ComposeResult:
        with Pane(classes="pane"):
            yield Static(_("Chargement…"), id="identity", classes="card")
            with Form(id="contact-form"):
                yield Field(_("Adresse postale (numéro et rue)"), "street", max_length=120)
                with Horizontal(classes="pair"):
                    yield Field(_("Code postal"), "postcode", max_length=10, restrict=r"[0-9 ]*")
                    yield Field(_("Commune"), "city", max_length=80)
                with Horizontal(classes="pair"):
                    yield Field(
                        _("Téléphone fixe (vide : aucun)"),
                        "phone",
                        max_length=25,
                        restrict=r"[0-9 +.()\-]*",
                    )
                    yield Field(
                        _("Téléphone mobile (vide : aucun)"),
                        "mobile",
                        max_length=25,
                        restrict=r"[0-9 +.()\-]*",
                    )
                yield FormError(id="contact-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Enregistrer mes coordonnées"),
                        id="save-contact",
                        variant="primary",
                        compact=True,
                    )

    def _email_tab(self) -> ComposeResult:
        with Pane(classes="pane"):
            yield Static("", id="email-now", classes="card")
            with Form(id="email-form"):
                yield Static(
                    _(
                        "La nouvelle adresse devient votre identifiant une fois confirmée par le "
                        "code qui lui est envoyé ; l'ancienne en est avertie."
                    ),
                    classes="hint",
                )
                with Horizontal(classes="pair"):
                    yield Field(
                        _("Nouvelle adresse e-mail"),
                        "new_email",
                        placeholder=_("prenom.nom@exemple.fr"),
                        max_length=254,
                    )
                    yield Field(_("Mot de passe actuel"), "password", password=True, max_length=100)
                yield FormError(id="email-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Envoyer le code"), id="send-code", variant="primary", compact=True
                    )
            with Form(id="code-form"):
                yield Field(
                    _("Code reçu à la nouvelle adresse"),
                    "code",
                    placeholder="XXXX-XXXX-XXXX",
                    max_length=30,
                )
                yield FormError(id="code-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Confirmer la nouvelle adresse"),
                        id="confirm-code",
                        variant="primary",
                        compact=True,
                    )

    def _password_tab(self) -> ComposeResult:
        with Pane(classes="pane"):
            with Form(id="password-form"):
                yield Field(
                    _("Mot de passe actuel"), "current_password", password=True, max_length=100
                )
                with Horizontal(classes="pair"):
                    yield Field(
                        _("Nouveau mot de passe"), "new_password", password=True, max_length=100
                    )
                    yield Field(
                        _("Confirmation"), "new_password_confirm", password=True, max_length=100
                    )
                yield PasswordRules(id="rules")
                yield FormError(id="password-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Changer le mot de passe"),
                        id="save-password",
                        variant="primary",
                        compact=True,
                    )
            with Vertical(id="remember-box", classes="card"):
                yield Static("", id="remember-text")
                with Horizontal(classes="buttons"):
                    yield Button(_("Oublier sur cet appareil"), id="forget", compact=True)

    def _question_tab(self) -> ComposeResult:
        with Pane(classes="pane"):
            yield Static("", id="question-now", classes="card")
            with Form(id="question-form"):
                yield SelectField(
                    _("Nouvelle question secrète"),
                    "secret_question_id",
                    prompt=_("Choisissez une question"),
                )
                with Horizontal(classes="pair"):
                    yield Field(
                        _("Réponse ({min} à {max} caractères)").format(
                            min=ANSWER_MIN, max=ANSWER_MAX
                        ),
                        "secret_answer",
                        max_length=ANSWER_MAX,
                    )
                    yield Field(
                        _("Mot de passe actuel"),
                        "question_password",
                        password=True,
                        max_length=100,
                        also=("password",),  # the backend's name for it
                    )
                yield FormError(id="question-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Changer la question secrète"),
                        id="save-question",
                        variant="primary",
                        compact=True,
                    )

    def on_mount(self) -> None:
        # The tabs first: the arrows go from one to the next, Tab into the fields.
        self.query_one(Tabs).focus()

    def action_next_tab(self) -> None:
        """F6: the next tab (the first after the last), the cursor in its first field."""
        tabbed = self.query_one(TabbedContent)
        tabbed.active = TABS[(TABS.index(tabbed.active) + 1) % len(TABS)]
        pane = self.query_one(f"#{tabbed.active}", TabPane)
        controls = [w for w in pane.query("Input, Select") if w.focusable]
        if controls:
            controls[0].focus()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    def on_screen_resume(self) -> None:
        self.show_remembered()  # « se souvenir de moi » may have changed on another screen

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def load(self) -> None:
        token = self.geg.token

        async def all_of(
            backend: Backend,
        ) -> tuple[Profile, list[SecretQuestion], SupportInfo]:
            profile, questions, support = await asyncio.gather(
                backend.profile(token), backend.secret_questions(), backend.support_info()
            )
            return profile, questions, support

        self._sending = None
        result = await self.backend_call(
            all_of,
            label=_("Chargement de vos informations…"),
            widget=self.query_one("#tabs"),
        )
        if result is None:
            return
        self._loaded = True
        profile, self.questions, support = result
        self.query_one("#identity", Static).update(identity_text(profile, support))
        self.query_one("#field-secret_question_id", SelectField).set_options(
            (question_text(q), q.id) for q in self.questions
        )
        self.show_profile(profile, fill=True)

    def show_profile(self, profile: Profile, *, fill: bool = False) -> None:
        """What the backend has; ``fill``: the contact fields too (at load and after a save,
        never over what the person is typing)."""
        self.profile = profile
        if fill:
            address = profile.postal_address
            for name, value in (
                ("street", address.street),
                ("postcode", address.postcode),
                ("city", address.city),
                ("phone", profile.phone or ""),
                ("mobile", profile.mobile or ""),
            ):
                self.query_one(f"#field-{name}", Field).value = value
        self.query_one("#email-now", Static).update(email_text(profile))
        self.query_one("#code-form", Form).display = bool(profile.pending_email)
        self.query_one("#question-now", Static).update(
            _("Question actuelle : {question}").format(
                question=question_text(profile.secret_question)
            )
        )
        self._update_rules()

    # --- where errors go -----------------------------------------------------------------
    def active_form(self) -> Form | None:
        """The form whose call is under way: every tab has one, and the forms of the other
        tabs are hidden with their tab (``Form.display`` alone does not say so)."""
        return self._sending

    async def send(
        self, form_id: str, call: Callable[[Backend], Awaitable[T]], *, label: str
    ) -> T | None:
        """``backend_call`` for one form: its refusals under its fields, the focus on the first
        to correct."""
        form = self.query_one(f"#{form_id}", Form)
        self.clear_errors()
        self._sending = form
        try:
            result = await self.backend_call(call, label=label, widget=self.query_one("#tabs"))
        finally:
            self._sending = None
        if result is None:
            form.focus_first_error()
        return result

    def value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).value

    def info(self, banner_id: str, message: str) -> None:
        self.query_one(f"#{banner_id}", FormError).show(message, info=True)

    def action_submit(self) -> None:
        """Ctrl+S: the form of the tab in view (the code, once one is awaited)."""
        tab = self.query_one(TabbedContent).active
        awaited = tab == "tab-email" and self.query_one("#code-form", Form).display
        if awaited and self.value("code").strip():
            self.confirm_email()
            return
        {
            "tab-contact": self.save_contact,
            "tab-email": self.request_email,
            "tab-password": self.change_password,
            "tab-question": self.change_question,
        }[tab]()

    # --- address and phones (PROFILE-1, PROFILE-3) ---------------------------------------
    @on(Button.Pressed, "#save-contact")
    @on(Input.Submitted, "#mobile")
    def _save_contact(self) -> None:
        self.save_contact()

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def save_contact(self) -> None:
        values = self.query_one("#contact-form", Form).values()
        token = self.geg.token
        profile = await self.send(
            "contact-form",
            lambda backend: backend.update_contact_details(
                token,
                phone=values["phone"].strip(),
                mobile=values["mobile"].strip(),
                street=values["street"],
                postcode=values["postcode"],
                city=values["city"],
            ),
            label=_("Enregistrement de vos coordonnées…"),
        )
        if profile is None:
            return
        self.show_profile(profile, fill=True)
        self.info("contact-error", _("Coordonnées enregistrées."))

    # --- the e-mail identifier (PROFILE-2) -----------------------------------------------
    @on(Button.Pressed, "#send-code")
    @on(Input.Submitted, "#password")
    def _request_email(self) -> None:
        self.request_email()

    @on(Input.Submitted, "#new_email")
    def _email_typed(self) -> None:
        self.query_one("#field-password", Field).input.focus()

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def request_email(self) -> None:
        new_email, password = self.value("new_email").strip(), self.value("password")
        token = self.geg.token

        async def ask(backend: Backend) -> Profile:
            await backend.request_email_change(token, new_email, password)
            return await backend.profile(token)

        profile = await self.send("email-form", ask, label=_("Envoi du code…"))
        if profile is None:
            return
        self.query_one("#field-password", Field).value = ""
        self.show_profile(profile)
        self.info(
            "email-error",
            _("Code envoyé à {email} : saisissez-le ci-dessous.").format(email=new_email),
        )
        self.query_one("#field-code", Field).input.focus()

    @on(Button.Pressed, "#confirm-code")
    @on(Input.Submitted, "#code")
    def _confirm_email(self) -> None:
        self.confirm_email()

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def confirm_email(self) -> None:
        code = self.value("code")
        token = self.geg.token
        old = self.profile.email if self.profile is not None else None
        profile = await self.send(
            "code-form",
            lambda backend: backend.confirm_email_change(token, code),
            label=_("Confirmation de la nouvelle adresse…"),
        )
        if profile is None:
            return
        for name in ("code", "new_email"):
            self.query_one(f"#field-{name}", Field).value = ""
        session = self.geg.session
        if session is not None:  # the identifier the app knows the session by
            self.geg.session = dataclasses.replace(session, email=profile.email)
        message = _("Votre identifiant est désormais {email} ; {old} en a été averti(e).").format(
            email=profile.email, old=old or ""
        )
        if old is not None and self.geg.settings.remembered_email() == old:
            # The password kept for the old identifier would log in no more.
            self.geg.settings.forget()
            message += " " + _(
                "« Se souvenir de moi » est oublié : cochez-le à votre prochaine connexion."
            )
        self.show_profile(profile)
        self.show_remembered()
        self.info("email-error", message)

    # --- the password (AUTH-5) -----------------------------------------------------------
    @on(Input.Changed, "#new_password, #new_password_confirm")
    def _password_typed(self) -> None:
        self._update_rules()

    def _update_rules(self) -> None:
        identifier = self.profile.email if self.profile is not None else ""
        self.query_one(PasswordRules).check(
            self.value("new_password"), self.value("new_password_confirm"), identifier
        )

    @on(Input.Submitted, "#current_password")
    @on(Input.Submitted, "#new_password")
    def _password_next(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save-password")
    @on(Input.Submitted, "#new_password_confirm")
    def _change_password(self) -> None:
        self.change_password()

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def change_password(self) -> None:
        current = self.value("current_password")
        new, confirm = self.value("new_password"), self.value("new_password_confirm")
        token = self.geg.token

        async def change(backend: Backend) -> bool:
            await backend.change_password(token, current, new, confirm)
            return True  # the call returns nothing: ``None`` would read as a refusal

        if not await self.send("password-form", change, label=_("Changement du mot de passe…")):
            return
        for name in ("current_password", "new_password", "new_password_confirm"):
            self.query_one(f"#field-{name}", Field).value = ""
        message = _(
            "Mot de passe changé. Vos autres sessions sont fermées ; un e-mail vous le confirme."
        )
        email = self.geg.session.email if self.geg.session is not None else None
        if email is not None and self.geg.settings.remembered_email() == email:
            if self.geg.settings.remember(email, new):
                message += " " + _("Le mot de passe gardé sur cet appareil est mis à jour.")
            else:
                self.geg.settings.forget()
                message += " " + _("« Se souvenir de moi » est oublié sur cet appareil.")
        self.show_remembered()
        self.info("password-error", message)

    # --- « se souvenir de moi » (SEC-5) --------------------------------------------------
    def show_remembered(self) -> None:
        """Whether this device logs in by itself, and for whom."""
        email = self.geg.settings.remembered_email()
        text = (
            _(
                "« Se souvenir de moi » est actif sur cet appareil pour {email} : son mot de "
                "passe est gardé dans le trousseau du système."
            ).format(email=email)
            if email
            else _("« Se souvenir de moi » n'est pas actif sur cet appareil.")
        )
        self.query_one("#remember-text", Static).update(text)
        self.query_one("#forget", Button).display = bool(email)

    @on(Button.Pressed, "#forget")
    def _forget(self) -> None:
        self.geg.settings.forget()
        self.show_remembered()
        self.notify(_("« Se souvenir de moi » est oublié sur cet appareil."))

    # --- the secret question (PROFILE-2, RESET-7) ----------------------------------------
    @on(Select.Changed, "#secret_question_id")
    def _question_chosen(self) -> None:
        self.query_one("#field-secret_question_id", SelectField).set_error(None)

    @on(Input.Submitted, "#secret_answer")
    def _answer_typed(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save-question")
    @on(Input.Submitted, "#question_password")
    def _change_question(self) -> None:
        self.change_question()

    @work(exclusive=True, exit_on_error=False, group="profile")
    async def change_question(self) -> None:
        form = self.query_one("#question-form", Form)
        question = self.query_one("#field-secret_question_id", SelectField).value
        answer, password = self.value("secret_answer"), self.value("question_password")
        if question is None:
            self.clear_errors()
            form.show_error({"secret_question_id": _("Choisissez une question dans la liste.")})
            return
        token = self.geg.token

        async def change(backend: Backend) -> Profile:
            await backend.change_secret_question(token, password, question, answer)
            return await backend.profile(token)

        profile = await self.send("question-form", change, label=_("Changement de la question…"))
        if profile is None:
            return
        for name in ("secret_answer", "question_password"):
            self.query_one(f"#field-{name}", Field).value = ""
        self.show_profile(profile)
        self.info(
            "question-error",
            _(
                "Question secrète changée : elle vous sera posée si vous oubliez votre mot de passe."
            ),
        )

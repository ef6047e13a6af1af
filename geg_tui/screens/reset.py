"""Forgotten password (RESET-1…5, RESET-7 variant): e-mail and birth date → the secret question →
« un e-mail vous sera envoyé sous 24 h » → the code and the new password → back to login.

A blocked account (RESET-2, LOCK-6) goes to the blocked screen. A code sent by customer service
after a « question secrète oubliée » request (RESET-7) also asks for a new secret question; the
step shows it when the backend says so. Escape goes back one step, keeping what was typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Input,
    Select,
    Static,
)

from geg_tui.api.backend import Backend
from geg_tui.api.errors import AccountLocked, BackendError, ValidationError
from geg_tui.api.limits import ANSWER_MAX, ANSWER_MIN, PASSWORD_MAX, PASSWORD_MIN
from geg_tui.api.models import ResetQueued
from geg_tui.api.texts import question_text
from geg_tui.formats import format_datetime
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError, SelectField
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar
from geg_tui.widgets.wizard import Wizard, WizardStep, WizardSteps

T = TypeVar("T")


def password_hint(password: str, identifier: str) -> tuple[str, bool]:
    """The live SIGNUP-2 hint under the new password: length in code points after NFC."""
    n = len(unicodedata.normalize("NFC", password))
    span = _("{min} à {max}").format(min=PASSWORD_MIN, max=PASSWORD_MAX)
    if not password:
        return _("{span} caractères.").format(span=span), False
    if n < PASSWORD_MIN:
        return _("{n} caractère(s) : encore {k} au moins ({span}).").format(
            n=n, k=PASSWORD_MIN - n, span=span
        ), False
    if n > PASSWORD_MAX:
        return _("{n} caractères : {k} de trop ({max} au plus).").format(
            n=n, k=n - PASSWORD_MAX, max=PASSWORD_MAX
        ), False
    if identifier and password.casefold() == identifier.strip().casefold():
        return _("Le mot de passe doit être différent de l'identifiant."), False
    return _("✓ {n} caractères ({span}).").format(n=n, span=span), True


class ResetPasswordScreen(BaseScreen):
    """« Mot de passe oublié » in three steps, each keeping what was typed."""

    TITLE = _l("Mot de passe oublié")

    HELP = _l(
        "Étape 1 : votre adresse e-mail et votre date de naissance (JJ/MM/AAAA). "
        "Étape 2 : la réponse à votre question secrète. Étape 3 : le code reçu par e-mail "
        "(sous 24 heures) et votre nouveau mot de passe ({min} à {max} caractères). "
        "Vous avez déjà un code ? « J'ai déjà un code » à l'étape 1. "
        "Échap revient à l'étape précédente sans rien effacer."
    )
    RECOMPOSE_ON_LANGUAGE = False  # a switch of language would restart the wizard
    BINDINGS = [
        Binding(
            "f2",
            "toggle_password",
            _l("Afficher/masquer"),
            tooltip=_l("Afficher le mot de passe"),
            id="show-password",
        ),
    ]
    CSS_PATH = "reset.tcss"

    def help_text(self) -> str:
        """F1's text, with the password's limits (not known to the message id)."""
        return str(self.HELP).format(min=PASSWORD_MIN, max=PASSWORD_MAX)

    def __init__(self, *, email: str = "") -> None:
        super().__init__()
        self.email = email
        self.queued: ResetQueued | None = None

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar()
        with (
            Wizard(id="reset", reveal_other_steps=False),
            WizardSteps(initial="step-identity"),
        ):
            yield from self._identity_step()
            yield from self._question_step()
            yield from self._code_step()
        yield KeyBar()

    def _identity_step(self) -> ComposeResult:
        """Step 1: the account's e-mail and birth date, and the ways out (a code already
        received, the identifier forgotten)."""
        with WizardStep(id="step-identity"):
            yield Static(_("Mot de passe oublié — étape 1 sur 3"), classes="screen-title")
            yield Static(
                _(
                    "Saisissez l'adresse e-mail de votre compte et votre date de naissance : "
                    "nous vous poserons ensuite votre question secrète."
                ),
                classes="hint",
            )
            yield Field(
                _("Identifiant (adresse e-mail)"),
                "email",
                value=self.email,
                placeholder=_("prenom.nom@exemple.fr"),
            )
            yield Field(
                _("Date de naissance (JJ/MM/AAAA)"),
                "birth_date",
                placeholder=_("JJ/MM/AAAA"),
                max_length=10,
                restrict=r"[0-9/.\- ]*",
            )
            yield FormError(classes="step-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Continuer"), id="start", variant="primary", compact=True)
                yield Button(_("J'ai déjà un code"), id="have-code", compact=True)
                yield Button(_("Identifiant oublié"), id="forgot-id", compact=True)
                yield Button(_("Annuler"), id="cancel", compact=True)

    def _question_step(self) -> ComposeResult:
        """Step 2: the secret question on record and its answer (RESET-2 counts the failures)."""
        with WizardStep(id="step-question"):
            yield Static(_("Mot de passe oublié — étape 2 sur 3"), classes="screen-title")
            yield Static(_("Votre question secrète :"), classes="hint")
            yield Static("", id="question-text")
            yield Field(_("Votre réponse"), "secret_answer", max_length=ANSWER_MAX)
            yield FormError(classes="step-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Valider"), id="answer", variant="primary", compact=True)
                yield Button(_("Question secrète oubliée"), id="forgot-question", compact=True)
                yield Button(_("Retour"), id="back-question", compact=True)

    def _code_step(self) -> ComposeResult:
        """Step 3: the mailed code, the new password twice, and optionally a new secret question (RESET-7)."""
        with WizardStep(id="step-code"):
            yield Static(
                _("Mot de passe oublié — étape 3 sur 3 : nouveau mot de passe"),
                classes="screen-title",
            )
            yield Static("", id="queued")
            yield Field(
                _("Code reçu par e-mail"), "code", placeholder="XXXX-XXXX-XXXX", max_length=30
            )
            with Horizontal(classes="pair"):
                yield Field(
                    _("Nouveau mot de passe"), "new_password", password=True, max_length=100
                )
                yield Field(
                    _("Confirmation"), "new_password_confirm", password=True, max_length=100
                )
            yield Static(password_hint("", "")[0], id="password-hint")
            with Vertical(id="new-question"):
                yield Static(
                    _("Ce code permet aussi de choisir une nouvelle question secrète :"),
                    classes="hint",
                )
                yield SelectField(
                    _("Nouvelle question secrète"),
                    "secret_question_id",
                    prompt=_("Choisissez une question"),
                )
                yield Field(
                    _("Réponse ({min} à {max} caractères)").format(min=ANSWER_MIN, max=ANSWER_MAX),
                    "new_secret_answer",
                    max_length=ANSWER_MAX,
                    also=("secret_answer",),  # the backend's name for it
                )
            yield FormError(classes="step-error")
            with Horizontal(classes="buttons"):
                yield Button(
                    _("Changer le mot de passe"), id="complete", variant="primary", compact=True
                )
                yield Button(_("Afficher le mot de passe"), id="show", compact=True)
                yield Button(_("Retour"), id="back-code", compact=True)

    def on_mount(self) -> None:
        for field in ("email", "birth_date"):
            if not self.query_one(f"#field-{field}", Field).value:
                self.query_one(f"#field-{field}", Field).input.focus()
                return
        self.query_one("#start", Button).focus()

    # --- steps -----------------------------------------------------------------------------
    @property
    def wizard(self) -> Wizard:
        return self.query_one(Wizard)

    @property
    def step(self) -> str:
        return self.wizard.step

    def step_widget(self) -> WizardStep:
        return self.wizard.current_step()

    def go(self, step: str, *, focus: str | None = None) -> None:
        self.wizard.go(step)
        self.refresh_bindings()
        if focus:
            self.query_one(f"#field-{focus}", Field).input.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_password":
            return self.step == "step-code"
        return True

    def action_back(self) -> None:
        """Escape: the previous step (nothing typed is lost), then the screen before."""
        if self.wizard.back():
            self.refresh_bindings()
            self.call_after_refresh(self._focus_first_empty)
        else:
            super().action_back()

    def _focus_first_empty(self) -> None:
        fields = [f for f in self.step_widget().query(Field) if f.display]
        for field in fields:
            if not field.value:
                field.input.focus()
                return
        if fields:
            fields[-1].input.focus()

    async def call(
        self,
        call: Callable[[Backend], Awaitable[T]],
        *,
        label: str,
        propagate: tuple[type[BackendError], ...] = (),
    ) -> T | None:
        """``backend_call`` over the current step; the focus comes back where it was (the
        loading indicator takes it away), unless an error moved it to a wrong field."""
        before = self.focused
        try:
            return await self.backend_call(
                call, label=label, widget=self.step_widget(), propagate=propagate
            )
        finally:
            if not self.wizard.focus_first_error() and before is not None and before.is_attached:
                before.focus()

    def value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).value

    # --- step 1: e-mail and birth date (RESET-1, RESET-2) ----------------------------------
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.start()

    @on(Input.Submitted, "#email")
    def _email_submitted(self) -> None:
        self.query_one("#field-birth_date", Field).input.focus()

    @on(Input.Submitted, "#birth_date")
    def _birth_submitted(self) -> None:
        self.start()

    @work(exclusive=True, exit_on_error=False, group="reset")
    async def start(self) -> None:
        self.clear_errors()
        email, birth = self.value("email"), self.value("birth_date")
        try:
            challenge = await self.call(
                lambda backend: backend.reset_start(email, birth),
                label=_("Vérification de vos informations…"),
                propagate=(AccountLocked,),
            )
        except AccountLocked as locked:
            self.blocked(locked, email)
            return
        if challenge is None:
            return
        self.query_one("#question-text", Static).update(question_text(challenge.question))
        self.go("step-question", focus="secret_answer")

    def blocked(self, locked: AccountLocked, email: str) -> None:
        """RESET-2: a blocked account cannot start a recovery; the blocked screen says until when."""
        from geg_tui.screens.blocked import BlockedScreen

        self.app.push_screen(BlockedScreen(locked.until, email))

    @on(Button.Pressed, "#have-code")
    def _have_code(self) -> None:
        """A code already received (or sent by customer service, RESET-7): straight to step 3."""
        self.clear_errors()
        if not self.value("email").strip():
            self.wizard.show_error(
                {"email": _("Saisissez d'abord l'adresse e-mail de votre compte.")}
            )
            return
        self.queued = None
        self._describe_code_step()
        self.go("step-code", focus="code")

    @on(Button.Pressed, "#forgot-id")
    def _forgot_id(self) -> None:
        self.geg.open_screen("identifiant_oublie")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.app.pop_screen()

    # --- step 2: the secret question (RESET-1…3) -------------------------------------------
    @on(Button.Pressed, "#answer")
    @on(Input.Submitted, "#secret_answer")
    def _answer(self) -> None:
        self.answer()

    @work(exclusive=True, exit_on_error=False, group="reset")
    async def answer(self) -> None:
        self.clear_errors()
        email, birth, answer = (
            self.value("email"),
            self.value("birth_date"),
            self.value("secret_answer"),
        )
        try:
            queued = await self.call(
                lambda backend: backend.reset_answer(email, birth, answer),
                label=_("Vérification de votre réponse…"),
                propagate=(AccountLocked,),
            )
        except AccountLocked as locked:
            self.blocked(locked, email)
            return
        if queued is None:
            return
        self.queued = queued
        self.query_one("#field-secret_answer", Field).value = ""
        self._describe_code_step()
        self.go("step-code", focus="code")

    @on(Button.Pressed, "#forgot-question")
    def _forgot_question(self) -> None:
        from geg_tui.screens.contact import ForgottenQuestionScreen

        self.app.push_screen(ForgottenQuestionScreen(email=self.value("email")))

    @on(Button.Pressed, "#back-question")
    @on(Button.Pressed, "#back-code")
    def _back_button(self) -> None:
        self.action_back()

    # --- step 3: the code and the new password (RESET-3…5, RESET-7) ------------------------
    def _describe_code_step(self) -> None:
        email = self.value("email").strip()
        if self.queued is not None:
            text = _(
                "Un e-mail vous sera envoyé sous 24 h (au plus tard le {when}) à {email}. "
                "Il contient un code valable 24 heures, à saisir ci-dessous."
            ).format(when=format_datetime(self.queued.deliver_by), email=email)
        else:
            text = _(
                "Saisissez le code reçu par e-mail à {email} et votre nouveau mot de passe."
            ).format(email=email)
        self.query_one("#queued", Static).update(text)
        self._update_hint()

    @on(Input.Changed, "#new_password")
    def _password_changed(self) -> None:
        self._update_hint()

    def _update_hint(self) -> None:
        text, ok = password_hint(self.value("new_password"), self.value("email"))
        hint = self.query_one("#password-hint", Static)
        hint.update(text)
        hint.set_class(ok, "-ok")

    @on(Input.Submitted, "#code")
    def _code_submitted(self) -> None:
        self.query_one("#field-new_password", Field).input.focus()

    @on(Input.Submitted, "#new_password")
    def _password_submitted(self) -> None:
        self.query_one("#field-new_password_confirm", Field).input.focus()

    @on(Button.Pressed, "#complete")
    @on(Input.Submitted, "#new_password_confirm")
    @on(Input.Submitted, "#new_secret_answer")
    def _complete(self) -> None:
        self.complete()

    def action_toggle_password(self) -> None:
        hidden = not self.query_one("#field-new_password", Field).input.password
        for name in ("new_password", "new_password_confirm"):
            self.query_one(f"#field-{name}", Field).input.password = hidden
        self.query_one("#show", Button).label = (
            _("Afficher le mot de passe") if hidden else _("Masquer le mot de passe")
        )

    @on(Button.Pressed, "#show")
    def _show(self) -> None:
        self.action_toggle_password()

    @property
    def asks_question(self) -> bool:
        return self.query_one("#new-question").has_class("-shown")

    @work(exclusive=True, exit_on_error=False, group="reset")
    async def complete(self) -> None:
        self.clear_errors()
        email = self.value("email").strip()
        code, new, confirm = (
            self.value("code"),
            self.value("new_password"),
            self.value("new_password_confirm"),
        )
        question_id: int | None = None
        answer: str | None = None
        if self.asks_question:
            selected = self.query_one("#secret_question_id", Select).value
            question_id = selected if isinstance(selected, int) else None
            answer = self.value("new_secret_answer")

        async def call(backend: Backend) -> bool:
            await backend.reset_complete(
                email, code, new, confirm, secret_question_id=question_id, secret_answer=answer
            )
            return True

        try:
            done = await self.call(
                call, label=_("Enregistrement du mot de passe…"), propagate=(ValidationError,)
            )
        except ValidationError as error:
            if "secret_question_id" in error.fields and not self.asks_question:
                await self.ask_new_question()
            self.wizard.show_error(error)
            return
        if done:
            self.finished(email)

    async def ask_new_question(self) -> None:
        """RESET-7: the code came from customer service; a new secret question goes with it."""
        questions = await self.call(
            lambda backend: backend.secret_questions(),
            label=_("Chargement des questions secrètes…"),
        )
        if questions is None:
            return
        self.query_one("#field-secret_question_id", SelectField).set_options(
            [(question_text(q), q.id) for q in questions]
        )
        self.query_one("#new-question").add_class("-shown")

    def finished(self, email: str) -> None:
        """RESET-5: no automatic login; the login screen with the e-mail filled in."""
        from geg_tui.screens.login import LoginScreen

        for field in ("code", "new_password", "new_password_confirm", "new_secret_answer"):
            self.query_one(f"#field-{field}", Field).value = ""
        while len(self.app.screen_stack) > 2 and not isinstance(self.app.screen, LoginScreen):
            self.app.pop_screen()
        login = self.app.screen
        if isinstance(login, LoginScreen):
            login.query_one("#field-email", Field).value = email
            login.query_one("#field-password", Field).value = ""
            login.clear_errors()
            login.query_one(FormError).show(
                _(
                    "Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de "
                    "passe."
                ),
                info=True,
            )
            login.query_one("#field-password", Field).input.focus()

"""The signup wizard (SIGNUP-1…10), in the article's five steps (SIGNUP-9):

1. identifier (e-mail) and password typed twice, with the rules shown live (SIGNUP-1, SIGNUP-2);
2. contract reference, last invoice reference and amount (SIGNUP-3…6);
3. personal details: the identity on record, the birth date, the phone kept or replaced (SIGNUP-7);
4. secret question and answer (SIGNUP-8);
5. a summary to confirm; the backend checks everything again and creates the account (SIGNUP-10).

Every « Suivant » runs that step's backend check in a worker; an error lands next to its field (or
in the banner for a generic refusal) and nothing typed is lost. « Précédent » / Escape goes back
one step keeping everything but the two passwords, which are cleared (SIGNUP-9) and asked again
before the summary. On success the person is back on the login screen with the e-mail filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from geg_tui.api.limits import (
    ANSWER_MAX,
    ANSWER_MIN,
    CONTRACT_REF_DIGITS,
    EMAIL_MAX,
    INVOICE_REF_DIGITS,
    PASSWORD_MAX,
    PASSWORD_MIN,
)
from geg_tui.api.models import SignupIdentity, SignupRequest
from geg_tui.api.texts import question_text, support_hours
from geg_tui.i18n import _, _l
from geg_tui.labels import person_name
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError, MarkedRadioButton, SelectField
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.password_rules import PasswordRules
from geg_tui.widgets.steps import StepIndicator
from geg_tui.widgets.titlebar import TitleBar
from geg_tui.widgets.wizard import Wizard, WizardStep, WizardSteps

STEP_TITLES = (
    _l("Identifiant et mot de passe"),
    _l("Contrat"),
    _l("Coordonnées"),
    _l("Question secrète"),
    _l("Récapitulatif"),
)
STEP_SHORT = (
    _l("Identifiant"),
    _l("Contrat"),
    _l("Coordonnées"),
    _l("Question"),
    _l("Récapitulatif"),
)
LAST = len(STEP_TITLES)

MASKED_PASSWORD = "••••••••"


@dataclass(frozen=True, slots=True)
class SupportLine:
    phone: str = ""
    hours: str = ""


class SignupScreen(BaseScreen):
    """« Créer mon compte » in five steps."""

    HELP = _l(
        "Créez votre compte en 5 étapes, votre dernière facture à portée de main. "
        "Entrée ou «\u00a0Suivant\u00a0» valide l'étape ; Échap ou «\u00a0Précédent\u00a0» "
        "revient à l'étape précédente sans perdre vos saisies (les mots de passe sont à "
        "ressaisir). Rien n'est enregistré avant «\u00a0Créer mon compte\u00a0»."
    )
    RECOMPOSE_ON_LANGUAGE = False  # a switch of language would restart the wizard
    BINDINGS = [
        Binding(
            "escape",
            "back",
            _l("Précédent"),
            tooltip=_l("Revenir à l'étape précédente"),
            id="signup-previous",
        ),
        Binding("enter", "next", _l("Suivant"), tooltip=_l("Valider l'étape"), id="signup-next"),
        Binding(
            "f2",
            "toggle_password",
            _l("Afficher/masquer"),
            tooltip=_l("Afficher ou masquer les mots de passe"),
            id="show-password",
        ),
    ]
    CSS_PATH = "signup.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.identity: SignupIdentity | None = None
        self.support = SupportLine()
        # What each step looked like when the backend last accepted it (to skip it on re-entry).
        self._accepted: dict[int, tuple[object, ...]] = {}
        self._resume = False  # passwords were cleared: after step 1, go on where the person was
        self._questions: dict[int, str] = {}
        self.summary_rows: tuple[tuple[str, str], ...] = ()

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Wizard(id="signup"):
            yield StepIndicator(STEP_TITLES, STEP_SHORT, id="steps")
            with (
                VerticalScroll(id="signup-body"),
                WizardSteps(initial="step-1", id="wizard"),
            ):
                yield from self._identifier_step()
                yield from self._contract_step()
                yield from self._identity_step()
                yield from self._question_step()
                yield from self._summary_step()
            yield FormError(id="form-error")
            with Horizontal(classes="buttons", id="nav"):
                yield Button(_("◀ Annuler"), id="prev", compact=True)
                yield Button(_("Suivant ▶"), id="next", variant="primary", compact=True)
        yield KeyBar()

    def _identifier_step(self) -> ComposeResult:
        """Step 1: the e-mail that will be the identifier, the password twice and its rules."""
        with WizardStep(id="step-1"):
            yield Field(
                _("Identifiant (votre adresse e-mail)"),
                "email",
                placeholder=_("prenom.nom@exemple.fr"),
                max_length=EMAIL_MAX,
            )
            yield Field(
                _("Mot de passe ({min} à {max} caractères)").format(
                    min=PASSWORD_MIN, max=PASSWORD_MAX
                ),
                "password",
                password=True,
            )
            yield Field(_("Confirmez le mot de passe"), "password_confirm", password=True)
            yield PasswordRules(id="rules")
            with Horizontal(classes="buttons", id="show-row"):
                yield Button(_("Afficher les mots de passe (F2)"), id="show", compact=True)

    def _contract_step(self) -> ComposeResult:
        """Step 2: the three references of the last invoice that prove the contract is theirs."""
        with WizardStep(id="step-2"):
            yield Static(
                _(
                    "Munissez-vous de votre dernière facture : ces trois informations "
                    'figurent dans le bloc "votre contrat" de votre facture.'
                ),
                classes="hint",
            )
            yield Field(
                _("Référence contrat ({n} chiffres)").format(n=CONTRACT_REF_DIGITS),
                "contract_ref",
                placeholder="1234567890",
                restrict=r"[0-9 ]*",
                max_length=20,
            )
            yield Field(
                _("Référence de la dernière facture ({n} chiffres)").format(n=INVOICE_REF_DIGITS),
                "invoice_ref",
                placeholder="123456789012",
                restrict=r"[0-9 ]*",
                max_length=24,
            )
            yield Field(
                _("Montant TTC de cette facture (ex. 123,45 ou 1 234,56 €)"),
                "invoice_amount",
                placeholder=_("123,45"),
                max_length=20,
            )

    def _identity_step(self) -> ComposeResult:
        """Step 3: the birth date on record and the phone (kept or replaced)."""
        with WizardStep(id="step-3"):
            yield Static("", id="identity")
            yield Field(
                _("Date de naissance (JJ/MM/AAAA)"),
                "birth_date",
                placeholder=_("JJ/MM/AAAA"),
                restrict=r"[0-9/.\- ]*",
                max_length=10,
            )
            yield Static("", id="phone-on-record")
            with RadioSet(id="phone-choice", compact=True):
                yield MarkedRadioButton(_("Garder ce numéro"), value=True, id="phone-keep")
                yield MarkedRadioButton(_("Saisir un nouveau numéro"), id="phone-new")
            yield Field(
                _("Nouveau numéro (06 12 34 56 78 ou +33 6 12 34 56 78)"),
                "phone",
                placeholder="06 12 34 56 78",
                max_length=20,
            )
            yield Static("", id="support", classes="hint")

    def _question_step(self) -> ComposeResult:
        """Step 4: the secret question and its answer (checked before the summary)."""
        with WizardStep(id="step-4", check=check_question):
            yield Static(
                _(
                    "Elle vous sera posée si vous oubliez votre mot de passe. "
                    "La réponse ne tient compte ni des majuscules ni des accents."
                ),
                classes="hint",
            )
            yield SelectField(
                _("Question secrète"),
                "secret_question_id",
                prompt=_("Choisissez une question (Entrée)"),
            )
            yield Field(
                _("Réponse ({min} à {max} caractères)").format(min=ANSWER_MIN, max=ANSWER_MAX),
                "secret_answer",
                max_length=80,  # longer than allowed: the check says so, nothing is cut
            )

    def _summary_step(self) -> ComposeResult:
        """Step 5: what will be created, checked before anything is stored."""
        with WizardStep(id="step-5"):
            yield Static(
                _("Vérifiez vos informations. Rien n'est enregistré avant la validation."),
                classes="hint",
            )
            yield Static("", id="summary")

    def on_mount(self) -> None:
        for item in self.query(Input):
            # Focus comes back to a field after a refusal: keep its text, cursor at the end,
            # rather than selecting it all (the next key would replace what was typed).
            item.select_on_focus = False
        self.query_one("#field-phone", Field).display = False
        self._update_support()
        self._show_step(1)
        self.load_lists()

    # --- loading the lists -----------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="signup-lists")
    async def load_lists(self) -> None:
        """The secret questions (SIGNUP-8) and customer service's phone (SIGNUP-7)."""
        select = self.query_one("#field-secret_question_id", SelectField)
        questions = await self.backend_call(
            lambda backend: backend.secret_questions(),
            label=_("Chargement des questions secrètes…"),
            widget=select.select,
        )
        if questions:
            self._questions = {q.id: question_text(q) for q in questions}
            select.set_options([(question_text(q), q.id) for q in questions])
        info = await self.backend_call(
            lambda backend: backend.support_info(),
            label=_("Chargement des coordonnées du service client…"),
            widget=self.query_one("#support"),
        )
        if info is not None:
            self.support = SupportLine(info.phone, support_hours(info.hours))
            self._update_support()

    def _update_support(self) -> None:
        if self.support.phone:
            hours = self.support.hours
            text = _(
                "Identité ou date de naissance erronée ? Contactez le service client :\n"
                "☎ {phone}\n{hours}."
            ).format(phone=self.support.phone, hours=f"{hours[:1].upper()}{hours[1:]}")
        else:
            text = _("Identité ou date de naissance erronée ? Contactez le service client.")
        self.query_one("#support", Static).update(Text(text))

    # --- values ----------------------------------------------------------------------------
    def value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).value

    def keep_phone(self) -> bool:
        return self.query_one("#phone-keep", RadioButton).value

    def question_id(self) -> int | None:
        value = self.query_one("#field-secret_question_id", SelectField).value
        return None if value is None else int(value)

    def _snapshot(self, step: int) -> tuple[object, ...]:
        if step == 2:
            return tuple(self.value(n) for n in ("contract_ref", "invoice_ref", "invoice_amount"))
        if step == 3:
            phone = None if self.keep_phone() else self.value("phone")
            return (*self._snapshot(2), self.value("birth_date"), phone)
        if step == 4:
            return (self.question_id(), self.value("secret_answer"))
        return ()

    def request(self) -> SignupRequest:
        question = self.question_id()
        return SignupRequest(
            email=self.value("email").strip(),
            password=self.value("password"),
            password_confirm=self.value("password_confirm"),
            contract_ref=self.value("contract_ref"),
            invoice_ref=self.value("invoice_ref"),
            invoice_amount=self.value("invoice_amount"),
            birth_date=self.value("birth_date"),
            phone=None if self.keep_phone() else self.value("phone"),
            secret_question_id=question if question is not None else 0,
            secret_answer=self.value("secret_answer"),
        )

    # --- moving between steps --------------------------------------------------------------
    @property
    def wizard(self) -> Wizard:
        return self.query_one(Wizard)

    @property
    def step(self) -> int:
        """The current step, from 1."""
        return self.wizard.index()

    def _show_step(self, step: int) -> None:
        self.wizard.go(f"step-{step}", remember=False)
        self._step_shown()
        self._focus_step()

    def on_wizard_step_changed(self, event: Wizard.StepChanged) -> None:
        """Also when the form brings back the step of a field the backend refused."""
        self._step_shown()

    def _step_shown(self) -> None:
        """The indicator, the buttons and the keys of the step in view."""
        step = self.step
        self.query_one(StepIndicator).current = step
        prev = self.query_one("#prev", Button)
        prev.label = _("◀ Annuler") if step == 1 else _("◀ Précédent")
        prev.tooltip = (
            _("Revenir à la connexion") if step == 1 else _("Revenir à l'étape précédente")
        )
        nxt = self.query_one("#next", Button)
        nxt.label = _("Créer mon compte") if step == LAST else _("Suivant ▶")
        nxt.variant = "success" if step == LAST else "primary"
        for button in (prev, nxt):  # a new label does not resize the button by itself
            button.refresh(layout=True)
        if step == LAST:
            self._render_summary()
        self.query_one("#signup-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def _focus_step(self) -> None:
        if self.step == LAST:
            self.query_one("#next", Button).focus()
            return
        if self.step == 4 and self.question_id() is not None:
            self.query_one("#field-secret_answer", Field).input.focus()
            return
        # Back on step 1 with the e-mail kept: straight to the (cleared) password; on step 4,
        # the question while none is chosen.
        self.wizard.focus_first_field(empty_first=self.step == 1)

    def action_back(self) -> None:
        """Escape: one step back (SIGNUP-9), or back to login from the first step."""
        self.workers.cancel_group(self, "signup-step")
        self.query_one("#signup-body").loading = False
        if self.step == 1:
            self.app.pop_screen()
            return
        self.clear_errors()
        self._clear_passwords()
        self._show_step(self.step - 1)
        if self.step == 1:
            self.query_one(FormError).show(
                _("Par sécurité, saisissez à nouveau votre mot de passe."), info=True
            )

    def _clear_passwords(self) -> None:
        """SIGNUP-9: going back keeps everything typed except the passwords."""
        for name in ("password", "password_confirm"):
            self.query_one(f"#field-{name}", Field).value = ""
        self._resume = True
        self._update_rules()

    def action_next(self) -> None:
        self.submit_step(self.step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_password":
            return self.step == 1
        return True

    def action_toggle_password(self) -> None:
        if self.step != 1:
            return
        inputs = [self.query_one(f"#{n}", Input) for n in ("password", "password_confirm")]
        hidden = not inputs[0].password
        for item in inputs:
            item.password = hidden
        self.query_one("#show", Button).label = (
            _("Afficher les mots de passe (F2)") if hidden else _("Masquer les mots de passe (F2)")
        )

    # --- events ----------------------------------------------------------------------------
    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#prev")
    def _prev_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#show")
    def _show_pressed(self) -> None:
        self.action_toggle_password()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    @on(Input.Changed, "#email, #password, #password_confirm")
    def _password_typed(self) -> None:
        self._update_rules()

    def _update_rules(self) -> None:
        self.query_one(PasswordRules).check(
            self.value("password"), self.value("password_confirm"), self.value("email")
        )

    @on(RadioSet.Changed, "#phone-choice")
    def _phone_choice(self) -> None:
        field = self.query_one("#field-phone", Field)
        field.display = not self.keep_phone()
        if field.display:
            field.set_error(None)

    @on(Select.Changed, "#secret_question_id")
    def _question_chosen(self) -> None:
        self.query_one("#field-secret_question_id", SelectField).set_error(None)

    # --- each step's check -----------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="signup-step")
    async def submit_step(self, step: int) -> None:
        self.clear_errors()
        before = self.focused
        body = self.query_one("#signup-body")
        if step == 1:
            email, pw, confirm = (
                self.value("email"),
                self.value("password"),
                self.value("password_confirm"),
            )
            ok = await self.backend_call(
                lambda b: _done(b.signup_check_credentials(email, pw, confirm)),
                label=_("Vérification de l'identifiant et du mot de passe…"),
                widget=body,
            )
            if ok is None or self.step != step:
                self._restore_focus(before)
                return
            if self._resume:
                self._resume = False
                later = [s for s in (2, 3, 4) if self._accepted.get(s) != self._snapshot(s)]
                self._show_step(later[0] if later else LAST)
            else:
                self._show_step(2)
        elif step == 2:
            contract, invoice, amount = self._snapshot(2)
            identity = await self.backend_call(
                lambda b: b.signup_check_contract(contract, invoice, amount),  # type: ignore[arg-type]
                label=_("Vérification du contrat…"),
                widget=body,
            )
            if identity is None or self.step != step:
                self._restore_focus(before)
                return
            self._accepted[2] = (contract, invoice, amount)
            self._set_identity(identity)
            self._show_step(3)
        elif step == 3:
            snapshot = self._snapshot(3)
            contract, invoice, amount, birth, phone = snapshot
            ok = await self.backend_call(
                lambda b: _done(
                    b.signup_check_personal(contract, invoice, amount, birth, phone)  # type: ignore[arg-type]
                ),
                label=_("Vérification de vos informations personnelles…"),
                widget=body,
            )
            if ok is None or self.step != step:
                self._restore_focus(before)
                return
            self._accepted[3] = snapshot
            self._show_step(4)
        elif step == 4:
            if not self.wizard.check_step():  # SIGNUP-8, the step's own check
                return
            self._accepted[4] = self._snapshot(4)
            if not self.value("password") or not self.value("password_confirm"):
                # SIGNUP-9 cleared them on the way back: ask them again, then the summary.
                self._resume = True
                self._show_step(1)
                self.query_one(FormError).show(
                    _("Saisissez à nouveau votre mot de passe pour terminer."), info=True
                )
                return
            self._show_step(LAST)
        else:
            await self._confirm(before)

    def _restore_focus(self, before: Widget | None) -> None:
        """After a refusal (the loading indicator took the focus away): the first field in
        error, else where the person was."""
        if self.wizard.focus_first_error():
            return
        if before is not None and before.is_attached and before.focusable:
            before.focus()
        else:
            self._focus_step()

    def _set_identity(self, identity: SignupIdentity) -> None:
        self.identity = identity
        self.query_one("#identity", Static).update(
            Text.assemble(
                (_("Titulaire du contrat : "), "bold"),
                person_name(identity.identity),
            )
        )
        keep = self.query_one("#phone-keep", RadioButton)
        record = self.query_one("#phone-on-record", Static)
        if identity.masked_phone:
            record.update(
                Text.assemble((_("Téléphone enregistré : "), "bold"), identity.masked_phone)
            )
            keep.disabled = False
        else:
            record.update(Text(_("Aucun téléphone enregistré : vous pouvez en indiquer un.")))
            self.query_one("#phone-new", RadioButton).value = True
            keep.disabled = True

    def _render_summary(self) -> None:
        request = self.request()
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        amount = request.invoice_amount.strip()
        if "€" not in amount:  # as typed, with the currency where the reader's language puts it
            amount = _("{amount} €").format(amount=amount)
        identity = person_name(self.identity.identity) if self.identity else ""
        if request.phone:
            phone = _("{phone} (nouveau numéro)").format(phone=request.phone)
        elif self.identity and self.identity.masked_phone:
            phone = _("{phone} (numéro enregistré conservé)").format(
                phone=self.identity.masked_phone
            )
        else:
            phone = _("aucun")
        question = self._questions.get(request.secret_question_id, "")
        rows = (
            (_("Identifiant"), request.email),
            (_("Mot de passe"), MASKED_PASSWORD),
            (_("Contrat"), request.contract_ref),
            (_("Dernière facture"), f"{request.invoice_ref} — {amount}"),
            (_("Titulaire"), identity),
            (_("Date de naissance"), request.birth_date),
            (_("Téléphone"), phone),
            (_("Question secrète"), question),
            (_("Réponse"), request.secret_answer.strip()),
        )
        self.summary_rows = rows
        for label, value in rows:
            grid.add_row(label, Text(value))
        self.query_one("#summary", Static).update(grid)

    async def _confirm(self, before: Widget | None) -> None:
        """SIGNUP-10: the backend checks everything again and creates the account."""
        request = self.request()
        account = await self.backend_call(
            lambda b: b.signup_confirm(request),
            label=_("Création de votre compte…"),
            widget=self.query_one("#signup-body"),
        )
        if account is None or self.step != LAST:
            self._restore_focus(before)
            return
        from geg_tui.screens.login import LoginScreen

        message = _(
            "Votre compte est créé ; un e-mail de bienvenue a été envoyé à {email}. "
            "Connectez-vous avec votre mot de passe."
        ).format(email=account.email)
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        self.app.pop_screen()
        if isinstance(below, LoginScreen):
            email = below.query_one("#field-email", Field)
            email.value = account.email
            email.set_error(None)
            password = below.query_one("#field-password", Field)
            password.value = ""
            password.set_error(None)
            below.query_one(FormError).show(message, info=True)
            password.input.focus()


def check_question(values: Mapping[str, Any]) -> dict[str, str]:
    """SIGNUP-8, step 4's own check (there is no backend call for this step; the backend
    checks it again on confirmation): a question chosen, an answer of 3 to 50 characters."""
    errors: dict[str, str] = {}
    if values.get("secret_question_id") is None:
        errors["secret_question_id"] = _("Choisissez une question secrète dans la liste.")
    answer = str(values.get("secret_answer") or "").strip()
    if len(" ".join(answer.split())) < ANSWER_MIN:
        errors["secret_answer"] = _("La réponse doit contenir au moins {n} caractères.").format(
            n=ANSWER_MIN
        )
    elif len(answer) > ANSWER_MAX:
        errors["secret_answer"] = _("La réponse ne peut pas dépasser {n} caractères.").format(
            n=ANSWER_MAX
        )
    return errors


async def _done(call: object) -> bool:
    """Await a call that returns nothing and say it succeeded (``None`` means refused)."""
    await call  # type: ignore[misc]
    return True

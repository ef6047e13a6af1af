"""Login (AUTH-1, LOCK-2, SEC-5): e-mail, password (show/hide), « se souvenir de moi », and the
ways out for a person who cannot log in: signup, forgotten password, forgotten identifier."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Static

from geg_tui.api.errors import AccountLocked, AuthError
from geg_tui.config import keyring_status
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import CheckField, Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

# After the first frame, how long the frames Textual draws right after it may take before the
# start's deferred work runs (``LoginScreen._after_first_frame``).
SETTLED_S = 0.15


class LoginScreen(BaseScreen):
    """The first screen. With ``relogin`` it sits over the screen whose session expired."""

    HELP = _l(
        "Connectez-vous avec l'adresse e-mail de votre compte GEG et votre mot de passe. "
        "Pas encore de compte ? Créez-le avec votre dernière facture à portée de main."
    )
    BINDINGS = [
        Binding(
            "f2",
            "toggle_password",
            _l("Afficher/masquer"),
            tooltip=_l("Afficher le mot de passe"),
            id="show-password",
        ),
        Binding("f5", "open('inscription')", _l("Créer un compte"), id="open-signup"),
        Binding("f6", "open('mot_de_passe_oublie')", _l("Mot de passe oublié"), id="open-reset"),
        Binding(
            "f7", "open('identifiant_oublie')", _l("Identifiant oublié"), id="open-forgotten-id"
        ),
    ]
    ESSENTIAL_KEYS = ("open-signup", "open-reset")  # before F2 in the key bar at 80 columns
    # Its rules (login.tcss) are read with the app's (``GegApp.CSS_PATH``): see there why.

    # The e-mail field has the focus from the start: set as the screen is first shown rather
    # than by ``focus()`` once mounted, which restyled the whole screen a second time (a sixth
    # of the time to a usable login screen, benchmarks/bench_startup.py).
    AUTO_FOCUS = "#email"

    def __init__(
        self, *, message: str | None = None, relogin: bool = False, email: str | None = None
    ) -> None:
        """``email``: the account whose session expired (filled in, the password to type)."""
        super().__init__()
        self.message = message
        self._shown_once = False
        self.relogin = relogin
        self.email = email

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="login-box"), Form(id="login-form"):
            title = (
                _("Session expirée — reconnectez-vous")
                if self.relogin
                else _("Connexion à mon espace client")
            )
            yield Static(title, classes="screen-title")
            yield Field(
                _("Identifiant (adresse e-mail)"), "email", placeholder=_("prenom.nom@exemple.fr")
            )
            yield Field(_("Mot de passe"), "password", password=True)
            # Whether the keyring is secure is found after the first paint (importing keyring
            # and its backends costs a tenth of a second): until then the option is off.
            yield CheckField(_("Se souvenir de moi"), "remember", disabled=True)
            yield Static("", classes="hint", id="remember-reason").set_styles("display: none;")
            yield FormError(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Se connecter"), variant="primary", id="login", compact=True)
                yield Button(_("Afficher le mot de passe"), id="show", compact=True)
            with Horizontal(classes="buttons", id="links"):
                yield Button(_("Créer mon compte"), id="signup", variant="default", compact=True)
                yield Button(_("Mot de passe oublié"), id="forgot", compact=True)
                yield Button(_("Identifiant oublié"), id="forgot-id", compact=True)
            if self.geg.demo_hint:
                yield Static(self.geg.demo_hint, id="demo")
        yield KeyBar()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first time the screen is shown, Textual restyles every widget of it although
        mounting has just styled them, and nothing has changed between the two (the focus
        restyles the widgets it moves between by itself): that second pass is skipped, the
        later ones (back from another screen, a theme change) are not."""
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False
        # No ``super()`` call: Textual calls ``Screen._on_screen_resume`` itself after this one
        # (its handlers are looked up along the class's MRO), with the event as changed here.

    def on_mount(self) -> None:
        if self.message:
            self.query_one(FormError).show(self.message)
        self._prefill(self.email or self.geg.settings.remembered_email())
        if self.email:  # after a session expiry: the e-mail is known, the password is asked
            self.query_one("#field-password", Field).input.focus()
        elif not self.app.app_focus:  # AUTO_FOCUS waits for the terminal's focus: not the form
            self.query_one("#field-email", Field).input.focus()
        if self.geg.defer_keyring_check:
            self.call_after_refresh(self._after_first_frame)
        else:
            self._keyring_ready(*self._keyring_facts())
            self.call_after_refresh(self.geg.first_screen_painted)

    def _after_first_frame(self) -> None:
        """Textual draws the screen again two or three times in the 40 ms or so after its first
        frame (the sizes the first layout found, the mount's own refresh, the key bar once the
        bindings are known), with no moment between them to be called back in. The garbage
        collection (a full one, a twentieth of the start) and the keyring's thread (its imports
        hold the interpreter) wait until those are out rather than delaying them: before the
        app's first frame was whole (``GegApp.on_mount``), the one with the fields was among
        them (benchmarks/bench_startup_pty.py)."""
        self.set_timer(SETTLED_S, self._settled)

    def _settled(self) -> None:
        self.geg.first_screen_painted()
        self.check_keyring()

    def _keyring_facts(self) -> tuple[bool, str | None, str | None, str | None]:
        """SEC-5: is the keyring secure (else why not), and the remembered e-mail and password."""
        status = keyring_status()
        email = self.geg.settings.remembered_email()
        password = None
        if status.secure and email and self.geg.auto_login and not self.relogin:
            password = self.geg.settings.remembered_password(email)
        return status.secure, status.reason, email, password

    @work(thread=True, exit_on_error=False, group="keyring")
    def check_keyring(self) -> None:
        """In a thread: importing keyring and its backends costs a tenth of a second."""
        self.app.call_from_thread(self._keyring_ready, *self._keyring_facts())

    def _keyring_ready(
        self, secure: bool, reason: str | None, email: str | None, password: str | None
    ) -> None:
        box = self.query_one("#remember", Checkbox)
        box.disabled = not secure
        box.tooltip = reason
        box.value = bool(secure and email)
        reason_line = self.query_one("#remember-reason", Static)
        reason_line.update(_("(indisponible : pas de trousseau sécurisé sur ce système)"))
        reason_line.display = not secure
        if email and password:
            self.query_one(FormError).show(_("Connexion automatique…"), info=True)
            self.geg.live_secrets.add(password)  # in no field: the failure log is told
            self.login(email, password, remember=True, automatic=True)

    def _prefill(self, email: str | None) -> None:
        field = self.query_one("#field-email", Field)
        if email and not field.value:
            field.value = email
            self.query_one("#remember", Checkbox).value = not self.query_one(
                "#remember", Checkbox
            ).disabled

    def reset(self, message: str | None = None) -> None:
        """Back to an empty form after logout (the remembered e-mail is gone too)."""
        self.query_one("#field-password", Field).value = ""
        self.query_one("#field-email", Field).value = ""
        self.query_one("#remember", Checkbox).value = False
        self.clear_errors()
        if message:
            self.query_one(FormError).show(message, info=True)
        self.query_one("#field-email", Field).input.focus()

    # --- actions ---------------------------------------------------------------------------
    def action_toggle_password(self) -> None:
        field = self.query_one("#field-password", Field)
        field.input.password = not field.input.password
        self.query_one("#show", Button).label = (
            _("Masquer le mot de passe")
            if not field.input.password
            else _("Afficher le mot de passe")
        )

    def action_open(self, name: str) -> None:
        self.geg.open_screen(name)

    def action_back(self) -> None:
        """Escape on the login screen does nothing: there is nothing behind it."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No « Retour » in the footer where there is nothing to go back to."""
        return action != "back"

    @on(Button.Pressed, "#show")
    def _show(self) -> None:
        self.action_toggle_password()

    @on(Button.Pressed, "#signup")
    def _signup(self) -> None:
        self.action_open("inscription")

    @on(Button.Pressed, "#forgot")
    def _forgot(self) -> None:
        self.action_open("mot_de_passe_oublie")

    @on(Button.Pressed, "#forgot-id")
    def _forgot_id(self) -> None:
        self.action_open("identifiant_oublie")

    @on(Button.Pressed, "#login")
    def _submit(self) -> None:
        email = self.query_one("#field-email", Field).value
        password = self.query_one("#field-password", Field).value
        self.login(email, password, remember=self.query_one("#remember", Checkbox).value)

    def on_input_submitted(self) -> None:
        self._submit()

    @work(exclusive=True, exit_on_error=False, group="login")
    async def login(
        self, email: str, password: str, *, remember: bool, automatic: bool = False
    ) -> None:
        self.clear_errors()
        try:
            session = await self.backend_call(
                lambda backend: backend.login(email, password),
                label=_("Connexion…"),
                widget=self.query_one("#login-box"),
                propagate=(AccountLocked, AuthError) if automatic else (AccountLocked,),
            )
        except (AccountLocked, AuthError) as refused:
            if automatic:
                # A remembered password that no longer works is forgotten at once: trying it
                # again at every start would block the account (LOCK-1).
                self.geg.settings.forget()
                self.query_one("#remember", Checkbox).value = False
                self.query_one(FormError).show(
                    _(
                        "Le mot de passe enregistré ne fonctionne plus : saisissez-le pour vous connecter."
                    )
                )
            if isinstance(refused, AccountLocked):
                from geg_tui.screens.blocked import BlockedScreen

                self.app.push_screen(BlockedScreen(refused.until, email))
            return
        if session is None:
            return
        if remember:
            self.geg.settings.remember(session.email, password)
        elif not self.relogin:
            self.geg.settings.forget()
        self.query_one("#field-password", Field).value = ""
        self.geg.logged_in(session)

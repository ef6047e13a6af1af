"""The Textual application: the session, the backend, navigation between screens.

Screens talk to the ``Backend`` interface only (DESIGN.md). The backend is built lazily, in a
worker thread, by the factory the command line gives (so the login screen is ready before the
fake backend's SQLite file is opened), and shared by every screen through ``get_backend``.
An expired session pushes the login screen over the current one; logging in again pops it, and
the person is back where they were (the screen reloads on resume).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from geg_tui import failures
from geg_tui.api.errors import BackendUnavailable, SessionExpired
from geg_tui.config import Settings
from geg_tui.failure_guard import GuardedDispatch
from geg_tui.i18n import _, _l

if TYPE_CHECKING:  # the models are imported by the first backend call, not at start-up
    from textual.dom import DOMNode

    from geg_tui.api.backend import Backend
    from geg_tui.api.models import Session

BackendFactory = Callable[[], "Backend"]


class GegApp(GuardedDispatch, App[None]):
    """« GEG Mon Compte » in a terminal."""

    # The login screen's rules are read with the app's: a screen's own ``CSS_PATH`` makes
    # Textual parse the whole stylesheet again (every widget's default CSS) and restyle every
    # node once more when the screen is first shown, and the login screen is always shown.
    CSS_PATH = ["app.tcss", "screens/login.tcss"]
    TITLE = _l("GEG Mon Compte")  # type: ignore[assignment]  # made a str by App.__init__
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", _l("Quitter"), priority=True, id="quit"),
        # Textual adds this one itself, in English and without an id, unless the app has it.
        Binding(
            "ctrl+p",
            "command_palette",
            _l("Palette"),
            show=False,
            priority=True,
            tooltip=_l("Ouvrir la palette de commandes"),
            id="command-palette",
        ),
    ]

    def __init__(
        self,
        backend_factory: BackendFactory,
        *,
        settings: Settings | None = None,
        demo_hint: str | None = None,
        cursor_blink: bool = True,
        auto_login: bool = True,
        owns_backend: bool = True,
        defer_keyring_check: bool = True,
        resume_gc: bool = False,
        watch_terminal: bool = False,
        session: Session | None = None,
        log_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self._factory = backend_factory
        self._backend: Backend | None = None
        self._backend_lock = asyncio.Lock()
        self.settings = settings or Settings()
        self.demo_hint = demo_hint
        self.cursor_blink = cursor_blink
        self.auto_login = auto_login
        self.session: Session | None = None
        self._expired_email: str | None = None
        self.owns_backend = owns_backend  # tests share one backend between app runs
        # The keyring is checked after the first paint, in a thread (its import is slow);
        # tests check it at once so that every snapshot sees the same screen.
        self.defer_keyring_check = defer_keyring_check
        # ``geg-tui`` pauses the garbage collector while it starts (cli.run_tui): it resumes
        # after the first paint, what was built by then frozen (never collected, never walked).
        self.resume_gc = resume_gc
        # Started on a terminal (``geg-tui``, not a test): end when it is gone (see
        # ``_terminal_gone``).
        self.watch_terminal = watch_terminal
        self._clashes_said: set[tuple[str, ...]] = set()
        # Secrets in use that no field shows (the keyring's password during an automatic
        # login): scrubbed from the failure log like the typed ones.
        self.live_secrets: set[str] = set()
        # A session already open (tests whose subject is not the login: typing it in every
        # Pilot test was a tenth of its time): the app starts on home, as after a login.
        self._opening_session = session
        # Unexpected failures: their details go there (``$GEG_TUI_LOG_DIR`` or the user log
        # directory when ``log_dir`` is not given), opened at the first one.
        self.failure_log = failures.FailureLog(log_dir)

    # --- backend and session ---------------------------------------------------------------
    async def get_backend(self) -> Backend:
        """The backend, built once (in a thread: opening the fake backend does file I/O)."""
        async with self._backend_lock:
            if self._backend is None:
                try:
                    self._backend = await asyncio.to_thread(self._factory)
                except Exception as exc:  # a data file that cannot be opened, a bad URL…
                    raise BackendUnavailable(
                        _("Impossible d'ouvrir le service : {reason}").format(reason=exc)
                    ) from exc
            return self._backend

    @property
    def token(self) -> str:
        if self.session is None:
            raise SessionExpired()
        return self.session.token

    def logged_in(self, session: Session) -> None:
        """After a successful login: home, or back to where an expired session left off."""
        from geg_tui.screens.home import HomeScreen
        from geg_tui.screens.login import LoginScreen

        previous, self._expired_email = self._expired_email, None
        self.session = session
        screen = self.screen
        if isinstance(screen, LoginScreen) and screen.relogin:
            if previous is not None and previous != session.email:
                # Someone else logged in: nothing of the previous customer stays on screen.
                while len(self.screen_stack) > 2:
                    self.pop_screen()
                self.push_screen(HomeScreen())
                return
            self.pop_screen()
            self.notify(_("Vous êtes reconnecté·e."), timeout=3)
        else:
            self.push_screen(HomeScreen())

    def session_expired(self, message: str) -> None:
        from geg_tui.screens.login import LoginScreen

        if self.session is not None:
            self._expired_email = self.session.email
        self.session = None
        if not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen(message=message, relogin=True, email=self._expired_email))

    async def logout(self) -> None:
        """AUTH-4 and SEC-5: the session ends and « se souvenir de moi » is forgotten."""
        from geg_tui.screens.login import LoginScreen

        session, self.session = self.session, None
        self.settings.forget()
        if session is not None and self._backend is not None:
            with contextlib.suppress(Exception):  # the session ends here whatever the server says
                await self._backend.logout(session.token)
        while not isinstance(self.screen, LoginScreen) or self.screen.relogin:
            self.pop_screen()
        self.screen.reset(_("Vous êtes déconnecté·e."))

    # --- unexpected failures (geg_tui.failures) ---------------------------------------------
    def report_failure(
        self,
        error: BaseException,
        *,
        screen: Screen | None = None,
        worker: Worker[Any] | None = None,
        what: str | None = None,
    ) -> None:
        """An exception nobody expected: its details (scrubbed) to the log, a notice to the
        person, the app kept running with everything typed, and the tests told."""
        try:
            screen = screen or self.screen
        except Exception:  # no screen yet (start-up): the app's name stands for it
            screen = None
        what = what or failures.activity_of(error) or _activity(screen)
        failure = failures.Failure(
            error, what, type(screen).__name__ if screen else "—", worker.name if worker else None
        )
        failures.record(failure)
        path = self.failure_log.write(failures.details(failure, self._secrets(screen)))
        self.notify(
            failures.notice(what, path),
            title=_("Erreur inattendue"),
            severity="error",
            timeout=15,
            markup=False,  # the log's path may hold « [ » « ] »: text, not markup
        )

    def _secrets(self, screen: Screen | None) -> list[str]:
        """What must never reach the log: the session token and every value typed on screen."""
        from textual.widgets import Input, TextArea

        found = [self.session.token] if self.session is not None else []
        found += self.live_secrets
        for node in (screen, *self.screen_stack) if screen else self.screen_stack:
            found += [field.value for field in node.query(Input)]
            found += [area.text for area in node.query(TextArea)]
        return found

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (logout from the command palette)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.error, worker=event.worker)

    def report_dispatch_failure(self, error: Exception, message: Message) -> None:
        """A key binding's action (they run in the app's loop) raised: reported, the app goes
        on (``GuardedDispatch``)."""
        self.report_failure(error)

    def _handle_exception(self, error: Exception) -> None:
        """What still reaches Textual's crash path (a screen that cannot be built) is logged
        too, before Textual closes the app as it does."""
        with contextlib.suppress(Exception):
            screen = type(self.screen_stack[-1]).__name__ if self.screen_stack else "—"
            failure = failures.Failure(error, _("Affichage"), screen, None)
            failures.record(failure)
            self.failure_log.write(failures.details(failure, self._secrets(None)))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual's crash report, without the locals of every frame it prints by default (a
        typed password, a card number may be among them)."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # --- navigation ------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = "textual-dark"
        # Textual mounts the app inside a batch of updates (nothing drawn until its ``Mount``
        # has been handled, including what is pushed from here). A login screen pushed here was
        # laid out and drawn in that batch, and the frame thrown away: the first frame on the
        # terminal was then a partial one, the whole screen another layout later. Pushed just
        # after the batch, its first frame is the whole screen (benchmarks/bench_startup_pty.py).
        self.call_later(self._open_first_screen)

    def _open_first_screen(self) -> None:
        from geg_tui.screens.login import LoginScreen

        self.push_screen(LoginScreen())
        self.apply_user_keymap()
        if self._opening_session is not None:
            session, self._opening_session = self._opening_session, None
            self.logged_in(session)  # the login screen stays below, for logout and expiry

    def apply_user_keymap(self) -> None:
        """The person's keys from ``config.toml`` (``[keymap]``); each entry left out is said
        in the person's language, and the app starts with the original key for it."""
        keymap = self.settings.keymap()
        if keymap.keys:
            self.set_keymap(keymap.keys)
        if keymap.problems:
            self.notify(
                "\n".join(keymap.problems),
                title=_("Touches personnalisées (config.toml)"),
                severity="warning",
                timeout=15,
                markup=False,  # « [keymap] » is text, not a markup tag
            )

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """Two keys of the keymap (or one of it and a default key) on one screen: say it once."""
        ids = sorted({b.id or b.action for b in clashed_bindings})
        if tuple(ids) in self._clashes_said:
            return
        self._clashes_said.add(tuple(ids))
        self.notify(
            _(
                "Votre keymap reprend une touche déjà utilisée ({ids}) : sur cet écran, elle "
                "sert à l'action de votre keymap. Vérifiez [keymap] dans config.toml."
            ).format(ids=", ".join(ids)),
            title=_("Touches personnalisées (config.toml)"),
            severity="warning",
            markup=False,  # « [keymap] » is text, not a markup tag
            timeout=10,
        )

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Textual restyles a widget at each change of its classes, even one just built and
        not mounted yet (a ``Button`` sets three classes in its constructor, an ``Input`` two):
        on the login screen, 14 restyles before it is mounted. Mounting styles every widget
        anyway (``App._register``), so a widget with no parent yet is left to it."""
        if node is not self and node._parent is None:
            return
        super().update_styles(node, animate=animate)

    def first_screen_painted(self) -> None:
        """Called by the login screen after its first paint: the start is over."""
        if self.watch_terminal:
            self.watch_terminal = False
            self.set_interval(2.0, self._terminal_gone, name="terminal-watch")
        if self.resume_gc:
            self.resume_gc = False
            gc.collect()  # the start's own garbage first: frozen objects are never collected
            gc.freeze()
            gc.enable()

    def _terminal_gone(self) -> None:
        """The terminal window was closed and nobody told us (``make run`` in a closed tmux:
        no SIGHUP reached this process, which then read a dead terminal at full CPU): a
        terminal that no longer answers has nobody behind it, so the app ends."""
        import os

        try:
            os.tcgetpgrp(0)
        except OSError:  # EIO / ENOTTY: hung up
            self.exit()

    def open_screen(self, name: str) -> None:
        """Open a screen by its name (command palette, home menu)."""
        from geg_tui.screens import registry

        screen = registry.build(name, logged_in=self.session is not None)
        if screen is not None:
            self.push_screen(screen)

    def back_to(self, screen_type: type[Screen]) -> None:
        """Back to the nearest ``screen_type`` under the current screen (the screens above it
        closed), or, when there is none, to a new one in place of the current screen."""
        below = self.screen_stack[:-1]
        if not any(isinstance(screen, screen_type) for screen in below):
            self.switch_screen(screen_type())
            return
        while not isinstance(self.screen, screen_type):
            self.pop_screen()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from geg_tui.screens import registry

        for entry in registry.entries(logged_in=self.session is not None):
            yield SystemCommand(str(entry.title), str(entry.help), self._opener(entry.name))
        if self.session is not None:
            yield SystemCommand(_("Se déconnecter"), _("Fermer la session"), self._logout_now)
        yield from self.own_system_commands(screen)

    def own_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands that make sense here, in the person's language. Left out:
        the SVG screenshot (a file with Textual's English words, of a screen that may show
        personal data)."""
        yield SystemCommand(
            _("Touches et aide"), _("Les touches de cet écran et ce qu'elles font"), self._help_now
        )
        yield SystemCommand(_("Thème"), _("Changer les couleurs de geg-tui"), self.search_themes)
        if screen.maximized is not None:
            yield SystemCommand(
                _("Rétablir"),
                _("Rendre à la zone agrandie sa taille normale"),
                screen.action_minimize,
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                _("Agrandir"), _("Agrandir la zone active à tout l'écran"), screen.action_maximize
            )
        yield SystemCommand(_("Quitter"), _("Quitter geg-tui"), self.action_quit)

    # --- Textual's own words, in the person's language -------------------------------------
    def action_command_palette(self) -> None:
        """Ctrl+P (and the title bar's icon): the palette with geg-tui's words."""
        from textual.command import CommandPalette

        from geg_tui.widgets.palette import GegCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(GegCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from geg_tui.widgets.palette import GegCommandPalette

        self.push_screen(
            GegCommandPalette(providers=[ThemeProvider], placeholder=_("Chercher un thème…"))
        )

    def action_show_help_panel(self) -> None:
        """Textual's keys panel would list its widgets' keys in English: F1's help instead."""
        self._help_now()

    def _help_now(self) -> None:
        from geg_tui.screens.base import BaseScreen

        if isinstance(self.screen, BaseScreen):
            self.screen.action_help()

    def _opener(self, name: str) -> Callable[[], Any]:
        return lambda: self.open_screen(name)

    def _logout_now(self) -> None:
        self.run_worker(self.logout(), exclusive=True, group="logout", exit_on_error=False)

    async def on_unmount(self) -> None:
        self.failure_log.close()
        if self._backend is not None and self.owns_backend:
            await self._backend.close()


def _activity(screen: Screen | None) -> str:
    """What failed, in the person's words, when no loading was under way: what the screen is
    loading or sending now, else the screen's title. (A worker's description is Python.)"""
    activity = getattr(screen, "activity", None)
    if activity:
        return str(activity)
    title = getattr(screen, "title", None) or _("GEG Mon Compte")
    return _("écran « {title} »").format(title=title)

"""What every screen shares: Escape goes back, F1 shows the screen's keys, and backend calls
that keep the form as typed, show errors next to the right field, and send an expired
session back to login (then back here)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from geg_tui import failures
from geg_tui.api.errors import BackendError, SessionExpired
from geg_tui.failure_guard import GuardedDispatch
from geg_tui.i18n import LazyText, _, _l, current_language
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.loading import LabelledLoading

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.app import GegApp

T = TypeVar("T")


class BaseScreen(GuardedDispatch, Screen[Any]):
    """A screen of geg-tui (``HELP`` is the F1 text; bindings are listed with it).

    An unexpected exception in one of its workers or message handlers is reported by the app
    (``GegApp.report_failure``: a notice, the log) and the screen goes on as it was."""

    # F1's text (``_l("…")``: read in the language of the moment by ``help_text``).
    HELP: ClassVar[str | LazyText] = ""
    # Binding ids the key bar shows first, after F1, most needed first (widgets/keybar.py);
    # the others follow as bound, and those that do not fit at 80 columns are behind F1.
    ESSENTIAL_KEYS: ClassVar[tuple[str, ...]] = ()
    BINDINGS = [
        Binding(
            "escape", "back", _l("Retour"), tooltip=_l("Revenir à l'écran précédent"), id="back"
        ),
        Binding("f1", "help", _l("Aide"), tooltip=_l("Les touches de cet écran"), id="help"),
    ]

    activity: str | None = None  # the label of the loading indicator shown, if any

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name, id, classes)
        self._activities: list[str] = []  # the labels of the calls under way, latest last
        self._language = current_language()  # the language this screen was composed in

    @property
    def geg(self) -> GegApp:
        return self.app  # type: ignore[return-value]

    # --- unexpected failures (geg_tui.failures) ------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (they are declared ``exit_on_error=False``): never silent."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.geg.report_failure(event.worker.error, screen=self, worker=event.worker)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # --- loading what the screen shows ---------------------------------------------------
    # A screen of backend data has a ``load`` worker that sets ``_loaded`` once it has shown
    # it. ``LOADS_ONCE``: it loads when first shown, and again when shown while not loaded yet
    # (back from the login after an expired session); a screen that must load on every return
    # (a payment made meanwhile) has its own ``on_screen_resume``, called beside this one
    # (``_on_screen_resume`` below). F5 (``reload``) loads again.
    LOADS_ONCE: ClassVar[bool] = False
    _loaded = False

    def action_reload(self) -> None:
        load = getattr(self, "load", None)
        if callable(load):
            load()

    # --- a language switch (the settings screen) -------------------------------------------
    # Screens still on the stack were composed in the old language: when one is shown again,
    # it is composed again in the new one, every value typed put back by widget id, then
    # reloaded. A wizard in the middle of its steps (signup, reset) would start again at step
    # 1: those keep their words until closed (``RECOMPOSE_ON_LANGUAGE = False``).
    RECOMPOSE_ON_LANGUAGE: ClassVar[bool] = True

    async def _on_screen_resume(self) -> None:
        # (Textual calls one handler a class, ``_on_…`` before ``on_…``: both duties are here.)
        if self._language == current_language() or not self.RECOMPOSE_ON_LANGUAGE:
            if self.LOADS_ONCE and not self._loaded:
                self.action_reload()
            return
        self._language = current_language()
        if isinstance(self.TITLE, LazyText):
            self.title = str(self.TITLE)
        typed = self._typed_values()
        self.workers.cancel_node(self)  # loads under way draw into widgets about to go
        await self.recompose()
        self._put_back(typed)
        self.language_changed()

    def _typed_values(self) -> dict[str, Any]:
        """What the person typed or chose, by widget id."""
        from textual.widgets import Checkbox, Input, Select, TextArea

        values: dict[str, Any] = {}
        for widget in self.query("Input, TextArea, Select, Checkbox"):
            if widget.id is None:
                continue
            if isinstance(widget, TextArea):
                values[widget.id] = widget.text
            elif isinstance(widget, Input | Select | Checkbox):
                values[widget.id] = widget.value
        return values

    def _put_back(self, typed: dict[str, Any]) -> None:
        from textual.widgets import TextArea

        for widget_id, value in typed.items():
            for widget in self.query(f"#{widget_id}"):
                if isinstance(widget, TextArea):
                    widget.text = value
                elif hasattr(widget, "value"):
                    # A choice that no longer exists is left as composed.
                    with contextlib.suppress(Exception):
                        widget.value = value

    def language_changed(self) -> None:
        """After the screen was composed again in the new language: load what it shows (its
        ``load`` or ``reload``), which was drawn in the old one."""
        for name in ("load", "reload"):
            method = getattr(self, name, None)
            if callable(method):
                method()
                return

    def help_text(self) -> str:
        """The screen's own help for F1, in the current language (a screen whose text has
        values in it fills them in here)."""
        return str(self.HELP)

    def action_help(self) -> None:
        from geg_tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    # --- errors next to the right field ----------------------------------------------------
    def active_form(self) -> Form | None:
        """The form in view (the first shown one), which places this screen's errors."""
        forms = [f for f in self.query(Form).results(Form) if f.display]
        return forms[0] if forms else None

    def clear_errors(self) -> None:
        for form in self.query(Form).results(Form):
            form.clear_errors()
        for banner in self.query(FormError).results(FormError):
            banner.show(None)

    def report_error(self, error: BackendError) -> None:
        """A refusal goes to the form (``Form.show_error`` places it); a screen without a form
        shows its message in its banner."""
        form = self.active_form()
        if form is not None:
            form.show_error(error)
            return
        banners = list(self.query(FormError).results(FormError))
        if banners:
            banners[0].show(error.message)
        else:
            self.notify(error.message, severity="error")

    @contextmanager
    def busy(self, widget: Widget | None = None, *, label: str) -> Iterator[None]:
        """The loading indicator over ``widget`` (the screen by default) while a call runs,
        saying what is loading or being sent (``label``: « Chargement des factures… »).

        The indicator takes the focus while it shows; afterwards the focus goes back to where
        the person was typing, unless an error has already put it on the field to correct.
        The label is also what an unexpected failure meanwhile says has failed.
        """
        target = widget or self
        focused = self.focused
        self._activities.append(label)  # calls may overlap: each ends its own
        self.activity = label
        target.loading = True
        try:
            yield
        except Exception as error:  # a bug: the failure report will say what was under way
            failures.mark_activity(error, label)
            raise
        finally:
            if target.is_attached:  # a widget composed away meanwhile (a language switch)
                target.loading = False
            self._activities.remove(label)
            self.activity = self._activities[-1] if self._activities else None
            if focused is not None and self.focused is None and focused.is_attached:
                focused.focus()

    def get_loading_widget(self) -> Widget:
        """Textual's dots, with the label of the call under way."""
        return LabelledLoading(self.activity or _("Chargement…"))

    async def backend_call(
        self,
        call: Callable[[Backend], Awaitable[T]],
        *,
        label: str,
        widget: Widget | None = None,
        propagate: tuple[type[BackendError], ...] = (),
    ) -> T | None:
        """Run one backend call with a loading indicator saying what it does (``label``). A
        typed error is shown (next to its field when it names one) and ``None`` returned, the
        form keeping its values; an expired session goes through login first; errors in
        ``propagate`` go up to the caller. Any other exception is a bug: it goes up, and the
        worker's failure is reported (``on_worker_state_changed``)."""
        with self.busy(widget, label=label):
            try:
                backend = await self.geg.get_backend()
                return await call(backend)
            except propagate:
                raise
            except SessionExpired as exc:
                self.geg.session_expired(exc.message)
            except BackendError as exc:
                self.report_error(exc)
        return None

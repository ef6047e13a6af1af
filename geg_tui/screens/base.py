"""What every screen shares: Escape goes back, F1 shows the screen's keys, and backend calls
that keep the form as typed, show French errors next to the right field, and send an expired
session back to login (then back here)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from geg_tui import failures
from geg_tui.api.errors import BackendError, SessionExpired
from geg_tui.failure_guard import GuardedDispatch
from geg_tui.i18n import _
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.loading import LabelledLoading

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.app import GegApp

T = TypeVar("T")


class BaseScreen(GuardedDispatch, Screen[Any]):
    """A screen of geg-tui (``HELP`` is the F1 text; bindings are listed with it).

    An unexpected exception in one of its workers or message handlers is reported by the app
    (``GegApp.report_failure``: a notice, the log) and the screen goes on as it was."""

    HELP = ""
    BINDINGS = [
        Binding("escape", "back", _("Retour"), tooltip=_("Revenir à l'écran précédent")),
        Binding("f1", "help", _("Aide"), tooltip=_("Les touches de cet écran")),
    ]

    activity: str | None = None  # the label of the loading indicator shown, if any

    @property
    def geg(self) -> GegApp:
        return self.app  # type: ignore[return-value]

    # --- unexpected failures (geg_tui.failures) ------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (they are declared ``exit_on_error=False``): never silent."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.geg.report_failure(event.worker.error, screen=self, worker=event.worker)

    def report_dispatch_failure(self, error: Exception, message: Message) -> None:
        self.geg.report_failure(error, screen=self)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_help(self) -> None:
        from geg_tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    # --- errors next to the right field ----------------------------------------------------
    def clear_errors(self) -> None:
        for field in self.query(Field):
            field.show_error(None)
        for banner in self.query(FormError):
            banner.show(None)

    def show_error(self, error: BackendError) -> None:
        """Per-field messages next to their field; the rest in the form's banner."""
        self.clear_errors()
        fields = {f.field_name: f for f in self.query(Field) if f.display}
        placed = False
        first: Field | None = None
        for name, message in error.fields.items():
            field = fields.get(name)
            if field is not None:
                field.show_error(message)
                placed = True
                first = first or field
        banners = list(self.query(FormError))
        if banners and (not placed or error.message not in error.fields.values()):
            general = error.message if not placed or not error.fields else None
            if general:
                banners[0].show(general)
        if first is not None:
            first.input.focus()

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
        previous, self.activity = self.activity, label
        target.loading = True
        try:
            yield
        except Exception as error:  # a bug: the failure report will say what was under way
            failures.mark_activity(error, label)
            raise
        finally:
            target.loading = False
            self.activity = previous
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
                self.show_error(exc)
        return None

"""What every screen shares: Escape goes back, F1 shows the screen's keys, and backend calls
that keep the form as typed, show French errors next to the right field, and send an expired
session back to login (then back here)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from geg_tui.api.errors import BackendError, SessionExpired
from geg_tui.i18n import _
from geg_tui.widgets.fields import Field, FormError

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.app import GegApp

T = TypeVar("T")


class BaseScreen(Screen[Any]):
    """A screen of geg-tui (``HELP`` is the F1 text; bindings are listed with it)."""

    HELP = ""
    # Binding ids the key bar shows first, after F1, most needed first (widgets/keybar.py);
    # the others follow as bound, and those that do not fit at 80 columns are behind F1.
    ESSENTIAL_KEYS: ClassVar[tuple[str, ...]] = ()
    BINDINGS = [
        Binding("escape", "back", _("Retour"), tooltip=_("Revenir à l'écran précédent"), id="back"),
        Binding("f1", "help", _("Aide"), tooltip=_("Les touches de cet écran"), id="help"),
    ]

    @property
    def geg(self) -> GegApp:
        return self.app  # type: ignore[return-value]

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
    def busy(self, widget: Widget | None = None) -> Iterator[None]:
        """The loading indicator over ``widget`` (the screen by default) while a call runs.

        The indicator takes the focus while it shows; afterwards the focus goes back to where
        the person was typing, unless an error has already put it on the field to correct.
        """
        target = widget or self
        focused = self.focused
        target.loading = True
        try:
            yield
        finally:
            target.loading = False
            if focused is not None and self.focused is None and focused.is_attached:
                focused.focus()

    async def backend_call(
        self,
        call: Callable[[Backend], Awaitable[T]],
        *,
        widget: Widget | None = None,
        propagate: tuple[type[BackendError], ...] = (),
    ) -> T | None:
        """Run one backend call with a loading indicator. A typed error is shown (next to its
        field when it names one) and ``None`` returned, the form keeping its values; an expired
        session goes through login first; errors in ``propagate`` go up to the caller."""
        with self.busy(widget):
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

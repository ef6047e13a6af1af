"""The Textual side of ``geg_tui.failures``: message handlers that raise are reported, not fatal.

Textual 8 sends an exception raised by a message handler (a button's handler, a key binding's
action) to ``App._handle_exception``, which closes the app — everything typed is lost — after
ending the message loop of the screen or app that raised. ``GuardedDispatch`` catches it one
level earlier, in ``_dispatch_message`` (the method every message of a ``MessagePump`` goes
through), and hands it to ``report_dispatch_failure``: the notice, the log, and the app goes on.
Building a screen (compose, mount) is left to Textual: a screen that cannot be built is a bug
to see at once, and ``GegApp._handle_exception`` logs it before the app closes.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.message import Message

LIFECYCLE = (events.Compose, events.Mount, events.Unmount, events.Load)


class GuardedDispatch:
    """Mixin for an ``App`` or a ``Screen`` (first in the bases, before Textual's class)."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            if isinstance(message, LIFECYCLE):
                raise
            self.report_dispatch_failure(error, message)

    def report_dispatch_failure(self, error: Exception, message: Any) -> None:
        """A screen's (or a dialog's) failure: the app reports it, naming this screen; the app
        itself overrides this."""
        self.app.report_failure(error, screen=self)  # type: ignore[attr-defined]

"""What every Pilot test waits for before it looks or acts (one ``settle`` for all), typing, and
opening a screen from home."""

from __future__ import annotations

import contextlib
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import LoadingIndicator
from textual.worker import WorkerCancelled

from geg_tui.screens.home import HomeScreen


async def settle(pilot: Pilot) -> None:
    """Workers done, messages processed, and nothing left loading on the screen.

    A worker replaced by a newer exclusive one is cancelled: normal, not a failure. The loading
    indicator goes away a few turns of the loop after its call ends; under load those turns
    take longer, and a click sent meanwhile lands on the indicator and is lost (seen in CI).
    """
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for _ in range(200):
        if not _loading(pilot):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"still loading after 2 s: {_loading(pilot)}")


def _loading(pilot: Pilot) -> list[object]:
    """What shows a loading indicator now. ``widget.loading`` draws it over the widget (Textual
    covers the widget, the indicator is not among the screen's children: a query for
    ``LoadingIndicator`` finds only those mounted as widgets, e.g. in the command palette)."""
    screen = pilot.app.screen
    covered = [w for w in (screen, *screen.query("*")) if w.loading]
    mounted = [w for w in screen.query(LoadingIndicator) if w.display and w.visible]
    return covered + mounted


async def on_home(pilot: Pilot, credentials: dict[str, str]) -> None:
    """Home shown and loaded, the app logged in as ``credentials``: where ``make_home_app``
    starts (the login has its own tests)."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    assert pilot.app.session.email == credentials["email"]  # type: ignore[attr-defined]


async def open_area(pilot: Pilot, credentials: dict[str, str], name: str) -> Any:
    """From home, where the app starts logged in as ``credentials`` (``on_home``), to the
    screen ``name``."""
    await on_home(pilot, credentials)
    pilot.app.open_screen(name)  # type: ignore[attr-defined]
    await settle(pilot)
    return pilot.app.screen


async def type_keys(pilot: Pilot, text: str) -> None:
    """Types ``text``: one key event per character, the very events ``pilot.press`` sends, handled
    by the app one after the other and in order, as a fast typist's. Only the waits differ:
    ``pilot.press`` waits for the app to go idle twice after every key (≈ 80 ms a key, most of the
    time of a test that types a card number), this waits once all the keys are handled."""
    app = pilot.app
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()  # what the keys started (a check, a reformat) done too

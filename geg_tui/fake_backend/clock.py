"""The fake backend's clock (SIM-1): real time by default, or frozen, set or moved forward.

Rules never call ``datetime.now()``: they ask ``Clock.now()``. The clock's state is kept in the
data file (``meta``), so a tester's ``geg-tui fake clock advance 3h`` in one process is seen at once
by a TUI running on the same data in another. Running clock = wall time + offset; frozen clock =
a fixed instant. Moving it forward also makes the world's due events happen (``advance`` calls
the hooks given by the backend, SIM-2).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from geg_tui.fake_backend.store import Store
from geg_tui.formatting import PARIS
from geg_tui.i18n import _

WallClock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


_DURATION = re.compile(r"(\d+)\s*(w|d|h|m|min|s|j)", re.I)
_UNITS = {
    "w": "weeks",
    "d": "days",
    "j": "days",
    "h": "hours",
    "m": "minutes",
    "min": "minutes",
    "s": "seconds",
}


def parse_duration(text: str) -> timedelta:
    """``45d``, ``3h``, ``1d12h``, ``90m``, ``2w`` → timedelta; anything else → ValueError."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned or _DURATION.sub("", cleaned) != "":
        raise ValueError(
            _("Durée invalide : « {text} ». Exemples : 45d, 3h, 1d12h, 90m, 2w, 30s.").format(
                text=text
            )
        )
    total = timedelta()
    for amount, unit in _DURATION.findall(cleaned):
        total += timedelta(**{_UNITS[unit.lower()]: int(amount)})
    return total


def parse_instant(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is Paris time (what a tester means)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(
            _(
                "Date invalide : « {text} ». Format attendu : 2026-11-27 ou "
                "2026-11-27T14:30[+01:00]."
            ).format(text=text)
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(UTC)


class Clock:
    """Reads and changes the persisted clock of one store."""

    def __init__(self, store: Store, wall: WallClock = system_now) -> None:
        self._store = store
        self._wall = wall
        self._pinned = threading.local()

    @contextmanager
    def pinned(self, at: datetime | None = None) -> Iterator[datetime]:
        """One instant for a whole operation: every ``now()`` inside it (in this thread) returns
        the same time, read once (or ``at``, already read) — an operation happens at one moment,
        and reads the clock once."""
        if getattr(self._pinned, "at", None) is not None:
            yield self._pinned.at
            return
        self._pinned.at = at or self.now()
        try:
            yield self._pinned.at
        finally:
            self._pinned.at = None

    def now(self) -> datetime:
        pinned = getattr(self._pinned, "at", None)
        if pinned is not None:
            return pinned
        with self._store.read() as db:  # a read: asking the time never waits for a writer
            frozen = db.get_meta("clock_frozen_at")
            if frozen:
                return datetime.fromisoformat(frozen)
            offset = float(db.get_meta("clock_offset_s") or 0.0)
        return self._wall() + timedelta(seconds=offset)

    def wall_now(self) -> datetime:
        """The machine's time (what a running clock shows after a reset without a start)."""
        return self._wall()

    def today(self) -> date:
        """Today in Paris, the day a customer lives in."""
        return self.now().astimezone(PARIS).date()

    @property
    def frozen(self) -> bool:
        with self._store.read() as db:
            return bool(db.get_meta("clock_frozen_at"))

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop the clock (at ``at``, or where it stands)."""
        moment = (at or self.now()).astimezone(UTC)
        with self._store.transaction() as db:
            db.set_meta("clock_frozen_at", moment.isoformat())
        return moment

    def thaw(self) -> datetime:
        """Let it run again from where it stands."""
        with self._store.transaction() as db:
            current = self.now()
            db.set_meta("clock_frozen_at", None)
            db.set_meta("clock_offset_s", repr((current - self._wall()).total_seconds()))
        return current

    def set(self, moment: datetime) -> datetime:
        """Put the clock at ``moment``; a frozen clock stays frozen, a running one runs on."""
        self._pinned.at = None
        moment = moment.astimezone(UTC)
        with self._store.transaction() as db:
            if db.get_meta("clock_frozen_at"):
                db.set_meta("clock_frozen_at", moment.isoformat())
            else:
                db.set_meta("clock_offset_s", repr((moment - self._wall()).total_seconds()))
        return moment

    def advance(self, delta: timedelta) -> datetime:
        """Move forward only: the world's events are not undone by going back."""
        if delta < timedelta(0):
            raise ValueError(_("L'horloge ne peut qu'avancer."))
        with self._store.transaction():
            return self.set(self.now() + delta)

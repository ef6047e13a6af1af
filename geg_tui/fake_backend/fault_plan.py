"""Deterministic faults (SIM-6): « fail the next N calls of this operation », with a chosen kind.

A probability (SIM-5, ``faults.py``) makes a tester's test flaky or slow to write; a payment
provider's test mode or Toxiproxy lets a test say exactly what happens to the next calls. Each
planned fault names a ``Backend`` operation (or ``*``), a kind and how many calls it still hits;
every call of that operation takes one (the count goes down in the write transaction, so two
servers on one data file never both take the last one), and the plan disappears at zero.

Kinds:

- ``unavailable``: the call fails at once as « service indisponible » (HTTP 503, code
  ``panne_simulee``), nothing done.
- ``timeout``: the call waits ``latency_ms`` (default 20 s, longer than ``HttpBackend``'s 15 s)
  and then fails as ``unavailable``, nothing done: over HTTP the client has given up before.
- ``drop``: the call is done and committed, then its answer is lost — over HTTP the connection is
  cut (as SIM-5's ``--drop-after-commit``); in-process the call raises ``OutcomeUnknown``, which
  is what ``HttpBackend`` reports for such a loss.
- ``latency``: the call waits ``latency_ms``, then runs normally.

The plan is kept in the data file's ``meta`` table (key ``fault_plan``, JSON), like the clock: a
tester's command reaches a TUI or a server running on the same data, with no schema change.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.problems import Problem
from geg_tui.fake_backend.faults import MAX_LATENCY_MS, Fault, InvalidValue
from geg_tui.fake_backend.store import Store, Tx

META_KEY = "fault_plan"
KINDS = ("unavailable", "timeout", "drop", "latency")
MAX_COUNT = 1000
TIMEOUT_MS = 20_000  # longer than HttpBackend's read timeout (15 s)


@dataclass(frozen=True, slots=True)
class PlannedFault:
    operation: str
    kind: str
    remaining: int
    latency_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "kind": self.kind,
            "remaining": self.remaining,
            "latency_ms": self.latency_ms,
        }


def plan(
    db: Tx,
    operation: str,
    kind: str,
    count: int,
    known: list[str],
    *,
    latency_ms: int | None = None,
) -> PlannedFault:
    """Plan ``count`` faults of ``kind`` on ``operation`` (replacing a plan on the same one).

    Why replace and not queue: a tester states what the next calls do, and saying it again must
    not leave an older plan waiting behind it."""
    if operation != "*" and operation not in known:
        raise InvalidValue(
            Problem("fault_operation_unknown", operation=operation, known=", ".join(known))
        )
    if kind not in KINDS:
        raise InvalidValue(Problem("fault_kind_unknown", kind=kind, kinds=", ".join(KINDS)))
    if not 1 <= count <= MAX_COUNT:
        raise InvalidValue(Problem("fault_count_range", max=MAX_COUNT))
    if latency_ms is None:
        latency_ms = TIMEOUT_MS if kind == "timeout" else 0
    if not 0 <= latency_ms <= MAX_LATENCY_MS:
        raise InvalidValue(Problem("fault_latency_range", max=MAX_LATENCY_MS))
    fault = PlannedFault(operation, kind, count, latency_ms)
    entries = [e for e in _load(db) if e.operation != operation]
    _save(db, [*entries, fault])
    return fault


def list_planned(db: Tx) -> list[PlannedFault]:
    return sorted(_load(db), key=lambda e: e.operation)


def clear(db: Tx) -> None:
    db.set_meta(META_KEY, None)


def pending(db: Tx, operation: str) -> bool:
    """Whether a planned fault waits for ``operation`` (a read: the fast path stays a read)."""
    raw = db.get_meta(META_KEY)
    return bool(raw) and any(e.operation in (operation, "*") for e in _parse(raw))


def take(db: Tx, operation: str) -> PlannedFault | None:
    """In a write transaction: the planned fault this call gets (its own before ``*``'s), with
    one call fewer left; ``None`` when another call took the last one meanwhile."""
    entries = _load(db)
    chosen = next((e for e in entries if e.operation == operation), None)
    chosen = chosen or next((e for e in entries if e.operation == "*"), None)
    if chosen is None:
        return None
    rest = [e for e in entries if e is not chosen]
    if chosen.remaining > 1:
        rest.append(
            PlannedFault(chosen.operation, chosen.kind, chosen.remaining - 1, chosen.latency_ms)
        )
    _save(db, rest)
    return chosen


def _load(db: Tx) -> list[PlannedFault]:
    return _parse(db.get_meta(META_KEY) or "")


def _parse(raw: str) -> list[PlannedFault]:
    """The stored plan; an unreadable one (edited by hand) counts as empty, never a crash."""
    try:
        data = json.loads(raw) if raw else []
        return [
            PlannedFault(
                str(e["operation"]), str(e["kind"]), int(e["remaining"]), int(e["latency_ms"])
            )
            for e in data
        ]
    except (ValueError, TypeError, KeyError):
        return []


def _save(db: Tx, entries: list[PlannedFault]) -> None:
    db.set_meta(META_KEY, json.dumps([e.to_json() for e in entries]) if entries else None)


def apply(store: Store, operation: str, decided: list[Fault] | None, *, write: bool) -> bool:
    """Take this call's planned fault, if any is still left, and play it before the work.

    Returns whether the answer must be lost after the work (``drop`` in-process, on a write:
    the caller raises ``OutcomeUnknown`` once the call has committed). Over HTTP (``decided`` is
    the server's list, see ``backend.decided_faults``) the drop is handed to the server, which
    cuts the connection after the commit, as for SIM-5's ``--drop-after-commit``."""
    with store.transaction() as db:
        fault = take(db, operation)
    if fault is None:
        return False
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)  # a worker thread: the UI keeps running
    if fault.kind in ("unavailable", "timeout"):
        raise BackendUnavailable(Problem("panne_simulee"))
    if fault.kind == "drop":
        if decided is not None:
            decided.append(Fault(operation, 0, 0.0, drop_after_commit=True))
            return False
        return write
    return False

"""Fault injection (SIM-5): make chosen operations slow or failing, on purpose.

A fault names a ``Backend`` operation (``pay_invoice``, ``login``…) or ``*`` for all of them, with
a latency in milliseconds and an error rate between 0 and 1. Faults are stored with the data, so a
tester's ``geg-tui fake faults set …`` reaches a TUI already running on the same data directory.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from geg_tui.api.problems import Problem
from geg_tui.fake_backend.store import Tx

MAX_LATENCY_MS = 120_000


class InvalidValue(ValueError):
    """A tester's value refused (an unknown operation, a latency out of range…), as a code.

    Still a ``ValueError``: the CLI says « Erreur » and exits with 2, a scenario file is refused.
    Its text is rendered when read, in the reader's language; over HTTP (``/_test/``) the
    ``problem`` travels as a typed validation error, code and params, with its French text."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem.text()


@dataclass(frozen=True, slots=True)
class Fault:
    operation: str
    latency_ms: int
    error_rate: float
    drop_after_commit: bool = False  # HTTP server only: the answer is lost after the write

    def to_json(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "drop_after_commit": self.drop_after_commit,
        }


def set_fault(
    db: Tx,
    operation: str,
    latency_ms: int,
    error_rate: float,
    known: list[str],
    *,
    drop_after_commit: bool = False,
) -> Fault:
    if operation != "*" and operation not in known:
        raise InvalidValue(
            Problem("fault_operation_unknown", operation=operation, known=", ".join(known))
        )
    if not 0 <= latency_ms <= MAX_LATENCY_MS:
        raise InvalidValue(Problem("fault_latency_range", max=MAX_LATENCY_MS))
    if not 0.0 <= error_rate <= 1.0:
        raise InvalidValue(Problem("fault_error_rate_range"))
    db.execute(
        "INSERT INTO faults(operation, latency_ms, error_rate, drop_after_commit) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(operation) DO UPDATE SET latency_ms = excluded.latency_ms, "
        "error_rate = excluded.error_rate, drop_after_commit = excluded.drop_after_commit",
        (operation, latency_ms, error_rate, int(drop_after_commit)),
    )
    return Fault(operation, latency_ms, error_rate, drop_after_commit)


def list_faults(db: Tx) -> list[Fault]:
    return [_from_row(r) for r in db.all("SELECT * FROM faults ORDER BY operation")]


def clear(db: Tx) -> None:
    db.execute("DELETE FROM faults")


def fault_for(db: Tx, operation: str) -> Fault | None:
    """The fault on this operation, else the one on ``*``."""
    row = db.one(
        "SELECT * FROM faults WHERE operation IN (?, '*') ORDER BY operation = '*' LIMIT 1",
        (operation,),
    )
    return _from_row(row) if row else None


def _from_row(row: sqlite3.Row) -> Fault:
    return Fault(
        row["operation"], row["latency_ms"], row["error_rate"], bool(row["drop_after_commit"])
    )

"""The SQLite store: one file (or ``:memory:``), WAL, a transaction around every operation.

The fake backend is used from the TUI's worker threads and, at the same time, from the tester's
``geg-tui fake …`` commands in another process, so every operation opens an ``IMMEDIATE``
transaction: writers queue instead of failing, and a crash at any point leaves the last committed
state (SIM-4). One connection per store, guarded by a lock, because ``:memory:`` databases exist
only inside their connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geg_tui.fake_backend.schema import SCHEMA, SCHEMA_VERSION

DB_FILENAME = "geg-fake.sqlite3"


class SchemaMismatch(RuntimeError):
    """The data file was written by another version of the fake backend."""


class CommitThenRaise(Exception):
    """Raised by a rule whose refusal must still be recorded (a failed attempt, a declined card).

    The transaction commits what the rule wrote before refusing, then ``error`` goes up to the
    caller as if it had been raised directly.
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class Store:
    """Owns the connection; ``transaction()`` is the only way rules touch the data."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._ensure_schema()

    @classmethod
    def in_dir(cls, data_dir: str | Path) -> Store:
        return cls(Path(data_dir) / DB_FILENAME)

    @property
    def is_empty(self) -> bool:
        """True until demo data (or anything) has been seeded."""
        with self.transaction() as db:
            return db.execute("SELECT value FROM meta WHERE key = 'seeded_at'").fetchone() is None

    def _ensure_schema(self) -> None:
        from geg_tui.fake_backend import upgrades  # imports the rules: only once a store opens

        with self.transaction() as db:
            has_meta = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
            if not has_meta:
                db.executescript_in_tx(SCHEMA)
                db.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                upgrades.refresh_derived(db)
                return
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            found = row[0] if row else "?"
            if found != str(SCHEMA_VERSION) and upgrades.upgrade(db, found):
                found = str(SCHEMA_VERSION)
            if found == str(SCHEMA_VERSION):
                upgrades.refresh_derived(db)
            else:
                raise SchemaMismatch(
                    f"Le fichier de données {self.path} est au schéma {found}, "
                    f"cette version attend le schéma {SCHEMA_VERSION}. "
                    "Lancez « geg-tui fake reset » pour le recréer."
                )

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """An IMMEDIATE transaction (nested calls join the outer one); rolled back on any error,
        except ``CommitThenRaise``, which commits and then raises the error it carries."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Tx(self._conn)
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield Tx(self._conn)
            except CommitThenRaise as refusal:
                self._conn.execute("COMMIT")
                raise refusal.error from None
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def clone(self) -> Store:
        """An in-memory copy of this store (tests seed once, then give each test its own copy)."""
        copy = Store(":memory:")
        with self._lock, copy._lock:
            self._conn.backup(copy._conn)
        return copy

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Tx:
    """A thin view of the connection inside a transaction (no commit/rollback of its own)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | dict = ()):
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def executescript_in_tx(self, script: str) -> None:
        """Run several statements without ``executescript``'s implicit COMMIT."""
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def get_meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

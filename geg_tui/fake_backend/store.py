"""The SQLite store: one file (or ``:memory:``), WAL, a transaction around every operation.

The fake backend is used from the TUI's worker threads and, at the same time, from the tester's
``geg-tui fake …`` commands and from other servers in other processes (SIM-4). Two kinds of
transaction keep them from stalling each other:

* ``transaction()`` writes: ``BEGIN IMMEDIATE``, so writers queue instead of failing halfway, and
  a crash at any point leaves the last committed state. Writers keep it short: no argon2 inside.
* ``read()`` only reads: ``BEGIN DEFERRED``. In WAL mode a reader never waits for a writer (it
  reads the last committed state), and a write slipped into a read is refused at once
  (``WriteInRead``) instead of silently taking the write lock. The check is on the statement,
  in Python: ``PRAGMA query_only`` would expire every prepared statement at each toggle (a
  re-prepare per query, measured 3 to 10 times slower reads).

When the write lock cannot be had within the busy timeout, the caller gets a typed
``BackendUnavailable`` (« réessayez »), never a raw ``sqlite3.OperationalError``; it is only
raised when nothing was committed. One connection per store, guarded by a lock, because
``:memory:`` databases exist only inside their connection.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.problems import Problem
from geg_tui.fake_backend.schema import SCHEMA, SCHEMA_VERSION

DB_FILENAME = "geg-fake.sqlite3"
BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another one before giving up (then: 503)


class StoreBusy(BackendUnavailable):
    """The data file stayed locked by another writer too long; nothing of this call was committed."""

    def __init__(self) -> None:
        super().__init__(Problem("base_occupee"))


class WriteInRead(RuntimeError):
    """A bug: a write (transaction or statement) inside a read-only transaction."""


_READ_VERBS = ("SELECT", "WITH", "VALUES", "EXPLAI")  # statements that cannot write


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (« database is locked »): another connection holds the lock."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return isinstance(error, sqlite3.OperationalError) and (
        name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(error)
    )


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
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._reading = False  # the open transaction is a read() one
        self._conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._use_wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._ensure_schema()

    def _use_wal(self) -> None:
        """WAL mode, set once per file. Switching to it does not wait for other connections (no
        busy handler): when another process opens the same fresh file at the same instant, try
        again for a moment — as soon as one of them has switched, the others find it done."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            if time.monotonic() > deadline:
                raise StoreBusy()
            time.sleep(0.005 + random.random() / 50)

    @classmethod
    def in_dir(cls, data_dir: str | Path) -> Store:
        return cls(Path(data_dir) / DB_FILENAME)

    @property
    def is_empty(self) -> bool:
        """True until demo data (or anything) has been seeded."""
        with self.read() as db:
            return db.get_meta("seeded_at") is None

    def _ensure_schema(self) -> None:
        """Create or upgrade the schema; a file already current is only read (no write lock), so
        that opening a store never queues behind the writers of other processes."""
        from geg_tui.fake_backend import upgrades  # imports the rules: only once a store opens

        with self.read() as db:
            has_meta = db.scalar(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            )
            current = has_meta and db.get_meta("schema_version") == str(SCHEMA_VERSION)
            if current and upgrades.derived_current(db):
                return
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
    def transaction(self, *, wait: bool = True) -> Iterator[Tx]:
        """An IMMEDIATE (write) transaction (nested calls join the outer one); rolled back on any
        error, except ``CommitThenRaise``, which commits and then raises the error it carries.
        A lock held too long by another connection is ``StoreBusy``, raised only when nothing
        was committed. ``wait=False``: ``StoreBusy`` at once unless the lock is free right now
        (for a write that can wait for a later call, so that no answer waits for it)."""
        if not self._lock.acquire(blocking=wait):
            raise StoreBusy()
        try:
            if self._depth:
                if self._reading:
                    raise WriteInRead("écriture demandée dans une transaction de lecture")
                self._depth += 1
                try:
                    yield Tx(self._conn)
                finally:
                    self._depth -= 1
                return
            self._begin("BEGIN IMMEDIATE", wait=wait)
            self._depth = 1
            try:
                yield Tx(self._conn)
            except CommitThenRaise as refusal:
                self._commit()
                raise refusal.error from None
            except BaseException as exc:
                self._rollback()
                if is_busy(exc):
                    raise StoreBusy() from None
                raise
            else:
                self._commit()
            finally:
                self._depth = 0
        finally:
            self._lock.release()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction: one consistent snapshot, no write lock taken or waited for.

        Inside a write transaction it simply joins it (and sees its uncommitted writes)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Tx(self._conn, read_only=self._reading)
                finally:
                    self._depth -= 1
                return
            self._begin("BEGIN DEFERRED")
            self._depth, self._reading = 1, True
            try:
                yield Tx(self._conn, read_only=True)
            except BaseException as exc:
                self._end_read()
                if is_busy(exc):
                    raise StoreBusy() from None
                raise
            else:
                self._end_read()
            finally:
                self._depth, self._reading = 0, False

    def _begin(self, statement: str, *, wait: bool = True) -> None:
        timeout_ms = None
        if not wait:
            timeout_ms = int(self._conn.execute("PRAGMA busy_timeout").fetchone()[0])
            self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            self._conn.execute(statement)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise StoreBusy() from None
            raise
        finally:
            if timeout_ms is not None:
                self._conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")

    def _commit(self) -> None:
        """COMMIT; if it fails (the lock), roll back, so the caller knows nothing was kept."""
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            if is_busy(exc):
                raise StoreBusy() from None
            raise

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _end_read(self) -> None:
        self._rollback()  # nothing to keep: ending a read never fails on a lock

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
    """A thin view of the connection inside a transaction (no commit/rollback of its own).

    In a ``read()`` it runs only statements that cannot write (``SELECT``, ``WITH``…)."""

    __slots__ = ("_conn", "_read_only")

    def __init__(self, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self._conn = conn
        self._read_only = read_only

    def _check(self, sql: str) -> None:
        if self._read_only and not sql.lstrip()[:6].upper().startswith(_READ_VERBS):
            raise WriteInRead(f"écriture dans une transaction de lecture : {sql[:60]}")

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        self._check(sql)
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        self._check("executemany")
        return self._conn.executemany(sql, rows)

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | dict = ()):
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def executescript_in_tx(self, script: str) -> None:
        """Run several statements without ``executescript``'s implicit COMMIT."""
        for statement in script.split(";"):
            if statement.strip():
                self.execute(statement)

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

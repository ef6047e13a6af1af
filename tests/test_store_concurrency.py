"""SIM-4, SEC-4: several processes on one data directory never crash, never stall, never lie.

A server, another server and the tester's commands share one SQLite file. Opening a fresh
directory at the same instant seeds one world (item 6 of « Correctness first »); a reader never
waits for a writer; a writer kept out too long gets a typed « réessayez » (503) and nothing of it
is committed; a dozen clients and a tester moving the clock see no raw SQLite error (item 7).
Every wait here is bounded (seconds), so a regression fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from geg_tui.api.errors import BackendError, BackendUnavailable
from geg_tui.api.routes import API_PREFIX
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.server import create_app
from geg_tui.fake_backend.sessions import open_session
from geg_tui.fake_backend.store import DB_FILENAME, Store

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

START = "2026-11-27T09:00:00+01:00"
IBANS = ("FR7630004000031234567890143", "FR4510278089000002094510149")


# --- item 6: two processes seed one fresh directory ------------------------------------------


def _open_at_barrier(barrier: Any, data_dir: str, results: Any) -> None:
    """A child process: wait for the others, then open the same fresh directory."""
    from datetime import datetime

    from geg_tui.fake_backend.backend import FakeBackend

    barrier.wait(timeout=60)
    try:
        backend = FakeBackend.open(data_dir, start=datetime.fromisoformat(START))
        with backend.store.transaction() as db:
            results.put(
                (
                    "ok",
                    db.get_meta("seeded_at"),
                    db.scalar("SELECT COUNT(*) FROM customers"),
                    db.scalar("SELECT COUNT(*) FROM accounts"),
                )
            )
    except BaseException as exc:  # any crash is what this test looks for
        import traceback

        results.put(
            ("crash", f"{type(exc).__name__}: {exc}" + traceback.format_exc()[-1200:], 0, 0)
        )


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 3])
def test_sim_4_processes_opening_one_fresh_dir_seed_one_world(
    tmp_path: Path, processes: int
) -> None:
    """Item 6: today one of them crashed with sqlite3.IntegrityError while seeding."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    children = [
        context.Process(target=_open_at_barrier, args=(barrier, str(tmp_path), results))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=90) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
    assert [o[0] for o in outcomes] == ["ok"] * processes, outcomes
    assert len({o[1] for o in outcomes}) == 1  # one world: the same seeding for all
    store = Store.in_dir(tmp_path)
    with store.transaction() as db:
        assert db.scalar("SELECT COUNT(*) FROM accounts") == 1  # Claire once, not twice
        assert outcomes[0][2] == db.scalar("SELECT COUNT(*) FROM customers")
    store.close()


# --- item 7: readers never wait, writers fail typed and clean ----------------------------------


def _file_backend(data_dir: Path, hasher: Hasher, start: str = START) -> FakeBackend:
    """A backend on a file (WAL), the demo password re-hashed at the test cost."""
    from datetime import datetime

    backend = FakeBackend.open(data_dir, hasher=hasher, start=datetime.fromisoformat(start))
    with backend.store.transaction() as db:
        db.execute(
            "UPDATE accounts SET password_hash = ? WHERE email = ?",
            (hasher.hash(DEMO_PASSWORD), DEMO_EMAIL),
        )
    return backend


def _session(backend: FakeBackend) -> str:
    with backend.store.transaction() as db:
        account_id = db.scalar("SELECT id FROM accounts WHERE email = ?", (DEMO_EMAIL,))
        return open_session(db, account_id, DEMO_EMAIL, backend.clock.now()).token


class WriteLockHolder:
    """Another connection (another process, for SQLite) inside a write transaction."""

    def __init__(self, data_dir: Path) -> None:
        self.conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None, timeout=5)

    def __enter__(self) -> WriteLockHolder:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE meta SET value = value WHERE key = 'seed'")
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()`` in a thread; fails the test if it takes longer than ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    began = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s (a read waited for a writer)"
    if "error" in box:
        raise box["error"]
    box["elapsed"] = time.monotonic() - began
    return box["value"]


@pytest.fixture
def file_backend(tmp_path: Path, fast_hasher: Hasher) -> Iterator[FakeBackend]:
    backend = _file_backend(tmp_path, fast_hasher)
    yield backend
    backend.store.close()


def test_sim_4_reads_do_not_wait_for_another_connections_write(
    file_backend: FakeBackend, tmp_path: Path
) -> None:
    """Item 7: every read took BEGIN IMMEDIATE, so it queued behind any writer (30 s at worst)."""
    token = _session(file_backend)
    with WriteLockHolder(tmp_path):
        account = _within(3, lambda: asyncio.run(file_backend.account(token)))
        assert account.email == DEMO_EMAIL
        page = _within(3, lambda: asyncio.run(file_backend.list_invoices(token)))
        assert page.total_count > 0
        assert _within(3, lambda: admin.clock_state(file_backend))["frozen"]
        assert _within(3, lambda: admin.list_faults(file_backend)) == []
        assert _within(3, lambda: Store.in_dir(tmp_path).is_empty) is False  # a new opener


def test_sim_4_busy_write_is_a_typed_503_and_commits_nothing(
    file_backend: FakeBackend, tmp_path: Path
) -> None:
    """Item 7: past the busy timeout, a raw « database is locked » escaped (a 500 over HTTP)."""
    token = _session(file_backend)
    file_backend.store._conn.execute("PRAGMA busy_timeout = 200")  # the 30 s, made short
    before = asyncio.run(file_backend.bank_details(token))
    with WriteLockHolder(tmp_path):
        with pytest.raises(BackendUnavailable) as busy:
            _within(
                5,
                lambda: asyncio.run(
                    file_backend.set_bank_details(
                        token, IBANS[1], None, "Claire Occupée", DEMO_PASSWORD
                    )
                ),
            )
        assert "réessayez" in busy.value.message.lower()
        with pytest.raises(BackendUnavailable):
            _within(5, lambda: asyncio.run(file_backend.login(DEMO_EMAIL, "pas-le-bon")))
        client = TestClient(create_app(file_backend), raise_server_exceptions=False)
        body = {"iban": IBANS[1], "bic": None, "holder": "Claire HTTP", "password": DEMO_PASSWORD}
        response = client.put(
            API_PREFIX + "/bank", json=body, headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 503, response.text
        assert response.json()["kind"] == "service_indisponible"
    after = asyncio.run(file_backend.bank_details(token))
    assert after == before  # nothing of the refused writes was committed
    with file_backend.store.transaction() as db:
        assert db.scalar("SELECT failed_logins FROM accounts WHERE email = ?", (DEMO_EMAIL,)) == 0


def test_sim_4_a_write_inside_a_read_transaction_is_refused(file_backend: FakeBackend) -> None:
    """Read transactions are read-only for real: a write slipped into one fails at once."""
    from geg_tui.fake_backend.store import WriteInRead

    for write in (
        lambda db: db.execute("UPDATE meta SET value = value WHERE key = 'seed'"),
        lambda db: db.set_meta("seed", "1"),
        lambda db: db.executemany("DELETE FROM faults WHERE operation = ?", [("x",)]),
        lambda db: file_backend.store.transaction().__enter__(),
    ):
        with pytest.raises(WriteInRead), file_backend.store.read() as db:
            write(db)
    with file_backend.store.read() as db:
        assert db.get_meta("seed") == "2026"  # nothing was written


class Tally:
    """What the clients of the contention test saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ok: dict[str, int] = {}
        self.typed: dict[str, int] = {}
        self.crashes: list[str] = []
        self.failed_holders: list[str] = []
        self.stored_holders: list[str] = []

    def add(self, table: dict[str, int], name: str) -> None:
        with self.lock:
            table[name] = table.get(name, 0) + 1


async def _client(
    backend: FakeBackend, number: int, running: Callable[[], bool], tally: Tally
) -> None:
    """Logins, reads and bank changes while ``running()``; every outcome is noted."""
    rounds = 0
    while running():
        rounds += 1
        holder = f"Claire Martin {number}-{rounds}"
        step = "login"
        try:
            token = (await backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token
            tally.add(tally.ok, step)
            for step in ("home", "bank_details", "list_invoices"):
                await getattr(backend, step)(token)
                tally.add(tally.ok, step)
            step = "set_bank_details"
            try:
                await backend.set_bank_details(
                    token, IBANS[rounds % 2], None, holder, DEMO_PASSWORD
                )
            except BackendError:
                tally.failed_holders.append(holder)
                raise
            tally.stored_holders.append(holder)
            tally.add(tally.ok, step)
        except BackendError as exc:
            tally.add(tally.typed, f"{step}:{exc.code}")
        except Exception as exc:  # sqlite3.OperationalError and friends: what must not happen
            tally.crashes.append(f"{step}: {type(exc).__name__}: {exc}")
        await asyncio.sleep(random.random() / 100)


def _advance_clock(data_dir: Path, running: Callable[[], bool], tally: Tally) -> None:
    """The tester: its own connection, moving the clock by minutes (sessions stay alive) past
    midnight, so that the world catches up with new days while the clients work."""
    tester = FakeBackend(Store.in_dir(data_dir), hasher=Hasher(fast=True))
    tester.store._conn.execute("PRAGMA busy_timeout = 500")
    from datetime import timedelta

    while running():
        try:
            admin.advance(tester, timedelta(minutes=5))
            admin.clock_state(tester)
            tally.add(tally.ok, "advance")
        except BackendError as exc:
            tally.add(tally.typed, f"advance:{exc.code}")
        except Exception as exc:
            tally.crashes.append(f"advance: {type(exc).__name__}: {exc}")
        time.sleep(0.2)
    tester.store.close()


def _costly_hasher() -> Hasher:
    """argon2id at a few tens of milliseconds a verification, like the product's on a busy
    laptop, but lighter on memory: what makes a hash inside the write lock hurt."""
    from argon2 import PasswordHasher

    hasher = Hasher(fast=True)
    hasher._ph = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)
    return hasher


@pytest.mark.slow
def test_sim_4_contention_has_no_raw_lock_error_and_no_lost_success(tmp_path: Path) -> None:
    """Item 7: two backends (two connections, as two servers) on one file, twelve clients doing
    logins, reads and bank changes, a tester moving the clock; busy timeouts made short
    so that contention bites within seconds (0.5 s). No raw SQLite error escapes; a bank change
    reported as failed was never committed, one reported done was."""
    hasher = _costly_hasher()
    servers = [_file_backend(tmp_path, hasher, start="2026-11-30T23:15:00+01:00")]
    servers.append(FakeBackend(Store.in_dir(tmp_path), hasher=hasher))
    for server in servers:
        server.store._conn.execute("PRAGMA busy_timeout = 500")
    tally = Tally()
    # Four seconds of contention at least; then on until the work the asserts count is done,
    # up to 40 s: on a loaded machine (other test processes) four seconds may hold too few
    # successes for the count to mean anything, and that is not what this test is about.
    began = time.monotonic()

    def running() -> bool:
        elapsed = time.monotonic() - began
        enough = tally.ok.get("set_bank_details", 0) >= 6 and tally.ok.get("advance", 0) >= 3
        return elapsed < 4.0 or (elapsed < 40.0 and not enough)

    tester = threading.Thread(target=_advance_clock, args=(tmp_path, running, tally))

    async def clients() -> None:
        await asyncio.gather(*(_client(servers[n % 2], n, running, tally) for n in range(12)))

    tester.start()
    asyncio.run(clients())
    tester.join(timeout=60)
    assert tally.crashes == [], tally.crashes[:5]
    assert tally.ok.get("set_bank_details", 0) >= 6, (tally.ok, tally.typed)
    assert tally.ok.get("advance", 0) >= 3, (tally.ok, tally.typed)
    assert servers[0].clock.today().isoformat() > "2026-11-30"  # a new day (and month) came
    with servers[0].store.transaction() as db:
        holders = {row[0] for row in db.all("SELECT holder FROM bank_details")}
    assert not holders & set(tally.failed_holders)  # a failure committed nothing
    assert set(tally.stored_holders) <= holders  # a success was kept
    for server in servers:
        server.store.close()


@pytest.mark.slow
def test_sim_4_fake_clock_command_does_not_wait_for_a_writer(
    file_backend: FakeBackend, tmp_path: Path
) -> None:
    """Item 7: « geg-tui fake clock » waited for the write lock (14 s under load)."""
    with WriteLockHolder(tmp_path):
        began = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "geg_tui", "fake", "clock", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    assert elapsed < 10, elapsed  # interpreter start included; it waited 30 s before


def test_auth_3_activity_kept_in_memory_is_not_lost_by_the_next_write(
    file_backend: FakeBackend, tmp_path: Path
) -> None:
    """A read while another process wrote kept the session's activity in memory; the next write,
    once it got the lock, checked the stale ``last_seen`` of the file and ended a session used
    25 minutes before (AUTH-3 says 30 minutes without activity)."""
    from datetime import timedelta

    token = _session(file_backend)
    elec = next(c for c in asyncio.run(file_backend.account(token)).contracts if c.e_invoice)
    file_backend.clock.advance(timedelta(minutes=20))
    with WriteLockHolder(tmp_path):  # the read's activity cannot be written now
        _within(3, lambda: asyncio.run(file_backend.list_invoices(token)))
    file_backend.clock.advance(timedelta(minutes=25))  # 45 min after login, 25 after the read
    held = threading.Event()

    def hold_half_a_second() -> None:  # another process writing for a moment
        with WriteLockHolder(tmp_path):
            held.set()
            time.sleep(0.5)

    threading.Thread(target=hold_half_a_second, daemon=True).start()
    assert held.wait(5)
    contract = _within(
        10, lambda: asyncio.run(file_backend.set_e_invoice(token, elec.ref, enabled=False))
    )
    assert contract.e_invoice is False

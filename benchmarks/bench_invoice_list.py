"""Benchmark: first paint of the invoice screen for a customer with 10,000 invoices, against the
same customer with 100 invoices, in the same run.

The demo world is seeded once in memory; two copies get extra invoices inserted directly in the
store for the demo account's gas contract (dated within the last five years, so all are listed,
INV-3) until the account has 100 and 10,000 invoices. For each, a headless ``GegApp`` is logged in
through the backend and ``InvoicesScreen`` is pushed; the time runs from the push until the first
page of rows is in the ``DataTable`` and the screen has been refreshed (what loads afterwards,
such as the years of the year filter, is not in the figure). Best of 7 each,
interleaved. Target: ≤ 1.5 × the 100-invoice paint (the screen loads rows by pages).
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import seed_demo
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.formatting import PARIS

START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
SEED = 2026
REPEATS = 7
TARGET = 1.5
GAS_CONTRACT = "9600821651"
SIZES = (100, 10_000)


def add_invoices(backend: FakeBackend, contract_ref: str, count: int, *, seed: int = 1) -> None:
    """Insert ``count`` plain invoices (paid, no lines) for ``contract_ref``, issued within the
    last five years of the backend's clock, with unique 12-digit references."""
    rng = random.Random(seed)
    today: date = backend.clock.today()
    with backend.store.transaction() as db:
        contract_id = db.scalar("SELECT id FROM contracts WHERE ref = ?", (contract_ref,))
        used = {row["ref"] for row in db.all("SELECT ref FROM invoices")}
        rows = []
        for _ in range(count):
            ref = f"{rng.randrange(10**11, 10**12)}"
            while ref in used:
                ref = f"{rng.randrange(10**11, 10**12)}"
            used.add(ref)
            issued = today - timedelta(days=rng.randrange(1, 5 * 365 - 2))
            start = issued - timedelta(days=61)
            total = rng.randrange(2_000, 40_000)
            excl = round(total / 1.2)
            rows.append(
                (
                    ref,
                    contract_id,
                    "periodique",
                    issued.isoformat(),
                    start.isoformat(),
                    (issued - timedelta(days=1)).isoformat(),
                    excl,
                    total - excl,
                    total,
                    (issued + timedelta(days=14)).isoformat(),
                    "payee",
                )
            )
        db.executemany(
            "INSERT INTO invoices(ref, contract_id, kind, issue_date, period_start, period_end, "
            "amount_excl_tax, vat, total, due_date, status) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


def invoice_count(backend: FakeBackend) -> int:
    with backend.store.transaction() as db:
        return int(
            db.scalar(
                "SELECT COUNT(*) FROM invoices i JOIN contracts c ON c.id = i.contract_id "
                "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.email = ? "
                "AND i.issue_date >= ?",
                (DEMO_EMAIL, "2021-11-27"),
            )
        )


async def first_paint(backend: FakeBackend) -> float:
    """Seconds from pushing the invoice screen to its first page of rows painted."""
    from textual.widgets import DataTable

    from geg_tui.app import GegApp
    from geg_tui.screens.invoices import InvoicesScreen

    app = GegApp(lambda: backend, cursor_blink=False, auto_login=False, owns_backend=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.session = await backend.login(DEMO_EMAIL, DEMO_PASSWORD)
        await pilot.pause()
        screen = InvoicesScreen()
        began = time.perf_counter()
        await app.push_screen(screen)
        table = screen.query_one(DataTable)
        while table.row_count == 0:
            await asyncio.sleep(0.0005)
        painted = asyncio.get_running_loop().create_future()
        screen.call_after_refresh(lambda: painted.done() or painted.set_result(None))
        await painted  # the rows painted
        elapsed = time.perf_counter() - began
        await app.workers.wait_for_complete()
    return elapsed


async def main() -> None:
    template = Store(":memory:")
    Clock(template).freeze(START)
    seed_demo(template, seed=SEED, start=START)
    backends = {}
    for size in SIZES:
        backend = FakeBackend(template.clone(), hasher=Hasher(fast=True))
        add_invoices(backend, GAS_CONTRACT, size - invoice_count(backend))
        backends[size] = backend
        print(f"invoices listed for the demo account: {invoice_count(backend)}")
    timings: dict[int, list[float]] = {size: [] for size in SIZES}
    await first_paint(backends[SIZES[0]])  # warm-up: imports, CSS
    for _ in range(REPEATS):
        for size in SIZES:
            timings[size].append(await first_paint(backends[size]))
    for backend in backends.values():
        await backend.close()
    small, large = (min(timings[size]) for size in SIZES)
    print(f"first paint, {SIZES[0]:>6} invoices: {small * 1000:7.1f} ms (best of {REPEATS})")
    print(f"first paint, {SIZES[1]:>6} invoices: {large * 1000:7.1f} ms (best of {REPEATS})")
    print(f"BENCH invoice_list ratio={large / small:.2f} target={TARGET}")


if __name__ == "__main__":
    asyncio.run(main())

"""Benchmark: opening « Mes consommations » (month view) on 5 years of 30-minute data.

Timed from pushing ``ConsumptionScreen`` (headless, 80×24, already logged in) to its chart drawn
with the series: once through the fake backend on the demo world (the Linky contract, five
years of load curve and daily totals; the backend aggregates to 12 months, CONSO-4), once with a
stub backend whose ``account``, ``consumption_range`` and ``consumption`` return objects prepared
in memory (the same 12 monthly values, fetched once beforehand). Same run, interleaved, best of N each.
Target: the real backend costs at most 1.5 × the in-memory one.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.api.models import ConsumptionRange, ConsumptionSeries, Granularity
from geg_tui.app import GegApp
from geg_tui.config import Settings
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import seed_demo
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.formatting import PARIS

START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
REPEATS = 7
TARGET = 1.5


class StubBackend:
    """The methods the screen calls, answering with ready objects."""

    def __init__(self, account: Any, days: ConsumptionRange, series: ConsumptionSeries) -> None:
        self._account = account
        self._days = days
        self._series = series

    async def account(self, token: str) -> Any:
        return self._account

    async def consumption_range(self, token: str, contract_ref: str) -> ConsumptionRange:
        return self._days

    async def consumption(self, token: str, *args: Any, **kwargs: Any) -> ConsumptionSeries:
        return self._series

    async def close(self) -> None:
        return None


async def open_screen(backend: Any, session: Any, settings_dir: Path) -> float:
    """Seconds from pushing the screen to its chart having the series and being painted."""
    from geg_tui.screens.consumption import ConsumptionChart, ConsumptionScreen

    app = GegApp(
        lambda: backend, settings=Settings(settings_dir), cursor_blink=False, owns_backend=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.session = session
        await pilot.pause()
        began = time.perf_counter()
        screen = ConsumptionScreen()
        await app.push_screen(screen)
        chart = screen.query_one(ConsumptionChart)
        while chart.data is None:
            await asyncio.sleep(0)
        await pilot.pause()  # the paint that follows
        elapsed = time.perf_counter() - began
        assert screen.series is not None and screen.series.size == 12
    return elapsed


async def main() -> None:
    store = Store(":memory:")
    Clock(store).freeze(START)
    seed_demo(store, seed=2026, start=START)
    fake = FakeBackend(store, hasher=Hasher(fast=True))
    session = await fake.login(DEMO_EMAIL, DEMO_PASSWORD)
    account = await fake.account(session.token)
    linky = next(c for c in account.contracts if c.meter.communicating)
    with store.transaction() as db:
        rows = db.scalar(
            "SELECT COUNT(*) FROM load_curve WHERE contract_id = "
            "(SELECT id FROM contracts WHERE ref = ?)",
            (linky.ref,),
        )
    series = await fake.consumption(
        session.token,
        linky.ref,
        datetime(2025, 12, 1).date(),
        datetime(2026, 11, 30).date(),
        Granularity.MONTH,
    )
    days = await fake.consumption_range(session.token, linky.ref)
    stub = StubBackend(account, days, series)
    real_times, stub_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        await open_screen(stub, session, Path(tmp))  # warm-up: imports (plotext…), caches
        for _ in range(REPEATS):
            stub_times.append(await open_screen(stub, session, Path(tmp)))
            real_times.append(await open_screen(fake, session, Path(tmp)))
    await fake.close()
    real, memory = min(real_times), min(stub_times)
    print(f"load curve: {rows} days × 48 half-hours; month view: {series.size} points")
    print(f"12 monthly values in memory: {memory * 1000:7.1f} ms (best of {REPEATS})")
    print(f"fake backend, 5 years:       {real * 1000:7.1f} ms (best of {REPEATS})")
    print(f"BENCH consumption_screen ratio={real / memory:.2f} target={TARGET}")


if __name__ == "__main__":
    asyncio.run(main())

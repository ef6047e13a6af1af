"""Benchmark: consumption views through ``FakeBackend`` vs one SQL scan of the same rows (CONSO-4).

The demo world's Linky HP/HC contract (Claire Martin's) has 30-minute data and daily totals for
more than five years. Its monthly view and its daily view over the last five full years
(``start``..yesterday) are asked through ``FakeBackend.consumption`` after one login — session
check, contract lookup, SQL aggregation, pricing and the domain objects included. The baseline is
one full scan of exactly the rows both views read:
``SELECT SUM(wh) FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?`` on the
same store, in the same run. The three are timed in turn, round after round (so that a slow
moment of the machine hits them alike), and each keeps its best of ``ROUNDS``; the reported ratio
is the slower view's time over the scan's (the other view's ratio is printed above it). Target: 2.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.api.models import Granularity, Tariff
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.formatting import PARIS

SEED = 2026
START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
ROUNDS = 50
TARGET = 2


def main() -> None:
    store = Store(":memory:")
    Clock(store).freeze(START)
    seed_demo(store, seed=SEED, start=START)
    backend = FakeBackend(store, hasher=Hasher(fast=True))
    today = backend.clock.today()
    end = today - timedelta(days=1)
    start = end.replace(year=end.year - 5) + timedelta(days=1)

    async def setup() -> tuple[str, str]:
        token = (await backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token
        account = await backend.account(token)
        ref = next(c.ref for c in account.contracts if c.tariff is Tariff.BLUE_HPHC)
        return token, ref

    token, ref = asyncio.run(setup())
    with store.transaction() as db:
        cid = db.scalar("SELECT id FROM contracts WHERE ref = ?", (ref,))
        rows = db.scalar(
            "SELECT COUNT(*) FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?",
            (cid, start.isoformat(), end.isoformat()),
        )
        curve = db.scalar("SELECT COUNT(*) FROM load_curve WHERE contract_id = ?", (cid,))

    def scan() -> int:
        with store.transaction() as db:
            return db.scalar(
                "SELECT SUM(wh) FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?",
                (cid, start.isoformat(), end.isoformat()),
            )

    async def rounds() -> tuple[float, float, float, int, int]:
        """Scan, monthly view, daily view, in turn, ``ROUNDS`` times: the best time of each."""
        best = [float("inf")] * 3
        points = [0, 0]
        for _ in range(ROUNDS):
            began = time.perf_counter()
            scan()
            best[0] = min(best[0], time.perf_counter() - began)
            for i, granularity in enumerate((Granularity.MONTH, Granularity.DAY)):
                began = time.perf_counter()
                series = await backend.consumption(token, ref, start, end, granularity)
                best[i + 1] = min(best[i + 1], time.perf_counter() - began)
                points[i] = series.size
        return best[0], best[1], best[2], points[0], points[1]

    baseline, month, day, month_points, day_points = asyncio.run(rounds())
    print(f"range: {start} .. {end}; daily rows: {rows}; load-curve days (not read): {curve}")
    print(f"SQL scan SELECT SUM(wh):          {baseline * 1000:7.2f} ms")
    print(
        f"monthly view ({month_points} points):      {month * 1000:7.2f} ms  ratio {month / baseline:.2f}"
    )
    print(
        f"daily view ({day_points} points):      {day * 1000:7.2f} ms  ratio {day / baseline:.2f}"
    )
    ratio = max(month, day) / baseline
    print(f"BENCH consumption ratio={ratio:.2f} target={TARGET}")


if __name__ == "__main__":
    main()

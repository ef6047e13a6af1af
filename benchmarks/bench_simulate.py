"""Benchmark: the simulator on 12 months of 30-minute data vs fetching that curve (issue 15).

What the simulator screen does once it has the curve — every option (Base, HP/HC) at every
power above the peak, priced day by day by the billing code, plus the peak — over the last 365
days of the demo world's Linky HP/HC contract (Claire Martin's): 17 520 half-hours. The baseline
is what the screen must do anyway before it: fetch that curve from the in-process
``FakeBackend`` in pieces of 31 days (``load_curve``, session check and SQL included), in the
same run. Both are timed in turn, round after round (so a slow moment of the machine hits them
alike), each keeping its best of ``ROUNDS``; the ratio is simulate / fetch. Target: 2.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.api.models import Energy, Tariff
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.formatting import PARIS
from geg_tui.tariffs import simulate
from geg_tui.tariffs.simulate import YEAR_DAYS as DAYS
from geg_tui.tariffs.simulate import pieces

SEED = 2026
START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
ROUNDS = 20
TARGET = 2


def main() -> None:
    store = Store(":memory:")
    Clock(store).freeze(START)
    seed_demo(store, seed=SEED, start=START)
    backend = FakeBackend(store, hasher=Hasher(fast=True))
    last = backend.clock.today() - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)

    async def setup():
        token = (await backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token
        account = await backend.account(token)
        contract = next(c for c in account.contracts if c.tariff is Tariff.BLUE_HPHC)
        return token, contract, await backend.price_tables(Energy.ELECTRICITY)

    token, contract, tables = asyncio.run(setup())

    async def fetch() -> list[int]:
        watts: list[int] = []
        for lo, hi in pieces(first, last):
            watts.extend((await backend.load_curve(token, contract.ref, lo, hi)).watts)
        return watts

    async def rounds() -> tuple[float, float, simulate.Simulation, int]:
        best = [float("inf")] * 2
        result = None
        size = 0
        for _ in range(ROUNDS):
            began = time.perf_counter()
            watts = await fetch()
            best[0] = min(best[0], time.perf_counter() - began)
            began = time.perf_counter()
            result = simulate.simulate(tables, contract.tariff, contract.power_kva, first, watts)
            best[1] = min(best[1], time.perf_counter() - began)
            size = len(watts)
        assert result is not None
        return best[0], best[1], result, size

    fetched, simulated, result, size = asyncio.run(rounds())
    print(f"range: {first} .. {last}; half-hours: {size}; options priced: {len(result.options)}")
    print(f"fetch (load_curve × {len(pieces(first, last))}): {fetched * 1000:7.2f} ms")
    print(f"simulate (every option):        {simulated * 1000:7.2f} ms")
    print(f"BENCH simulate ratio={simulated / fetched:.2f} target={TARGET}")


if __name__ == "__main__":
    main()

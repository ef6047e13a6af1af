"""CONSO-4: the materialised consumption months always agree with the daily rows.

The consumption views read ``consumption_months`` rather
than ``daily_consumption``; these tests recompute every contract's days and costs from the daily
rows and compare, after seeding, after the world measured new days, after an upgrade of a
version-1 data file and after a change of the price tables.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend import admin, consumption_months
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.consumption_costs import daily_costs
from geg_tui.fake_backend.demo import seed_demo
from geg_tui.fake_backend.read_models import registers_for
from geg_tui.fake_backend.schema import SCHEMA_VERSION
from geg_tui.fake_backend.store import Store, Tx
from tests.conftest import SEED, START
from tests.schema_history import downgrade_to_v2


def from_daily_rows(db: Tx, contract) -> tuple[date, date, dict[Register, list[int]], list[int]]:
    """The reference: a contract's days, Wh per register (0 for a gap) and costs, from
    ``daily_consumption`` alone."""
    tariff = Tariff(contract["tariff"])
    registers = registers_for(tariff)
    rows = db.all(
        "SELECT day, register, wh FROM daily_consumption WHERE contract_id = ? ORDER BY day",
        (contract["id"],),
    )
    first, last = date.fromisoformat(rows[0]["day"]), date.fromisoformat(rows[-1]["day"])
    columns = {r: [0] * ((last - first).days + 1) for r in registers}
    for row in rows:
        columns[Register(row["register"])][(date.fromisoformat(row["day"]) - first).days] = row[
            "wh"
        ]
    return first, last, columns, daily_costs(tariff, registers, first, last, columns)


def assert_months_match_daily_rows(store: Store) -> int:
    """Every contract: the daily view, the month sums (whole and cut months) and the stored
    month totals equal what the daily rows give. Returns how many days were compared."""
    compared = 0
    with store.transaction() as db:
        for contract in db.all("SELECT * FROM contracts"):
            cid, registers = contract["id"], registers_for(Tariff(contract["tariff"]))
            first, last, columns, costs = from_daily_rows(db, contract)
            wh, day_costs = consumption_months.day_columns(db, cid, registers, first, last)
            assert wh == {r: tuple(c) for r, c in columns.items()}, contract["ref"]
            assert day_costs == tuple(costs), contract["ref"]
            # A range cut inside its first and last months, and the whole range.
            for lo, hi in ((first + timedelta(days=9), last - timedelta(days=3)), (first, last)):
                sums = consumption_months.month_totals(db, cid, registers, lo, hi)
                expected: dict[str, list[int]] = {}
                for i in range((lo - first).days, (hi - first).days + 1):
                    key = (first + timedelta(days=i)).isoformat()[:7]
                    month = expected.setdefault(key, [0] * len(registers))
                    for k, register in enumerate(registers):
                        month[k] += columns[register][i]
                assert sums == [tuple(v) for v in expected.values()], contract["ref"]
            width = len(registers) + 1
            for row in db.all(
                "SELECT totals, days FROM consumption_months WHERE contract_id = ?", (cid,)
            ):
                days = consumption_months.unpack(row["days"])
                sums = [sum(days[k::width]) for k in range(len(registers))]
                assert list(consumption_months.unpack(row["totals"])) == sums
            compared += len(costs)
    return compared


def test_conso_4_seeded_months_equal_the_daily_rows(seeded_template: Store) -> None:
    assert assert_months_match_daily_rows(seeded_template) > 7 * 5 * 365


async def test_conso_4_months_follow_the_days_the_world_measures(backend: FakeBackend) -> None:
    before = backend.clock.today()
    admin.advance(backend, timedelta(days=45))  # crosses a month end and a price-free month
    with backend.store.transaction() as db:
        newest = db.scalar("SELECT MAX(day) FROM daily_consumption")
    assert date.fromisoformat(newest) >= before + timedelta(days=44)
    assert_months_match_daily_rows(backend.store)


def test_conso_4_a_version_1_data_file_is_upgraded_with_its_months(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    Clock(store).freeze(START)
    seed_demo(store, seed=SEED, start=START)
    with store.transaction() as db:  # what version 1 wrote: version 2's invoices, no months
        downgrade_to_v2(db)
        db.execute("DROP TABLE consumption_months")
        db.set_meta("schema_version", "1")
        db.set_meta(consumption_months.PRICES_META, None)
    store.close()
    upgraded = Store.in_dir(tmp_path)
    with upgraded.transaction() as db:
        assert db.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert db.get_meta(consumption_months.PRICES_META) == consumption_months.PRICES_FINGERPRINT
        assert db.scalar("SELECT COUNT(*) FROM consumption_months") > 7 * 60
    assert_months_match_daily_rows(upgraded)
    upgraded.close()


def test_conso_4_months_priced_with_other_tables_are_computed_again(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    Clock(store).freeze(START)
    seed_demo(store, seed=SEED, start=START)
    with store.transaction() as db:  # as if the price tables of the code had changed since
        db.execute("UPDATE consumption_months SET days = zeroblob(length(days))")
        db.set_meta(consumption_months.PRICES_META, "older-prices")
    store.close()
    reopened = Store.in_dir(tmp_path)
    assert assert_months_match_daily_rows(reopened) > 0
    reopened.close()


def test_conso_4_the_months_are_what_the_views_read(seeded_template: Store) -> None:
    """Emptying the months empties the views: they do not read the daily rows."""
    store = seeded_template.clone()
    with store.transaction() as db:
        contract = db.one("SELECT * FROM contracts WHERE tariff = ?", (Tariff.BLUE_HPHC.value,))
        day = date(2025, 3, 14)
        registers = registers_for(Tariff.BLUE_HPHC)
        wh, costs = consumption_months.day_columns(db, contract["id"], registers, day, day)
        assert all(column[0] > 0 for column in wh.values()) and costs[0] > 0
        db.execute("DELETE FROM consumption_months WHERE contract_id = ?", (contract["id"],))
        wh, costs = consumption_months.day_columns(db, contract["id"], registers, day, day)
        assert wh == {r: (0,) for r in registers} and costs == (0,)
    store.close()

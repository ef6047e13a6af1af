"""CONSO-1…4 (consumption tracking) and SEC-4 for its inputs, through ``FakeBackend``."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geg_tui.api.errors import BackendError, NotFound, ValidationError
from geg_tui.api.models import Contract, Granularity, Register, Tariff
from geg_tui.fake_backend import consumption
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.billing import round_half_up
from geg_tui.fake_backend.demo import HC_SLOTS
from geg_tui.fake_backend.prices import price_at
from tests.fuzz import fuzz

TODAY = date(2026, 11, 27)
DAY, MONTH, YEAR = Granularity.DAY, Granularity.MONTH, Granularity.YEAR


async def login(backend: FakeBackend, creds: dict[str, str]) -> str:
    return (await backend.login(creds["email"], creds["password"])).token


async def contract_of(backend: FakeBackend, token: str, tariff: Tariff) -> Contract:
    account = await backend.account(token)
    return next(c for c in account.contracts if c.tariff is tariff)


def contract_row(backend: FakeBackend, ref: str):
    with backend.store.transaction() as db:
        return db.one("SELECT * FROM contracts WHERE ref = ?", (ref,))


def totals(points) -> dict[Register, int]:
    result: dict[Register, int] = {}
    for point in points:
        for register, wh in point.wh.items():
            result[register] = result.get(register, 0) + wh
    return result


# --- CONSO-1 -----------------------------------------------------------------------------------


async def test_conso_1_linky_daily_totals_are_sums_of_30_minute_slots(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    series = await backend.consumption(token, hphc.ref, date(2026, 3, 27), date(2026, 4, 2), DAY)
    assert not series.estimated and len(series.points) == 7  # includes the DST change (29/03)
    row = contract_row(backend, hphc.ref)
    for point in series.points:
        with backend.store.transaction() as db:
            slots = consumption.load_curve(db, row, point.start)
        assert len(slots) == 48
        hc = sum(slots[i] for i in HC_SLOTS)
        assert point.wh == {Register.HP: sum(slots) - hc, Register.HC: hc}


async def test_conso_1_load_curve_only_for_linky(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    with backend.store.transaction() as db:
        with pytest.raises(ValidationError):
            consumption.load_curve(db, contract_row(backend, gas.ref), date(2026, 1, 5))
        with pytest.raises(NotFound):
            consumption.load_curve(db, contract_row(backend, hphc.ref), TODAY + timedelta(days=3))


async def test_conso_1_gas_is_about_80_percent_in_october_to_march(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    series = await backend.consumption(token, gas.ref, date(2024, 7, 1), date(2025, 6, 30), MONTH)
    assert series.estimated  # an ordinary meter: daily values are estimates
    assert len(series.points) == 12
    winter = sum(p.total_wh for p in series.points if p.start.month in (10, 11, 12, 1, 2, 3))
    share = winter / sum(p.total_wh for p in series.points)
    assert 0.72 <= share <= 0.88
    # about 9 500 kWh a year, in kWh (m³ × 11.2), not m³
    assert 7_000_000 < sum(p.total_wh for p in series.points) < 12_000_000


# --- CONSO-2 -----------------------------------------------------------------------------------


async def test_conso_2_day_month_year_agree_and_hphc_split(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    start, end = date(2023, 3, 15), date(2025, 8, 10)
    views = {
        g: await backend.consumption(token, hphc.ref, start, end, g) for g in (DAY, MONTH, YEAR)
    }
    assert len(views[DAY].points) == (end - start).days + 1
    assert len(views[MONTH].points) == 30
    assert len(views[YEAR].points) == 3
    month = views[MONTH].points
    assert (month[0].start, month[0].end) == (date(2023, 3, 15), date(2023, 3, 31))
    assert (month[-1].start, month[-1].end) == (date(2025, 8, 1), date(2025, 8, 10))
    year = views[YEAR].points
    assert (year[0].start, year[0].end) == (date(2023, 3, 15), date(2023, 12, 31))
    assert (year[1].start, year[1].end) == (date(2024, 1, 1), date(2024, 12, 31))
    sums = {g: totals(v.points) for g, v in views.items()}
    assert sums[DAY] == sums[MONTH] == sums[YEAR]
    assert set(sums[DAY]) == {Register.HP, Register.HC} and all(sums[DAY].values())
    row = contract_row(backend, hphc.ref)
    with backend.store.transaction() as db:
        direct = db.scalar(
            "SELECT SUM(wh) FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?",
            (row["id"], start.isoformat(), end.isoformat()),
        )
    assert sum(sums[DAY].values()) == direct
    costs = {g: sum(p.cost for p in v.points) for g, v in views.items()}
    # Each point is rounded once: the totals agree to within half a cent per point.
    assert abs(costs[DAY] - costs[YEAR]) <= (len(views[DAY].points) + 3) // 2
    assert abs(costs[MONTH] - costs[YEAR]) <= (30 + 3) // 2


def expected_cost(tariff: Tariff, day: date, wh: dict[Register, int]) -> int:
    """Energy + accise at the day's prices, VAT 20 % included, in cents (no subscription)."""
    row = price_at(tariff, day)
    numerator = sum(
        w * (row.energy_micro[r] * 1000 + row.accise_micro_per_mwh) for r, w in wh.items()
    )
    return round_half_up(numerator * 120, 10**10 * 100)


async def test_conso_2_cost_uses_the_prices_of_each_period(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    series = await backend.consumption(token, hphc.ref, date(2026, 1, 25), date(2026, 2, 7), DAY)
    for point in series.points:
        assert point.cost == expected_cost(Tariff.BLUE_HPHC, point.start, point.wh)
    january = price_at(Tariff.BLUE_HPHC, date(2026, 1, 31))
    february = price_at(Tariff.BLUE_HPHC, date(2026, 2, 1))
    assert january != february  # the range spans a price change
    per_kwh = [p.cost * 1000 / p.total_wh for p in series.points]
    assert max(per_kwh[7:]) > max(per_kwh[:7])  # February is dearer than January here
    # Orders of magnitude of INV-2 (VAT included): HP ≈ 0.21 €/kWh, HC ≈ 0.16 €/kWh.
    month = await backend.consumption(token, hphc.ref, date(2026, 1, 1), date(2026, 2, 28), MONTH)
    for point in month.points:
        assert point.cost == expected_cost(Tariff.BLUE_HPHC, point.start, point.wh)
        assert 15 < point.cost * 1000 / point.total_wh < 22  # cents per kWh


async def test_conso_2_gas_cost_and_year_priced_by_month(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    months = await backend.consumption(token, gas.ref, date(2025, 1, 1), date(2025, 12, 31), MONTH)
    year = await backend.consumption(token, gas.ref, date(2025, 1, 1), date(2025, 12, 31), YEAR)
    assert set(months.points[0].wh) == {Register.GAS}
    for point in months.points:
        assert point.cost == expected_cost(Tariff.GAS, point.start, point.wh)
    assert abs(sum(p.cost for p in months.points) - year.points[0].cost) <= 7


def test_conso_2_prices_change_on_the_first_of_a_month() -> None:
    """The monthly SQL sums are priced with one row per month: this must stay true."""
    assert consumption.PRICES_CHANGE_ON_MONTH_STARTS


async def test_conso_2_range_clipped_to_known_days(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    series = await backend.consumption(token, gas.ref, "2026-11-01", "31/12/2026", DAY)
    assert series.start == date(2026, 11, 1) and series.end == date(2026, 12, 31)
    assert series.points[-1].end == TODAY - timedelta(days=1)
    future = await backend.consumption(token, gas.ref, date(2027, 1, 1), date(2027, 2, 1), "mois")
    assert future.points == ()


async def test_conso_2_bad_input_refused_per_field(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    cases = [
        ((date(2026, 2, 1), date(2026, 1, 1), MONTH, False), "end"),
        ((date(2015, 1, 1), date(2026, 1, 1), MONTH, False), "end"),
        (("31/02/2026", date(2026, 3, 1), MONTH, False), "start"),
        ((date(2026, 1, 1), "demain", MONTH, False), "end"),
        ((date(2026, 1, 1), date(2026, 2, 1), "semaine", False), "granularity"),
        ((date(2026, 1, 1), date(2026, 2, 1), None, False), "granularity"),
        ((date(2026, 1, 1), date(2026, 2, 1), DAY, "oui"), "compare_previous_year"),
        ((12, date(2026, 2, 1), DAY, False), "start"),
        ((date(1, 1, 1), date(1, 1, 2), DAY, True), "start"),
    ]
    for (start, end, granularity, compare), field in cases:
        with pytest.raises(ValidationError) as caught:
            await backend.consumption(
                token, gas.ref, start, end, granularity, compare_previous_year=compare
            )
        assert field in caught.value.fields, (start, end, granularity, compare)
        assert all(isinstance(m, str) and m for m in caught.value.fields.values())


# --- CONSO-3 -----------------------------------------------------------------------------------


async def test_conso_3_previous_year_aligned_point_by_point(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    start, end = date(2025, 10, 10), date(2026, 3, 31)
    series = await backend.consumption(
        token, hphc.ref, start, end, MONTH, compare_previous_year=True
    )
    assert series.previous is not None and series.previous.size == series.size == 6
    previous = series.previous.points
    assert len(previous) == len(series.points) == 6
    last_year = await backend.consumption(
        token, hphc.ref, date(2024, 10, 10), date(2025, 3, 31), MONTH
    )
    assert previous == last_year.points
    for point, before in zip(series.points, previous, strict=True):
        assert before.start == point.start.replace(year=point.start.year - 1)
        change = consumption.percent_change(point.total_wh, before.total_wh)
        assert change is not None and -60 < change < 150
    plain = await backend.consumption(token, hphc.ref, start, end, MONTH)
    assert plain.previous is None and plain.points == series.points
    assert plain.starts == series.starts and plain.wh == series.wh and plain.costs == series.costs


async def test_conso_3_previous_year_days_and_29_february(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    series = await backend.consumption(
        token, gas.ref, date(2024, 2, 28), date(2024, 3, 1), DAY, compare_previous_year=True
    )
    assert series.previous is not None
    previous = series.previous.points
    assert [p.start for p in previous] == [
        date(2023, 2, 28),
        date(2023, 2, 28),
        date(2023, 3, 1),
    ]
    reference = await backend.consumption(token, gas.ref, date(2023, 2, 28), date(2023, 3, 1), DAY)
    assert previous[0] == previous[1] == reference.points[0]
    assert previous[2] == reference.points[1]
    february = await backend.consumption(
        token, gas.ref, date(2025, 2, 1), date(2025, 2, 28), MONTH, compare_previous_year=True
    )
    assert february.previous is not None
    assert february.previous.ends[0] == date(2024, 2, 29)  # the whole month a year before
    assert consumption.percent_change(100, 0) is None
    assert consumption.percent_change(110, 100) == pytest.approx(10.0)


# --- CONSO-4 -----------------------------------------------------------------------------------


async def test_conso_4_monthly_view_reads_the_month_totals(
    backend: FakeBackend, demo_credentials
) -> None:
    """A five-year monthly view: one statement on the materialised months, no daily row and no
    30-minute point read: the 61 months' totals, and the days only of the two months the range
    cuts."""
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    statements: list[str] = []
    conn = backend.store._conn
    conn.set_trace_callback(statements.append)
    try:
        series = await backend.consumption(
            token, hphc.ref, date(2021, 11, 27), date(2026, 11, 26), MONTH
        )
    finally:
        conn.set_trace_callback(None)
    assert len(series.points) == 61
    assert not any("load_curve" in s or "daily_consumption" in s for s in statements)
    reads = [s for s in statements if "consumption_months" in s]
    with backend.store.transaction() as db:  # the traced statements, their values bound
        shipped = [db.execute(read).fetchall() for read in reads]
    assert [len(rows) for rows in shipped] == [61]  # one row per month: its totals…
    assert sum(1 for row in shipped[0] if row[-1] is not None) == 2  # …days for the 2 cut ones


# --- SEC-4 ---------------------------------------------------------------------------------

ODD = st.sampled_from(
    ["", " ", "\x00", "\ud800", "2026-02-30", "31/12/9999", "0000-01-01", "x" * 10_000, "mois"]
)
VALUE = st.one_of(
    st.dates(),
    st.datetimes(),
    st.text(max_size=20),
    ODD,
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.sampled_from(list(Granularity)),
)
FUZZ = fuzz(40)


@FUZZ
@given(start=VALUE, end=VALUE, granularity=VALUE, compare=VALUE)
def test_sec_4_consumption_fuzz(
    fresh, start: Any, end: Any, granularity: Any, compare: Any
) -> None:
    backend = fresh()

    async def run() -> None:
        token = (await backend.login("claire.martin@exemple.fr", "Grenoble-2026")).token
        account = await backend.account(token)
        for contract in account.contracts:
            try:
                series = await backend.consumption(
                    token, contract.ref, start, end, granularity, compare_previous_year=compare
                )
            except BackendError as exc:
                assert exc.message and all(isinstance(v, str) for v in exc.fields.values())
            else:
                assert len(series.points) <= consumption.MAX_DAYS

    asyncio.run(run())


# --- the days of a daily series ------------------------------------------------------------


def test_conso_2_daily_periods_behave_as_the_tuple_of_their_days() -> None:
    from geg_tui.api.codec import encode
    from geg_tui.api.models import DayRange

    first = date(2024, 2, 27)
    days = DayRange(first, 4)
    expected = (date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1))
    assert tuple(days) == expected and days == expected and expected == days
    assert days == list(expected) and days != expected[:3] and days != "2024-02-27"
    assert len(days) == 4 and days[0] == first and days[-1] == date(2024, 3, 1)
    assert days[1:3] == expected[1:3] and days[::2] == expected[::2] and days[4:] == ()
    assert date(2024, 2, 29) in days and date(2024, 3, 2) not in days and "x" not in days
    assert days.index(date(2024, 2, 29)) == 2 and list(reversed(days)) == list(expected[::-1])
    assert (
        hash(days) == hash(expected) and DayRange(first, 0) == () and len(DayRange(first, -3)) == 0
    )
    with pytest.raises(IndexError):
        days[4]
    assert encode(days) == [d.isoformat() for d in expected]
    assert repr(days) == "DayRange(2024-02-27, 4)"


async def test_conso_3_daily_comparison_points_are_single_days(
    backend: FakeBackend, demo_credentials
) -> None:
    """A day compared with the same day a year before: one day too, even on 28 February after a
    leap year (not 28–29 February 2024)."""
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    series = await backend.consumption(
        token, hphc.ref, date(2025, 2, 27), date(2025, 3, 1), DAY, compare_previous_year=True
    )
    previous = series.previous
    assert previous is not None
    assert list(previous.starts) == [
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 3, 1),
    ]
    assert list(previous.ends) == list(previous.starts)


async def test_conso_2_daily_series_days_are_consecutive(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    series = await backend.consumption(token, hphc.ref, date(2024, 2, 20), date(2024, 3, 10), DAY)
    assert series.starts == series.ends
    assert list(series.starts) == [date(2024, 2, 20) + timedelta(days=i) for i in range(20)]
    assert [p.start for p in series.points] == list(series.starts)

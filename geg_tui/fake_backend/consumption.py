"""Consumption tracking (CONSO-1…4): series by day, month or year, with cost and comparison.

What the backend ships is always aggregated (CONSO-4), and what it reads is too: every view reads
the materialised months (``consumption_months``: per contract and calendar month, the month's
totals and its days with their costs, kept in step with ``daily_consumption`` by its writers).
A five-year daily view joins 61 rows of bytes and cuts them into columns; a five-year monthly
view reads the same 61 rows' totals, whatever the size of the load curve. ``load_curve`` (48
half-hour values a day, Linky only) is read only by ``load_curve()`` for one day, never by a
series. The series is columnar (``ConsumptionSeries`` holds tuples, not 1,826 point objects).
Each call reads what it shows (no cache of results).

Cost (CONSO-2): energy price of the register + accise, VAT 20 % included, at the prices in force
on each day (``prices.price_at``). The subscription, the CTA and any instalment are not part of
a consumption cost: they do not depend on what was consumed, and they are on the invoices. Every
price change of the tables happens on the first day of a month, so a month has one price and the
monthly sums are priced exactly; a year is priced month by month. A point's cost is rounded
half-up to the cent once, so day, month and year costs of the same days agree to within the
rounding of their points.

Range: any ``start``..``end`` (inclusive) of at most ``MAX_DAYS``; the points cover the part of it
where consumption is known — from the contract start to yesterday (today is not over). Points of
a month or year view are calendar months or years, the first and last cut at the range ends.

CONSO-3: ``previous`` has one point per point, the same days one year earlier (29 February maps to
28 February; a period that ends on a month's last day ends on that month's last day a year
before), priced at that year's prices; a % change is ``(total - previous) / previous``.

CONSO-1: on a non-communicating meter the daily values are estimates spread from the readings
(a profile), so the series says ``estimated=True``. Gas values are kWh-based already (m³ × the
contract's coefficient, in Wh).
"""

from __future__ import annotations

import functools
import re
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import add, itemgetter, mul

from geg_tui.api.errors import NotFound, ValidationError
from geg_tui.api.models import (
    ConsumptionRange,
    ConsumptionSeries,
    DayRange,
    Granularity,
    Register,
    Tariff,
)
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import consumption_months, read_models, validation
from geg_tui.fake_backend.consumption_costs import cost_column, factors
from geg_tui.fake_backend.prices import PRICE_TABLES, price_periods
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS

MAX_YEARS = 6
MAX_DAYS = MAX_YEARS * 366
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)
SLOTS_PER_DAY = 48

# Every price change falls on the 1st of a month (see the module docstring); the tests check it.
PRICES_CHANGE_ON_MONTH_STARTS = all(
    row.effective.day == 1 for rows in PRICE_TABLES.values() for row in rows
)


# --- input checks ---------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _day(value: object, field: str, label: str) -> date:
    """A day: a ``date`` (a datetime is taken in Paris time), ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``."""
    if isinstance(value, datetime):
        try:
            value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
        except (OverflowError, ValueError):  # year 1 or 9999 shifted out of range
            raise validation.refuse(field, Problem("date_out_of_range", label=label)) from None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        if len(value) > 40:
            raise validation.refuse(field, Problem("date_format", label=label))
        text = value.strip()
        if (m := _ISO.match(text)) is not None:
            y, mo, d = (int(g) for g in m.groups())
        elif (m := _FR.match(text)) is not None:
            d, mo, y = (int(g) for g in m.groups())
        else:
            raise validation.refuse(field, Problem("date_format", label=label))
        try:
            day = date(y, mo, d)
        except ValueError:
            raise validation.refuse(field, Problem("date_not_real", label=label)) from None
    else:
        raise validation.refuse(field, Problem("date_format", label=label))
    if not MIN_DAY <= day <= MAX_DAY:
        raise validation.refuse(field, Problem("date_out_of_range", label=label))
    return day


def _granularity(value: object) -> Granularity:
    if isinstance(value, str) and len(value) < 20:
        try:
            return Granularity(value)
        except ValueError:
            pass
    raise validation.refuse("granularity", Problem("granularity_choose"))


def check_request(
    start: object, end: object, granularity: object, compare_previous_year: object
) -> tuple[date, date, Granularity, bool]:
    """CONSO-2, SEC-4: every input checked, one French message per wrong field."""
    errors = validation.Errors()
    first = errors.check("start", _day, start, "start", "start")
    last = errors.check("end", _day, end, "end", "end")
    gran = errors.check("granularity", _granularity, granularity)
    if not isinstance(compare_previous_year, bool):
        errors.add("compare_previous_year", Problem("comparison_invalid"))
    if first is not None and last is not None:
        if last < first:
            errors.add("end", Problem("end_before_start"))
        elif (last - first).days >= MAX_DAYS:
            errors.add("end", Problem("period_too_long", years=MAX_YEARS))
    errors.raise_if_any()
    assert first is not None and last is not None and gran is not None
    return first, last, gran, bool(compare_previous_year)


# --- calendar -------------------------------------------------------------------------------


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _year_before_end(day: date) -> date:
    """The end of a period, one year earlier: a month's last day stays its month's last day."""
    if day == _month_end(day):
        return _month_end(date(day.year - 1, day.month, 1))
    return _year_before(day)


# --- aggregation ----------------------------------------------------------------------------


def _period_points(
    db: Tx,
    contract_id: int,
    tariff: Tariff,
    registers: tuple[Register, ...],
    first: date,
    last: date,
    granularity: Granularity,
) -> tuple[tuple[date, ...], tuple[date, ...], dict[Register, tuple[int, ...]], tuple[int, ...]]:
    """Month and year views over ``first``..``last``: the points' periods (calendar months or
    years cut at the ends), the Wh columns and the costs. The months' sums come from the
    materialised months; a month has one price, a year is priced month by month."""
    starts, ends = consumption_months.month_calendar(first, last)
    totals = consumption_months.month_totals(db, contract_id, registers, first, last)
    columns = tuple(zip(*totals, strict=True))
    # Prices change on a few month starts: each price period is a run of whole months, priced
    # a column at a time (``map`` over the run, in C).
    numerators: list[int] = []
    for lo, hi, row in price_periods(tariff, first, last):
        i = len(numerators)
        j = i + consumption_months.month_count(lo, hi)
        run: Iterable[int] = repeat(0, j - i)
        for column, price in zip(columns, factors(row, registers), strict=True):
            run = map(add, run, map(mul, column[i:j], repeat(price)))
        numerators.extend(run)
    if granularity is Granularity.MONTH:
        return (
            tuple(starts),
            tuple(ends),
            dict(zip(registers, columns, strict=True)),
            cost_column(numerators),
        )
    year_starts: list[date] = []
    year_ends: list[date] = []
    year_totals: list[tuple[int, ...]] = []
    year_numerators: list[int] = []
    for lo, hi, values, numerator in zip(starts, ends, totals, numerators, strict=True):
        if year_starts and year_starts[-1].year == lo.year:
            year_ends[-1] = hi
            year_totals[-1] = tuple(map(add, year_totals[-1], values))
            year_numerators[-1] += numerator
        else:
            year_starts.append(lo)
            year_ends.append(hi)
            year_totals.append(values)
            year_numerators.append(numerator)
    columns = tuple(zip(*year_totals, strict=True))
    return (
        tuple(year_starts),
        tuple(year_ends),
        dict(zip(registers, columns, strict=True)),
        cost_column(year_numerators),
    )


def _day_series(
    db: Tx,
    contract_id: int,
    registers: tuple[Register, ...],
    first: date,
    last: date,
) -> tuple[DayRange, dict[Register, tuple[int, ...]], tuple[int, ...]]:
    """Daily view over ``first``..``last``: the days, the Wh columns and the costs."""
    columns, costs = consumption_months.day_columns(db, contract_id, registers, first, last)
    return DayRange(first, (last - first).days + 1), columns, costs


def _picked(values: Sequence[int], indexes: list[int]) -> tuple[int, ...]:
    if len(indexes) == 1:
        return (values[indexes[0]],)
    return tuple(itemgetter(*indexes)(values))


def series(
    db: Tx,
    today: date,
    contract_row: sqlite3.Row,
    start: object,
    end: object,
    granularity: object,
    compare_previous_year: object,
) -> ConsumptionSeries:
    """CONSO-1…4: the contract's consumption over ``start``..``end`` by day, month or year.

    Split per register (HP/HC where the contract has it), each point with its cost in cents VAT
    included at the prices of its days — energy price and accise only: the subscription is not
    part of a consumption cost. With ``compare_previous_year``, ``previous`` holds the same
    periods one year earlier, point by point. Bad input raises ``ValidationError`` per field.
    """
    first, last, gran, compare = check_request(start, end, granularity, compare_previous_year)
    tariff = Tariff(contract_row["tariff"])
    registers = read_models.registers_for(tariff)
    contract_start = date.fromisoformat(contract_row["start_date"])
    shown_first = max(first, contract_start)
    shown_last = min(last, today - timedelta(days=1))
    make = functools.partial(
        _make_series, contract_row["ref"], gran, not contract_row["communicating"]
    )
    if shown_first > shown_last:
        empty = {register: () for register in registers}
        previous = make((), (), dict(empty), (), None, (first, last)) if compare else None
        return make((), (), dict(empty), (), previous, (first, last))
    cid = contract_row["id"]
    shown = (shown_first, shown_last)
    if gran is Granularity.DAY:
        return _by_day(db, cid, registers, shown, compare, make, (first, last))
    return _by_period(db, cid, tariff, registers, shown, gran, compare, make, (first, last))


def _make_series(
    ref: str,
    gran: Granularity,
    estimated: bool,
    starts: Sequence[date],
    ends: Sequence[date],
    wh: dict[Register, tuple[int, ...]],
    costs: tuple[int, ...],
    previous: ConsumptionSeries | None,
    bounds: tuple[date, date],
) -> ConsumptionSeries:
    return ConsumptionSeries(
        contract_ref=ref,
        granularity=gran,
        start=bounds[0],
        end=bounds[1],
        starts=starts,
        ends=ends,
        wh=wh,
        costs=costs,
        previous=previous,
        estimated=estimated,
    )


def _by_day(
    db: Tx,
    cid: int,
    registers: tuple[Register, ...],
    shown: tuple[date, date],
    compare: bool,
    make: Callable[..., ConsumptionSeries],
    bounds: tuple[date, date],
) -> ConsumptionSeries:
    """One point per day of ``shown``; compared, the same day a year before."""
    shown_first, shown_last = shown
    prev_first, prev_last = _year_before(shown_first), _year_before_end(shown_last)
    previous = None
    days, columns, costs = _day_series(db, cid, registers, shown_first, shown_last)
    if compare:
        # One point per day: the same day a year before (29 February → 28 February).
        _, prev_columns, prev_costs = _day_series(db, cid, registers, prev_first, prev_last)
        origin = prev_first.toordinal()
        picks = [_year_before(day).toordinal() - origin for day in days]
        previous_days = tuple(map(_year_before, days))  # one day each: starts are ends
        previous = make(
            previous_days,
            previous_days,
            {r: _picked(prev_columns[r], picks) for r in registers},
            _picked(prev_costs, picks),
            None,
            (prev_first, prev_last),
        )
    return make(days, days, columns, costs, previous, bounds)


def _by_period(
    db: Tx,
    cid: int,
    tariff: Tariff,
    registers: tuple[Register, ...],
    shown: tuple[date, date],
    gran: Granularity,
    compare: bool,
    make: Callable[..., ConsumptionSeries],
    bounds: tuple[date, date],
) -> ConsumptionSeries:
    """One point per month or year of ``shown``; compared, the same periods a year before."""
    shown_first, shown_last = shown
    prev_first, prev_last = _year_before(shown_first), _year_before_end(shown_last)
    previous = None
    starts, ends, wh, costs = _period_points(
        db, cid, tariff, registers, shown_first, shown_last, gran
    )
    if compare:
        # The same periods a year before: as many months or years, point for point.
        _, _, prev_wh, prev_costs = _period_points(
            db, cid, tariff, registers, prev_first, prev_last, gran
        )
        previous = make(
            tuple(map(_year_before, starts)),
            tuple(map(_year_before_end, ends)),
            prev_wh,
            prev_costs,
            None,
            (prev_first, prev_last),
        )
    return make(starts, ends, wh, costs, previous, bounds)


def data_range(db: Tx, today: date, contract_row: sqlite3.Row) -> ConsumptionRange:
    """CONSO-2: the days with consumption: from the contract's start (or the oldest month kept)
    to yesterday — the same bounds ``series`` cuts a range to, so a screen asking for exactly
    this range gets every point there is and nothing empty at the ends."""
    ref = contract_row["ref"]
    oldest = db.scalar(
        "SELECT MIN(month) FROM consumption_months WHERE contract_id = ?", (contract_row["id"],)
    )
    if oldest is None:
        return ConsumptionRange(ref, None, None)
    year, month = map(int, str(oldest).split("-"))
    first = max(date(year, month, 1), date.fromisoformat(contract_row["start_date"]))
    last = today - timedelta(days=1)
    if first > last:
        return ConsumptionRange(ref, None, None)
    return ConsumptionRange(ref, first, last)


def percent_change(current: int, previous: int) -> float | None:
    """CONSO-3: the % change from ``previous`` to ``current`` (``None`` when previous is 0)."""
    if previous == 0:
        return None
    return (current - previous) * 100 / previous


# --- load curve -----------------------------------------------------------------------------


def load_curve(db: Tx, contract_row: sqlite3.Row, day: object) -> list[int]:
    """CONSO-1: the 48 half-hour Wh values of one day (slot 0 = 00:00–00:30), Linky only."""
    if not contract_row["communicating"]:
        raise ValidationError(Problem("compteur_non_communicant"))
    when = _day(day, "day", "day")
    blob = db.scalar(
        "SELECT slots FROM load_curve WHERE contract_id = ? AND day = ?",
        (contract_row["id"], when.isoformat()),
    )
    if blob is None:
        raise NotFound(Problem("load_curve_missing", day=when))
    slots = array("H")
    slots.frombytes(blob)
    if sys.byteorder == "big":
        slots.byteswap()
    return slots.tolist()

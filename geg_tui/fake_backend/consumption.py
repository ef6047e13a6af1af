"""Consumption tracking (CONSO-1…4): series by day, month or year, with cost and comparison.

What the backend ships is always aggregated (CONSO-4): the daily view reads ``daily_consumption``
(one row per day and register), the monthly and yearly views let SQLite sum it by month
(one range of the primary key summed per month and register), so a five-year monthly view reads a few dozen rows whatever the
size of the load curve. ``load_curve`` (48 half-hour values a day, Linky only) is read only by
``load_curve()`` for one day, never by a series.

Speed: the daily view gets its rows as one ``group_concat`` string parsed by ``json`` (C), and
computes costs over whole columns with ``map``; the series is columnar (``ConsumptionSeries``
holds tuples, not 1,826 point objects). Each call still reads every row it shows (no cache).

Cost (CONSO-2): energy price of the register + accise, VAT 20 % included, at the prices in force
on each day (``prices.price_at``). The subscription, the CTA and any instalment are not part of
a consumption cost: they do not depend on what was consumed, and they are on the invoices. Every
price change of the tables happens on the first day of a month, so a month has one price and the
monthly sums of SQL are priced exactly; a year is priced month by month. A point's cost is rounded
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

import json
import re
import sqlite3
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import add, floordiv, itemgetter, mul

from geg_tui.api.errors import NotFound, ValidationError
from geg_tui.api.models import (
    ConsumptionSeries,
    Granularity,
    Register,
    Tariff,
)
from geg_tui.fake_backend import read_models, validation
from geg_tui.fake_backend.billing import round_half_up
from geg_tui.fake_backend.prices import (
    PRICE_TABLES,
    VAT_RATE_PCT,
    PriceRow,
    price_periods,
)
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS, format_date

MAX_YEARS = 6
MAX_DAYS = MAX_YEARS * 366
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)
SLOTS_PER_DAY = 48

# Cost arithmetic in integers: Wh × (µ€/kWh × 1000 + µ€/MWh) is in 10⁻¹² €, i.e. 10⁻¹⁰ cent;
# × (100 + VAT) / 100 for the VAT.
_SCALE = 10**10
_VAT_NUM = 100 + int(VAT_RATE_PCT)
_VAT_DEN = 100

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
            raise validation.refuse(field, f"{label} hors des limites acceptées.") from None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        if len(value) > 40:
            raise validation.refuse(field, f"{label} invalide (format JJ/MM/AAAA).")
        text = value.strip()
        if (m := _ISO.match(text)) is not None:
            y, mo, d = (int(g) for g in m.groups())
        elif (m := _FR.match(text)) is not None:
            d, mo, y = (int(g) for g in m.groups())
        else:
            raise validation.refuse(field, f"{label} invalide (format JJ/MM/AAAA).")
        try:
            day = date(y, mo, d)
        except ValueError:
            raise validation.refuse(field, f"{label} : cette date n'existe pas.") from None
    else:
        raise validation.refuse(field, f"{label} invalide (format JJ/MM/AAAA).")
    if not MIN_DAY <= day <= MAX_DAY:
        raise validation.refuse(field, f"{label} hors des limites acceptées.")
    return day


def _granularity(value: object) -> Granularity:
    if isinstance(value, str) and len(value) < 20:
        try:
            return Granularity(value)
        except ValueError:
            pass
    raise validation.refuse(
        "granularity", "Choisissez un affichage par jour, par mois ou par année."
    )


def check_request(
    start: object, end: object, granularity: object, compare_previous_year: object
) -> tuple[date, date, Granularity, bool]:
    """CONSO-2, SEC-4: every input checked, one French message per wrong field."""
    errors = validation.Errors()
    first = errors.check("start", _day, start, "start", "Date de début")
    last = errors.check("end", _day, end, "end", "Date de fin")
    gran = errors.check("granularity", _granularity, granularity)
    if not isinstance(compare_previous_year, bool):
        errors.add("compare_previous_year", "Choix de comparaison invalide.")
    if first is not None and last is not None:
        if last < first:
            errors.add("end", "La date de fin doit être égale ou postérieure à la date de début.")
        elif (last - first).days >= MAX_DAYS:
            errors.add("end", f"La période demandée ne peut pas dépasser {MAX_YEARS} ans.")
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


def _periods(first: date, last: date, granularity: Granularity) -> Iterator[tuple[date, date]]:
    """The points' periods over ``first``..``last``: days, or calendar months/years cut at the ends."""
    if granularity is Granularity.DAY:
        one = timedelta(days=1)
        day = first
        while day <= last:
            yield day, day
            day += one
        return
    start = first
    while start <= last:
        stop = _month_end(start) if granularity is Granularity.MONTH else date(start.year, 12, 31)
        stop = min(stop, last)
        yield start, stop
        start = stop + timedelta(days=1)


def _key(day: date, granularity: Granularity) -> str:
    iso = day.isoformat()
    if granularity is Granularity.DAY:
        return iso
    if granularity is Granularity.MONTH:
        return iso[:7]
    return iso[:4]


# --- aggregation ----------------------------------------------------------------------------


def _factors(row: PriceRow, registers: tuple[Register, ...]) -> tuple[int, ...]:
    """Per register, the price of one Wh in 10⁻¹² € (energy + accise, before VAT)."""
    return tuple(
        row.energy_micro.get(register, 0) * 1000 + row.accise_micro_per_mwh
        for register in registers
    )


def _cost_cents(numerator: int) -> int:
    """10⁻¹² € before VAT → cents VAT included, rounded half-up."""
    return round_half_up(numerator * _VAT_NUM, _SCALE * _VAT_DEN)


# ``_cost_cents`` of a non-negative numerator as one integer division, for the daily columns:
# round_half_up(n × VAT, D) = (2 n VAT + D) // 2D = (n VAT + D/2) // D, D being even.
_COST_DEN = _SCALE * _VAT_DEN
_COST_HALF = _COST_DEN // 2
assert _COST_DEN % 2 == 0


def _register_filter(registers: tuple[Register, ...]) -> str:
    """SQL condition keeping the contract's registers (rows of any other register are ignored)."""
    if len(registers) == 1:
        return f"register = '{registers[0].value}'"
    return "register IN ({})".format(", ".join(f"'{r.value}'" for r in registers))


def _daily_columns(
    db: Tx, contract_id: int, registers: tuple[Register, ...], first: date, last: date
) -> dict[Register, list[int]]:
    """Daily view: per register, the Wh of each day of ``first``..``last`` (0 for a missing day).

    One statement hands SQLite's scan back as one string: ``group_concat`` of the values in
    primary-key order (day, then register), parsed by ``json`` in C. When the row count is
    days × registers, the primary key (contract_id, day, register) guarantees one row per day and
    register, so the values simply interleave; otherwise (gaps) the rows are placed one by one.
    """
    days = (last - first).days + 1
    order = tuple(sorted(registers, key=lambda r: r.value))  # the key's order within a day
    where = f"WHERE contract_id = ? AND day BETWEEN ? AND ? AND {_register_filter(registers)}"
    bounds = (contract_id, first.isoformat(), last.isoformat())
    cursor = db.execute(
        "SELECT count(*), group_concat(wh) FROM "
        f"(SELECT wh FROM daily_consumption {where} ORDER BY day, register)",
        bounds,
    )
    cursor.row_factory = None
    count, text = cursor.fetchone()
    width = len(order)
    if count == days * width:
        values = json.loads(f"[{text}]")
        return {register: values[i::width] for i, register in enumerate(order)}
    columns = {register: [0] * days for register in registers}
    origin = first.toordinal()
    cursor = db.execute(f"SELECT day, register, wh FROM daily_consumption {where}", bounds)
    cursor.row_factory = None
    for day, register, wh in cursor:
        columns[Register(register)][date.fromisoformat(day).toordinal() - origin] = wh
    return columns


def _daily_costs(
    tariff: Tariff,
    registers: tuple[Register, ...],
    first: date,
    last: date,
    columns: dict[Register, list[int]],
) -> list[int]:
    """The cost of each day: ``_cost_cents`` of Σ Wh × factor, a price period at a time."""
    costs: list[int] = []
    negative = any(min(column, default=0) < 0 for column in columns.values())
    for lo, hi, row in price_periods(tariff, first, last):
        i, j = (lo - first).days, (hi - first).days + 1
        factors = _factors(row, registers)
        if negative:  # never in practice (Wh are counts); the exact rounding of any sign
            slices = [columns[r][i:j] for r in registers]
            costs.extend(
                _cost_cents(sum(v * f for v, f in zip(vs, factors, strict=True)))
                for vs in zip(*slices, strict=True)
            )
            continue
        numerators: Iterable[int] = repeat(_COST_HALF, j - i)
        for register, factor in zip(registers, factors, strict=True):
            numerators = map(
                add, numerators, map(mul, columns[register][i:j], repeat(factor * _VAT_NUM))
            )
        costs.extend(map(floordiv, numerators, repeat(_COST_DEN)))
    return costs


def _monthly_sql(registers: tuple[Register, ...], months: int) -> str:
    """Month and year views: one row per month with its Wh per register, in one statement.

    Each month is a range of the primary key summed in place (one correlated subquery whose
    per-register sums travel as one ``'hp hc'`` string), so SQLite never sorts the daily rows
    into groups (a plain ``GROUP BY substr(day, 1, 7), register`` builds a temporary B-tree of
    every row read, three times slower) and reads each row once.
    """
    values = ", ".join("(?, ?)" for _ in range(months))
    if len(registers) == 1:
        sums = "SUM(wh)"
    else:
        sums = " || ' ' || ".join(
            f"SUM(CASE WHEN register = '{r.value}' THEN wh ELSE 0 END)" for r in registers
        )
    return (
        f"WITH m(lo, hi) AS (VALUES {values}) SELECT substr(m.lo, 1, 7), (SELECT {sums} "
        "FROM daily_consumption WHERE contract_id = ? AND day BETWEEN m.lo AND m.hi "
        f"AND {_register_filter(registers)}) FROM m"
    )


def _aggregate(
    db: Tx,
    contract_id: int,
    tariff: Tariff,
    registers: tuple[Register, ...],
    first: date,
    last: date,
    granularity: Granularity,
) -> dict[str, tuple[tuple[int, ...], int]]:
    """Month and year views, per point key: Wh per register and the cost numerator (see
    ``_cost_cents``). One query; a month has one price, years are folded here month by month."""
    bounds = [
        iso
        for lo, hi in _periods(first, last, Granularity.MONTH)
        for iso in (lo.isoformat(), hi.isoformat())
    ]
    cursor = db.execute(_monthly_sql(registers, len(bounds) // 2), (*bounds, contract_id))
    cursor.row_factory = None  # plain tuples: sqlite3.Row costs more than the sums
    zeros = (0,) * len(registers)
    result: dict[str, tuple[tuple[int, ...], int]] = {}
    year_view = granularity is Granularity.YEAR
    # Months come in order and prices change on a few month starts: walk the price periods.
    spans = [
        (hi.isoformat()[:7], _factors(row, registers))
        for _, hi, row in price_periods(tariff, first, last)
    ]
    span = 0
    until, factors = spans[0]
    for key, sums in cursor.fetchall():
        while key > until:
            span += 1
            until, factors = spans[span]
        if sums is None:
            values = zeros
        elif isinstance(sums, str):
            values = tuple(map(int, sums.split()))
        else:
            values = (sums,)
        numerator = sum(map(mul, values, factors))
        if year_view:
            key = key[:4]
            if key in result:
                old_values, old_numerator = result[key]
                values = tuple(map(add, old_values, values))
                numerator += old_numerator
        result[key] = (values, numerator)
    return result


def _day_series(
    db: Tx,
    contract_id: int,
    tariff: Tariff,
    registers: tuple[Register, ...],
    first: date,
    last: date,
) -> tuple[tuple[date, ...], dict[Register, list[int]], list[int]]:
    """Daily view over ``first``..``last``: the days, the Wh columns and the costs."""
    columns = _daily_columns(db, contract_id, registers, first, last)
    costs = _daily_costs(tariff, registers, first, last, columns)
    days = tuple(map(date.fromordinal, range(first.toordinal(), last.toordinal() + 1)))
    return days, columns, costs


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
    ref = contract_row["ref"]
    estimated = not contract_row["communicating"]
    empty = {register: () for register in registers}

    def make(
        starts: tuple[date, ...],
        ends: tuple[date, ...],
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

    if shown_first > shown_last:
        previous = make((), (), dict(empty), (), None, (first, last)) if compare else None
        return make((), (), dict(empty), (), previous, (first, last))
    cid = contract_row["id"]
    prev_first, prev_last = _year_before(shown_first), _year_before_end(shown_last)
    previous = None
    if gran is Granularity.DAY:
        days, columns, costs = _day_series(db, cid, tariff, registers, shown_first, shown_last)
        if compare:
            # One point per day: the same day a year before (29 February → 28 February).
            _, prev_columns, prev_costs = _day_series(
                db, cid, tariff, registers, prev_first, prev_last
            )
            origin = prev_first.toordinal()
            picks = [_year_before(day).toordinal() - origin for day in days]
            previous = make(
                tuple(map(_year_before, days)),
                tuple(map(_year_before_end, days)),
                {r: _picked(prev_columns[r], picks) for r in registers},
                _picked(prev_costs, picks),
                None,
                (prev_first, prev_last),
            )
        wh = {register: tuple(columns[register]) for register in registers}
        return make(days, days, wh, tuple(costs), previous, (first, last))

    periods = list(_periods(shown_first, shown_last, gran))
    zeros = ((0,) * len(registers), 0)

    def columns_of(
        groups: dict[str, tuple[tuple[int, ...], int]], keys: list[str]
    ) -> tuple[dict[Register, tuple[int, ...]], tuple[int, ...]]:
        found = [groups.get(key, zeros) for key in keys]
        wh = {
            register: tuple(values[i] for values, _ in found)
            for i, register in enumerate(registers)
        }
        return wh, tuple(_cost_cents(numerator) for _, numerator in found)

    groups = _aggregate(db, cid, tariff, registers, shown_first, shown_last, gran)
    if compare:
        prev_groups = _aggregate(db, cid, tariff, registers, prev_first, prev_last, gran)
        prev_starts = tuple(_year_before(lo) for lo, _ in periods)
        prev_wh, prev_costs = columns_of(prev_groups, [_key(d, gran) for d in prev_starts])
        previous = make(
            prev_starts,
            tuple(_year_before_end(hi) for _, hi in periods),
            prev_wh,
            prev_costs,
            None,
            (prev_first, prev_last),
        )
    wh, costs = columns_of(groups, [_key(lo, gran) for lo, _ in periods])
    return make(
        tuple(lo for lo, _ in periods),
        tuple(hi for _, hi in periods),
        wh,
        costs,
        previous,
        (first, last),
    )


def percent_change(current: int, previous: int) -> float | None:
    """CONSO-3: the % change from ``previous`` to ``current`` (``None`` when previous is 0)."""
    if previous == 0:
        return None
    return (current - previous) * 100 / previous


# --- load curve -----------------------------------------------------------------------------


def load_curve(db: Tx, contract_row: sqlite3.Row, day: object) -> list[int]:
    """CONSO-1: the 48 half-hour Wh values of one day (slot 0 = 00:00–00:30), Linky only."""
    if not contract_row["communicating"]:
        raise ValidationError(
            "La courbe de charge n'existe que pour un compteur communicant (Linky).",
            code="compteur_non_communicant",
        )
    when = _day(day, "day", "Jour")
    blob = db.scalar(
        "SELECT slots FROM load_curve WHERE contract_id = ? AND day = ?",
        (contract_row["id"], when.isoformat()),
    )
    if blob is None:
        raise NotFound(f"Pas de courbe de charge pour le {format_date(when)}.")
    slots = array("H")
    slots.frombytes(blob)
    if sys.byteorder == "big":
        slots.byteswap()
    return slots.tolist()

"""The materialised months of daily consumption (CONSO-4): what the consumption views read.

``daily_consumption`` (one row per contract, day and register) stays the record that the other
rules read (meter estimates, invoices, debits). The views read ``consumption_months``, kept in
step with it: one row per contract and calendar month (``AAAA-MM``) holding

- ``totals``: the month's Wh per register (int64 each, in ``registers_for(tariff)`` order);
- ``days``: for each calendar day of the month, the Wh per register then the day's cost in cents
  VAT included at that day's prices (``consumption_costs``) — int64, interleaved, 0 for a day
  without a measure.

All packed little-endian. A five-year daily view is then 61 short rows joined as bytes and cut
into columns with strided slices (C), instead of 3,652 rows and 1,826 costs computed per call; a
five-year monthly view reads the same rows' totals (the days only for the two months a range
cuts). Why costs are stored: a day's cost never changes once the day is measured, prices being
dated tables; computing them on every call was half the daily view.

The only writers of daily consumption keep the months in step: the demo seed (``month_rows``,
from the columns it generated), the world's day-by-day catch-up (``record_day``), and
``rebuild_all`` (from the daily rows) when a data file predates this table or was written with
other price tables, VAT rate or cost formula (``PRICES_FINGERPRINT`` in ``meta``). Tests compare the months with the daily
rows after seeding, after a clock advance, after an upgrade and after a change of prices. A
contract's tariff (hence its registers) never changes in this backend; if it ever could, its
months would have to be rebuilt with it.
"""

from __future__ import annotations

import calendar
import hashlib
import sys
from array import array
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import repeat
from operator import add, floordiv, mod, sub

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend.consumption_costs import daily_costs
from geg_tui.fake_backend.prices import PRICE_TABLES, VAT_RATE_PCT
from geg_tui.fake_backend.read_models import Row, registers_for
from geg_tui.fake_backend.store import Tx

_TYPE = "q"  # int64: Wh of a day or month, cents of a day
_WIDTH = array(_TYPE).itemsize
_SWAP = sys.byteorder != "little"  # stored little-endian whatever the machine
PRICES_META = "consumption_months_prices"
COST_FORMULA = 1  # raise when the way a day's cost is computed changes (consumption_costs)
PRICES_FINGERPRINT = hashlib.sha256(
    repr(
        (
            COST_FORMULA,
            VAT_RATE_PCT,
            sorted((tariff.value, rows) for tariff, rows in PRICE_TABLES.items()),
        )
    ).encode()
).hexdigest()[:16]


def pack(values: array) -> bytes:
    if _SWAP:
        values = array(_TYPE, values)
        values.byteswap()
    return values.tobytes()


def unpack(blob: bytes) -> array:
    values = array(_TYPE)
    values.frombytes(blob)
    if _SWAP:
        values.byteswap()
    return values


_LENGTHS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _LENGTHS[month]


def _key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_count(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_calendar(first: date, last: date) -> tuple[list[date], list[date]]:
    """The calendar months of ``first``..``last``: their first days and their last days inside
    the range (the first and last months cut at the range's ends). Built with ``map`` over
    month numbers (C), not a Python loop per month."""
    origin = first.year * 12 + first.month - 1
    numbers = range(origin, origin + month_count(first, last) + 1)  # + the following month
    years = list(map(floordiv, numbers, repeat(12)))
    months = list(map(add, map(mod, numbers, repeat(12)), repeat(1)))
    firsts = list(map(date, years, months, repeat(1)))
    ends = list(map(date.fromordinal, map(sub, map(date.toordinal, firsts[1:]), repeat(1))))
    starts = firsts[:-1]
    starts[0], ends[-1] = first, last
    return starts, ends


def calendar_months(first: date, last: date) -> list[tuple[date, date]]:
    """``month_calendar`` as ``(first day, last day)`` pairs."""
    return list(zip(*month_calendar(first, last), strict=True))


# --- writing -------------------------------------------------------------------------------


def month_rows(
    cid: int, tariff: Tariff, first: date, columns: Mapping[Register, Sequence[int]]
) -> list[tuple]:
    """Rows of ``consumption_months`` for consecutive days from ``first`` (``columns[r][i]`` is
    day ``first + i``; a register missing counts 0)."""
    registers = registers_for(tariff)
    count = max((len(column) for column in columns.values()), default=0)
    if count == 0:
        return []
    last = first + timedelta(days=count - 1)
    full = {r: columns.get(r) or [0] * count for r in registers}
    costs = daily_costs(tariff, registers, first, last, full)
    width = len(registers) + 1
    columns_and_costs = [array(_TYPE, full[r]) for r in registers] + [array(_TYPE, costs)]
    rows: list[tuple] = []
    for lo, hi in calendar_months(first, last):
        key, length = _key(lo.year, lo.month), _month_length(lo.year, lo.month)
        i, j = (lo - first).days, (hi - first).days + 1
        days = array(_TYPE, bytes(length * width * _WIDTH))  # zeros
        start = (lo.day - 1) * width
        stop = start + (j - i) * width
        for k, column in enumerate(columns_and_costs):
            days[start + k : stop : width] = column[i:j]
        totals = array(_TYPE, [sum(column[i:j]) for column in columns_and_costs[:-1]])
        rows.append((cid, key, pack(totals), pack(days)))
    return rows


def insert_rows(db: Tx, rows: list[tuple]) -> None:
    if rows:
        db.executemany(
            "INSERT OR REPLACE INTO consumption_months(contract_id, month, totals, days) "
            "VALUES (?, ?, ?, ?)",
            rows,
        )


def record_day(db: Tx, contract: Row, day: date, values: Mapping[Register, int]) -> None:
    """One newly measured day of ``contract`` into its month (the world's daily catch-up)."""
    cid, tariff = contract["id"], Tariff(contract["tariff"])
    registers = registers_for(tariff)
    width = len(registers) + 1
    key = _key(day.year, day.month)
    blob = db.scalar(
        "SELECT days FROM consumption_months WHERE contract_id = ? AND month = ?", (cid, key)
    )
    days = (
        unpack(blob)
        if blob is not None
        else array(_TYPE, repeat(0, _month_length(day.year, day.month) * width))
    )
    at = (day.day - 1) * width
    for k, register in enumerate(registers):
        days[at + k] = values.get(register, 0)
    (cost,) = daily_costs(tariff, registers, day, day, {r: [values.get(r, 0)] for r in registers})
    days[at + width - 1] = cost
    totals = array(_TYPE, (sum(days[k::width]) for k in range(width - 1)))
    insert_rows(db, [(cid, key, pack(totals), pack(days))])


def rebuild(db: Tx, contract: Row) -> None:
    """The contract's months again from its daily rows (gaps count 0, as in the views)."""
    cid, tariff = contract["id"], Tariff(contract["tariff"])
    db.execute("DELETE FROM consumption_months WHERE contract_id = ?", (cid,))
    bounds = db.one(
        "SELECT MIN(day) AS first, MAX(day) AS last FROM daily_consumption WHERE contract_id = ?",
        (cid,),
    )
    if bounds is None or bounds["first"] is None:
        return
    first, last = date.fromisoformat(bounds["first"]), date.fromisoformat(bounds["last"])
    count = (last - first).days + 1
    columns = {register: [0] * count for register in registers_for(tariff)}
    for row in db.all(
        "SELECT day, register, wh FROM daily_consumption WHERE contract_id = ?", (cid,)
    ):
        column = columns.get(Register(row["register"]))
        if column is not None:  # a register the tariff does not have is not shown
            column[(date.fromisoformat(row["day"]) - first).days] = row["wh"]
    insert_rows(db, month_rows(cid, tariff, first, columns))


def rebuild_all(db: Tx) -> None:
    """Every contract's months from the daily rows, priced with the current tables."""
    for contract in db.all("SELECT * FROM contracts"):
        rebuild(db, contract)
    db.set_meta(PRICES_META, PRICES_FINGERPRINT)


def is_current(db: Tx) -> bool:
    """The months were priced with this code's tables (nothing to rebuild)."""
    return db.get_meta(PRICES_META) == PRICES_FINGERPRINT


def ensure_current(db: Tx) -> None:
    """Rebuild the months when they were priced with other tables than this code's."""
    if not is_current(db):
        rebuild_all(db)


# --- reading -------------------------------------------------------------------------------


def _month_blobs(db: Tx, column: str, cid: int, first: date, last: date, width: int) -> bytes:
    """``column`` (``days`` or ``totals``) of the months of ``first``..``last`` joined in order;
    zeros (``width`` int64 a day, or a month) for a month without a row."""
    cursor = db.execute(
        f"SELECT month, {column} FROM consumption_months "
        "WHERE contract_id = ? AND month BETWEEN ? AND ? ORDER BY month",
        (cid, _key(first.year, first.month), _key(last.year, last.month)),
    )
    cursor.row_factory = None
    found = cursor.fetchall()
    if len(found) == month_count(first, last):  # the primary key: these months, in order
        return b"".join([blob for _, blob in found])
    by_month = dict(found)
    return b"".join(
        [
            by_month.get(_key(lo.year, lo.month))
            or bytes(width * (_month_length(lo.year, lo.month) if column == "days" else 1) * _WIDTH)
            for lo in month_calendar(first, last)[0]
        ]
    )


def day_columns(
    db: Tx, cid: int, registers: Sequence[Register], first: date, last: date
) -> tuple[dict[Register, tuple[int, ...]], tuple[int, ...]]:
    """Daily view: per register the Wh of each day of ``first``..``last`` (0 for a day without
    a measure), and each day's cost in cents — the months' days joined, then strided slices."""
    width = len(registers) + 1
    days = unpack(_month_blobs(db, "days", cid, first, last, width))
    start = (first.day - 1) * width
    stop = start + ((last - first).days + 1) * width
    wh = {r: tuple(days[start + k : stop : width]) for k, r in enumerate(registers)}
    return wh, tuple(days[start + width - 1 : stop : width])


def month_totals(
    db: Tx, cid: int, registers: Sequence[Register], first: date, last: date
) -> list[tuple[int, ...]]:
    """Per calendar month of ``first``..``last``, the Wh per register over the part of the month
    inside the range: the stored totals, and for the first and last months when the range cuts
    them, their days summed — all in one statement."""
    count = len(registers)
    width = count + 1
    first_key, last_key = _key(first.year, first.month), _key(last.year, last.month)
    cut_first = first_key if first.day != 1 else ""
    cut_last = last_key if (last + timedelta(days=1)).day != 1 else ""
    cursor = db.execute(
        "SELECT month, totals, CASE WHEN month IN (?, ?) THEN days END FROM consumption_months "
        "WHERE contract_id = ? AND month BETWEEN ? AND ? ORDER BY month",
        (cut_first, cut_last, cid, first_key, last_key),
    )
    cursor.row_factory = None
    found = cursor.fetchall()
    months = month_count(first, last)
    if len(found) == months:  # the primary key: these months, in order
        totals = unpack(b"".join([row[1] for row in found]))
        result = list(zip(*[totals[k::count] for k in range(count)], strict=True))
    else:
        keys = [_key(lo.year, lo.month) for lo in month_calendar(first, last)[0]]
        stored = {row[0]: tuple(unpack(row[1])) for row in found}
        result = [stored.get(key, (0,) * count) for key in keys]
        position = {key: i for i, key in enumerate(keys)}
        found = [row for row in found if row[0] in position]
    for month, _, blob in found:
        if blob is None:
            continue
        days = unpack(blob)
        a = (first.day - 1) * width if month == first_key else 0
        b = last.day * width if month == last_key else len(days)
        index = 0 if month == first_key else months - 1
        result[index] = tuple(sum(days[a + k : b : width]) for k in range(count))
    return result

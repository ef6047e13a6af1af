"""Meter readings (METER-1…7): the meter's status, a customer's reading, the reading history.

Units: indexes are whole numbers as printed on the meter — kWh for electricity, m³ for gas —
exactly as the demo world stores them in ``readings``. Consumption in ``daily_consumption`` is Wh
(gas already converted with the contract's coefficient), so comparisons between an index and the
usual consumption go through ``_wh_per_unit``.

Decisions where RULES.md is silent:

- METER-2 and METER-3 compare a new reading with the newest reading dated *before* today: a
  reading sent again the same day replaces the first one (METER-4), so a typo can be corrected
  downwards as long as it stays above the previous day's index.
- METER-3, « the usual for the season »: the mean daily Wh of the same calendar days (the day
  after the last reading through today) in each of the up to ``USUAL_YEARS`` previous years for
  which ``daily_consumption`` has data, per register. When no previous year has data (a contract
  younger than a year), the mean daily Wh of everything known before the last reading is used;
  with no data at all there is nothing to compare with and the reading is accepted.
- Readings may be sent at any time; the window of METER-5 is what the meter shows (and what the
  alert « période de relevé ouverte » uses), not a refusal.
- Idempotency: only a stored reading is remembered under its key. A refusal or a METER-3 warning
  stores nothing, so the client may resend the same key with ``confirm_implausible=True``. The
  confirmation flag is therefore not part of the fingerprint.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from geg_tui.api.errors import ValidationError
from geg_tui.api.models import (
    MeterReading,
    MeterStatus,
    ReadingKind,
    ReadingResult,
    Register,
    Tariff,
)
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import idempotency, read_models, validation
from geg_tui.fake_backend.dates import add_months
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS

WINDOW_DAYS = 10  # METER-5
IMPLAUSIBLE_FACTOR = 3  # METER-3
USUAL_YEARS = 5
OPERATION = "submit_reading"

# The name of each register's index in a message: a code of geg_tui.api.problems.LABELS.
_REGISTER_LABELS = {
    Register.BASE: "index",
    Register.HP: "index_hp",
    Register.HC: "index_hc",
    Register.GAS: "index_gas",
}


# --- calendar -------------------------------------------------------------------------------


def next_invoice_date(db: Tx, contract_row: sqlite3.Row) -> date:
    """The issue date of the contract's next regular invoice.

    The day after the last invoiced period, plus ``billing_months`` months: the next period starts
    the day after the last one ends and is invoiced the day after it ends in turn. For days ≤ 28
    this is exactly « period_end + billing_months months + 1 day »; past the 28th, stepping from
    the period start keeps the periods tiling as the demo world made them. A contract without
    an invoice yet gets its first one ``billing_months`` after its start.
    """
    months = int(contract_row["billing_months"])
    last_end = db.scalar(
        "SELECT MAX(period_end) FROM invoices WHERE contract_id = ?", (contract_row["id"],)
    )
    if last_end is None:
        return add_months(date.fromisoformat(contract_row["start_date"]), months)
    return add_months(date.fromisoformat(last_end) + timedelta(days=1), months)


# --- reading -------------------------------------------------------------------------------


def _registers(contract_row: sqlite3.Row) -> tuple[Register, ...]:
    return read_models.registers_for(Tariff(contract_row["tariff"]))


def _is_gas(contract_row: sqlite3.Row) -> bool:
    return Tariff(contract_row["tariff"]) is Tariff.GAS


def _unit(contract_row: sqlite3.Row) -> str:
    return "m³" if _is_gas(contract_row) else "kWh"


def _wh_per_unit(contract_row: sqlite3.Row) -> float:
    """Wh for one unit of index: 1 kWh, or one m³ × the gas coefficient (kWh/m³)."""
    if _is_gas(contract_row):
        return float(contract_row["gas_coefficient"] or 11.2) * 1000
    return 1000.0


def _reading_at(
    db: Tx, contract_row: sqlite3.Row, day: date, *, strict: bool
) -> MeterReading | None:
    """The newest reading dated ``<= day`` (``< day`` when ``strict``)."""
    op = "<" if strict else "<="
    cid = contract_row["id"]
    newest = db.scalar(
        f"SELECT MAX(reading_date) FROM readings WHERE contract_id = ? AND reading_date {op} ?",
        (cid, day.isoformat()),
    )
    if newest is None:
        return None
    rows = db.all(
        "SELECT register, idx, kind FROM readings WHERE contract_id = ? AND reading_date = ?",
        (cid, newest),
    )
    return MeterReading(
        contract_ref=contract_row["ref"],
        reading_date=date.fromisoformat(newest),
        indexes={Register(r["register"]): int(r["idx"]) for r in rows},
        kind=ReadingKind(rows[0]["kind"]),
    )


def _last_reading(db: Tx, contract_row: sqlite3.Row, today: date) -> MeterReading | None:
    """The newest reading dated today or before."""
    return _reading_at(db, contract_row, today, strict=False)


def _previous_reading(db: Tx, contract_row: sqlite3.Row, today: date) -> MeterReading | None:
    """The newest reading dated strictly before today (METER-2/3 compare with it)."""
    return _reading_at(db, contract_row, today, strict=True)


def status(db: Tx, today: date, contract_row: sqlite3.Row) -> MeterStatus:
    """METER-1, METER-5, METER-7: registers, last reading, reading window, Linky refusal."""
    contract = read_models.contract_from_row(contract_row)
    next_invoice = next_invoice_date(db, contract_row)
    linky = contract.meter.communicating
    return MeterStatus(
        contract_ref=contract.ref,
        meter=contract.meter,
        last_reading=_last_reading(db, contract_row, today),
        window_start=next_invoice - timedelta(days=WINDOW_DAYS),
        window_end=next_invoice - timedelta(days=1),
        manual_allowed=not linky,
        refusal_reason=Problem("compteur_communicant").french() if linky else None,
        refusal_code="compteur_communicant" if linky else None,
    )


def history(db: Tx, today: date, contract_row: sqlite3.Row) -> list[MeterReading]:
    """METER-6: every reading dated today or before, newest first, one index per register."""
    rows = db.all(
        "SELECT reading_date, register, idx, kind FROM readings "
        "WHERE contract_id = ? AND reading_date <= ? ORDER BY reading_date DESC",
        (contract_row["id"], today.isoformat()),
    )
    order = {r: i for i, r in enumerate(_registers(contract_row))}
    readings: list[MeterReading] = []
    current_day: str | None = None
    indexes: dict[Register, int] = {}
    kind = ReadingKind.REAL
    for row in rows:
        if row["reading_date"] != current_day:
            if current_day is not None:
                readings.append(_reading(contract_row, current_day, indexes, kind, order))
            current_day, indexes = row["reading_date"], {}
            kind = ReadingKind(row["kind"])
        indexes[Register(row["register"])] = int(row["idx"])
        if row["kind"] == ReadingKind.CUSTOMER.value:
            kind = ReadingKind.CUSTOMER
    if current_day is not None:
        readings.append(_reading(contract_row, current_day, indexes, kind, order))
    return readings


def _reading(
    contract_row: sqlite3.Row,
    day: str,
    indexes: dict[Register, int],
    kind: ReadingKind,
    order: dict[Register, int],
) -> MeterReading:
    ordered = dict(sorted(indexes.items(), key=lambda item: order.get(item[0], 99)))
    return MeterReading(contract_row["ref"], date.fromisoformat(day), ordered, kind)


# --- submitting -----------------------------------------------------------------------------


def _index_value(value: object, digits: int, label: str, unit: str) -> int:
    """METER-1: a whole number within the meter's digits (int, or digits with spaces).
    ``label`` names the register's index (a code of ``problems.LABELS``)."""
    if isinstance(value, bool):
        raise validation.refuse("_", Problem("index_in_digits", label=label))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        if len(value) > 100 or validation.has_control(value):
            raise validation.refuse("_", Problem("index_not_whole", label=label))
        compact = "".join(value.split())
        if not compact:
            raise validation.refuse("_", Problem("index_required", label=label))
        if not (compact.isascii() and compact.isdigit()):
            raise validation.refuse("_", Problem("index_not_whole_sign", label=label))
        number = int(compact)
    else:
        raise validation.refuse("_", Problem("index_not_whole", label=label))
    if number < 0:
        raise validation.refuse("_", Problem("index_negative", label=label))
    if number >= 10**digits:
        problem = Problem(
            "index_too_many_digits", label=label, digits=digits, max_index=10**digits - 1, unit=unit
        )
        raise validation.refuse("_", problem)
    return number


def clean_indexes(contract_row: sqlite3.Row, indexes: object) -> dict[Register, int]:
    """METER-1: exactly the contract's registers, each a valid index; per-register errors."""
    registers = _registers(contract_row)
    if not isinstance(indexes, Mapping):
        raise validation.refuse("indexes", Problem("indexes_required"))
    errors = validation.Errors()
    by_register: dict[Register, object] = {}
    wanted = {r.value for r in registers}
    try:
        items = list(indexes.items())
    except Exception:  # a broken mapping is bad input like any other (SEC-4)
        raise validation.refuse("indexes", Problem("indexes_unreadable")) from None
    for key, value in items:
        if isinstance(key, str) and not isinstance(key, Register) and key in wanted:
            key = Register(key)
        if isinstance(key, Register) and key.value in wanted:
            by_register[key] = value
        else:
            errors.add("indexes", Problem("register_unknown"))
    digits = int(contract_row["meter_digits"])
    unit = _unit(contract_row)
    clean: dict[Register, int] = {}
    for register in registers:
        label = _REGISTER_LABELS[register]
        if register not in by_register:
            errors.add(register.value, Problem("index_required", label=label))
            continue
        try:
            clean[register] = _index_value(by_register[register], digits, label, unit)
        except ValidationError as exc:
            errors.add(register.value, exc.problems[0])
    errors.raise_if_any()
    return clean


def _check_not_lower(
    contract_row: sqlite3.Row, clean: dict[Register, int], previous: MeterReading | None
) -> None:
    """METER-2: never below the last known index of the register."""
    if previous is None:
        return
    unit = _unit(contract_row)
    fields = {}
    for register, value in clean.items():
        last = previous.indexes.get(register)
        if last is not None and value < last:
            estimated = previous.kind is ReadingKind.ESTIMATED
            fields[register.value] = Problem(
                "index_below_last_estimated" if estimated else "index_below_last",
                index=last,
                unit=unit,
                day=previous.reading_date,
            )
    if fields:
        raise ValidationError(Problem("index_inferieur"), fields=fields)


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def usual_daily_wh(
    db: Tx, contract_row: sqlite3.Row, first: date, last: date
) -> dict[Register, float]:
    """METER-3: mean daily Wh per register for the season ``first``..``last`` (see module doc)."""
    cid = contract_row["id"]
    ranges: list[tuple[str, str]] = []
    for years in range(1, USUAL_YEARS + 1):
        if first.year - years < 1:
            break
        ranges.append((_shift_year(first, years).isoformat(), _shift_year(last, years).isoformat()))
    usual: dict[Register, float] = {}
    if ranges:
        where = " OR ".join("day BETWEEN ? AND ?" for _ in ranges)
        params: list[Any] = [cid]
        for lo, hi in ranges:
            params.extend((lo, hi))
        rows = db.all(
            "SELECT register, SUM(wh) AS wh, COUNT(*) AS days FROM daily_consumption "
            f"WHERE contract_id = ? AND ({where}) GROUP BY register",
            tuple(params),
        )
        usual = {Register(r["register"]): r["wh"] / r["days"] for r in rows if r["days"]}
    if not usual:
        rows = db.all(
            "SELECT register, SUM(wh) AS wh, COUNT(*) AS days FROM daily_consumption "
            "WHERE contract_id = ? AND day < ? GROUP BY register",
            (cid, first.isoformat()),
        )
        usual = {Register(r["register"]): r["wh"] / r["days"] for r in rows if r["days"]}
    return usual


def _implausible_warning(
    db: Tx,
    contract_row: sqlite3.Row,
    clean: dict[Register, int],
    previous: MeterReading | None,
    today: date,
) -> list[Problem]:
    """METER-3: the warning's parts (one per implausible register, then the advice) when the
    implied daily use is > 3 × the usual, else an empty list."""
    if previous is None:
        return []
    days = (today - previous.reading_date).days
    if days <= 0:
        return []
    usual = usual_daily_wh(db, contract_row, previous.reading_date + timedelta(days=1), today)
    per_unit = _wh_per_unit(contract_row)
    unit = _unit(contract_row)
    parts = []
    for register, value in clean.items():
        last = previous.indexes.get(register)
        if last is None or register not in usual:
            continue
        implied = (value - last) * per_unit / days
        if implied > IMPLAUSIBLE_FACTOR * usual[register]:
            parts.append(
                Problem(
                    "reading_implausible",
                    register_label=_REGISTER_LABELS[register],
                    index=value,
                    unit=unit,
                    day=previous.reading_date,
                    last_index=last,
                    implied_wh=round(implied, 3),
                    usual_wh=round(usual[register], 3),
                )
            )
    if not parts:
        return []
    return [*parts, Problem("reading_implausible_advice", factor=IMPLAUSIBLE_FACTOR)]


def _result_payload(reading: MeterReading) -> dict[str, Any]:
    return {
        "contract_ref": reading.contract_ref,
        "reading_date": reading.reading_date.isoformat(),
        "indexes": {r.value: v for r, v in reading.indexes.items()},
        "kind": reading.kind.value,
    }


def _result_from_payload(payload: dict[str, Any]) -> ReadingResult:
    return ReadingResult(
        reading=MeterReading(
            contract_ref=payload["contract_ref"],
            reading_date=date.fromisoformat(payload["reading_date"]),
            indexes={Register(k): int(v) for k, v in payload["indexes"].items()},
            kind=ReadingKind(payload["kind"]),
        )
    )


def submit(
    db: Tx,
    now: datetime,
    account_id: int,
    contract_row: sqlite3.Row,
    indexes: object,
    confirm_implausible: object,
    idempotency_key: object,
) -> ReadingResult:
    """METER-1…4, METER-7: check a customer's reading, store it dated today (kind « client »).

    Every check runs before anything is written; a refusal raises ``ValidationError`` (per
    register field when it concerns one index). An implausible reading (METER-3) is not stored
    unless ``confirm_implausible`` is true: the result then carries the warning.
    """
    if contract_row["communicating"]:
        raise ValidationError(Problem("compteur_communicant"))
    key = None if idempotency_key is None else idempotency.check_key(idempotency_key)
    if not isinstance(confirm_implausible, bool):
        raise validation.refuse("confirm_implausible", Problem("confirmation_invalid"))
    clean = clean_indexes(contract_row, indexes)
    print_ = ""
    if key is not None:
        print_ = idempotency.fingerprint(
            OPERATION, contract_row["ref"], {r.value: v for r, v in clean.items()}
        )
        stored = idempotency.replay(db, account_id, key, OPERATION, print_)
        if stored is not None:
            return _result_from_payload(stored)
    today = now.astimezone(PARIS).date()
    previous = _previous_reading(db, contract_row, today)
    _check_not_lower(contract_row, clean, previous)
    parts = _implausible_warning(db, contract_row, clean, previous, today)
    warning = " ".join(part.french() for part in parts) or None
    codes = tuple({"code": part.code, "params": part.params} for part in parts)
    if parts and not confirm_implausible:
        return ReadingResult(
            reading=None, needs_confirmation=True, warning=warning, warning_parts=codes
        )
    day = today.isoformat()
    db.executemany(
        "INSERT INTO readings(contract_id, reading_date, register, idx, kind) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(contract_id, reading_date, register) DO UPDATE SET idx = excluded.idx, "
        "kind = excluded.kind",
        [
            (contract_row["id"], day, register.value, value, ReadingKind.CUSTOMER.value)
            for register, value in clean.items()
        ],
    )
    reading = MeterReading(contract_row["ref"], today, dict(clean), ReadingKind.CUSTOMER)
    if key is not None:
        idempotency.remember(db, now, account_id, key, OPERATION, print_, _result_payload(reading))
    return ReadingResult(
        reading=reading, needs_confirmation=False, warning=warning, warning_parts=codes
    )

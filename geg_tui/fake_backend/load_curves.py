"""The 30-minute load curve of a Linky contract over a range of days (CONSO-1, issue 15).

Why a range of at most ``MAX_DAYS`` (31): the curve is 48 values a day, the heaviest thing the
backend keeps; a month is what a screen shows at once (a day or a week) with room to spare, and a
client wanting a year (the simulator) asks for it in pieces, so no single answer is large.

What is refused, each with its code on its field: a meter that is not communicating (no curve
exists), an end before the start, more than 31 days, a start before the contract's (there is no
curve of somebody else's consumption to give). The days are cut at yesterday, as every
consumption view (today is not over): a range entirely in the future gives an empty curve.

Stored slots are Wh per half-hour (``demo`` module docstring); the answer is the average power of
the half-hour in W, i.e. Wh × 2, what a customer compares with the subscribed kVA.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from datetime import date, timedelta

from geg_tui.api.errors import ValidationError
from geg_tui.api.models import Energy, LoadCurve, PriceTables
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import prices, validation
from geg_tui.fake_backend.consumption import _day
from geg_tui.fake_backend.store import Tx

MAX_DAYS = 31
SLOTS_PER_DAY = 48


def check_range(start: object, end: object, contract_start: date) -> tuple[date, date]:
    """The range's two days, or a ``ValidationError`` naming each wrong field."""
    errors = validation.Errors()
    first = errors.check("start", _day, start, "start", "start")
    last = errors.check("end", _day, end, "end", "end")
    if first is not None and last is not None:
        if last < first:
            errors.add("end", Problem("end_before_start"))
        elif (last - first).days >= MAX_DAYS:
            errors.add("end", Problem("load_curve_too_long", days=MAX_DAYS))
    if first is not None and first < contract_start:
        errors.add("start", Problem("load_curve_before_contract", day=contract_start))
    errors.raise_if_any()
    assert first is not None and last is not None
    return first, last


def curve(db: Tx, today: date, contract_row: sqlite3.Row, start: object, end: object) -> LoadCurve:
    """CONSO-1: the average power of each half-hour of ``start``..``end`` (≤ 31 days), in W."""
    if not contract_row["communicating"]:
        raise ValidationError(Problem("compteur_non_communicant"))
    first, last = check_range(start, end, date.fromisoformat(contract_row["start_date"]))
    shown_last = min(last, today - timedelta(days=1))
    watts: list[int] = []
    if first <= shown_last:
        rows = db.all(
            "SELECT day, slots FROM load_curve WHERE contract_id = ? AND day BETWEEN ? AND ? "
            "ORDER BY day",
            (contract_row["id"], first.isoformat(), shown_last.isoformat()),
        )
        slots = array("H")
        for offset, row in enumerate(rows):
            if row["day"] != (first + timedelta(days=offset)).isoformat():
                break  # a day is missing only in a damaged file: the curve stops before it
            slots.frombytes(row["slots"])
        if sys.byteorder == "big":
            slots.byteswap()
        watts = [wh * 2 for wh in slots]
    return LoadCurve(contract_row["ref"], first, last, tuple(watts))


def price_tables(energy: object) -> PriceTables:
    """INV-2: the public price grid of ``energy`` (no session needed: prices are public)."""
    if isinstance(energy, str) and len(energy) < 20:
        try:
            return prices.published(Energy(energy))
        except ValueError:
            pass
    raise validation.refuse("energy", Problem("price_energy_unknown"))

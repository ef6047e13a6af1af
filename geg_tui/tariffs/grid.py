"""Dated price tables: which row applies to a day, and where a period is cut (INV-2).

A table is a tuple of ``PriceRow`` sorted by ``effective`` date; a row applies from its date
until the next row's date, the last one forever and the first one also to the days before it (so
an early demo start never crashes). Plain functions over any table, so the backend's own tables
and the ones a client received over HTTP are read the same way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from geg_tui.api.models import PriceRow


def _index_at(rows: Sequence[PriceRow], day: date) -> int:
    return max(bisect_right([row.effective for row in rows], day) - 1, 0)


def row_at(rows: Sequence[PriceRow], day: date) -> PriceRow:
    """The row in force on ``day`` (the first row for days before the table starts)."""
    return rows[_index_at(rows, day)]


def periods(rows: Sequence[PriceRow], start: date, end: date) -> list[tuple[date, date, PriceRow]]:
    """Cut ``start``..``end`` (inclusive) at each price change: ``(first, last, row)`` pieces."""
    if end < start:
        raise ValueError("La fin de période précède son début.")
    i = _index_at(rows, start)
    pieces = []
    first = start
    while True:
        next_change = rows[i + 1].effective if i + 1 < len(rows) else None
        if next_change is None or next_change > end:
            pieces.append((first, end, rows[i]))
            return pieces
        pieces.append((first, next_change - timedelta(days=1), rows[i]))
        first = next_change
        i += 1

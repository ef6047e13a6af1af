"""Calendar arithmetic shared by the rules: month steps and the 5-year listing limit."""

from __future__ import annotations

import calendar
from datetime import date

LISTING_YEARS = 5  # INV-3


def add_months(day: date, months: int, on_day: int | None = None) -> date:
    """``day`` moved by ``months`` (either way), on ``on_day`` or the same day of the month,
    clamped to the month's last day (31 January + 1 month → 28 or 29 February)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on_day or day.day, last))


def five_years_before(day: date) -> date:
    """INV-3: the first issue date still listed and downloadable."""
    return add_months(day, -12 * LISTING_YEARS)

"""Numbers, money, energy and dates as the person's language writes them: what the screens use.

French (``1 234,56 €``, ``27/11/2026``, ``27 novembre 2026``) is :mod:`geg_tui.formatting`'s
own code, the same that GEG's documents (mails, PDFs) use, so French screens and French
documents always agree. English is British usage from Babel's CLDR data (``€1,234.56``,
``27 Nov 2026``, ``1,234 kWh``): Babel is imported the first time an English figure is written,
never on the way to the login screen (which shows none), and never in French.

All times are Europe/Paris, as in :mod:`geg_tui.formatting`. No Textual here.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from geg_tui import formatting as fr
from geg_tui.formatting import NBSP, PARIS, to_paris
from geg_tui.i18n import _, current_language

__all__ = [
    "NBSP",
    "PARIS",
    "decimal_point",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_input_date",
    "format_kwh",
    "format_long_date",
    "format_money",
    "format_month_range",
    "format_month_year",
    "format_percent",
    "format_short_date",
    "format_time",
    "format_unit_price",
    "group_thousands",
    "month_name",
    "month_short",
    "to_paris",
    "widest_date",
]

ENGLISH_LOCALE = "en_GB"  # day before month, as in France; the pound is not ours to show


def _english() -> bool:
    return current_language() == "en"


@cache
def _babel() -> Any:
    """Babel's numbers and dates modules, imported once, on the first English figure."""
    from babel import dates, numbers

    return numbers, dates


def _as_day(day: date | datetime) -> date:
    return to_paris(day).date() if isinstance(day, datetime) else day


def group_thousands(value: int) -> str:
    """``1 234 567`` (no-break spaces) / ``1,234,567``."""
    if _english():
        return f"{value:,}"
    return fr.group_thousands(value)


def format_decimal(value: float, decimals: int = 1) -> str:
    """A number with ``decimals`` digits after the point: ``12,5`` / ``12.5``."""
    if _english():
        return f"{value:,.{decimals}f}"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_money(cents: int, *, symbol: bool = True) -> str:
    """Integer cents → ``1 234,56 €`` / ``€1,234.56`` (a credit: ``-12,30 €`` / ``-€12.30``)."""
    if not _english():
        return fr.format_money(cents, symbol=symbol)
    numbers, _dates = _babel()
    from decimal import Decimal

    amount = Decimal(cents) / 100
    if not symbol:
        return numbers.format_decimal(amount, format="#,##0.00", locale=ENGLISH_LOCALE)
    return numbers.format_currency(amount, "EUR", locale=ENGLISH_LOCALE)


def format_kwh(wh: int, *, decimals: int = 0) -> str:
    """Integer Wh → ``1 234 kWh`` / ``1,234 kWh`` (rounded half up)."""
    french = fr.format_kwh(wh, decimals=decimals)
    if not _english():
        return french
    # The same rounding as in French, then the English separators.
    number = french.removesuffix(f"{NBSP}kWh")
    return f"{_english_number(number)}{NBSP}kWh"


def _english_number(french: str) -> str:
    """``1 234,5`` → ``1,234.5`` (a figure already rounded by the French code)."""
    return french.replace(",", ".").replace(NBSP, ",")


def format_percent(change: float, *, signed: bool = False, decimals: int = 1) -> str:
    """A percentage: ``+12,5 %`` / ``+12.5%`` (French puts a no-break space before the sign)."""
    text = f"{change:+.{decimals}f}" if signed else f"{change:.{decimals}f}"
    if _english():
        return f"{text}%"
    return f"{text.replace('.', ',')}{NBSP}%"


def format_date(day: date | datetime) -> str:
    """``27/11/2026`` / ``27 Nov 2026`` (a datetime is first put in Paris time)."""
    if not _english():
        return fr.format_date(day)
    _numbers, dates = _babel()
    # Three-letter months, as the charts' axes and tables write them (en_GB's « Sept » would
    # be the one month of four letters).
    return dates.format_date(_as_day(day), "d MMM y", locale="en")


def format_short_date(day: date | datetime) -> str:
    """Day and month only: ``27/11`` / ``27 Nov``."""
    day = _as_day(day)
    if not _english():
        return day.strftime("%d/%m")
    return f"{day.day} {month_short(day.month)}"


def format_long_date(day: date | datetime) -> str:
    """``27 novembre 2026`` / ``27 November 2026``."""
    if not _english():
        return fr.format_long_date(day)
    _numbers, dates = _babel()
    return dates.format_date(_as_day(day), "long", locale=ENGLISH_LOCALE)


def format_time(moment: datetime) -> str:
    """``14h05`` / ``14:05``, Paris time."""
    if not _english():
        return fr.format_time(moment)
    local = to_paris(moment)
    return f"{local.hour:02d}:{local.minute:02d}"


def format_datetime(moment: datetime) -> str:
    """``27/11/2026 à 14h05`` / ``27 Nov 2026 at 14:05``, Paris time."""
    if not _english():
        return fr.format_datetime(moment)
    return _("{date} à {time}").format(date=format_date(moment), time=format_time(moment))


def month_name(month: int) -> str:
    """``1`` → ``janvier`` / ``January``."""
    if not _english():
        return fr.month_name(month)
    _numbers, dates = _babel()
    return str(dates.get_month_names("wide", locale=ENGLISH_LOCALE)[month])


_FRENCH_SHORT_MONTHS = (
    "jan",
    "fév",
    "mar",
    "avr",
    "mai",
    "jun",
    "jul",
    "aoû",
    "sep",
    "oct",
    "nov",
    "déc",
)


def month_short(month: int) -> str:
    """``1`` → ``jan`` / ``Jan``: three letters in both, for the charts' axes."""
    if not _english():
        return _FRENCH_SHORT_MONTHS[month - 1]
    _numbers, dates = _babel()
    return str(dates.get_month_names("abbreviated", locale="en")[month])


def format_month_year(day: date | datetime) -> str:
    """A billed month, compact for a table: ``08/26`` / ``Aug 26``."""
    day = _as_day(day)
    if not _english():
        return day.strftime("%m/%y")
    return f"{month_short(day.month)} {day.year % 100:02d}"


def format_month_range(start: date | datetime, end: date | datetime) -> str:
    """Billed months from ``start`` to ``end``: ``08/26–10/26`` / ``Aug–Oct 26`` (the year
    once when both months are in it, ``Nov 25–Jan 26`` otherwise)."""
    start, end = _as_day(start), _as_day(end)
    if _english() and start.year == end.year:
        return f"{month_short(start.month)}–{format_month_year(end)}"
    return f"{format_month_year(start)}–{format_month_year(end)}"


def format_input_date(day: date | datetime) -> str:
    """A date as the date fields take it, in both languages: ``27/11/2026`` (DD/MM/YYYY, the
    order British readers write too; a typed date is never read as month first)."""
    return _as_day(day).strftime("%d/%m/%Y")


def widest_date() -> int:
    """The width of the longest date :func:`format_date` writes (``27 Nov 2026`` in English):
    what a table column of dates needs so that no month is cut."""
    return max(len(format_date(date(2026, month, 28))) for month in range(1, 13))


def decimal_point() -> str:
    """The decimal separator: ``,`` / ``.``."""
    return "." if _english() else ","


def format_unit_price(micro: int) -> str:
    """A unit price in millionths of a euro, with as many decimals as it has (at least 2):
    ``0,1952 €`` / ``€0.1952`` (``-`` before a discount)."""
    sign = "-" if micro < 0 else ""
    euros, rest = divmod(abs(micro), 1_000_000)
    frac = f"{rest:06d}".rstrip("0").ljust(2, "0")
    if _english():
        return f"{sign}€{group_thousands(euros)}.{frac}"
    return f"{sign}{group_thousands(euros)},{frac}{NBSP}€"

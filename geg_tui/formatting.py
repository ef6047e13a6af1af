"""French formatting of money, energy, dates and times, in one place.

Used by the screens, the mails and the PDFs alike, so an amount reads the same everywhere:
``1 234,56 €``, ``27/11/2026``, ``1 234 kWh``. The thousands separator and the space before a unit
are no-break spaces (U+00A0) so that an amount never wraps across two lines. Everything the
customer sees is in Europe/Paris time. No Textual import here: the backend uses it too.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def group_thousands(value: int) -> str:
    """``1234567`` → ``1 234 567`` with no-break spaces."""
    return f"{value:,}".replace(",", NBSP)


def format_money(cents: int, *, symbol: bool = True) -> str:
    """Integer cents → ``1 234,56 €`` (``-12,30 €`` for a credit)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    text = f"{sign}{group_thousands(euros)},{rest:02d}"
    return f"{text}{NBSP}€" if symbol else text


def format_kwh(wh: int, *, decimals: int = 0) -> str:
    """Integer Wh → ``1 234 kWh`` (rounded half up to the given decimals)."""
    if decimals == 0:
        kwh = (abs(wh) + 500) // 1000
        sign = "-" if wh < 0 and kwh else ""
        return f"{sign}{group_thousands(kwh)}{NBSP}kWh"
    scale = 10**decimals
    units = (abs(wh) * scale + 500) // 1000
    whole, frac = divmod(units, scale)
    sign = "-" if wh < 0 and units else ""
    return f"{sign}{group_thousands(whole)},{frac:0{decimals}d}{NBSP}kWh"


def to_paris(moment: datetime) -> datetime:
    """The same instant in Paris time (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def format_date(day: date | datetime) -> str:
    """``27/11/2026`` (a datetime is first put in Paris time)."""
    if isinstance(day, datetime):
        day = to_paris(day).date()
    return day.strftime("%d/%m/%Y")


def format_long_date(day: date | datetime) -> str:
    """``27 novembre 2026``."""
    if isinstance(day, datetime):
        day = to_paris(day).date()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime) -> str:
    """``14h05`` in Paris time."""
    local = to_paris(moment)
    return f"{local.hour:02d}h{local.minute:02d}"


def format_datetime(moment: datetime) -> str:
    """``27/11/2026 à 14h05`` in Paris time."""
    return f"{format_date(moment)} à {format_time(moment)}"


def month_name(month: int) -> str:
    """``1`` → ``janvier``."""
    return _MONTHS[month - 1]


# --- a settlement's figures (DEBIT-4): the same words on the screens, in the PDF and the mails --


def instalments_paid_label(count: int) -> str:
    """``11 mensualités prélevées`` (``1 mensualité prélevée``)."""
    plural = "s" if count > 1 else ""
    return f"{count} mensualité{plural} prélevée{plural}"


def balance_label(balance: int) -> str:
    """What a settlement's balance is called: what is left to pay, or a credit."""
    return "Solde en votre faveur" if balance < 0 else "Reste à payer"


def refund_sentence(credit: int, day: date, *, done: bool) -> str:
    """``Solde en votre faveur : 14,48 € — remboursé sur votre compte le 10/12/2026`` (``done``),
    else ``… — à rembourser sur votre compte le …``. ``credit`` in cents, positive."""
    when = "remboursé" if done else "à rembourser"
    return (
        f"{balance_label(-1)} : {format_money(abs(credit))} — {when} sur votre compte le "
        f"{format_date(day)}"
    )

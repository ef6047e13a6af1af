"""The card number as a person types it: grouped by 4, masked but for the last 4 digits, with
the brand recognised from its public prefix (PAY-2), and the client-side checks of the payment
form (nothing is sent while one of them fails).

The brand table here is the UI's own (screens and widgets never import the fake backend): it only
helps the person see that the number is being read right; the backend checks everything again.
SEC-3: the digits live only in the input's value; nothing here logs, stores or prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.widgets import Label

from geg_tui.api.limits import CARD_HOLDER_MAX, CARD_NUMBER_MAX, CARD_NUMBER_MIN
from geg_tui.api.models import CardBrand
from geg_tui.i18n import _
from geg_tui.widgets.fields import Field, FormInput

NUMBER_MIN, NUMBER_MAX = CARD_NUMBER_MIN, CARD_NUMBER_MAX
MASK = "•"

# (first digits, brand), longest prefixes first; CB is the French acquirers' CB test range.
_PREFIXES: tuple[tuple[str, CardBrand], ...] = (
    ("497010", CardBrand.CB),
    ("34", CardBrand.AMEX),
    ("37", CardBrand.AMEX),
    *((str(n), CardBrand.MASTERCARD) for n in range(51, 56)),
    *((str(n), CardBrand.MASTERCARD) for n in range(2221, 2721)),
    ("4", CardBrand.VISA),
)


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())


def detect_brand(number: str) -> CardBrand | None:
    """The brand of a (possibly partial) card number, or None when unknown."""
    digits = digits_of(number)
    for prefix, brand in _PREFIXES:
        if digits.startswith(prefix):
            return brand
    return None


def group(digits: str) -> str:
    """``4242424242424242`` → ``4242 4242 4242 4242``."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def position_after(grouped: str, n: int) -> int:
    """The index in ``grouped`` just after its ``n``-th digit (0: the start)."""
    if n <= 0:
        return 0
    seen = 0
    for index, ch in enumerate(grouped):
        if ch.isdigit():
            seen += 1
            if seen == n:
                return index + 1
    return len(grouped)


def masked(text: str) -> str:
    """Every digit but the last 4 replaced by a bullet; spaces kept (same length as ``text``)."""
    total = sum(ch.isdigit() for ch in text)
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - 4 else MASK)
        else:
            out.append(ch)
    return "".join(out)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class CardNumberInput(FormInput):
    """An input whose value is the grouped number and whose display masks all but the last 4."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]

    @property
    def _value(self) -> Text:
        return Text(masked(self.value), no_wrap=True, overflow="ignore", end="")

    def validate_value(self, value: str) -> str:
        """Whatever is set (typed, pasted or by code) is kept as digits grouped by 4."""
        return group(digits_of(value)[:NUMBER_MAX])

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit (typing, paste, deletion) regrouped by 4, the cursor kept after the same
        digit; deleting just a group's space deletes the digit before it."""
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if not text and value[start:end].strip() == "" and start > 0:
            start -= 1  # backspace over a space: take the digit with it
        typed = digits_of(text)
        if text and not typed:
            return
        before = len(digits_of(value[:start])) + len(typed)
        digits = (digits_of(value[:start]) + typed + digits_of(value[end:]))[:NUMBER_MAX]
        grouped = group(digits)
        self.value = grouped
        self.cursor_position = position_after(grouped, min(before, len(digits)))

    @property
    def digits(self) -> str:
        return digits_of(self.value)


class CardNumberField(Field):
    """A ``Field`` (so backend errors on ``card_number`` land under it) with the masked input."""

    def __init__(self, label: str, name: str = "card_number", *, value: str = "") -> None:
        number = CardNumberInput(
            value=value, placeholder="1234 5678 9012 3456", id=name, compact=True
        )
        super().__init__(label, name, field_input=number)

    @property
    def digits(self) -> str:
        return digits_of(self._input.value)

    def set_label(self, text: str) -> None:
        self.query_one(Label).update(text)


def format_expiry(text: str) -> str:
    """What is typed in the expiry field, as ``MM/AA`` (the slash added after the month)."""
    digits = digits_of(text)[:4]
    if len(digits) > 2 or (len(digits) == 2 and text.endswith("/")):
        return f"{digits[:2]}/{digits[2:]}"
    return digits


@dataclass(frozen=True, slots=True)
class CardForm:
    """What the payment form holds (kept in memory only, never logged: SEC-3)."""

    number: str
    expiry: str
    code: str
    holder: str

    def __repr__(self) -> str:
        return "CardForm(****)"

    @property
    def digits(self) -> str:
        return digits_of(self.number)

    @property
    def brand(self) -> CardBrand | None:
        return detect_brand(self.digits)

    def expiry_parts(self) -> tuple[str, str]:
        month, _sep, year = self.expiry.partition("/")
        return month.strip(), year.strip()


def check(form: CardForm, today: date | None, *, resend: bool = False) -> dict[str, str]:
    """PAY-2, client side: one French message per wrong field (empty when all is well).

    ``today`` is the backend's (never the computer's); ``None`` when it could not be read, and
    the expiry is then left to the backend. ``resend``: this very request was sent before (same
    idempotency key, PAY-4); its expiry is not compared with today, since the backend returns
    the first outcome whatever the date.
    """
    errors: dict[str, str] = {}
    digits = form.digits
    brand = form.brand
    if not form.number.strip():
        errors["card_number"] = _("Numéro de carte : champ obligatoire.")
    elif not NUMBER_MIN <= len(digits) <= NUMBER_MAX:
        errors["card_number"] = _(
            "Le numéro de carte doit comporter de {min} à {max} chiffres."
        ).format(min=NUMBER_MIN, max=NUMBER_MAX)
    elif brand is None:
        errors["card_number"] = _(
            "Carte non acceptée : utilisez une carte Visa, Mastercard, American Express ou CB."
        )
    elif not luhn_ok(digits):
        errors["card_number"] = _("Numéro de carte invalide : vérifiez les chiffres saisis.")
    month, year = form.expiry_parts()
    if not form.expiry.strip():
        errors["expiry"] = _("Date d'expiration : champ obligatoire (MM/AA).")
    elif not (month.isdigit() and year.isdigit() and len(month) == 2 and len(year) == 2):
        errors["expiry"] = _("Date d'expiration au format MM/AA, par exemple 08/29.")
    elif not 1 <= int(month) <= 12:
        errors["expiry"] = _("Mois d'expiration invalide (01 à 12).")
    elif (
        not resend
        and today is not None
        and (2000 + int(year), int(month)) < (today.year, today.month)
    ):
        errors["expiry"] = _("Cette carte a expiré.")
    expected = 4 if brand is CardBrand.AMEX else 3
    if not form.code:
        errors["security_code"] = _("Cryptogramme : champ obligatoire.")
    elif not form.code.isdigit() or len(form.code) != expected:
        errors["security_code"] = (
            _("Le cryptogramme comporte 4 chiffres (au recto de la carte).")
            if expected == 4
            else _("Le cryptogramme comporte 3 chiffres (au dos de la carte).")
        )
    if not form.holder.strip():
        errors["holder"] = _("Titulaire de la carte : champ obligatoire.")
    elif not any(ch.isalpha() for ch in form.holder):
        errors["holder"] = _("Indiquez le nom du titulaire tel qu'il figure sur la carte.")
    elif len(form.holder.strip()) > CARD_HOLDER_MAX:
        errors["holder"] = _("Le nom du titulaire ne peut pas dépasser {n} caractères.").format(
            n=CARD_HOLDER_MAX
        )
    return errors

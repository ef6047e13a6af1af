"""Card checks for paying an invoice (PAY-2) and the documented test cards (PAY-5).

Everything here works on what the person typed and returns only what may be kept (PAY-3): the
brand, the last 4 digits, the expiry as ``MM/YY`` and the holder. No message, exception or value
returned ever contains the full card number or the security code (SEC-3).

Brands are recognised by their public prefixes:

- Visa: ``4``;
- Mastercard: ``51``–``55`` and ``2221``–``2720``;
- American Express: ``34`` and ``37``;
- CB (Cartes Bancaires): in real life a CB card is co-branded with Visa or Mastercard and the CB
  network is not visible in the number. The fake backend therefore treats the French acquirers'
  CB test range ``497010…`` (a Visa prefix used by French payment providers for their CB test
  cards) as **CB**; every other ``4…`` number is Visa. ``detect_brand`` says Visa while the person
  has typed fewer than 6 digits of such a number, then CB.

Test cards (PAY-5), in the spirit of payment providers' public test numbers, are listed in
``TEST_CARDS``. Any other valid card (Luhn, known brand, not expired) is accepted by the fake
payment server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from stdnum import luhn

from geg_tui.api.errors import ValidationError
from geg_tui.api.limits import CARD_HOLDER_MAX, CARD_NUMBER_MAX, CARD_NUMBER_MIN
from geg_tui.api.models import CardBrand, CardPayment
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import validation
from geg_tui.fake_backend.validation import Errors
from geg_tui.formatting import to_paris
from geg_tui.i18n import LazyText, _l

NUMBER_MIN, NUMBER_MAX = CARD_NUMBER_MIN, CARD_NUMBER_MAX
HOLDER_MAX = CARD_HOLDER_MAX
MAX_YEARS_AHEAD = 20  # an expiry further away than this is a typing mistake

CB_PREFIX = "497010"  # see the module docstring: the CB test range of French acquirers


class Outcome(StrEnum):
    """What the fake payment server answers for a card (PAY-5)."""

    SUCCESS = "succes"
    DECLINED = "carte_refusee"
    INSUFFICIENT_FUNDS = "provision_insuffisante"
    RETRY = "a_reessayer"


#: What each outcome is called in ``geg-tui fake cards`` (``--json`` keeps the codes).
OUTCOME_WORDS: dict[Outcome, LazyText] = {
    Outcome.SUCCESS: _l("paiement accepté"),
    Outcome.DECLINED: _l("carte refusée"),
    Outcome.INSUFFICIENT_FUNDS: _l("provision insuffisante"),
    Outcome.RETRY: _l("à réessayer"),
}


@dataclass(frozen=True, slots=True)
class TestCard:
    """One documented test number (PAY-5). Every number passes the Luhn check."""

    __test__ = False  # not a pytest test class

    number: str
    brand: CardBrand
    outcome: Outcome
    description: LazyText  # in the reader's language when read (``str()``)


TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("4242424242424242", CardBrand.VISA, Outcome.SUCCESS, _l("Visa : paiement accepté.")),
    TestCard(
        "5555555555554444",
        CardBrand.MASTERCARD,
        Outcome.SUCCESS,
        _l("Mastercard : paiement accepté."),
    ),
    TestCard(
        "2223003122003222",
        CardBrand.MASTERCARD,
        Outcome.SUCCESS,
        _l("Mastercard (série 2) : paiement accepté."),
    ),
    TestCard(
        "378282246310005",
        CardBrand.AMEX,
        Outcome.SUCCESS,
        _l("American Express : paiement accepté (cryptogramme de 4 chiffres)."),
    ),
    TestCard("4970100000000014", CardBrand.CB, Outcome.SUCCESS, _l("CB : paiement accepté.")),
    TestCard(
        "4000000000000002",
        CardBrand.VISA,
        Outcome.DECLINED,
        _l("Visa : carte refusée par la banque."),
    ),
    TestCard(
        "4000000000009995",
        CardBrand.VISA,
        Outcome.INSUFFICIENT_FUNDS,
        _l("Visa : provision insuffisante."),
    ),
    TestCard(
        "4000000000000119",
        CardBrand.VISA,
        Outcome.RETRY,
        _l(
            "Visa : incident passager — la première tentative échoue (service indisponible), "
            "la suivante avec la même clé d'idempotence réussit."
        ),
    ),
)

_OUTCOMES = {card.number: card.outcome for card in TEST_CARDS}


@dataclass(frozen=True, slots=True)
class CheckedCard:
    """What is left of a card once checked: nothing secret (PAY-3)."""

    brand: CardBrand
    last4: str
    expiry: str  # MM/YY
    holder: str
    outcome: Outcome


def detect_brand(prefix_digits: object) -> CardBrand | None:
    """The brand of a (possibly partial) card number, for a form to show as the person types.

    Spaces and dashes are ignored; anything that is not digits, or an unknown prefix, gives
    ``None``.
    """
    if not isinstance(prefix_digits, str) or len(prefix_digits) > 64:
        return None
    digits = prefix_digits.replace(" ", "").replace("-", "")
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    if digits[0] == "4":
        return CardBrand.CB if digits.startswith(CB_PREFIX) else CardBrand.VISA
    if digits[:2] in ("34", "37"):
        return CardBrand.AMEX
    if len(digits) >= 2 and 51 <= int(digits[:2]) <= 55:
        return CardBrand.MASTERCARD
    if len(digits) >= 4 and 2221 <= int(digits[:4]) <= 2720:
        return CardBrand.MASTERCARD
    return None


def mask(number: object) -> str:
    """``•••• •••• •••• 4242``: only the last 4 digits are ever shown."""
    digits = "".join(ch for ch in str(number)[-64:] if ch.isascii() and ch.isdigit())
    return f"•••• •••• •••• {digits[-4:]}"


def _card_number(value: object) -> tuple[str, CardBrand]:
    field = "card_number"
    if not isinstance(value, str) or len(value) > 64:
        raise validation.refuse(field, Problem("card_number_invalid"))
    digits = value.strip().replace(" ", "").replace("-", "")
    if not digits:
        raise validation.refuse(field, Problem("card_number_required"))
    if not (digits.isascii() and digits.isdigit()):
        raise validation.refuse(field, Problem("card_number_digits_only"))
    if not NUMBER_MIN <= len(digits) <= NUMBER_MAX:
        raise validation.refuse(
            field, Problem("card_number_length", min=NUMBER_MIN, max=NUMBER_MAX)
        )
    if not luhn.is_valid(digits):
        raise validation.refuse(field, Problem("card_number_checksum"))
    brand = detect_brand(digits)
    if brand is None:
        raise validation.refuse(field, Problem("card_not_accepted"))
    return digits, brand


def _whole_number(value: object, field: str, label: str, max_digits: int) -> int:
    if isinstance(value, bool):
        raise validation.refuse(field, Problem("label_invalid", label=label))
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or len(value) > 16:
        raise validation.refuse(field, Problem("label_invalid", label=label))
    text = value.strip()
    if not text:
        raise validation.refuse(field, Problem("field_required", label=label))
    if not (text.isascii() and text.isdigit()) or len(text) > max_digits:
        raise validation.refuse(field, Problem("label_invalid", label=label))
    return int(text)


def _month(value: object) -> int:
    month = _whole_number(value, "expiry_month", "expiry_month", 2)
    if not 1 <= month <= 12:
        raise validation.refuse("expiry_month", Problem("expiry_month_invalid"))
    return month


def _year(value: object, current_year: int) -> int:
    year = _full_year(_whole_number(value, "expiry_year", "expiry_year", 4))
    if not 2000 <= year <= current_year + MAX_YEARS_AHEAD:
        raise validation.refuse("expiry_year", Problem("expiry_year_invalid"))
    return year


def _full_year(year: int) -> int:
    """A 2-digit year as printed on the card is in this century."""
    return year + 2000 if 0 <= year < 100 else year


def _security_code(value: object, brand: CardBrand | None) -> str:
    """3 digits (4 for American Express); 3 or 4 while the brand is unknown."""
    field = "security_code"
    if not isinstance(value, str) or len(value) > 16:
        raise validation.refuse(field, Problem("security_code_invalid"))
    text = value.strip()
    if not text:
        raise validation.refuse(field, Problem("security_code_required"))
    expected = {CardBrand.AMEX: (4,), None: (3, 4)}.get(brand, (3,))
    if not (text.isascii() and text.isdigit()) or len(text) not in expected:
        if brand is CardBrand.AMEX:
            code = "security_code_amex"
        elif brand is None:
            code = "security_code_3_or_4"
        else:
            code = "security_code_3"
        raise validation.refuse(field, Problem(code))
    return text


def _holder(value: object) -> str:
    text = validation.text_value(value, "holder", "card_holder")
    if len(text) > HOLDER_MAX:
        raise validation.refuse("holder", Problem("holder_too_long", max=HOLDER_MAX))
    if not any(ch.isalpha() for ch in text):
        raise validation.refuse("holder", Problem("card_holder_name"))
    return text


def card_identity(payment: CardPayment) -> tuple[str, str, str, str] | None:
    """What identifies the card of a request — brand, last 4 digits, expiry ``MM/YY``, holder —
    read without any check that depends on the time or on the account (PAY-4).

    A replayed payment is recognised by these before anything is checked, so that a card that
    has expired since the first request (or any other change) cannot hide the first outcome.
    They are the very values ``check_card`` keeps for a valid card. ``None`` when the request
    cannot even be read as a card: no payment was ever made with it, ``check_card`` refuses it.
    Nothing secret is returned (PAY-3).
    """
    try:
        number, brand = _card_number(payment.card_number)
        month = _month(payment.expiry_month)
        year = _full_year(_whole_number(payment.expiry_year, "expiry_year", "year", 4))
        holder = _holder(payment.holder)
    except ValidationError:
        return None
    if not 2000 <= year < 2100:  # ``MM/YY`` names one year only in this century
        return None
    return brand.value, number[-4:], f"{month:02d}/{year % 100:02d}", holder


def check_card(payment: CardPayment, now: datetime) -> CheckedCard:
    """PAY-2: every field checked at once; a ``ValidationError`` names each wrong field.

    ``now`` is the backend's clock; the expiry is compared in Paris time (a card is valid until
    the end of its expiry month).
    """
    errors = Errors()
    today = to_paris(now).date()
    checked_number = errors.check("card_number", _card_number, payment.card_number)
    number, brand = checked_number if checked_number else (None, None)
    month = errors.check("expiry_month", _month, payment.expiry_month)
    year = errors.check("expiry_year", _year, payment.expiry_year, today.year)
    if year is not None and year < today.year:
        errors.add("expiry_year", Problem("card_expired"))
    elif month is not None and year == today.year and month < today.month:
        errors.add("expiry_month", Problem("card_expired"))
    errors.check("security_code", _security_code, payment.security_code, brand)
    holder = errors.check("holder", _holder, payment.holder)
    errors.raise_if_any(Problem("card_details_wrong"))
    assert number is not None and brand is not None and month is not None and year is not None
    assert holder is not None
    return CheckedCard(
        brand=brand,
        last4=number[-4:],
        expiry=f"{month:02d}/{year % 100:02d}",
        holder=holder,
        outcome=_OUTCOMES.get(number, Outcome.SUCCESS),
    )

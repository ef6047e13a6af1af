"""Input checks shared by the rules, each refusal a code (and params) for one field.

Everything a person can type arrives here first (SEC-4): values of the wrong type, empty, huge,
with control characters or odd Unicode get a ``ValidationError`` naming the field — never another
exception. Functions return the cleaned value; ``Errors`` gathers several fields so that a form
shows every problem at once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from geg_tui.api.errors import FieldProblem, ValidationError
from geg_tui.api.limits import (
    ANSWER_MAX,
    ANSWER_MIN,
    CONTRACT_REF_DIGITS,
    EMAIL_LOCAL_MAX,
    EMAIL_MAX,
    INVOICE_REF_DIGITS,
    PASSWORD_MAX,
    PASSWORD_MIN,
)
from geg_tui.api.problems import Problem

MAX_INPUT = 10_000  # nothing a person types legitimately is longer; refuse before any work


class Errors:
    """Collects per-field problems; ``raise_if_any`` raises one ValidationError with them all."""

    def __init__(self) -> None:
        self.fields: dict[str, Problem | FieldProblem] = {}

    def add(self, field: str, problem: Problem | FieldProblem) -> None:
        self.fields.setdefault(field, problem)

    def check(self, field: str, func, *args: Any, **kwargs: Any) -> Any:
        """Run ``func``; a ValidationError is recorded under ``field`` and ``None`` returned."""
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            found = exc.field_problem(field) or next(iter(exc.problems), None)
            self.add(field, found or Problem(exc.code, **exc.params))
            return None

    def raise_if_any(self, problem: Problem | None = None) -> None:
        if self.fields:
            raise ValidationError(problem, fields=self.fields)


def refuse(field: str, problem: Problem) -> ValidationError:
    """A refusal of one field, the same problem for the whole request and for the field."""
    return ValidationError(problem, fields={field: problem})


def has_control(text: str) -> bool:
    """Control, format, surrogate, private or unassigned characters anywhere in ``text``."""
    if text.isascii():  # the common case, in C: ASCII's only such characters are the controls
        return not text.isprintable()
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def lookup_key(value: object, max_length: int = 64) -> str | None:
    """A reference or token typed by a person, fit to look up; ``None`` if it cannot be one.

    Anything that is not a short, printable str (wrong type, control characters, lone
    surrogates that SQLite cannot even encode) simply matches nothing.
    """
    if not isinstance(value, str) or len(value) > max_length or has_control(value):
        return None
    return "".join(value.split())


def text_value(value: object, field: str, label: str, *, required: bool = True) -> str:
    """A str of reasonable size without control characters, trimmed. ``label`` is a code of
    ``geg_tui.api.problems.LABELS``: the field's name, written in the reader's language."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise refuse(field, Problem("value_invalid", label=label))
    if len(value) > MAX_INPUT:
        raise refuse(field, Problem("text_much_too_long", label=label))
    if has_control(value):
        raise refuse(field, Problem("characters_not_allowed", label=label))
    value = unicodedata.normalize("NFC", value).strip()
    if required and not value:
        raise refuse(field, Problem("field_required", label=label))
    return value


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def email(value: object, field: str = "email") -> str:
    """SIGNUP-1: syntactically valid, at most 254 characters; returned lower-cased."""
    text = text_value(value, field, "email")
    if len(text) > EMAIL_MAX:
        raise refuse(field, Problem("email_too_long", max=EMAIL_MAX))
    local = text.rsplit("@", 1)[0] if "@" in text else ""
    if (
        not _EMAIL.match(text)
        or len(local) > EMAIL_LOCAL_MAX
        or ".." in text
        or local.startswith(".")
    ):
        raise refuse(field, Problem("email_invalid"))
    return text.lower()


def password(
    value: object,
    confirm: object,
    identifier: str | None,
    errors: Errors,
    *,
    field: str = "password",
    confirm_field: str = "password_confirm",
) -> str | None:
    """SIGNUP-2: 8–25 code points after NFC, never truncated, not the identifier, typed twice."""
    if not isinstance(value, str) or len(value) > MAX_INPUT:
        errors.add(field, Problem("password_invalid"))
        return None
    if has_control(value):
        errors.add(field, Problem("password_characters_not_allowed"))
        return None
    pw = unicodedata.normalize("NFC", value)
    if len(pw) < PASSWORD_MIN:
        errors.add(field, Problem("password_too_short", min=PASSWORD_MIN))
    elif len(pw) > PASSWORD_MAX:
        errors.add(field, Problem("password_too_long", max=PASSWORD_MAX))
    elif identifier and pw.casefold() == identifier.casefold():
        errors.add(field, Problem("password_is_login"))
    if not isinstance(confirm, str) or unicodedata.normalize("NFC", confirm) != pw:
        errors.add(confirm_field, Problem("passwords_differ"))
    return pw if field not in errors.fields and confirm_field not in errors.fields else None


def password_to_hash(value: object, confirm: object) -> str | None:
    """What ``password`` would return for a new password (to hash it ahead), else ``None``."""
    return password(value, confirm, None, Errors())


def digits(value: object, field: str, label: str, length: int) -> str:
    """A reference of ``length`` digits; spaces are ignored (SIGNUP-3)."""
    text = text_value(value, field, label)
    compact = "".join(text.split())
    if not compact.isascii() or not compact.isdigit() or len(compact) != length:
        raise refuse(field, Problem("digits_expected", label=label, count=length))
    return compact


def contract_ref(value: object, field: str = "contract_ref") -> str:
    return digits(value, field, "contract_ref", CONTRACT_REF_DIGITS)


def invoice_ref(value: object, field: str = "invoice_ref") -> str:
    return digits(value, field, "invoice_ref", INVOICE_REF_DIGITS)


_AMOUNT = re.compile(r"^(-?)(\d{1,9})(?:[.,](\d{1,2}))?$")
# « 1,234.56 » / « 1.234,56 »: a thousands separator then the other mark before the cents.
_GROUPED = re.compile(r"^(-?)(\d{1,3}(?:([.,])\d{3})+)(?:(?!\3)[.,](\d{1,2}))?$")


def amount_cents(value: object, field: str = "invoice_amount") -> int:
    """SIGNUP-3: an amount as a French or an English reader writes it → cents: ``123,45``,
    ``123.45``, ``1 234,56 €``, ``€1,234.56``, ``1.234,56``, ``-14,48 €``. Spaces, the euro
    sign and « EUR » are ignored; a « , » or « . » followed by exactly three digits and another
    group or the other mark is a thousands separator, else the decimal mark: « 1,234 » is
    1 234 € (an amount never has three decimals), « 12,3 » is 12,30 €."""
    text = text_value(value, field, "amount")
    compact = "".join(text.split()).replace("€", "").removesuffix("EUR").removesuffix("eur")
    compact = compact.replace("-€", "-")
    match = _AMOUNT.match(compact)
    if match:
        sign, euros, cents = match.group(1), match.group(2), match.group(3)
    else:
        grouped = _GROUPED.match(compact)
        if not grouped:
            raise refuse(field, Problem("amount_invalid"))
        sign, cents = grouped.group(1), grouped.group(4)
        euros = grouped.group(2).replace(grouped.group(3), "")
    factor = -1 if sign else 1  # a settlement can be a refund: « -14,48 € »
    return factor * (int(euros) * 100 + int((cents or "0").ljust(2, "0")))


_DATE_FR = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def birth_date(value: object, today: date, field: str = "birth_date") -> date:
    """``12/03/1984`` (or ``1984-03-12``): a real day, in the past, after 1900."""
    if isinstance(value, date):
        day = value
    else:
        text = text_value(value, field, "birth_date")
        if (m := _DATE_FR.match(text)) is not None:
            d, mo, y = (int(g) for g in m.groups())
        elif (m := _DATE_ISO.match(text)) is not None:
            y, mo, d = (int(g) for g in m.groups())
        else:
            raise refuse(field, Problem("birth_date_format"))
        try:
            day = date(y, mo, d)
        except ValueError:
            raise refuse(field, Problem("date_does_not_exist")) from None
    if day.year < 1900 or day >= today:
        raise refuse(field, Problem("birth_date_invalid"))
    return day


def phone(value: object, field: str = "phone", *, mobile_only: bool = False) -> str:
    """SIGNUP-7: ``0X XX XX XX XX`` or ``+33 X XX XX XX XX`` → normalised ``0X XX XX XX XX``."""
    text = text_value(value, field, "phone")
    compact = re.sub(r"[\s.\-]", "", text)
    if compact.startswith("+33"):
        compact = "0" + compact[3:]
    elif compact.startswith("0033"):
        compact = "0" + compact[4:]
    if not (len(compact) == 10 and compact.isascii() and compact.isdigit()) or compact[1] == "0":
        raise refuse(field, Problem("phone_invalid"))
    if mobile_only and compact[1] not in "67":
        raise refuse(field, Problem("mobile_invalid"))
    return " ".join(compact[i : i + 2] for i in range(0, 10, 2))


def mask_phone(number: str | None) -> str | None:
    """``06 12 34 56 78`` → ``06 •• •• •• 78`` (SIGNUP-7 shows it masked)."""
    if not number:
        return None
    parts = number.split()
    if len(parts) != 5:
        return "•• •• •• •• ••"
    return " ".join([parts[0], "••", "••", "••", parts[4]])


def normalise_answer(text: str) -> str:
    """SIGNUP-8: trimmed, case-folded, accents removed, inner spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def secret_answer(value: object, field: str = "secret_answer") -> str:
    """SIGNUP-8: 3 to 50 characters once trimmed; returns the normalised form to hash."""
    text = text_value(value, field, "answer")
    normalised = normalise_answer(text)
    if len(normalised) < ANSWER_MIN:
        raise refuse(field, Problem("answer_too_short", min=ANSWER_MIN))
    if len(text) > ANSWER_MAX:
        raise refuse(field, Problem("answer_too_long", max=ANSWER_MAX))
    return normalised


def answer_to_hash(value: object) -> str | None:
    """What ``secret_answer`` would return (to hash it ahead), or ``None`` when it is refused."""
    try:
        return secret_answer(value)
    except ValidationError:
        return None

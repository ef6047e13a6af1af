"""Bank details and SEPA mandates (BANK-1…4), for direct debit and for referral bonuses.

IBAN and BIC checks come from python-stdnum (ISO 13616 mod 97 and per-country length, ISO 9362).
The backend keeps the full IBAN (it has to debit it) but it never leaves the backend unmasked:
models, mails and errors carry ``mask_iban`` only (BANK-4, SEC-3).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from geg_tui.api.errors import ValidationError
from geg_tui.api.models import BankDetails
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import outbox, validation
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Tx

# SEPA scheme countries and territories (EPC list) that have an IBAN.
SEPA_COUNTRIES = frozenset(
    [
        "AD",
        "AT",
        "BE",
        "BG",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GI",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "SM",
        "VA",
    ]
)
RUM_ALLOWED = re.compile(r"^[A-Z0-9/\-?:().,'+ ]{1,35}$")


def iban(value: object, field: str = "iban") -> str:
    """BANK-1: the compact IBAN, or a French refusal that says what is wrong."""
    text = validation.text_value(value, field, "iban")
    if len(text) > 64:
        raise validation.refuse(field, Problem("iban_too_long"))
    try:
        compact = stdnum_iban.validate(text)
    except StdnumError:
        compact = stdnum_iban.compact(text)
        if (
            len(compact) >= 2
            and compact[:2].isalpha()
            and compact[:2].upper() not in SEPA_COUNTRIES
        ):
            raise validation.refuse(field, Problem("iban_not_sepa")) from None
        raise validation.refuse(field, Problem("iban_invalid")) from None
    if compact[:2] not in SEPA_COUNTRIES:
        raise validation.refuse(field, Problem("iban_not_sepa"))
    return compact


def bic(value: object, field: str = "bic") -> str | None:
    """BANK-1: optional, checked when given."""
    if value in (None, ""):
        return None
    text = validation.text_value(value, field, "bic")
    try:
        return stdnum_bic.validate(text)
    except StdnumError:
        raise validation.refuse(field, Problem("bic_invalid")) from None


def holder(value: object, field: str = "holder") -> str:
    name = validation.text_value(value, field, "account_holder")
    if len(name) > 70:
        raise validation.refuse(field, Problem("holder_too_long", max=70))
    return name


def mask_iban(compact: str) -> str:
    """BANK-4: country, check digits and the last 4 characters, e.g. ``FR76 •••• … 0189``."""
    hidden = len(compact) - 8
    groups = " ".join("••••" for _ in range((hidden + 3) // 4))
    return f"{compact[:4]} {groups} {compact[-4:]}"


def mandate_ref(customer_number: str, now: datetime, sequence: int, compact_iban: str) -> str:
    """BANK-3: a unique RUM, ≤ 35 characters of the SEPA set, never containing the IBAN."""
    ref = f"GEG-{customer_number}-{now:%Y%m%d}-{sequence:04d}"
    ref = unicodedata.normalize("NFKD", ref).encode("ascii", "ignore").decode().upper()
    assert RUM_ALLOWED.match(ref) and compact_iban not in ref
    return ref


def current(db: Tx, customer_id: int, purpose: str = "contrat") -> BankDetails | None:
    row = db.one(
        "SELECT * FROM bank_details WHERE customer_id = ? AND purpose = ? AND revoked_at IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (customer_id, purpose),
    )
    if row is None:
        return None
    return BankDetails(
        iban_masked=mask_iban(row["iban"]),
        bic=row["bic"],
        holder=row["holder"],
        mandate_ref=row["mandate_ref"],
        mandate_signed_at=datetime.fromisoformat(row["signed_at"]),
    )


def replace(
    db: Tx,
    now: datetime,
    customer_id: int,
    email: str,
    iban_value: object,
    bic_value: object,
    holder_value: object,
    *,
    purpose: str = "contrat",
) -> BankDetails:
    """BANK-1, BANK-3: validate, revoke the old mandate, sign a new one, tell the customer."""
    errors = validation.Errors()
    compact = errors.check("iban", iban, iban_value)
    checked_bic = errors.check("bic", bic, bic_value)
    name = errors.check("holder", holder, holder_value)
    errors.raise_if_any()
    assert compact is not None and name is not None
    number = db.scalar("SELECT number FROM customers WHERE id = ?", (customer_id,))
    sequence = int(db.scalar("SELECT COUNT(*) FROM bank_details") or 0) + 1
    ref = mandate_ref(str(number), now, sequence, compact)
    db.execute(
        "UPDATE bank_details SET revoked_at = ? WHERE customer_id = ? AND purpose = ? AND revoked_at IS NULL",
        (now.isoformat(), customer_id, purpose),
    )
    db.execute(
        "INSERT INTO bank_details(customer_id, purpose, iban, bic, holder, mandate_ref, signed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (customer_id, purpose, compact, checked_bic, name, ref, now.isoformat()),
    )
    what = (
        "vos prélèvements" if purpose == "contrat" else "le versement de vos primes de parrainage"
    )
    outbox.send(
        db,
        now,
        email,
        "Vos coordonnées bancaires ont été modifiées",
        f"Bonjour,\n\nLe compte {mask_iban(compact)} (titulaire : {name}) sera désormais utilisé pour "
        f"{what}. Référence unique du mandat SEPA : {ref}. L'ancien mandat est révoqué.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, contactez immédiatement le service client.",
    )
    details = current(db, customer_id, purpose)
    assert details is not None
    return details


def require_password(
    db: Tx, hasher: Hasher, account_id: int, password: object, field: str = "password"
) -> None:
    """BANK-2, PROFILE-2: sensitive changes need the current password."""
    stored = db.scalar("SELECT password_hash FROM accounts WHERE id = ?", (account_id,))
    ok = (
        isinstance(password, str)
        and len(password) <= 1000
        and not validation.has_control(password)
        and hasher.verify(stored, unicodedata.normalize("NFC", password))
    )
    if not ok:
        wrong = Problem("mot_de_passe_incorrect")
        raise ValidationError(wrong, fields={field: wrong})

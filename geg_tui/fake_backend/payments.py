"""Paying an invoice by card (PAY-1…PAY-5) and the payment history.

Order of work in ``pay`` (SEC-4: every check before any write):

1. the idempotency key is read and looked up (PAY-4) before any check: a key already used
   returns the first outcome (same request) — whatever changed since: the card expired at the
   end of its month, the invoice was paid by that very request, its amount changed — or is
   refused (another request). The request is recognised by the invoice and the card's brand,
   last 4 digits, expiry and holder (``cards.card_identity``), read without checking them;
2. the card is checked (PAY-2, ``cards.check_card``);
3. the invoice must be this account's (AUTH-6), listed (INV-3) and to pay or overdue (PAY-1);
4. the fake payment server answers according to the test cards (PAY-5);
5. only then the payment row (brand, last 4, expiry, amount, time, transaction ref — PAY-3), the
   invoice status, the idempotency record and the receipt mail are written, in the caller's
   transaction.

Declined cards. A decline is remembered under the idempotency key (committed although the call
raises, through ``CommitThenRaise``): replaying the same request raises the same refusal again,
and nothing is ever charged for it. The retry test card fails its first attempt with
``BackendUnavailable`` and leaves a marker (key + ``#essai``); the next attempt with the same key
succeeds, as a payment provider's « please retry » does.
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC, date, datetime, time

from geg_tui.api.errors import BackendUnavailable, Conflict, NotFound, ValidationError
from geg_tui.api.models import (
    CardBrand,
    CardPayment,
    InvoiceStatus,
    Payment,
    PaymentMeans,
    PaymentStatus,
)
from geg_tui.api.problems import TEMPLATES, Problem
from geg_tui.fake_backend import idempotency, outbox, validation
from geg_tui.fake_backend.bank import mask_iban
from geg_tui.fake_backend.cards import CheckedCard, Outcome, card_identity, check_card
from geg_tui.fake_backend.dates import five_years_before
from geg_tui.fake_backend.store import CommitThenRaise, Tx
from geg_tui.formatting import PARIS, format_datetime, format_money, to_paris
from geg_tui.labels import french_label

OPERATION = "paiement_carte"
TX_ALPHABET = string.ascii_uppercase + string.digits
TX_LENGTH = 12
DEBIT_TIME = time(6)  # the world takes the day's debits at 06:00 Paris (world.EVENT_HOUR)


def new_transaction_ref() -> str:
    """``TX-`` + 12 random uppercase letters and digits (about 62 bits)."""
    return "TX-" + "".join(secrets.choice(TX_ALPHABET) for _ in range(TX_LENGTH))


def _invoice_row(db: Tx, account_id: int, ref: object, today: date):
    """AUTH-6 and INV-3: one of this account's listed invoices, else NotFound."""
    key = validation.lookup_key(ref, 40)
    row = None
    if key:
        row = db.one(
            "SELECT i.id, i.ref, i.balance AS total, i.status, i.debit_date, i.issue_date FROM invoices i "
            "JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id "
            "WHERE a.id = ? AND i.ref = ? AND i.issue_date <= ? AND i.issue_date >= ?",
            (account_id, key, today.isoformat(), five_years_before(today).isoformat()),
        )
    if row is None:
        raise NotFound(Problem("invoice_not_found_ref"))
    return row


def _check_payable(row) -> None:
    """PAY-1 and PAY-4: only an invoice to pay or overdue, for its full (positive) amount."""
    status = InvoiceStatus(row["status"])
    if status is InvoiceStatus.PAID:
        raise Conflict(Problem("deja_payee"))
    if status is InvoiceStatus.DEBITED:
        raise Conflict(Problem("deja_payee", variant="debited"))
    if status is InvoiceStatus.DEBIT_SCHEDULED:
        if row["debit_date"]:
            raise Conflict(Problem("prelevement_prevu", day=row["debit_date"]))
        raise Conflict(Problem("prelevement_prevu", variant="soon"))
    if status not in (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE):  # pragma: no cover
        raise Conflict(Problem("invoice_not_payable_by_card"))
    if row["total"] <= 0:
        raise Conflict(Problem("rien_a_payer"))


def _refused(code: str, message: str) -> ValidationError:
    """A card refusal by its code (stored with the French message of its time, the fallback
    for a code this version no longer knows)."""
    problem: Problem | str = Problem(code) if code in TEMPLATES else message
    if isinstance(problem, Problem):
        return ValidationError(problem, fields={"card_number": problem})
    return ValidationError(message, code=code, fields={"card_number": message})


def _charge(
    db: Tx, now: datetime, account_id: int, key: str, print_: str, card: CheckedCard
) -> None:
    """The fake payment server's answer (PAY-5); returns only when the payment is accepted."""
    refusals = {
        Outcome.DECLINED: ("carte_refusee", Problem("carte_refusee").french()),
        Outcome.INSUFFICIENT_FUNDS: (
            "provision_insuffisante",
            Problem("provision_insuffisante").french(),
        ),
    }
    if card.outcome in refusals:
        code, message = refusals[card.outcome]
        idempotency.remember(
            db, now, account_id, key, OPERATION, print_, {"refused": code, "message": message}
        )
        raise CommitThenRaise(_refused(code, message))
    if card.outcome is Outcome.RETRY:
        marker = key + "#essai"
        if idempotency.replay(db, account_id, marker, OPERATION, print_) is None:
            idempotency.remember(db, now, account_id, marker, OPERATION, print_, {"attempt": 1})
            raise CommitThenRaise(BackendUnavailable(Problem("paiement_a_reessayer")))


def _load(db: Tx, account_id: int, transaction_ref: str) -> Payment:
    row = db.one(
        "SELECT p.*, i.ref AS invoice_ref FROM payments p JOIN invoices i ON i.id = p.invoice_id "
        "WHERE p.account_id = ? AND p.transaction_ref = ?",
        (account_id, transaction_ref),
    )
    if row is None:  # pragma: no cover - the idempotency record always points at a payment
        raise NotFound(Problem("payment_not_found"))
    return _from_row(row)


def _from_row(row) -> Payment:
    return Payment(
        transaction_ref=row["transaction_ref"],
        invoice_ref=row["invoice_ref"],
        amount=row["amount"],
        brand=CardBrand(row["brand"]),
        last4=row["last4"],
        expiry=row["expiry"],
        paid_at=datetime.fromisoformat(row["paid_at"]),
    )


def _receipt(db: Tx, now: datetime, account_id: int, payment: Payment) -> None:
    """PAY-3: amount, invoice ref, brand and last 4 only — never the card number or code."""
    email = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
    if not email:  # pragma: no cover - the account comes from a valid session
        return
    body = (
        "Bonjour,\n\n"
        f"Nous avons bien reçu votre paiement de {format_money(payment.amount)} pour la facture "
        f"n° {payment.invoice_ref}, le {format_datetime(to_paris(now))}.\n"
        f"Carte : {french_label(payment.brand)} se terminant par {payment.last4}.\n"
        f"Référence de la transaction : {payment.transaction_ref}.\n\n"
        "Conservez ce message comme justificatif de paiement."
    )
    outbox.send(db, now, email, f"Reçu de paiement – facture {payment.invoice_ref}", body)


def _replayed(db: Tx, account_id: int, key: str, print_: str) -> Payment | None:
    """PAY-4: the first outcome of this key — its payment, or its refusal raised again;
    ``None`` for a new key (a key used by another request is refused by ``replay``)."""
    stored = idempotency.replay(db, account_id, key, OPERATION, print_)
    if stored is None:
        return None
    if "refused" in stored:
        raise _refused(str(stored["refused"]), str(stored["message"]))
    return _load(db, account_id, str(stored["transaction_ref"]))


def pay(db: Tx, now: datetime, account_id: int, payment: CardPayment) -> Payment:
    """Pay one invoice by card (PAY-1…PAY-5). See the module docstring for the order of work."""
    if not isinstance(payment, CardPayment):
        raise ValidationError(Problem("payment_request_invalid"))
    key = idempotency.check_key(payment.idempotency_key)
    identity = card_identity(payment)
    invoice_key = validation.lookup_key(payment.invoice_ref, 40) or ""
    print_ = idempotency.fingerprint(invoice_key, *identity) if identity else None
    if print_ is not None:  # PAY-4: the first outcome, before any check
        replayed = _replayed(db, account_id, key, print_)
        if replayed is not None:
            return replayed
    card = check_card(payment, now)  # refuses every card that ``card_identity`` cannot read
    assert print_ is not None
    today = to_paris(now).date()
    invoice = _invoice_row(db, account_id, payment.invoice_ref, today)
    _check_payable(invoice)
    _charge(db, now, account_id, key, print_, card)

    transaction_ref = new_transaction_ref()
    while db.scalar("SELECT 1 FROM payments WHERE transaction_ref = ?", (transaction_ref,)):
        transaction_ref = new_transaction_ref()  # pragma: no cover - 36^12 possibilities
    paid_at = now.astimezone(UTC).isoformat()  # UTC inside, so that rows sort by time
    db.execute(
        "INSERT INTO payments(transaction_ref, invoice_id, account_id, amount, brand, last4, "
        "expiry, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            transaction_ref,
            invoice["id"],
            account_id,
            invoice["total"],
            card.brand.value,
            card.last4,
            card.expiry,
            paid_at,
        ),
    )
    db.execute(
        "UPDATE invoices SET status = ?, settled_at = ? WHERE id = ?",
        (InvoiceStatus.PAID.value, paid_at, invoice["id"]),
    )
    idempotency.remember(
        db, now, account_id, key, OPERATION, print_, {"transaction_ref": transaction_ref}
    )
    result = Payment(
        transaction_ref=transaction_ref,
        invoice_ref=invoice["ref"],
        amount=invoice["total"],
        brand=card.brand,
        last4=card.last4,
        expiry=card.expiry,
        paid_at=now,
    )
    _receipt(db, now, account_id, result)
    return result


def payments_of(db: Tx, account_id: int, today: date) -> list[Payment]:
    """This account's card payments and the direct debits taken on its contracts, newest first.

    Debits are not rows of their own: they are the invoices debited on their debit date and the
    monthly instalments debited (DEBIT-4), as the world took them. Their reference is derived
    from what they debit (``PRLV-`` + the invoice, or the contract and day of an instalment), so
    it is the same at every reading, and their means is the mandate in force that day, masked
    (BANK-4). Only those of invoices still listed (the last 5 years, INV-3) are shown."""
    rows = db.all(
        "SELECT p.*, i.ref AS invoice_ref FROM payments p JOIN invoices i ON i.id = p.invoice_id "
        "WHERE p.account_id = ? ORDER BY p.paid_at DESC, p.id DESC",
        (account_id,),
    )
    listed = [_from_row(row) for row in rows] + _debits_of(db, account_id, today)
    return sorted(listed, key=lambda p: p.paid_at, reverse=True)


def _debits_of(db: Tx, account_id: int, today: date) -> list[Payment]:
    since = five_years_before(today).isoformat()
    customer = db.scalar("SELECT customer_id FROM accounts WHERE id = ?", (account_id,))
    mandates = db.all(
        "SELECT iban, signed_at, revoked_at FROM bank_details WHERE customer_id = ? "
        "AND purpose = 'contrat' ORDER BY signed_at DESC",
        (customer,),
    )

    def iban_on(at: datetime) -> str | None:
        for mandate in mandates:
            signed = datetime.fromisoformat(mandate["signed_at"])
            revoked = mandate["revoked_at"] and datetime.fromisoformat(mandate["revoked_at"])
            if signed <= at and (not revoked or at < revoked):
                return mask_iban(mandate["iban"])
        return None

    debits: list[Payment] = []
    for row in db.all(
        "SELECT i.ref, i.balance, i.settled_at, c.ref AS contract_ref FROM invoices i "
        "JOIN contracts c ON c.id = i.contract_id WHERE c.customer_id = ? AND i.status = ? "
        "AND i.issue_date >= ? AND i.issue_date <= ?",
        (customer, InvoiceStatus.DEBITED.value, since, today.isoformat()),
    ):
        at = datetime.fromisoformat(row["settled_at"])
        debits.append(_debit(f"PRLV-{row['ref']}", row["ref"], row["balance"], at, row, iban_on))
    for row in db.all(
        "SELECT x.due_date, x.amount, c.ref AS contract_ref FROM instalments x "
        "JOIN contracts c ON c.id = x.contract_id WHERE c.customer_id = ? AND x.status = ? "
        "AND x.due_date >= ? AND x.due_date <= ?",
        (customer, "prelevee", since, today.isoformat()),
    ):
        day = date.fromisoformat(row["due_date"])
        at = datetime.combine(day, DEBIT_TIME, PARIS).astimezone(UTC)
        ref = f"PRLV-{row['contract_ref']}-{day:%Y%m%d}"
        debits.append(_debit(ref, None, row["amount"], at, row, iban_on))
    return debits


def _debit(ref: str, invoice_ref: str | None, amount: int, at: datetime, row, iban_on) -> Payment:
    return Payment(
        transaction_ref=ref,
        invoice_ref=invoice_ref,
        amount=amount,
        brand=None,
        last4=None,
        expiry=None,
        paid_at=at,
        means=PaymentMeans.DIRECT_DEBIT,
        status=PaymentStatus.DEBITED,
        iban_masked=iban_on(at),
        contract_ref=row["contract_ref"],
    )

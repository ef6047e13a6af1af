"""What payment tests share: a valid card request and the count of payments kept for an invoice.

Why a count from the store rather than from the client's answer: PAY-4's tests are about answers
that got lost, so the only witness of « charged once » is what the backend recorded.
"""

from __future__ import annotations

import uuid
from typing import Any

from geg_tui.api.models import CardPayment, Payment, PaymentMeans

VALID_NUMBER = "4242 4242 4242 4242"


def card(invoice_ref: str, number: str = VALID_NUMBER) -> CardPayment:
    """A complete card payment of ``invoice_ref`` with a fresh idempotency key."""
    return CardPayment(
        invoice_ref=invoice_ref,
        card_number=number,
        expiry_month="12",
        expiry_year="2028",
        security_code="987",
        holder="Claire Martin",
        idempotency_key=str(uuid.uuid4()),
    )


def payments_count(fake: Any, invoice_ref: str) -> int:
    """How many payments the fake backend keeps for ``invoice_ref`` (PAY-3, PAY-4)."""
    with fake.store.transaction() as db:
        return int(
            db.scalar(
                "SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                "WHERE i.ref = ?",
                (invoice_ref,),
            )
        )


def card_payments(payments: list[Payment]) -> list[Payment]:
    """The card payments of ``list_payments`` (which also lists the direct debits taken)."""
    return [p for p in payments if p.means is PaymentMeans.CARD]

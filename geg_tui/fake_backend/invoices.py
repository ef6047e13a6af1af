"""A customer's invoices as they read them: the list (INV-3, INV-5), the one invoice they may
open (detail and PDF, AUTH-6), and what they still owe.

The arithmetic of an invoice is in ``billing`` and its issue in ``world``; building the models
from rows is ``read_models``'; paying one is ``payments``'. Here is the SQL that decides which
invoices a customer sees.

Why one lookup for the detail and the PDF: they used to run their own queries and answered
differently for the same reference (the PDF told a customer asking for someone else's invoice
that « only invoices of the last 5 years » can be downloaded). Another customer's invoice, an
invoice not yet issued and a reference that does not exist all get the same « introuvable »:
nothing tells a customer that a reference exists elsewhere. Only the customer's own invoice older
than 5 years gets its own reason, because that customer can see it on older paper bills and
deserves to know why it is gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from geg_tui.api.errors import NotFound
from geg_tui.api.models import Invoice, InvoicePage, InvoiceStatus
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import read_models, validation
from geg_tui.fake_backend.dates import LISTING_YEARS, five_years_before
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.store import Tx

MAX_OFFSET = 10**6  # far beyond any account's invoices; keeps SQLite integers in range
MAX_PAGE = 1_000
NOT_FOUND = Problem("invoice_not_found")
TOO_OLD = Problem("facture_trop_ancienne", years=LISTING_YEARS)


def page(
    db: Tx,
    today: date,
    account_id: int,
    *,
    contract_ref: str | None,
    year: object,
    status: object,
    offset: object,
    limit: object,
) -> InvoicePage:
    """INV-3, INV-5: one page of the account's invoices of the last 5 years, newest first,
    filtered by contract (``contract_ref``: already checked to be the account's), year and
    status; with their count and the account's total to pay."""
    where = (
        " JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? "
        "AND i.issue_date <= ? AND i.issue_date >= ?"
    )
    params: list[Any] = [
        account_id,
        today.isoformat(),
        five_years_before(today).isoformat(),
    ]
    if contract_ref:
        where += " AND c.ref = ?"
        params.append(contract_ref)
    if year is not None:
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
            raise validation.refuse("year", Problem("year_invalid"))
        where += " AND substr(i.issue_date, 1, 4) = ?"
        params.append(f"{year:04d}")
    if status is not None:
        try:
            where += " AND i.status = ?"
            params.append(InvoiceStatus(status).value)
        except ValueError:
            raise validation.refuse("status", Problem("status_unknown")) from None
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise validation.refuse("offset", Problem("offset_invalid"))
    if limit is not None and (type(limit) is not int or not 1 <= limit <= MAX_PAGE):
        raise validation.refuse("limit", Problem("limit_invalid"))
    base = read_models.INVOICE_SELECT + where
    count = db.scalar(f"SELECT COUNT(*) FROM ({base})", tuple(params))
    page_sql = base + " ORDER BY i.issue_date DESC, i.id DESC LIMIT ? OFFSET ?"
    rows = db.all(page_sql, (*params, -1 if limit is None else limit, offset))
    to_pay = total_to_pay(db, account_id, today)
    return InvoicePage(
        invoices=tuple(read_models.invoice_from_row(db, row) for row in rows),
        total_count=int(count),
        total_to_pay=to_pay,
        offset=offset,
    )


def total_to_pay(db: Tx, account_id: int, today: date) -> int:
    """INV-5: what the account still owes (the balances to pay or overdue, issued by today)."""
    return int(
        db.scalar(
            "SELECT COALESCE(SUM(i.balance), 0) FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? "
            "AND i.status IN ('a_payer', 'en_retard') AND i.issue_date <= ?",
            (account_id, today.isoformat()),
        )
    )


def detail(db: Tx, today: date, account_id: int, ref: object) -> Invoice:
    """INV-3, AUTH-6: one of this account's invoices with its lines and readings."""
    row = own_invoice_row(db, account_id, ref, today)
    return read_models.invoice_from_row(db, row, details=True)


def own_invoice_row(db: Tx, account_id: int, ref: object, today: date) -> Row:
    """The row of one of this account's invoices issued in the last 5 years, else ``NotFound``."""
    key = validation.lookup_key(ref, 40)
    row = None
    if key:
        row = db.one(
            read_models.INVOICE_SELECT + " JOIN accounts a ON a.customer_id = c.customer_id "
            "WHERE a.id = ? AND i.ref = ? AND i.issue_date <= ?",
            (account_id, key, today.isoformat()),
        )
    if row is None:
        raise NotFound(NOT_FOUND)
    if row["issue_date"] < five_years_before(today).isoformat():
        raise NotFound(TOO_OLD)
    return row

"""Which invoice a customer may open (AUTH-6, INV-3): one lookup for the detail and the PDF.

Why one lookup: the detail and the PDF used to run their own queries and answered differently
for the same reference (the PDF told a customer asking for someone else's invoice that « only
invoices of the last 5 years » can be downloaded). Another customer's invoice, an invoice not yet
issued and a reference that does not exist all get the same « introuvable »: nothing tells a
customer that a reference exists elsewhere. Only the customer's own invoice older than 5 years
gets its own reason, because that customer can see it on older paper bills and deserves to
know why it is gone.
"""

from __future__ import annotations

from datetime import date

from geg_tui.api.errors import NotFound
from geg_tui.fake_backend import read_models, validation
from geg_tui.fake_backend.dates import LISTING_YEARS, five_years_before
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.store import Tx

NOT_FOUND = "Facture introuvable : vérifiez sa référence dans la liste de vos factures."
TOO_OLD = (
    f"Cette facture a été émise il y a plus de {LISTING_YEARS} ans : elle n'est plus disponible "
    "dans l'espace client. Le service client peut vous en adresser une copie."
)


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
        raise NotFound(TOO_OLD, code="facture_trop_ancienne")
    return row

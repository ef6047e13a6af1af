"""Bringing a data file written by an older version up to this one, in place.

A tester's data directory outlives a version of geg-tui: refusing it would throw away their
accounts, payments and clock. Each known older schema version has its upgrade here, run inside
the opening transaction (all or nothing). Tables derived from others (the consumption months)
are also refreshed when the code that derives them changed (``refresh_derived``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from geg_tui.api.models import InvoiceStatus
from geg_tui.fake_backend import consumption_months
from geg_tui.fake_backend.schema import (
    CONSUMPTION_MONTHS_TABLE,
    INVOICE_READINGS_TABLE,
    INVOICE_SETTLEMENT_COLUMNS,
    NOTIFICATIONS_TABLE,
    REQUEST_READ_COLUMN,
    SCHEMA_VERSION,
)
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS

# What version 2 wrote on an annual settlement: the instalments as a negative line without VAT.
V2_INSTALMENTS_LABEL = "Mensualités prélevées"


def _v1_to_v2(db: Tx) -> None:
    """Version 2 added the materialised consumption months, built from the daily rows."""
    db.executescript_in_tx(CONSUMPTION_MONTHS_TABLE)
    consumption_months.rebuild_all(db)


def _v2_to_v3(db: Tx) -> None:
    """Version 3: a settlement's instalments are figures of the invoice, not a line (DEBIT-4),
    and an invoice may use two readings of a register (METER-5).

    Every settlement is recomputed from what version 2 stored: its « Mensualités prélevées »
    line becomes ``already_paid`` (and the line goes), the total before tax and the total become
    those of the consumption (the VAT was already 20 % of it), and the balance is the old total.
    A credit was stored as debited or to debit: it becomes refunded on its due date (« À
    rembourser » until then, « Remboursée » after), like a zero balance becomes paid. Invoices
    are otherwise left as issued: one that billed a customer's reading taken before the end of
    its period keeps its figures (an issued bill is not rewritten; its successor already starts
    from that reading).
    """
    for column in INVOICE_SETTLEMENT_COLUMNS:
        db.execute(f"ALTER TABLE invoices ADD COLUMN {column}")
    db.execute("ALTER TABLE invoice_readings RENAME TO invoice_readings_v2")
    db.executescript_in_tx(INVOICE_READINGS_TABLE)
    db.execute("INSERT INTO invoice_readings SELECT * FROM invoice_readings_v2")
    db.execute("DROP TABLE invoice_readings_v2")

    for line in db.all(
        "SELECT l.invoice_id, l.position, l.quantity, l.amount, i.contract_id, i.period_start, "
        "i.period_end FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
        "WHERE l.label = ? AND l.vat_rate_pct = 0 AND l.amount < 0",
        (V2_INSTALMENTS_LABEL,),
    ):
        paid = -line["amount"]
        debited = db.one(
            "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS paid FROM instalments "
            "WHERE contract_id = ? AND status = 'prelevee' AND due_date BETWEEN ? AND ?",
            (line["contract_id"], line["period_start"], line["period_end"]),
        )
        # The instalments still on record say how many there were; older cycles (the demo's
        # history) had the line's 11.
        count = debited["n"] if debited["paid"] == paid else int(line["quantity"])
        db.execute(
            "UPDATE invoices SET already_paid = ?, instalments_paid = ?, "
            "amount_excl_tax = amount_excl_tax + ?, total = total + ? WHERE id = ?",
            (paid, count, paid, paid, line["invoice_id"]),
        )
        db.execute(
            "DELETE FROM invoice_lines WHERE invoice_id = ? AND position = ?",
            (line["invoice_id"], line["position"]),
        )

    from geg_tui.fake_backend.world import last_day_lived  # the rules: only when upgrading

    today = last_day_lived(db)
    for row in db.all(
        "SELECT id, issue_date, due_date, balance, status, settled_at FROM invoices "
        "WHERE balance < 0 OR (balance = 0 AND status != ?)",
        (InvoiceStatus.PAID.value,),
    ):
        if row["balance"] == 0:
            status, settled = InvoiceStatus.PAID, _at_six(row["issue_date"])
        elif today is not None and row["due_date"] <= today.isoformat():
            # Refunded when version 2 « debited » it: on its due date.
            status, settled = InvoiceStatus.REFUNDED, row["settled_at"] or _at_six(row["due_date"])
        else:
            status, settled = InvoiceStatus.REFUND_DUE, None
        db.execute(
            "UPDATE invoices SET status = ?, settled_at = ?, debit_date = NULL WHERE id = ?",
            (status.value, settled, row["id"]),
        )


def _at_six(day: str) -> str:
    """06:00 Paris on ``day``, when the world's events of the day happen, as stored."""
    return datetime.combine(date.fromisoformat(day), time(6), PARIS).isoformat()


def _v3_to_v4(db: Tx) -> None:
    """Version 4 (REQ-3): what the customer has seen of each request. A request of an older
    file counts as read up to its last event: its replies were mailed already, and marking years
    of them unread at once would tell the customer nothing."""
    db.execute(f"ALTER TABLE requests ADD COLUMN {REQUEST_READ_COLUMN}")
    db.execute(
        "UPDATE requests SET read_upto = COALESCE("
        "(SELECT MAX(rowid) FROM request_events e WHERE e.request_id = requests.id), 0)"
    )


def _v4_to_v5(db: Tx) -> None:
    """Version 5 keeps the alerts sent, to be read in the terminal (ALERT-3). Those sent before
    were not kept: the list starts empty."""
    db.executescript_in_tx(NOTIFICATIONS_TABLE)


_UPGRADES = {"1": _v1_to_v2, "2": _v2_to_v3, "3": _v3_to_v4, "4": _v4_to_v5}


def upgrade(db: Tx, found: str) -> bool:
    """Upgrade from version ``found`` to ``SCHEMA_VERSION``; False when it is not known."""
    version = found
    if version not in _UPGRADES:
        return False
    while version != str(SCHEMA_VERSION):
        step = _UPGRADES.get(version)
        if step is None:
            return False
        step(db)
        version = str(int(version) + 1)
    db.set_meta("schema_version", version)
    return True


def derived_current(db: Tx) -> bool:
    """True when ``refresh_derived`` has nothing to do (checked in a read, without the write lock)."""
    return consumption_months.is_current(db)


def refresh_derived(db: Tx) -> None:
    """Derived tables computed with other prices than this code's are computed again."""
    consumption_months.ensure_current(db)

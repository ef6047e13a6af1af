"""What older versions of the fake backend wrote, rebuilt from a current store for upgrade tests.

A data file of an older schema version cannot be produced by the current code, so the tests
seed a world and rewrite it the way the older version stored the same facts; opening it again
must then upgrade it back (``fake_backend/upgrades.py``).
"""

from __future__ import annotations

from geg_tui.fake_backend.billing import round_half_up
from geg_tui.fake_backend.store import Tx

V2_INVOICE_READINGS = """
CREATE TABLE invoice_readings (
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    register TEXT NOT NULL,
    previous_date TEXT NOT NULL,
    previous_index INTEGER NOT NULL,
    current_date TEXT NOT NULL,
    current_index INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (invoice_id, register)
) WITHOUT ROWID
"""


def downgrade_to_v4(db: Tx) -> None:
    """Version 4: no notifications kept (the alerts were only mailed)."""
    db.execute("DROP TABLE notifications")
    db.set_meta("schema_version", "4")


def downgrade_to_v3(db: Tx) -> None:
    """Version 3: nothing said what the customer had read of a request."""
    downgrade_to_v4(db)
    db.execute("ALTER TABLE requests DROP COLUMN read_upto")
    db.set_meta("schema_version", "3")


def downgrade_to_v2(db: Tx) -> None:
    """Version 2: a settlement's instalments were a negative line « Mensualités prélevées »
    (11 of them, without VAT) in the total before tax and the total; a credit was debited like
    any settlement; one reading per register and invoice."""
    downgrade_to_v3(db)
    for row in db.all(
        "SELECT i.id, i.already_paid, i.status, i.due_date, c.payment_mode FROM invoices i "
        "JOIN contracts c ON c.id = i.contract_id WHERE i.already_paid > 0"
    ):
        paid = row["already_paid"]
        position = db.scalar(
            "SELECT MAX(position) + 1 FROM invoice_lines WHERE invoice_id = ?", (row["id"],)
        )
        db.execute(
            "INSERT INTO invoice_lines VALUES (?, ?, 'Mensualités prélevées', 11, 'mensualité', "
            "?, ?, 0.0)",
            (row["id"], position, round_half_up(paid * 10_000, 11), -paid),
        )
        status = {"a_rembourser": "prelevement_prevu", "remboursee": "prelevee"}.get(
            row["status"], row["status"]
        )
        debited = status in ("prelevement_prevu", "prelevee")
        db.execute(
            "UPDATE invoices SET amount_excl_tax = amount_excl_tax - ?, total = total - ?, "
            "status = ?, debit_date = ? WHERE id = ?",
            (paid, paid, status, row["due_date"] if debited else None, row["id"]),
        )
    for column in ("balance", "instalments_paid", "already_paid"):
        db.execute(f"ALTER TABLE invoices DROP COLUMN {column}")
    db.execute("ALTER TABLE invoice_readings RENAME TO invoice_readings_v3")
    db.execute(V2_INVOICE_READINGS)
    db.execute("INSERT INTO invoice_readings SELECT * FROM invoice_readings_v3")
    db.execute("DROP TABLE invoice_readings_v3")
    db.set_meta("schema_version", "2")

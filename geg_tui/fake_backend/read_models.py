"""Building domain models from rows: the one place that knows both the schema and the models."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from geg_tui.api.models import (
    Account,
    Address,
    Contract,
    Energy,
    Identity,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceReading,
    InvoiceStatus,
    Meter,
    MeterReading,
    PaymentMode,
    ReadingKind,
    Register,
    Tariff,
)
from geg_tui.fake_backend.billing import line_code
from geg_tui.fake_backend.store import Tx

Row = sqlite3.Row  # a row of the store, as rule modules pass them around


def registers_for(tariff: Tariff) -> tuple[Register, ...]:
    """METER-1: which registers a meter on this tariff has."""
    if tariff is Tariff.GAS:
        return (Register.GAS,)
    if tariff is Tariff.BLUE_HPHC:
        return (Register.HP, Register.HC)
    return (Register.BASE,)


def contract_from_row(row: sqlite3.Row) -> Contract:
    tariff = Tariff(row["tariff"])
    gas = tariff is Tariff.GAS
    return Contract(
        ref=row["ref"],
        energy=Energy(row["energy"]),
        tariff=tariff,
        power_kva=row["power_kva"],
        delivery_point=row["delivery_point"],
        address=Address(row["street"], row["postcode"], row["city"]),
        meter=Meter(
            number=row["meter_number"],
            registers=registers_for(tariff),
            digits=row["meter_digits"],
            communicating=bool(row["communicating"]),
            unit="m³" if gas else "kWh",
            gas_coefficient=row["gas_coefficient"],
        ),
        payment_mode=PaymentMode(row["payment_mode"]),
        debit_day=row["debit_day"],
        e_invoice=bool(row["e_invoice"]),
        start_date=date.fromisoformat(row["start_date"]),
    )


def load_contracts(db: Tx, customer_id: int) -> tuple[Contract, ...]:
    rows = db.all("SELECT * FROM contracts WHERE customer_id = ? ORDER BY ref", (customer_id,))
    return tuple(contract_from_row(row) for row in rows)


def load_account(db: Tx, account_id: int) -> Account:
    row = db.one(
        "SELECT a.email, a.created_at, cu.* FROM accounts a JOIN customers cu ON cu.id = a.customer_id "
        "WHERE a.id = ?",
        (account_id,),
    )
    assert row is not None, "account id comes from a valid session"
    return Account(
        email=row["email"],
        customer_number=row["number"],
        identity=Identity(row["civility"], row["first_name"], row["last_name"]),
        birth_date=date.fromisoformat(row["birth_date"]),
        contracts=load_contracts(db, row["id"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def invoice_from_row(db: Tx, row: sqlite3.Row, *, details: bool = False) -> Invoice:
    lines: tuple[InvoiceLine, ...] = ()
    readings: tuple[InvoiceReading, ...] = ()
    if details:
        lines = tuple(
            InvoiceLine(
                label=r["label"],
                quantity=r["quantity"],
                unit=r["unit"],
                unit_price_micro=r["unit_price_micro"],
                amount=r["amount"],
                vat_rate_pct=r["vat_rate_pct"],
                label_code=(code := line_code(r["label"]))[0],
                label_params=code[1],
            )
            for r in db.all(
                "SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position", (row["id"],)
            )
        )
        readings = tuple(
            InvoiceReading(
                register=Register(r["register"]),
                previous_date=date.fromisoformat(r["previous_date"]),
                previous_index=r["previous_index"],
                current_date=date.fromisoformat(r["current_date"]),
                current_index=r["current_index"],
                kind=ReadingKind(r["kind"]),
            )
            for r in db.all(
                'SELECT * FROM invoice_readings WHERE invoice_id = ? ORDER BY register, "current_date"',
                (row["id"],),
            )
        )
    due = date.fromisoformat(row["due_date"])
    return Invoice(
        ref=row["ref"],
        contract_ref=row["contract_ref"],
        energy=Energy(row["energy"]),
        kind=InvoiceKind(row["kind"]),
        issue_date=date.fromisoformat(row["issue_date"]),
        period_start=date.fromisoformat(row["period_start"]),
        period_end=date.fromisoformat(row["period_end"]),
        amount_excl_tax=row["amount_excl_tax"],
        vat=row["vat"],
        total=row["total"],
        already_paid=row["already_paid"],
        balance=row["balance"],
        due_date=due,
        status=InvoiceStatus(row["status"]),
        debit_date=date.fromisoformat(row["debit_date"]) if row["debit_date"] else None,
        lines=lines,
        readings=readings,
        instalments_paid=row["instalments_paid"],
        refund_date=due if row["balance"] < 0 else None,  # a credit is refunded on its due date
    )


INVOICE_SELECT = (
    "SELECT i.*, c.ref AS contract_ref, c.energy AS energy FROM invoices i "
    "JOIN contracts c ON c.id = i.contract_id"
)


def last_reading(db: Tx, contract_id: int, contract_ref: str) -> MeterReading | None:
    """The newest reading of a contract, one index per register."""
    day = db.scalar("SELECT MAX(reading_date) FROM readings WHERE contract_id = ?", (contract_id,))
    if day is None:
        return None
    rows = db.all(
        "SELECT register, idx, kind FROM readings WHERE contract_id = ? AND reading_date = ?",
        (contract_id, day),
    )
    return MeterReading(
        contract_ref=contract_ref,
        reading_date=date.fromisoformat(day),
        indexes={Register(r["register"]): r["idx"] for r in rows},
        kind=ReadingKind(rows[0]["kind"]),
    )

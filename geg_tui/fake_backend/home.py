"""The home screen's summary: the account, what it owes, its next debit, its last readings.

Why a module: the summary gathers from several areas (invoices, debits, meters); assembling it
here keeps ``FakeBackend.home`` to « check the session, call the rule » like every operation.
"""

from __future__ import annotations

from datetime import date

from geg_tui.api.models import ContractDebit, HomeSummary
from geg_tui.fake_backend import debit, invoices, read_models
from geg_tui.fake_backend.store import Tx


def summary(db: Tx, today: date, account_id: int) -> HomeSummary:
    """INV-5's total to pay, the next debit (DEBIT-4), overall and per contract, and each
    contract's newest reading."""
    account = read_models.load_account(db, account_id)
    total = invoices.total_to_pay(db, account_id, today)
    next_debit = debit.next_debit(db, account_id, today)
    readings = []
    for contract in account.contracts:
        contract_id = db.scalar("SELECT id FROM contracts WHERE ref = ?", (contract.ref,))
        reading = read_models.last_reading(db, contract_id, contract.ref)
        if reading is not None:
            readings.append(reading)
    return HomeSummary(
        account=account,
        total_to_pay=total,
        next_debit_date=date.fromisoformat(next_debit["day"]) if next_debit else None,
        next_debit_amount=next_debit["amount"] if next_debit else None,
        last_readings=tuple(readings),
        contract_debits=tuple(
            ContractDebit(ref, date.fromisoformat(row["day"]), row["amount"])
            for ref, row in debit.next_debits_by_contract(db, account_id, today).items()
        ),
    )

"""E-invoice (EINV), payment mode and the monthly direct-debit schedule (DEBIT-1…5).

Monthly direct debit (« mensualisation ») runs in yearly cycles anchored on the annual
settlement invoice: the settlement's balance is debited on its due date, then 11 equal
instalments follow on the chosen day (5, 10 or 15) of the 11 next months, then the next
settlement deducts what was debited. So each month has at most one debit.

An instalment is one eleventh of the year's cost estimated from the last 12 months of
consumption at the prices of the day (DEBIT-4).

A settlement's balance (its total incl. tax − the instalments already debited) can be in the
customer's favour: that credit is never debited nor paid. It is refunded by bank transfer to the
account of the SEPA mandate on the settlement's due date (« À rembourser » until then,
« Remboursée » after), rather than deducted from the next instalments, so that the instalments
stay the equal elevenths of the schedule and the customer sees the money back on a known day.

A change of mode is recorded at once but bills from the next invoice on (DEBIT-5): the billing
rhythm switches when that invoice is issued; leaving direct debit cancels the instalments not
yet debited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from geg_tui.api.errors import Conflict, ValidationError
from geg_tui.api.models import (
    Contract,
    DebitSchedule,
    Instalment,
    InvoiceStatus,
    PaymentMode,
    Register,
    Tariff,
)
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import bank, outbox, validation
from geg_tui.fake_backend.billing import Bill, annual_cost_at, debit_instalment
from geg_tui.fake_backend.dates import add_months
from geg_tui.fake_backend.read_models import Row, contract_from_row
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import format_date, format_money, instalments_paid_label
from geg_tui.labels import french_label

DEBIT_DAYS = (5, 10, 15)
BILLING_MONTHS = {
    PaymentMode.ON_RECEIPT: 2,
    PaymentMode.QUARTERLY_DEBIT: 3,
    PaymentMode.MONTHLY_DEBIT: 12,
}
DUE_DAYS = 14
UPCOMING, DEBITED, CANCELLED = "a_venir", "prelevee", "annulee"


def set_e_invoice(db: Tx, account_id: int, contract: Row, enabled: object) -> Contract:
    """EINV-1: subscribe or unsubscribe one contract."""
    if not isinstance(enabled, bool):
        raise validation.refuse("enabled", Problem("choose_yes_no"))
    db.execute("UPDATE contracts SET e_invoice = ? WHERE id = ?", (int(enabled), contract["id"]))
    return contract_from_row(db.one("SELECT * FROM contracts WHERE id = ?", (contract["id"],)))


def last_year_wh(db: Tx, contract_id: int, today: date) -> dict[Register, int]:
    """Consumption of the 365 days before ``today``, per register."""
    rows = db.all(
        "SELECT register, SUM(wh) AS wh FROM daily_consumption WHERE contract_id = ? "
        "AND day >= ? AND day < ? GROUP BY register",
        (contract_id, (today - timedelta(days=365)).isoformat(), today.isoformat()),
    )
    return {Register(r["register"]): int(r["wh"]) for r in rows}


def estimated_annual_cost(db: Tx, contract: Row, today: date) -> int:
    tariff = Tariff(contract["tariff"])
    return annual_cost_at(
        tariff, contract["power_kva"], today, last_year_wh(db, contract["id"], today)
    )


def instalment_dates(settlement_issue: date, debit_day: int) -> list[date]:
    """The 11 debit dates after the settlement's own debit (its due date)."""
    due = settlement_issue + timedelta(days=DUE_DAYS)
    return [add_months(due, k, debit_day) for k in range(1, 12)]


def create_schedule(db: Tx, contract: Row, settlement_issue: date, today: date) -> None:
    """DEBIT-4: a new cycle after a settlement (or when monthly debit starts)."""
    amount = debit_instalment(estimated_annual_cost(db, contract, today))
    next_settlement = add_months(settlement_issue, 12)
    db.executemany(
        "INSERT INTO instalments(contract_id, due_date, amount, status, settlement_date) VALUES (?, ?, ?, ?, ?)",
        [
            (contract["id"], day.isoformat(), amount, UPCOMING, next_settlement.isoformat())
            for day in instalment_dates(settlement_issue, contract["debit_day"] or 10)
        ],
    )


def schedule(db: Tx, contract: Row, today: date) -> DebitSchedule:
    """DEBIT-4 as the customer sees it: the current cycle, or the projected one if it starts later."""
    mode = PaymentMode(contract["payment_mode"])
    if mode is not PaymentMode.MONTHLY_DEBIT:
        raise Conflict(Problem("pas_d_echeancier"))
    settlement = db.scalar(
        "SELECT MAX(settlement_date) FROM instalments WHERE contract_id = ? AND status != ?",
        (contract["id"], CANCELLED),
    )
    if settlement is not None:
        rows = db.all(
            "SELECT due_date, amount, status FROM instalments WHERE contract_id = ? AND settlement_date = ? "
            "AND status != ? ORDER BY due_date",
            (contract["id"], settlement, CANCELLED),
        )
        instalments = tuple(
            Instalment(date.fromisoformat(r["due_date"]), r["amount"], r["status"]) for r in rows
        )
        settlement_day = date.fromisoformat(settlement)
    else:  # chosen, not started: the cycle begins with the next invoice (DEBIT-5)
        from geg_tui.fake_backend.meters import next_invoice_date

        start = next_invoice_date(db, contract)
        amount = debit_instalment(estimated_annual_cost(db, contract, today))
        instalments = tuple(
            Instalment(d, amount, UPCOMING)
            for d in instalment_dates(start, contract["debit_day"] or 10)
        )
        settlement_day = add_months(start, 12)
    total = sum(i.amount for i in instalments)
    return DebitSchedule(
        contract_ref=contract["ref"],
        debit_day=contract["debit_day"] or 10,
        instalments=instalments,
        settlement_date=settlement_day,
        estimated_annual_total=total,
    )


# Every debit to come of an account, an invoice's or an instalment's, with its contract.
_DEBITS_TO_COME = (
    "SELECT ref, day, amount FROM ("
    " SELECT c.ref AS ref, i.debit_date AS day, i.balance AS amount FROM invoices i"
    " JOIN contracts c ON c.id = i.contract_id JOIN accounts a ON a.customer_id = c.customer_id"
    " WHERE a.id = ? AND i.status = ? AND i.debit_date >= ?"
    " UNION ALL"
    " SELECT c.ref, x.due_date, x.amount FROM instalments x"
    " JOIN contracts c ON c.id = x.contract_id JOIN accounts a ON a.customer_id = c.customer_id"
    " WHERE a.id = ? AND x.status = ? AND x.due_date >= ?"
    ") ORDER BY day, ref"
)


def _debits_to_come(db: Tx, account_id: int, today: date) -> list[Row]:
    return db.all(
        _DEBITS_TO_COME,
        (
            account_id, InvoiceStatus.DEBIT_SCHEDULED.value, today.isoformat(),
            account_id, UPCOMING, today.isoformat(),
        ),
    )  # fmt: skip


def next_debit(db: Tx, account_id: int, today: date) -> Row | None:
    """The account's next debit from today on, an invoice's or an instalment's: ``day``, ``amount``."""
    rows = _debits_to_come(db, account_id, today)
    return rows[0] if rows else None


def next_debits_by_contract(db: Tx, account_id: int, today: date) -> dict[str, Row]:
    """Each contract's next debit from today on (contracts with none are left out)."""
    first: dict[str, Row] = {}
    for row in _debits_to_come(db, account_id, today):
        first.setdefault(row["ref"], row)
    return first


def set_mode(
    db: Tx, now: datetime, account_id: int, contract: Row, mode: object, debit_day: object
) -> Contract:
    """DEBIT-1…3, DEBIT-5."""
    new, day, row = _checked_mode(db, account_id, contract, mode, debit_day)
    old = PaymentMode(contract["payment_mode"])
    _follow_schedule(db, contract, old, new, day)
    db.execute(
        "UPDATE contracts SET payment_mode = ?, debit_day = ? WHERE id = ?",
        (new.value, day, contract["id"]),
    )
    outbox.send(
        db,
        now,
        row["email"],
        "Changement de mode de règlement",
        f"Bonjour,\n\nLe mode de règlement de votre contrat {contract['ref']} devient : {french_label(new)}"
        + (f", prélèvement le {day} du mois" if day else "")
        + ". Il s'applique à partir de votre prochaine facture.",
    )
    return contract_from_row(db.one("SELECT * FROM contracts WHERE id = ?", (contract["id"],)))


def _checked_mode(
    db: Tx, account_id: int, contract: Row, mode: object, debit_day: object
) -> tuple[PaymentMode, int | None, Row]:
    """DEBIT-1…3: the mode chosen, its debit day (monthly debit only) and the account's row
    (customer, e-mail), else the reason it is refused."""
    try:
        new = PaymentMode(mode)
    except ValueError:
        raise validation.refuse("mode", Problem("payment_mode_choose")) from None
    tariff = Tariff(contract["tariff"])
    if new is PaymentMode.QUARTERLY_DEBIT and not tariff.regulated:
        raise ValidationError(
            Problem("trimestriel_non_autorise"), fields={"mode": Problem("regulated_tariff_only")}
        )
    day = None
    if new is PaymentMode.MONTHLY_DEBIT:
        if type(debit_day) is not int or debit_day not in DEBIT_DAYS:
            raise validation.refuse("debit_day", Problem("debit_day_choose"))
        day = debit_day
    row = db.one("SELECT customer_id, email FROM accounts WHERE id = ?", (account_id,))
    assert row is not None
    if new.is_debit and bank.current(db, row["customer_id"]) is None:
        raise ValidationError(Problem("mandat_requis"), fields={"mode": Problem("mandate_needed")})
    return new, day, row


def _follow_schedule(
    db: Tx, contract: Row, old: PaymentMode, new: PaymentMode, day: int | None
) -> None:
    """DEBIT-5 on the instalments: cancelled when monthly debit is left, moved to the new
    debit day when only the day changes."""
    if old is PaymentMode.MONTHLY_DEBIT and new is not PaymentMode.MONTHLY_DEBIT:
        # DEBIT-5: the instalments not yet debited are cancelled, and billing returns to the new
        # mode's rhythm: the next invoice settles what was debited and bills the rest.
        db.execute(
            "UPDATE instalments SET status = ? WHERE contract_id = ? AND status = ?",
            (CANCELLED, contract["id"], UPCOMING),
        )
        db.execute(
            "UPDATE contracts SET billing_months = ? WHERE id = ?",
            (BILLING_MONTHS[new], contract["id"]),
        )
    elif old is new is PaymentMode.MONTHLY_DEBIT and day != contract["debit_day"]:
        # A new debit day moves the instalments still to come to that day of their month.
        for instalment in db.all(
            "SELECT id, due_date FROM instalments WHERE contract_id = ? AND status = ?",
            (contract["id"], UPCOMING),
        ):
            moved = add_months(date.fromisoformat(instalment["due_date"]), 0, day)
            db.execute(
                "UPDATE instalments SET due_date = ? WHERE id = ?",
                (moved.isoformat(), instalment["id"]),
            )


def settlement_status(
    balance: int, mode: PaymentMode, due: date
) -> tuple[InvoiceStatus, date | None]:
    """A new invoice's status and debit date, from its balance (INV-1, DEBIT-4, PAY-1).

    A balance to pay is debited on the due date under direct debit, paid on receipt otherwise;
    a credit is refunded on the due date (never debited); a zero balance is settled at once.
    """
    if balance < 0:
        return InvoiceStatus.REFUND_DUE, None
    if balance == 0:
        return InvoiceStatus.PAID, None
    if mode.is_debit:
        return InvoiceStatus.DEBIT_SCHEDULED, due
    return InvoiceStatus.TO_PAY, None


def headline(balance: int) -> str:
    """The invoice's main figure in words: what is left to pay, or the credit."""
    if balance < 0:
        return f"solde en votre faveur : {format_money(-balance)}"
    return format_money(balance)


def einvoice_mail(
    db: Tx,
    now: datetime,
    contract: Row,
    invoice_ref: str,
    bill: Bill,
    due: date,
    debit_date: date | None,
) -> None:
    """EINV-1: the mail of a new invoice for a subscribed contract: its amount and, under direct
    debit, the debit date and amount (the balance); a settlement says what it deducts."""
    email = db.scalar(
        "SELECT a.email FROM accounts a JOIN contracts c ON c.customer_id = a.customer_id WHERE c.id = ?",
        (contract["id"],),
    )
    if not email or not contract["e_invoice"]:
        return
    text = f"Bonjour,\n\nVotre facture {invoice_ref} ({contract['energy']}, contrat {contract['ref']}) "
    if bill.already_paid:
        text += (
            "est disponible dans votre espace client, en PDF pendant 5 ans. Consommation de la "
            f"période : {format_money(bill.total)} TTC ; déjà réglé : "
            f"{instalments_paid_label(bill.instalments)}, {format_money(bill.already_paid)}."
        )
        if bill.balance < 0:
            text += (
                f" Solde en votre faveur : {format_money(-bill.balance)}, remboursé sur votre "
                f"compte bancaire le {format_date(due)}."
            )
        elif bill.balance == 0:
            text += " Vos mensualités couvrent exactement votre consommation : rien à payer."
        else:
            text += f" Reste à payer : {format_money(bill.balance)}."
    else:
        text += (
            f"d'un montant de {format_money(bill.total)} est disponible dans votre espace client, "
            "en PDF pendant 5 ans."
        )
    if debit_date is not None:
        text += f" Elle sera prélevée le {format_date(debit_date)} : {format_money(bill.balance)}."
    outbox.send(db, now, email, "Votre facture GEG est disponible", text)

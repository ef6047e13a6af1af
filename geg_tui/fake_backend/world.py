"""The world moves with the clock (SIM-2).

Before every operation the fake backend catches up, day by day, from the last day it processed
(meta ``world_day``) to today in Paris. Each day's events happen at 06:00 Paris, in this order:
yesterday's consumption is measured; invoices whose billing period ended are issued (with the
e-invoice mail and the « nouvelle facture » alert); direct debits of the day are taken; unpaid
invoices past their due date turn overdue; reminders fire (payment due in N days, debit in N
days, reading window open, last month's consumption above a threshold); invitations expire.
Every event happens once: statuses move forward only, alerts are recorded per event
(``alert_events``), and a processed day is never processed again.

Future consumption repeats the same day of the previous year (52 weeks before, so weekdays
match) times a factor between 0.85 and 1.15 drawn from the seed, the contract and the day:
deterministic, seasonal, and HP/HC-consistent with the 30-minute curve.

Which readings an invoice bills (METER-5, INV-1). A Linky meter reads itself: the invoice uses
its index at the end of the period (« réel »). Any other meter uses the customer's latest
reading within the period when there is one (« client »), otherwise an index at the period's
end, read or estimated (« réel » or « estimé », drawn from the seed). A customer's reading may
be sent at any time, so it often stops before the period ends: the period is then NOT shortened
(the billing rhythm, the subscription and the due dates stay those of the contract); the days
after the reading are billed on an estimated index, shown as such — a second reading per
register, « estimé », from the customer's index to the period's end, and energy and accise lines
of their own marked « (index estimé) » on the screen and the PDF. The next invoice starts from
that estimated index, so its own reading corrects the estimate: what was estimated too high or
too low there is billed less or more then. The estimate is the world's measured consumption of
those days in whole units of the meter (what an estimate from usage tries to be), and the energy
lines bill exactly what the indexes say (index difference × 11,2 kWh/m³ for gas).

Settlements (DEBIT-4): the instalments debited during the period are the invoice's
``already_paid``; its ``balance`` (total − already paid) is debited on the due date under direct
debit, paid by card on receipt otherwise, and when negative it is a credit refunded by transfer
on the due date (« À rembourser », then « Remboursée »): see ``debit.settlement_status``.
"""

from __future__ import annotations

import random
from array import array
from datetime import date, datetime, time, timedelta

from geg_tui.api.models import (
    AlertKind,
    Granularity,
    InvoiceKind,
    InvoiceStatus,
    PaymentMode,
    ReadingKind,
    Register,
    Tariff,
)
from geg_tui.fake_backend import alerts, consumption_months, debit, referral
from geg_tui.fake_backend.billing import Bill, compute_bill
from geg_tui.fake_backend.demo import HC_SLOTS, WH_PER_M3
from geg_tui.fake_backend.meters import next_invoice_date
from geg_tui.fake_backend.read_models import Row, registers_for
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS

EVENT_HOUR = 6
LAST_YEAR = timedelta(days=364)
HP_SLOTS = tuple(i for i in range(48) if i not in HC_SLOTS)


def event_time(day: date) -> datetime:
    return datetime.combine(day, time(EVENT_HOUR), PARIS)


def last_day_lived(db: Tx) -> date | None:
    """The last day whose events have happened (``None`` before the world is seeded)."""
    seeded = db.get_meta("seeded_at")
    if seeded is None:
        return None
    last = db.get_meta("world_day")
    return (
        date.fromisoformat(last)
        if last
        else datetime.fromisoformat(seeded).astimezone(PARIS).date()
    )


def is_behind(db: Tx, now: datetime) -> bool:
    """Whether a day passed since the last catch-up: two reads, so that the write lock is taken
    only when there is something to write (SIM-4)."""
    last_day = last_day_lived(db)
    return last_day is not None and now.astimezone(PARIS).date() > last_day


def catch_up(db: Tx, now: datetime) -> int:
    """Process every day after ``world_day`` up to today; returns how many were processed."""
    last_day = last_day_lived(db)
    if last_day is None:
        return 0
    today = now.astimezone(PARIS).date()
    if today <= last_day:
        return 0
    seed = int(db.get_meta("seed") or 0)
    day = last_day + timedelta(days=1)
    count = 0
    while day <= today:
        process_day(db, seed, day)
        day += timedelta(days=1)
        count += 1
    db.set_meta("world_day", today.isoformat())
    return count


def process_day(db: Tx, seed: int, day: date) -> None:
    at = event_time(day)
    contracts = db.all("SELECT * FROM contracts ORDER BY id")
    for contract in contracts:
        measure_day(db, seed, contract, day - timedelta(days=1))
    for contract in contracts:
        if next_invoice_date(db, contract) <= day:
            issue_invoice(db, seed, contract, day, at)
    take_debits(db, day, at)
    mark_overdue(db, day, at)
    reminders(db, day, at)
    if day.day == 1:
        consumption_thresholds(db, day, at)
    referral.expire(db, at)


# --- consumption -------------------------------------------------------------------------------


def measure_day(db: Tx, seed: int, contract: Row, day: date) -> None:
    """The day's consumption (and 30-minute curve on a Linky meter), once."""
    cid = contract["id"]
    if db.scalar(
        "SELECT 1 FROM daily_consumption WHERE contract_id = ? AND day = ?", (cid, day.isoformat())
    ):
        return
    source = (day - LAST_YEAR).isoformat()
    factor = 0.85 + 0.3 * random.Random(f"{seed}:{cid}:{day.isoformat()}").random()
    tariff = Tariff(contract["tariff"])
    curve = db.scalar(
        "SELECT slots FROM load_curve WHERE contract_id = ? AND day = ?", (cid, source)
    )
    if contract["communicating"] and curve is not None:
        slots = array("H")
        slots.frombytes(curve)
        scaled = array("H", (min(65_535, int(v * factor)) for v in slots))
        db.execute(
            "INSERT INTO load_curve(contract_id, day, slots) VALUES (?, ?, ?)",
            (cid, day.isoformat(), scaled.tobytes()),
        )
        hp = sum(scaled[i] for i in HP_SLOTS)
        hc = sum(scaled) - hp
        values = (
            {Register.HP: hp, Register.HC: hc}
            if tariff is Tariff.BLUE_HPHC
            else {Register.BASE: hp + hc}
        )
    else:
        rows = db.all(
            "SELECT register, wh FROM daily_consumption WHERE contract_id = ? AND day = ?",
            (cid, source),
        )
        values = {Register(r["register"]): int(r["wh"] * factor) for r in rows}
        for register in registers_for(tariff):
            values.setdefault(register, 0)
    db.executemany(
        "INSERT INTO daily_consumption(contract_id, day, register, wh) VALUES (?, ?, ?, ?)",
        [(cid, day.isoformat(), register.value, wh) for register, wh in values.items()],
    )
    consumption_months.record_day(db, contract, day, values)


def _daily(db: Tx, cid: int, first: date, last: date) -> dict[Register, dict[date, int]]:
    out: dict[Register, dict[date, int]] = {}
    for row in db.all(
        "SELECT day, register, wh FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?",
        (cid, first.isoformat(), last.isoformat()),
    ):
        out.setdefault(Register(row["register"]), {})[date.fromisoformat(row["day"])] = row["wh"]
    return out


# --- invoices ----------------------------------------------------------------------------------


def _unit_wh(contract: Row, register: Register) -> int:
    return WH_PER_M3 if register is Register.GAS else 1000


# (register, previous date, previous index, current date, current index, kind)
BilledReading = tuple[Register, date, int, date, int, ReadingKind]


def issue_invoice(db: Tx, seed: int, contract: Row, day: date, at: datetime) -> None:
    """The invoice of the period that ended yesterday (INV-1, INV-2, METER-5, DEBIT-4/5, EINV-1)."""
    cid = contract["id"]
    last = db.one(
        "SELECT * FROM invoices WHERE contract_id = ? ORDER BY period_end DESC, id DESC LIMIT 1",
        (cid,),
    )
    assert last is not None, "every demo contract has a billing history"
    start = date.fromisoformat(last["period_end"]) + timedelta(days=1)
    end = day - timedelta(days=1)
    tariff = Tariff(contract["tariff"])
    previous = {  # per register, the newest reading of the last invoice (the later row wins)
        Register(r["register"]): r
        for r in db.all(
            'SELECT * FROM invoice_readings WHERE invoice_id = ? ORDER BY "current_date"',
            (last["id"],),
        )
    }
    daily = _daily(db, cid, start, end)
    customer = _customer_reading(db, cid, start, end) if not contract["communicating"] else None
    rng = random.Random(f"{seed}:invoice:{cid}:{day.isoformat()}")
    if customer is not None:  # METER-5: the customer's reading instead of an estimate
        readings, energy, estimated_from = _billed_from_customer(
            contract, previous, daily, customer, start, end
        )
    else:
        readings, energy = _billed_from_meter(contract, previous, daily, rng, start, end)
        estimated_from = None
    paid, count = _debited_instalments(db, cid, start, end)
    settlement = contract["billing_months"] == 12 or paid > 0
    bill = compute_bill(
        tariff, contract["power_kva"], start, end, energy,
        already_paid=paid, instalments=count, estimated_from=estimated_from,
    )  # fmt: skip
    mode = PaymentMode(contract["payment_mode"])
    due = day + timedelta(days=debit.DUE_DAYS)
    status, debit_date = debit.settlement_status(bill.balance, mode, due)
    ref = _new_ref(db, rng)
    kind = InvoiceKind.SETTLEMENT if settlement else InvoiceKind.REGULAR
    cur = db.execute(
        "INSERT INTO invoices(ref, contract_id, kind, issue_date, period_start, period_end, amount_excl_tax, "
        "vat, total, due_date, status, debit_date, settled_at, already_paid, instalments_paid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ref, cid, kind.value, day.isoformat(), start.isoformat(), end.isoformat(), bill.amount_excl_tax,
            bill.vat, bill.total, due.isoformat(), status.value,
            debit_date.isoformat() if debit_date else None,
            at.isoformat() if status is InvoiceStatus.PAID else None, paid, count,
        ),
    )  # fmt: skip
    _insert_details(db, cid, cur.lastrowid, bill, readings)
    _after_issue(db, at, contract, day, mode, ref, bill, due, debit_date)


def _billed_from_customer(
    contract: Row,
    previous: dict[Register, Row],
    daily: dict[Register, dict[date, int]],
    customer: tuple[date, dict[Register, int]],
    start: date,
    end: date,
) -> tuple[list[BilledReading], dict[Register, dict[date, int]], date | None]:
    """METER-5: the period billed on the customer's reading, and on an estimated index from the
    day after it to the period's end (module docstring); the day the estimate starts, if any."""
    readings: list[BilledReading] = []
    energy: dict[Register, dict[date, int]] = {}
    estimated_from: date | None = None
    reading_day, indexes = customer
    if reading_day < end:  # the rest of the period is estimated (module docstring)
        estimated_from = reading_day + timedelta(days=1)
    for register in registers_for(Tariff(contract["tariff"])):
        prev_day, prev_index = _previous(previous, register, start)
        unit = _unit_wh(contract, register)
        days = daily.get(register, {})
        before = {d: v for d, v in days.items() if d <= reading_day}
        billed = max(0, indexes[register] - prev_index)
        energy[register] = _scaled(before, billed * unit, reading_day)
        readings.append(
            (register, prev_day, prev_index, reading_day, indexes[register],
             ReadingKind.CUSTOMER)
        )  # fmt: skip
        if estimated_from is not None:
            after = {d: v for d, v in days.items() if d > reading_day}
            estimated = sum(after.values()) // unit
            energy[register].update(_scaled(after, estimated * unit, end))
            readings.append(
                (register, reading_day, indexes[register], end, indexes[register] + estimated,
                 ReadingKind.ESTIMATED)
            )  # fmt: skip
    return readings, energy, estimated_from


def _billed_from_meter(
    contract: Row,
    previous: dict[Register, Row],
    daily: dict[Register, dict[date, int]],
    rng: random.Random,
    start: date,
    end: date,
) -> tuple[list[BilledReading], dict[Register, dict[date, int]]]:
    """INV-1: the period billed on an index at its end, read (always for Linky) or estimated."""
    readings: list[BilledReading] = []
    energy: dict[Register, dict[date, int]] = {}
    kind = (
        ReadingKind.REAL
        if contract["communicating"] or rng.random() < 0.5
        else ReadingKind.ESTIMATED
    )
    for register in registers_for(Tariff(contract["tariff"])):
        prev_day, prev_index = _previous(previous, register, start)
        unit = _unit_wh(contract, register)
        days = daily.get(register, {})
        used = sum(days.values()) // unit  # the index moves by whole units
        if contract["communicating"]:
            # A Linky meter is billed on what it measured, to the Wh, as the seeded history is
            # (demo.py): the same quantity the load curve gives, so the tariff simulator and
            # the invoice explainer find every invoice's amount again to the cent. Its index is
            # never billed (nobody types a Linky reading, METER-7), so nothing is billed twice;
            # the index shows whole kWh and may lag the curve by less than 1 kWh per invoice.
            energy[register] = dict(days)
        else:
            # Bill what the index says, as for a customer reading: the fraction of a unit left
            # over is billed once, when the index gets to it, never twice.
            energy[register] = _scaled(days, used * unit, end)
        readings.append((register, prev_day, prev_index, end, prev_index + used, kind))
    return readings, energy


def _debited_instalments(db: Tx, cid: int, start: date, end: date) -> tuple[int, int]:
    """What the instalments debited during the period paid, and how many there were.

    They are deducted (DEBIT-4), also when the customer left monthly debit during the year
    (DEBIT-5): that invoice settles them."""
    debited = db.one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS paid FROM instalments "
        "WHERE contract_id = ? AND status = ? AND due_date BETWEEN ? AND ?",
        (cid, debit.DEBITED, start.isoformat(), end.isoformat()),
    )
    return int(debited["paid"]), int(debited["n"])


def _insert_details(
    db: Tx, cid: int, invoice_id: int | None, bill: Bill, readings: list[BilledReading]
) -> None:
    """The new invoice's lines and readings; an index the world read or estimated also becomes
    the meter's reading of that day (a customer's is there already)."""
    db.executemany(
        "INSERT INTO invoice_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                invoice_id,
                n,
                line.label,
                line.quantity,
                line.unit,
                line.unit_price_micro,
                line.amount,
                line.vat_rate_pct,
            )
            for n, line in enumerate(bill.lines, start=1)
        ],
    )
    for register, prev_day, prev_index, current_day, current_index, reading_kind in readings:
        db.execute(
            "INSERT INTO invoice_readings VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                invoice_id,
                register.value,
                prev_day.isoformat(),
                prev_index,
                current_day.isoformat(),
                current_index,
                reading_kind.value,
            ),
        )
        if reading_kind is not ReadingKind.CUSTOMER:
            db.execute(
                "INSERT OR REPLACE INTO readings(contract_id, reading_date, register, idx, kind) VALUES (?, ?, ?, ?, ?)",
                (cid, current_day.isoformat(), register.value, current_index, reading_kind.value),
            )


def _after_issue(
    db: Tx,
    at: datetime,
    contract: Row,
    day: date,
    mode: PaymentMode,
    ref: str,
    bill: Bill,
    due: date,
    debit_date: date | None,
) -> None:
    """What an issued invoice sets going: the billing rhythm and the instalments of the mode
    (DEBIT-5), the e-invoice mail (EINV-1) and the « nouvelle facture » alert."""
    cid = contract["id"]
    # DEBIT-5: the rhythm of the (possibly new) mode applies from this invoice on.
    db.execute(
        "UPDATE contracts SET billing_months = ? WHERE id = ?", (debit.BILLING_MONTHS[mode], cid)
    )
    fresh = db.one("SELECT * FROM contracts WHERE id = ?", (cid,))
    if mode is PaymentMode.MONTHLY_DEBIT and not db.scalar(
        "SELECT 1 FROM instalments WHERE contract_id = ? AND status = ?", (cid, debit.UPCOMING)
    ):
        debit.create_schedule(db, fresh, day, day)
    debit.einvoice_mail(db, at, fresh, ref, bill, due, debit_date)
    account_id = _account_of(db, cid)
    if account_id is not None:
        alerts.trigger(
            db, at, account_id, AlertKind.NEW_INVOICE, ref, "alert_new_invoice",
            {"ref": ref, "contract": contract["ref"], "amount": abs(bill.balance)}
            | ({"variant": "credit"} if bill.balance < 0 else {}),
        )  # fmt: skip


def _scaled(days: dict[date, int], total: int, last: date) -> dict[date, int]:
    """``days`` (Wh per day) scaled to sum to exactly ``total`` Wh: what the indexes say was
    used, the measured days giving only its shape; the Wh lost to rounding go to ``last``."""
    measured = sum(days.values())
    scaled = {d: v * total // measured for d, v in days.items()} if measured else {}
    if total - sum(scaled.values()):
        scaled[last] = scaled.get(last, 0) + total - sum(scaled.values())
    return scaled


def _previous(previous: dict[Register, Row], register: Register, start: date) -> tuple[date, int]:
    """Date and index the new invoice starts from: the last invoice's newest reading."""
    row = previous.get(register)
    if row is None:
        return start, 0
    return date.fromisoformat(row["current_date"]), row["current_index"]


def _customer_reading(
    db: Tx, cid: int, start: date, end: date
) -> tuple[date, dict[Register, int]] | None:
    day = db.scalar(
        "SELECT MAX(reading_date) FROM readings WHERE contract_id = ? AND kind = ? AND reading_date BETWEEN ? AND ?",
        (cid, ReadingKind.CUSTOMER.value, start.isoformat(), end.isoformat()),
    )
    if day is None:
        return None
    rows = db.all(
        "SELECT register, idx FROM readings WHERE contract_id = ? AND reading_date = ?", (cid, day)
    )
    return date.fromisoformat(day), {Register(r["register"]): r["idx"] for r in rows}


def _new_ref(db: Tx, rng: random.Random) -> str:
    while True:
        ref = str(rng.randrange(10**11, 10**12))
        if not db.scalar("SELECT 1 FROM invoices WHERE ref = ?", (ref,)):
            return ref


def _account_of(db: Tx, contract_id: int) -> int | None:
    return db.scalar(
        "SELECT a.id FROM accounts a JOIN contracts c ON c.customer_id = a.customer_id WHERE c.id = ?",
        (contract_id,),
    )


# --- debits, overdue, reminders ------------------------------------------------------------


def take_debits(db: Tx, day: date, at: datetime) -> None:
    """DEBIT-4: instalments and scheduled invoice debits of the day (or missed ones before it);
    credits refunded by transfer on their due date."""
    db.execute(
        "UPDATE instalments SET status = ? WHERE status = ? AND due_date <= ?",
        (debit.DEBITED, debit.UPCOMING, day.isoformat()),
    )
    db.execute(
        "UPDATE invoices SET status = ?, settled_at = ? WHERE status = ? AND debit_date <= ?",
        (
            InvoiceStatus.DEBITED.value,
            at.isoformat(),
            InvoiceStatus.DEBIT_SCHEDULED.value,
            day.isoformat(),
        ),
    )
    db.execute(
        "UPDATE invoices SET status = ?, settled_at = ? WHERE status = ? AND due_date <= ?",
        (
            InvoiceStatus.REFUNDED.value,
            at.isoformat(),
            InvoiceStatus.REFUND_DUE.value,
            day.isoformat(),
        ),
    )


def mark_overdue(db: Tx, day: date, at: datetime) -> None:
    """INV-1: an unpaid invoice past its due date is overdue (and the alert says so once)."""
    rows = db.all(
        "SELECT i.id, i.ref, i.balance, i.contract_id FROM invoices i WHERE i.status = ? AND i.due_date < ?",
        (InvoiceStatus.TO_PAY.value, day.isoformat()),
    )
    for row in rows:
        db.execute(
            "UPDATE invoices SET status = ? WHERE id = ?", (InvoiceStatus.OVERDUE.value, row["id"])
        )
        account_id = _account_of(db, row["contract_id"])
        if account_id is not None:
            alerts.trigger(
                db, at, account_id, AlertKind.OVERDUE, row["ref"], "alert_overdue",
                {"ref": row["ref"], "amount": row["balance"]},
            )  # fmt: skip


def _enabled(db: Tx, kind: AlertKind) -> list[Row]:
    return db.all("SELECT * FROM alerts WHERE kind = ? AND enabled = 1", (kind.value,))


def reminders(db: Tx, day: date, at: datetime) -> None:
    """ALERT-1: payment due in N days, debit in N days, reading window open."""
    for alert in _enabled(db, AlertKind.PAYMENT_DUE):
        target = (day + timedelta(days=alert["parameter"])).isoformat()
        for inv in db.all(
            "SELECT i.ref, i.balance FROM invoices i JOIN contracts c ON c.id = i.contract_id JOIN accounts a "
            "ON a.customer_id = c.customer_id WHERE a.id = ? AND i.status = ? AND i.due_date = ?",
            (alert["account_id"], InvoiceStatus.TO_PAY.value, target),
        ):
            alerts.trigger(
                db, at, alert["account_id"], AlertKind.PAYMENT_DUE, inv["ref"], "alert_payment_due",
                {"ref": inv["ref"], "amount": inv["balance"], "day": target},
            )  # fmt: skip
    for alert in _enabled(db, AlertKind.DEBIT_SOON):
        target = (day + timedelta(days=alert["parameter"])).isoformat()
        owner = "JOIN contracts c ON c.id = x.contract_id JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ?"
        debits = [
            (f"mensualite:{r['id']}", r["amount"], r["ref"])
            for r in db.all(
                f"SELECT x.id, x.amount, c.ref FROM instalments x {owner} AND x.status = ? AND x.due_date = ?",
                (alert["account_id"], debit.UPCOMING, target),
            )
        ] + [
            (f"facture:{r['ref']}", r["balance"], r["cref"])
            for r in db.all(
                f"SELECT x.ref, x.balance, c.ref AS cref FROM invoices x {owner} AND x.status = ? AND x.debit_date = ?",
                (alert["account_id"], InvoiceStatus.DEBIT_SCHEDULED.value, target),
            )
        ]
        for key, amount, contract_ref in debits:
            alerts.trigger(
                db, at, alert["account_id"], AlertKind.DEBIT_SOON, key, "alert_debit_soon",
                {"amount": amount, "contract": contract_ref, "day": target},
            )  # fmt: skip
    for alert in _enabled(db, AlertKind.READING_WINDOW):
        for contract in db.all(
            "SELECT c.* FROM contracts c JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? "
            "AND c.communicating = 0",
            (alert["account_id"],),
        ):
            opening = next_invoice_date(db, contract) - timedelta(days=10)
            if opening == day:
                alerts.trigger(
                    db, at, alert["account_id"], AlertKind.READING_WINDOW, f"{contract['ref']}:{day.isoformat()}",
                    "alert_reading_window",
                    {"contract": contract["ref"], "day": (opening + timedelta(days=9)).isoformat()},
                )  # fmt: skip


def consumption_thresholds(db: Tx, day: date, at: datetime) -> None:
    """ALERT-1: on the 1st, last month's consumption of each contract against the threshold."""
    from geg_tui.fake_backend import consumption

    first = (day - timedelta(days=1)).replace(day=1)
    last = day - timedelta(days=1)
    for alert in _enabled(db, AlertKind.CONSUMPTION_THRESHOLD):
        for contract in db.all(
            "SELECT c.* FROM contracts c JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ?",
            (alert["account_id"],),
        ):
            series = consumption.series(db, day, contract, first, last, Granularity.MONTH, False)
            wh = sum(p.total_wh for p in series.points)
            cost = sum(p.cost for p in series.points)
            over = (
                wh > alert["parameter"] * 1000
                if alert["unit"] == "kwh"
                else cost > alert["parameter"] * 100
            )
            if over:
                alerts.trigger(
                    db, at, alert["account_id"], AlertKind.CONSUMPTION_THRESHOLD,
                    f"{contract['ref']}:{first.isoformat()[:7]}", "alert_consumption_threshold",
                    {"month": first.isoformat()[:7], "contract": contract["ref"], "consumed_wh": wh, "amount": cost},
                )  # fmt: skip

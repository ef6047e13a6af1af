"""The deterministic demo world (SIM-3).

Why it exists: testers and snapshot tests need the same six customers, invoices and six years of
consumption every time, so ``generate(seed, start)`` is a pure function of its two arguments —
one ``random.Random(seed)``, never the global generator, never the wall clock. Names, addresses
and offers are fixed (``DEMO_CUSTOMERS``); references, meter indexes and consumption come from
the seed.

The world, relative to ``start`` (its Paris day is « today »):

- every contract starts exactly 72 months before its last issued invoice, so the history goes
  back six years and the five-year limit of INV-3 shows;
- billing periods tile the history: every 2 months on receipt, every 3 months under quarterly
  debit, one annual settlement (« regularisation ») under monthly debit, which deducts the 11
  instalments of its year (``already_paid``, ``instalments_paid``); issue date = day after the
  period, due date = issue + 14 days (INV-1);
- statuses: older invoices are paid (« payee ») or debited (« prelevee »); the latest is
  « a_payer » on receipt (« prelevement_prevu » under direct debit) while its due date is today or
  later; Claire Martin's latest gas invoice is overdue (« en_retard »); a settlement whose
  balance is a credit is refunded on its due date (« a_rembourser », then « remboursee »);
- ``daily_consumption`` holds one row per contract, day and register, in Wh; Linky contracts also
  get ``load_curve`` rows: 48 half-hour slots of Wh as ``array('H').tobytes()`` — unsigned 16-bit,
  little-endian, slot 0 = 00:00–00:30 Paris time (a nominal day: DST days also have 48 slots). The
  daily rows are the sums of the slots, HC being slots 44–47 and 0–11 (22:00–06:00), so they agree
  exactly (CONSO-1); ``consumption_months`` is made from the same columns
  (``consumption_months``, what the consumption views read);
- ``readings`` holds an index per register at the contract start and at each invoice's period end:
  kWh for electricity, m³ for gas (Wh / 11 200), cumulative, hence non-decreasing (METER-1).
"""

from __future__ import annotations

import math
import random
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise, repeat

from geg_tui.api.models import (
    AlertKind,
    InvoiceKind,
    InvoiceStatus,
    PaymentMode,
    ReadingKind,
    Register,
    Tariff,
)
from geg_tui.fake_backend import consumption_months
from geg_tui.fake_backend.billing import (
    INSTALMENTS_PER_YEAR,
    Bill,
    DailySeries,
    compute_bill,
    debit_instalment,
)
from geg_tui.fake_backend.dates import add_months
from geg_tui.fake_backend.demo_account import DEMO_ANSWER as DEMO_ANSWER  # re-exported
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_QUESTION_ID
from geg_tui.fake_backend.demo_account import DEMO_PASSWORD as DEMO_PASSWORD  # re-exported
from geg_tui.fake_backend.store import Store, Tx
from geg_tui.formatting import PARIS
from geg_tui.tariffs import curve

HISTORY_MONTHS = 72
DUE_DAYS = 14
GAS_COEFFICIENT = 11.2  # kWh per m³ (CONSO-1)
WH_PER_M3 = 11_200
SLOTS_PER_DAY = 48
HC_SLOTS = curve.HC_SLOTS  # 22:00–06:00 Paris: the hours the client splits a curve by

# Insertion order respects the foreign keys.
TABLES = (
    "customers",
    "contracts",
    "invoices",
    "invoice_lines",
    "invoice_readings",
    "readings",
    "daily_consumption",
    "consumption_months",
    "load_curve",
)


@dataclass(frozen=True, slots=True)
class DemoContract:
    """The fixed facts of a demo contract; references and figures come from the seed.

    ``last_issue_days``: how many days before « today » the latest invoice was issued (``None``:
    drawn from the seed within the billing period).
    """

    tariff: Tariff
    kva: int | None
    linky: bool
    payment_mode: PaymentMode
    debit_day: int | None
    e_invoice: bool
    annual_kwh: int
    last_issue_days: int | None = None
    overdue: bool = False

    @property
    def billing_months(self) -> int:
        return {
            PaymentMode.ON_RECEIPT: 2,
            PaymentMode.QUARTERLY_DEBIT: 3,
            PaymentMode.MONTHLY_DEBIT: 12,
        }[self.payment_mode]

    @property
    def registers(self) -> tuple[Register, ...]:
        if self.tariff is Tariff.GAS:
            return (Register.GAS,)
        if self.tariff is Tariff.BLUE_HPHC:
            return (Register.HP, Register.HC)
        return (Register.BASE,)


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    key: str
    civility: str
    first_name: str
    last_name: str
    birth_date: date
    phone: str | None
    mobile: str | None
    street: str
    postcode: str
    city: str
    contracts: tuple[DemoContract, ...]
    registered: bool = False


_ON_RECEIPT = PaymentMode.ON_RECEIPT
_MONTHLY = PaymentMode.MONTHLY_DEBIT

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "claire", "Mme", "Claire", "Martin", date(1986, 4, 17),
        "04 76 43 21 09", "06 12 34 56 78", "24 avenue Jean Perrot", "38100", "Grenoble",
        (
            # Settled 3 days before « today »: the next 11 months hold its 11 instalments (DEBIT-4).
            DemoContract(Tariff.BLUE_HPHC, 9, True, _MONTHLY, 10, True, 6500, 3),
            DemoContract(Tariff.GAS, None, False, _ON_RECEIPT, None, False, 9500, 28, True),
        ),
        registered=True,
    ),
    DemoCustomer(
        "bernard", "M.", "Bernard", "Dupont", date(1952, 9, 3),
        "04 76 87 65 43", None, "5 place Grenette", "38000", "Grenoble",
        (DemoContract(Tariff.BLUE_BASE, 6, False, _ON_RECEIPT, None, False, 3200, 4),),
    ),
    DemoCustomer(
        "amelie", "Mme", "Amélie", "Roux", date(1991, 12, 8),
        "07 81 22 33 44", "07 81 22 33 44", "18 avenue Ambroise Croizat", "38400", "Saint-Martin-d'Hères",
        (DemoContract(Tariff.BLUE_HPHC, 6, True, PaymentMode.QUARTERLY_DEBIT, None, True, 4600),),
    ),
    DemoCustomer(
        "karim", "M.", "Karim", "Benali", date(1979, 6, 25),
        "04 76 26 14 52", "06 45 67 89 12", "33 avenue Aristide Briand", "38600", "Fontaine",
        (DemoContract(Tariff.MARKET_ELEC, 6, True, _ON_RECEIPT, None, False, 3000),),
    ),
    DemoCustomer(
        "sophie", "Mme", "Sophie", "Garnier", date(1968, 2, 14),
        "04 76 09 87 65", "06 98 76 54 32", "9 cours Jean Jaurès", "38130", "Échirolles",
        (DemoContract(Tariff.GAS, None, False, _ON_RECEIPT, None, False, 12500),),
    ),
    DemoCustomer(
        "lucas", "M.", "Lucas", "Fabre", date(1995, 7, 30),
        "07 52 18 43 90", "07 52 18 43 90", "41 avenue du Général de Gaulle", "38120", "Saint-Égrève",
        (
            DemoContract(Tariff.BLUE_BASE, 6, False, _MONTHLY, 5, False, 3800),
            DemoContract(Tariff.GAS, None, False, _MONTHLY, 15, False, 14000),
        ),
    ),
)  # fmt: skip


# --- calendar -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Calendar:
    """Per-day facts computed once for the whole demo range, shared by every contract."""

    origin: date
    iso: list[str]
    elec_season: list[float]
    gas_weight: list[float]  # share of a year's heating on that day
    weekend: list[bool]
    shape_key: list[int]  # 0 winter, 1 mid-season, 2 summer; +3 on weekends


def _temperature(day_of_year: int) -> float:
    """A smooth Grenoble-like daily mean temperature (°C): ≈ 2.5 in January, ≈ 21.5 in July."""
    return 12.0 - 9.5 * math.cos(2 * math.pi * (day_of_year - 18) / 365.25)


def _build_calendar(origin: date, end: date) -> _Calendar:
    count = (end - origin).days + 1
    days = [origin + timedelta(days=i) for i in range(count)]
    heating_year = sum(max(0.0, 17.0 - _temperature(d)) for d in range(1, 366))
    season = {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 2, 10: 1, 11: 0, 12: 0}
    cal = _Calendar(origin, [], [], [], [], [])
    for day in days:
        doy = day.timetuple().tm_yday
        weekend = day.weekday() >= 5
        cal.iso.append(day.isoformat())
        cal.elec_season.append(1.0 + 0.38 * math.cos(2 * math.pi * (doy - 20) / 365.25))
        cal.gas_weight.append(max(0.0, 17.0 - _temperature(doy)) / heating_year)
        cal.weekend.append(weekend)
        cal.shape_key.append(season[day.month] + (3 if weekend else 0))
    return cal


# --- load-curve shapes ------------------------------------------------------------------------


def _shape(winter: float, weekend: bool, water_heater: bool) -> tuple[float, ...]:
    """Relative half-hour weights of one kind of day, summing to 1 (computed once per kind)."""
    weights = []
    for slot in range(SLOTS_PER_DAY):
        hour = slot / 2
        w = 0.45  # fridge, standby
        w += 1.1 * math.exp(-(((hour - (8.5 if weekend else 7.25)) / 1.0) ** 2))
        w += 1.6 * math.exp(-(((hour - 19.75) / 1.6) ** 2))
        w += (0.7 if weekend else 0.25) * math.exp(-(((hour - 12.75) / 1.5) ** 2))
        w += winter * (0.9 if 6 <= hour < 23 else 0.6)  # electric heating
        if water_heater and (hour >= 22.5 or hour < 3.0):
            w += 1.3
        weights.append(w)
    total = sum(weights)
    return tuple(w / total for w in weights)


_SHAPE_SHIFT = 16  # shapes are fixed-point: slot Wh = (day Wh × weight) >> 16


def _shapes(water_heater: bool) -> list[tuple[int, ...]]:
    """Six fixed-point shapes indexed like ``_Calendar.shape_key``.

    Integer weights make a day's 48 slots one multiply and one shift each: the load curve is the
    largest part of the generation, and this keeps seeding close to the cost of its inserts.
    """
    winters = (0.8, 0.3, 0.0)
    scale = 1 << _SHAPE_SHIFT
    return [
        tuple(int(w * scale) for w in _shape(winter, weekend, water_heater))
        for weekend in (False, True)
        for winter in winters
    ]


# --- references ---------------------------------------------------------------------------


class _Refs:
    """Unique random digit strings, drawn from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def digits(self, length: int) -> str:
        while True:
            value = str(self._rng.randrange(10 ** (length - 1), 10**length))
            if value not in self._used:
                self._used.add(value)
                return value


# --- consumption ----------------------------------------------------------------------------


def _electricity(
    rng: random.Random, cal: _Calendar, first: int, spec: DemoContract, cid: int, out: _Rows
) -> dict[Register, list[int]]:
    """Daily Wh per register from ``first`` (calendar index) to the end of the calendar."""
    mean = spec.annual_kwh * 1000 / 365
    rand = rng.random
    count = len(cal.iso) - first
    totals = [
        mean * cal.elec_season[i] * (1.12 if cal.weekend[i] else 0.95) * (0.8 + 0.4 * rand())
        for i in range(first, first + count)
    ]
    if spec.linky:
        return _with_load_curve(cal, first, totals, spec, cid, out)
    if spec.tariff is Tariff.BLUE_HPHC:
        hc = [int(t * 0.38) for t in totals]
        return {Register.HP: [int(t) - c for t, c in zip(totals, hc, strict=True)], Register.HC: hc}
    return {Register.BASE: [int(t) for t in totals]}


def _with_load_curve(
    cal: _Calendar,
    first: int,
    totals: list[float],
    spec: DemoContract,
    cid: int,
    out: _Rows,
) -> dict[Register, list[int]]:
    """Spread each day on its shape; the daily rows are the sums of the slots (CONSO-1)."""
    shapes = _shapes(water_heater=spec.tariff is Tariff.BLUE_HPHC)
    swap = sys.byteorder == "big"
    hp_values: list[int] = []
    hc_values: list[int] = []
    curve = out.load_curve
    iso = cal.iso
    keys = cal.shape_key
    shift = _SHAPE_SHIFT
    for offset, total in enumerate(totals):
        i = first + offset
        day_wh = int(total)
        slots = array("H", [day_wh * w >> shift for w in shapes[keys[i]]])
        hp = sum(slots[12:44])
        hp_values.append(hp)
        hc_values.append(sum(slots) - hp)
        if swap:
            slots.byteswap()
        curve.append((cid, iso[i], slots.tobytes()))
    if spec.tariff is Tariff.BLUE_HPHC:
        return {Register.HP: hp_values, Register.HC: hc_values}
    return {Register.BASE: [hp + hc for hp, hc in zip(hp_values, hc_values, strict=True)]}


def _gas(
    rng: random.Random, cal: _Calendar, first: int, spec: DemoContract
) -> dict[Register, list[int]]:
    """Hot water and cooking all year (≈ 30 %), heating by degree-days: ≈ 80 % in Oct–Mar."""
    annual = spec.annual_kwh * 1000
    water = 0.30 * annual / 365
    heating = 0.70 * annual
    rand = rng.random
    weights = cal.gas_weight
    values = [
        int((water + heating * weights[i]) * (0.85 + 0.3 * rand()))
        for i in range(first, len(cal.iso))
    ]
    return {Register.GAS: values}


# --- the generator ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Rows:
    customers: list[tuple]
    contracts: list[tuple]
    invoices: list[tuple]
    invoice_lines: list[tuple]
    invoice_readings: list[tuple]
    readings: list[tuple]
    daily_consumption: list[tuple]
    consumption_months: list[tuple]
    load_curve: list[tuple]

    def as_dict(self) -> dict[str, list[tuple]]:
        return {table: getattr(self, table) for table in TABLES}


def _today(start: datetime) -> date:
    moment = start if start.tzinfo else start.replace(tzinfo=UTC)
    return moment.astimezone(PARIS).date()


def _instant(day: date, hour: int) -> str:
    """``day`` at ``hour``:00 Paris time, as the ISO UTC text the schema stores."""
    return datetime.combine(day, time(hour), PARIS).astimezone(UTC).isoformat()


def _last_issue(rng: random.Random, today: date, spec: DemoContract) -> date:
    """Issue date of the latest invoice, on a day-of-month ≤ 28 so month steps stay exact."""
    if spec.last_issue_days is not None:
        offset = spec.last_issue_days
    else:
        offset = rng.randint(1, spec.billing_months * 30 - 5)
    while (today - timedelta(days=offset)).day > 28:
        offset += 1
    return today - timedelta(days=offset)


def generate(seed: int, start: datetime) -> dict[str, list[tuple]]:
    """SIM-3: every demo row per table, in the schema's column order (accounts excepted).

    Same ``seed`` and ``start`` → identical rows. ``start`` is the instant the world is seeded
    at (a naive datetime is taken as UTC); its Paris day is « today ».
    """
    rng = random.Random(seed)
    refs = _Refs(rng)
    today = _today(start)
    rows = _Rows([], [], [], [], [], [], [], [], [])
    plans = []
    contract_id = 0
    for customer_id, customer in enumerate(DEMO_CUSTOMERS, start=1):
        rows.customers.append(
            (
                customer_id, refs.digits(9), customer.civility, customer.first_name,
                customer.last_name, customer.birth_date.isoformat(), customer.phone,
                customer.mobile, customer.street, customer.postcode, customer.city,
            )
        )  # fmt: skip
        for spec in customer.contracts:
            contract_id += 1
            last_issue = _last_issue(rng, today, spec)
            first_day = add_months(last_issue, -HISTORY_MONTHS)
            rows.contracts.append(
                _contract_row(refs, contract_id, customer_id, customer, spec, first_day)
            )
            plans.append((contract_id, spec, first_day))
    origin = min(first_day for _, _, first_day in plans)
    cal = _build_calendar(origin, today - timedelta(days=1))
    invoice_id = 0
    for cid, spec, first_day in plans:
        invoice_id = _contract_history(
            rng, refs, cal, today, cid, spec, first_day, invoice_id, rows
        )
    return rows.as_dict()


def _contract_row(
    refs: _Refs,
    cid: int,
    customer_id: int,
    customer: DemoCustomer,
    spec: DemoContract,
    first_day: date,
) -> tuple:
    gas = spec.tariff is Tariff.GAS
    meter_number = refs.digits(12 if spec.linky else 10)
    return (
        cid, refs.digits(10), customer_id, spec.tariff.energy.value, spec.tariff.value, spec.kva,
        refs.digits(14), customer.street, customer.postcode, customer.city, meter_number,
        5 if gas else 6, int(spec.linky), GAS_COEFFICIENT if gas else None,
        spec.payment_mode.value, spec.debit_day, int(spec.e_invoice), first_day.isoformat(),
        spec.billing_months,
    )  # fmt: skip


def _contract_history(
    rng: random.Random,
    refs: _Refs,
    cal: _Calendar,
    today: date,
    cid: int,
    spec: DemoContract,
    first_day: date,
    invoice_id: int,
    rows: _Rows,
) -> int:
    """Consumption, readings and invoices of one contract; returns the last invoice id used."""
    first = (first_day - cal.origin).days
    if spec.tariff is Tariff.GAS:
        daily = _gas(rng, cal, first, spec)
    else:
        daily = _electricity(rng, cal, first, spec, cid, rows)
    iso_days = cal.iso[first:]
    for register, values in daily.items():
        rows.daily_consumption.extend(zip(repeat(cid), iso_days, repeat(register.value), values))
    rows.consumption_months.extend(
        consumption_months.month_rows(cid, spec.tariff, first_day, daily)
    )
    series = {r: DailySeries.from_values(first_day, v) for r, v in daily.items()}
    meter = _Meter(rng, spec, series, first_day)
    rows.readings.extend(meter.reading_rows(cid, first_day, ReadingKind.REAL))
    bounds = [
        add_months(first_day, i * spec.billing_months)
        for i in range(HISTORY_MONTHS // spec.billing_months + 1)
    ]
    previous_gross: int | None = None
    for number, (period_start, next_start) in enumerate(pairwise(bounds)):
        invoice_id += 1
        period_end = next_start - timedelta(days=1)
        kind = _reading_kind(rng, spec, number)
        bill, previous_gross = _bill(rng, spec, period_start, period_end, series, previous_gross)
        last = next_start == bounds[-1]
        rows.invoices.append(
            _invoice_row(
                rng, refs, invoice_id, cid, spec, period_start, period_end, bill, today, last
            )
        )
        rows.invoice_lines.extend(
            (invoice_id, position, line.label, line.quantity, line.unit, line.unit_price_micro,
             line.amount, line.vat_rate_pct)
            for position, line in enumerate(bill.lines, start=1)
        )  # fmt: skip
        previous_read = period_start - timedelta(days=1) if number else first_day
        for register in spec.registers:
            rows.invoice_readings.append(
                (invoice_id, register.value, previous_read.isoformat(),
                 meter.index(register, previous_read, initial=number == 0),
                 period_end.isoformat(), meter.index(register, period_end), kind.value)
            )  # fmt: skip
        rows.readings.extend(meter.reading_rows(cid, period_end, kind, initial=False))
    return invoice_id


class _Meter:
    """Indexes derived from cumulative consumption, so they never go down (METER-1)."""

    def __init__(
        self,
        rng: random.Random,
        spec: DemoContract,
        series: dict[Register, DailySeries],
        first_day: date,
    ) -> None:
        self._gas = spec.tariff is Tariff.GAS
        self._series = series
        self._first_day = first_day
        self._registers = spec.registers
        top = 20_000 if self._gas else 45_000
        self._initial = {r: rng.randint(1_000, top) for r in spec.registers}

    def index(self, register: Register, day: date, *, initial: bool = False) -> int:
        """Index after the consumption of ``day`` (before any consumption when ``initial``)."""
        if initial:
            return self._initial[register]
        wh = self._series[register].total(self._first_day, day)
        return self._initial[register] + wh // (WH_PER_M3 if self._gas else 1000)

    def reading_rows(
        self, cid: int, day: date, kind: ReadingKind, *, initial: bool = True
    ) -> list[tuple]:
        return [
            (cid, day.isoformat(), r.value, self.index(r, day, initial=initial), kind.value)
            for r in self._registers
        ]


def _reading_kind(rng: random.Random, spec: DemoContract, number: int) -> ReadingKind:
    """Linky and annual readings are real; other meters are estimated about every other time."""
    if spec.linky or spec.billing_months == 12 or number == 0:
        return ReadingKind.REAL
    return ReadingKind.ESTIMATED if rng.random() < 0.5 else ReadingKind.REAL


def _bill(
    rng: random.Random,
    spec: DemoContract,
    period_start: date,
    period_end: date,
    series: dict[Register, DailySeries],
    previous_gross: int | None,
) -> tuple[Bill, int | None]:
    """The invoice's bill; under monthly debit, the 11 instalments already paid (DEBIT-4).

    The instalments of a year come from the previous year's cost; the first year's from an
    estimate within ±10 % of the real cost, as an advisor would have made it.
    """
    bill = compute_bill(spec.tariff, spec.kva, period_start, period_end, series)
    if spec.payment_mode is not PaymentMode.MONTHLY_DEBIT:
        return bill, None
    gross = bill.total
    basis = previous_gross if previous_gross is not None else int(gross * rng.uniform(0.9, 1.1))
    paid = INSTALMENTS_PER_YEAR * debit_instalment(basis)
    return replace(bill, already_paid=paid, instalments=INSTALMENTS_PER_YEAR), gross


def _invoice_row(
    rng: random.Random,
    refs: _Refs,
    invoice_id: int,
    cid: int,
    spec: DemoContract,
    period_start: date,
    period_end: date,
    bill: Bill,
    today: date,
    last: bool,
) -> tuple:
    issue = period_end + timedelta(days=1)
    due = issue + timedelta(days=DUE_DAYS)
    kind = InvoiceKind.SETTLEMENT if spec.billing_months == 12 else InvoiceKind.REGULAR
    debit_date: date | None = None
    settled_at: str | None = None
    if bill.balance < 0:  # a credit, refunded by transfer on its due date (DEBIT-4)
        if due >= today:
            status = InvoiceStatus.REFUND_DUE
        else:
            status = InvoiceStatus.REFUNDED
            settled_at = _instant(due, 6)
    elif bill.balance == 0:  # the instalments paid it all
        status = InvoiceStatus.PAID
        settled_at = _instant(issue, 6)
    elif spec.payment_mode.is_debit:
        debit_date = due
        if due >= today:
            status = InvoiceStatus.DEBIT_SCHEDULED
        else:
            status = InvoiceStatus.DEBITED
            settled_at = _instant(due, 6)
    elif last and spec.overdue:
        status = InvoiceStatus.OVERDUE
    elif due >= today:
        status = InvoiceStatus.TO_PAY
    else:
        status = InvoiceStatus.PAID
        settled_at = _instant(issue + timedelta(days=rng.randint(1, DUE_DAYS - 1)), 10)
    return (
        invoice_id, refs.digits(12), cid, kind.value, issue.isoformat(),
        period_start.isoformat(), period_end.isoformat(), bill.amount_excl_tax, bill.vat,
        bill.total, due.isoformat(), status.value,
        debit_date.isoformat() if debit_date else None, settled_at, bill.already_paid,
        bill.instalments,
    )  # fmt: skip


# --- seeding --------------------------------------------------------------------------------


def insert_sql(table: str, width: int) -> str:
    """``INSERT INTO table VALUES (?, …)`` for rows of ``width`` columns."""
    return f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"


# SEC-1 still holds: argon2id at the library's default cost, made once with
# ``Hasher().hash(DEMO_PASSWORD)`` and ``Hasher().hash(normalise_answer(DEMO_ANSWER))``. The demo
# password is public, so a fixed salt protects nothing less; shipping the two hashes saves every
# first start (and every ``fake reset``) a quarter of a second of argon2 work.
# tests/test_demo_world.py checks that they verify and carry the default parameters.
DEMO_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$i2y2uU0sDhdGPnBuGM0sfg$zVEtJyRUyQe/RMlL7/KKTFmd1Es3eZpuRl3ZLw9s2HY"
DEMO_ANSWER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$klUVREhn0WlwgHtcJOoiEA$iO8nkzc/VlqBQ33B9rT7CEPp4jUSIxQgQu0f8kAtMCc"


def seed_demo(store: Store, *, seed: int = 2026, start: datetime) -> None:
    """Generate the demo world and insert it in ONE transaction, with Claire's account."""
    tables = generate(seed, start)
    with store.transaction() as tx:
        insert_demo(tx, tables, seed=seed, start=start)


def insert_demo(tx: Tx, tables: dict[str, list[tuple]], *, seed: int, start: datetime) -> None:
    """Insert a generated world (``generate``) in the caller's write transaction: the caller can
    check, in that same transaction, that no other process seeded the store meanwhile (SIM-4)."""
    moment = start if start.tzinfo else start.replace(tzinfo=UTC)
    created_at = (moment - timedelta(days=730)).astimezone(UTC).isoformat()
    claire_id = next(
        row[0] for row in tables["customers"] if (row[3], row[4]) == ("Claire", "Martin")
    )
    for table in TABLES:
        table_rows: Sequence[tuple] = tables[table]
        if table_rows:
            tx.executemany(insert_sql(table, len(table_rows[0])), table_rows)
    tx.execute(
        "INSERT INTO accounts(customer_id, email, password_hash, question_id, "
        "answer_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (claire_id, DEMO_EMAIL.lower(), DEMO_PASSWORD_HASH, DEMO_QUESTION_ID,
         DEMO_ANSWER_HASH, created_at),
    )  # fmt: skip
    _services(tx, claire_id, moment)
    tx.set_meta("seeded_at", moment.astimezone(UTC).isoformat())
    tx.set_meta("world_day", _today(moment).isoformat())
    tx.set_meta("seed", str(seed))


# Valid French IBANs (mod 97 and RIB key) for the customers on direct debit (DEBIT-3, BANK-3).
DEMO_IBANS = {
    "Martin": "FR7630004000031234567890143",
    "Roux": "FR4510278089000002094510149",
    "Fabre": "FR8916807000010312345678921",
}
DEMO_ALERTS = (  # Claire's alerts, switched on by e-mail (ALERT-1)
    (AlertKind.NEW_INVOICE, None, None),
    (AlertKind.PAYMENT_DUE, 3, "jours"),
    (AlertKind.OVERDUE, None, None),
    (AlertKind.READING_WINDOW, None, None),
    (AlertKind.DEBIT_SOON, 3, "jours"),
)


def _services(tx: Tx, claire_id: int, moment: datetime) -> None:
    """Bank mandates, the current direct-debit schedules and Claire's alerts."""
    from geg_tui.fake_backend import bank, debit

    today = _today(moment)
    for number, (customer_id, number_text, last_name) in enumerate(
        tx.all("SELECT id, number, last_name FROM customers ORDER BY id"), start=1
    ):
        iban = DEMO_IBANS.get(last_name)
        if iban is None:
            continue
        signed = datetime.combine(today - timedelta(days=900), time(10), PARIS)
        customer = tx.one(
            "SELECT civility, first_name, last_name FROM customers WHERE id = ?", (customer_id,)
        )
        tx.execute(
            "INSERT INTO bank_details(customer_id, purpose, iban, bic, holder, mandate_ref, signed_at) "
            "VALUES (?, 'contrat', ?, NULL, ?, ?, ?)",
            (
                customer_id, iban, f"{customer['first_name']} {customer['last_name']}",
                bank.mandate_ref(number_text, signed, number, iban), signed.astimezone(UTC).isoformat(),
            ),
        )  # fmt: skip
    for contract in tx.all("SELECT * FROM contracts WHERE payment_mode = ?", (_MONTHLY.value,)):
        last_issue = tx.scalar(
            "SELECT MAX(issue_date) FROM invoices WHERE contract_id = ?", (contract["id"],)
        )
        debit.create_schedule(tx, contract, date.fromisoformat(last_issue), today)
    tx.execute(
        "UPDATE instalments SET status = ? WHERE due_date < ?", (debit.DEBITED, today.isoformat())
    )
    account_id = tx.scalar("SELECT id FROM accounts WHERE customer_id = ?", (claire_id,))
    tx.executemany(
        "INSERT INTO alerts(account_id, kind, enabled, by_email, by_sms, parameter, unit) "
        "VALUES (?, ?, 1, 1, 0, ?, ?)",
        [(account_id, kind.value, parameter, unit) for kind, parameter, unit in DEMO_ALERTS],
    )

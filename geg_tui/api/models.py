"""Domain models shared by every backend and by the screens.

Frozen dataclasses: cheap to build, safe to share between a worker and the UI, and easy to turn
into JSON for the HTTP layer. Conventions (RULES.md): money in integer euro cents, energy in
integer Wh, instants as timezone-aware ``datetime`` (UTC inside, shown in Paris time), days as
``date``. Enum values are the stable French codes that also travel over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, overload

# --- enumerations ---------------------------------------------------------------------------


class Energy(StrEnum):
    ELECTRICITY = "electricite"
    GAS = "gaz"


class Tariff(StrEnum):
    """The offers a contract can be on. Only the Tarif Bleu ones are regulated (DEBIT-2)."""

    BLUE_BASE = "tarif_bleu_base"
    BLUE_HPHC = "tarif_bleu_hphc"
    MARKET_ELEC = "offre_marche_elec"
    GAS = "offre_gaz"

    @property
    def regulated(self) -> bool:
        return self in (Tariff.BLUE_BASE, Tariff.BLUE_HPHC)

    @property
    def energy(self) -> Energy:
        return Energy.GAS if self is Tariff.GAS else Energy.ELECTRICITY


class Register(StrEnum):
    """A meter register (METER-1)."""

    BASE = "base"
    HP = "hp"
    HC = "hc"
    GAS = "gaz"


class PaymentMode(StrEnum):
    """DEBIT-1."""

    MONTHLY_DEBIT = "mensualisation"
    QUARTERLY_DEBIT = "prelevement_trimestriel"
    ON_RECEIPT = "a_reception"

    @property
    def is_debit(self) -> bool:
        return self is not PaymentMode.ON_RECEIPT


class InvoiceKind(StrEnum):
    REGULAR = "periodique"
    SETTLEMENT = "regularisation"
    FINAL = "resiliation"


class InvoiceStatus(StrEnum):
    """INV-1, and the two states of a credit (a settlement whose balance is in the customer's
    favour): refunded by bank transfer on its due date, never debited nor paid (DEBIT-4)."""

    TO_PAY = "a_payer"
    PAID = "payee"
    OVERDUE = "en_retard"
    DEBIT_SCHEDULED = "prelevement_prevu"
    DEBITED = "prelevee"
    REFUND_DUE = "a_rembourser"
    REFUNDED = "remboursee"


class ReadingKind(StrEnum):
    REAL = "reel"
    ESTIMATED = "estime"
    CUSTOMER = "client"


class Granularity(StrEnum):
    DAY = "jour"
    MONTH = "mois"
    YEAR = "annee"


class CardBrand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    CB = "cb"


class RequestCategory(StrEnum):
    """REQ-1. The last three may be sent while logged out."""

    BILL = "facture"
    PAYMENT = "paiement"
    METER = "releve"
    CONTRACT = "contrat"
    MOVING = "demenagement"
    ACCOUNT_ACCESS = "acces_compte"
    FORGOTTEN_QUESTION = "question_secrete_oubliee"
    FORGOTTEN_IDENTIFIER = "identifiant_oublie"
    COMPLAINT = "reclamation"
    OTHER = "autre"

    @property
    def logged_out(self) -> bool:
        return self in LOGGED_OUT_CATEGORIES


LOGGED_OUT_CATEGORIES = frozenset(
    {
        RequestCategory.ACCOUNT_ACCESS,
        RequestCategory.FORGOTTEN_QUESTION,
        RequestCategory.FORGOTTEN_IDENTIFIER,
    }
)


class RequestStatus(StrEnum):
    RECEIVED = "recue"
    IN_PROGRESS = "en_cours"
    RESOLVED = "resolue"
    CLOSED = "cloturee"

    @property
    def open(self) -> bool:
        return self in (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class AlertKind(StrEnum):
    """ALERT-1."""

    NEW_INVOICE = "nouvelle_facture"
    PAYMENT_DUE = "echeance_paiement"
    OVERDUE = "facture_en_retard"
    CONSUMPTION_THRESHOLD = "seuil_consommation"
    READING_WINDOW = "periode_releve"
    DEBIT_SOON = "prelevement_proche"


class InvitationStatus(StrEnum):
    """REF-6."""

    SENT = "envoyee"
    SUBSCRIBED = "souscrite"
    EXPIRED = "expiree"
    REFUSED = "refusee"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


# --- accounts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretQuestion:
    id: int
    text: str


@dataclass(frozen=True, slots=True)
class Session:
    """AUTH-3: the token is the only secret; the times say when it stops working."""

    token: str
    email: str
    idle_expires_at: datetime
    absolute_expires_at: datetime


@dataclass(frozen=True, slots=True)
class Identity:
    civility: str
    first_name: str
    last_name: str

    @property
    def display(self) -> str:
        return f"{self.civility} {self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class SignupIdentity:
    """What step 3 of the wizard shows once the contract is proven (SIGNUP-7)."""

    contract_ref: str
    identity: Identity
    masked_phone: str | None


@dataclass(frozen=True, slots=True)
class SignupRequest:
    """Everything the wizard gathered; checked again as a whole on confirmation (SIGNUP-10).

    ``phone`` is ``None`` to keep the number on record, or the new number.
    """

    email: str
    password: str
    password_confirm: str
    contract_ref: str
    invoice_ref: str
    invoice_amount: str
    birth_date: str
    phone: str | None
    secret_question_id: int
    secret_answer: str


@dataclass(frozen=True, slots=True)
class ResetChallenge:
    """RESET-1: the secret question shown once e-mail and birth date match."""

    question: SecretQuestion


@dataclass(frozen=True, slots=True)
class ResetQueued:
    """RESET-3: the mail is queued; it arrives at the latest by ``deliver_by``."""

    deliver_by: datetime


@dataclass(frozen=True, slots=True)
class SupportInfo:
    """RESET-6: how to reach a customer advisor."""

    phone: str
    hours: str
    address: str


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postcode: str
    city: str

    @property
    def one_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


@dataclass(frozen=True, slots=True)
class Meter:
    """METER-1: the registers, their digits and whether it reads itself (Linky)."""

    number: str
    registers: tuple[Register, ...]
    digits: int
    communicating: bool
    unit: str = "kWh"  # "m³" for gas
    gas_coefficient: float | None = None  # kWh per m³


@dataclass(frozen=True, slots=True)
class Contract:
    ref: str
    energy: Energy
    tariff: Tariff
    power_kva: int | None
    delivery_point: str
    address: Address
    meter: Meter
    payment_mode: PaymentMode
    debit_day: int | None
    e_invoice: bool
    start_date: date


@dataclass(frozen=True, slots=True)
class Account:
    """The logged-in customer's account as shown on the home screen."""

    email: str
    customer_number: str
    identity: Identity
    birth_date: date
    contracts: tuple[Contract, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContractDebit:
    """A contract's next direct debit (an invoice's or an instalment's), for home's contract card."""

    contract_ref: str
    day: date
    amount: int


@dataclass(frozen=True, slots=True)
class HomeSummary:
    """Home screen figures, computed by the backend so the screen makes one call."""

    account: Account
    total_to_pay: int
    next_debit_date: date | None
    next_debit_amount: int | None
    last_readings: tuple[MeterReading, ...]
    # per contract, for the contracts that have one (an older server sends none: home then shows
    # the account's next debit only)
    contract_debits: tuple[ContractDebit, ...] = ()


# --- invoices and payments ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """INV-2: one line of an invoice; ``unit_price_micro`` is in millionths of a euro."""

    label: str  # French, as GEG's bill prints it: screens use texts.line_label
    quantity: float
    unit: str
    unit_price_micro: int
    amount: int  # cents, before VAT
    vat_rate_pct: float
    # The label as a code of geg_tui.api.texts.LINE_LABELS and its params (kva, first, last,
    # estimated); None for a label this version does not know (the French label is shown).
    label_code: str | None = None
    label_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InvoiceReading:
    register: Register
    previous_date: date
    previous_index: int
    current_date: date
    current_index: int
    kind: ReadingKind


@dataclass(frozen=True, slots=True)
class Invoice:
    """INV-1, INV-2, DEBIT-4.

    The consumption: ``amount_excl_tax`` is the sum of the lines, ``vat`` 20 % of it and
    ``total`` = ``amount_excl_tax`` + ``vat`` (incl. tax). Then what was already paid for that
    consumption: ``already_paid`` (the ``instalments_paid`` monthly instalments debited during
    the period, incl. tax; 0 but on an annual settlement) and ``balance`` = ``total`` −
    ``already_paid``. The balance is what is paid or debited; a negative balance is a credit,
    refunded by transfer to the customer's bank account on ``refund_date`` (its due date).
    """

    ref: str
    contract_ref: str
    energy: Energy
    kind: InvoiceKind
    issue_date: date
    period_start: date
    period_end: date
    amount_excl_tax: int
    vat: int
    total: int
    already_paid: int
    balance: int
    due_date: date
    status: InvoiceStatus
    debit_date: date | None = None
    lines: tuple[InvoiceLine, ...] = ()
    readings: tuple[InvoiceReading, ...] = ()
    instalments_paid: int = 0
    refund_date: date | None = None

    @property
    def is_credit(self) -> bool:
        """The balance is in the customer's favour: nothing to pay, a refund to come or made."""
        return self.balance < 0


@dataclass(frozen=True, slots=True)
class InvoicePage:
    """INV-5: one page of the filtered list, newest first, with what the account still owes."""

    invoices: tuple[Invoice, ...]
    total_count: int
    total_to_pay: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class CardPayment:
    """PAY-2 input. Never stored as such; the backend keeps only brand, last 4 and expiry."""

    invoice_ref: str
    card_number: str
    expiry_month: int | str
    expiry_year: int | str
    security_code: str
    holder: str
    idempotency_key: str

    def __repr__(self) -> str:  # SEC-3: a repr must never print the card.
        return f"CardPayment(invoice_ref={self.invoice_ref!r}, card=****)"


class PaymentMeans(StrEnum):
    """How a payment was made: by card online (PAY), or by SEPA direct debit (DEBIT)."""

    CARD = "carte"
    DIRECT_DEBIT = "prelevement"


class PaymentStatus(StrEnum):
    """Where a listed payment stands: a card payment accepted by the payment server, or a
    direct debit taken from the bank account of the mandate."""

    ACCEPTED = "acceptee"
    DEBITED = "prelevee"


@dataclass(frozen=True, slots=True)
class Payment:
    """PAY-3: what is kept of a card payment; a direct debit taken (DEBIT-4) is listed the
    same way, its means the mandate's masked IBAN (BANK-4) instead of a card.

    A card payment has ``brand``, ``last4`` and ``expiry``; a debit has none of them, and
    ``iban_masked`` when a mandate was in force on its day. A monthly instalment has no
    invoice of its own (``invoice_ref`` is ``None``): the next settlement invoice deducts it.
    """

    transaction_ref: str
    invoice_ref: str | None
    amount: int
    brand: CardBrand | None
    last4: str | None
    expiry: str | None  # MM/YY
    paid_at: datetime
    means: PaymentMeans = PaymentMeans.CARD
    status: PaymentStatus = PaymentStatus.ACCEPTED
    iban_masked: str | None = None
    contract_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Instalment:
    due_date: date
    amount: int
    status: str  # "a_venir", "prelevee", "annulee"


@dataclass(frozen=True, slots=True)
class DebitSchedule:
    """DEBIT-4: 11 instalments then the annual settlement."""

    contract_ref: str
    debit_day: int
    instalments: tuple[Instalment, ...]
    settlement_date: date
    estimated_annual_total: int


# --- bank and profile -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankDetails:
    """BANK-4: the IBAN is only ever shown masked."""

    iban_masked: str
    bic: str | None
    holder: str
    mandate_ref: str
    mandate_signed_at: datetime


@dataclass(frozen=True, slots=True)
class Profile:
    email: str
    pending_email: str | None
    identity: Identity
    birth_date: date
    phone: str | None
    mobile: str | None
    postal_address: Address
    secret_question: SecretQuestion


# --- meters and consumption -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeterReading:
    """METER-6: one reading, one index per register (Wh for electricity, m³ for gas)."""

    contract_ref: str
    reading_date: date
    indexes: dict[Register, int]
    kind: ReadingKind


@dataclass(frozen=True, slots=True)
class MeterStatus:
    """What the reading screen needs: last indexes, the window, and the Linky refusal."""

    contract_ref: str
    meter: Meter
    last_reading: MeterReading | None
    window_start: date
    window_end: date
    manual_allowed: bool
    refusal_reason: str | None  # French, for an older client: screens use texts.refusal_text
    refusal_code: str | None = None  # a code of geg_tui.api.problems


@dataclass(frozen=True, slots=True)
class ReadingResult:
    """METER-3: ``needs_confirmation`` with ``warning`` when the reading looks implausible."""

    reading: MeterReading | None
    needs_confirmation: bool = False
    warning: str | None = None  # French, for an older client: screens use texts.warning_text
    # The warning as codes: ({"code": …, "params": {…}}, …), one sentence each.
    warning_parts: tuple[dict[str, Any], ...] = ()


class DayRange(Sequence[date]):
    """Consecutive days, ``first`` and the ``count - 1`` following: ``range`` for dates.

    The periods of a daily series are implied by its first day, so they are made when read
    rather than built and stored one by one (1,826 ``date`` objects for five years). Behaves as
    the tuple of its days: length, indexes (negative too), slices, iteration, ``in``, and
    equality with any sequence of the same days.
    """

    __slots__ = ("_days",)

    def __init__(self, first: date, count: int) -> None:
        origin = first.toordinal()
        self._days = range(origin, origin + max(count, 0))

    def __len__(self) -> int:
        return len(self._days)

    @overload
    def __getitem__(self, index: int) -> date: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[date]: ...
    def __getitem__(self, index: int | slice) -> date | Sequence[date]:
        if isinstance(index, slice):
            days = self._days[index]
            if days.step == 1:
                return DayRange(date.fromordinal(days.start), len(days)) if days else ()
            return tuple(map(date.fromordinal, days))
        return date.fromordinal(self._days[index])

    def __iter__(self) -> Iterator[date]:
        return map(date.fromordinal, self._days)

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, date)
            and not isinstance(value, datetime)
            and (value.toordinal() in self._days)
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DayRange):
            return self._days == other._days
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        first = date.fromordinal(self._days.start).isoformat() if self._days else "-"
        return f"DayRange({first}, {len(self)})"


@dataclass(frozen=True, slots=True)
class ConsumptionPoint:
    """One point of a ``ConsumptionSeries`` (see ``ConsumptionSeries.points``)."""

    start: date
    end: date  # inclusive
    wh: dict[Register, int]
    cost: int  # cents, incl. tax, at the prices of the period

    @property
    def total_wh(self) -> int:
        return sum(self.wh.values())


@dataclass(frozen=True, slots=True)
class ConsumptionRange:
    """CONSO-2: the days a contract has consumption for, ``first``..``last`` inclusive (both
    ``None`` when it has none yet, e.g. a contract started today). Screens take their default
    ranges from it rather than from the computer's date, which is not the backend's."""

    contract_ref: str
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class ConsumptionSeries:
    """CONSO-2/3: aggregated by the backend (CONSO-4), held by column.

    Point ``i`` covers ``starts[i]``..``ends[i]`` (inclusive): ``wh[register][i]`` Wh per
    register (HP/HC split where the contract has it) and ``costs[i]`` cents incl. tax at the
    prices of its days. Columns keep a five-year daily view (1,826 points) cheap to build and to
    send; ``points`` gives the same data as ``ConsumptionPoint`` objects. The periods are
    sequences of days: tuples, or for a daily series a ``DayRange`` (each point is one day).

    CONSO-3: ``previous`` (only when asked for) is the series of the same periods one year
    earlier, point by point: ``previous.starts[i]`` is ``starts[i]`` a year before.
    """

    contract_ref: str
    granularity: Granularity
    start: date  # the range asked for
    end: date
    starts: Sequence[date] = ()
    ends: Sequence[date] = ()
    wh: dict[Register, tuple[int, ...]] = field(default_factory=dict)
    costs: tuple[int, ...] = ()
    previous: ConsumptionSeries | None = None
    estimated: bool = False

    @property
    def registers(self) -> tuple[Register, ...]:
        return tuple(self.wh)

    @property
    def size(self) -> int:
        """How many points."""
        return len(self.starts)

    @property
    def totals_wh(self) -> tuple[int, ...]:
        """Per point, the Wh of all registers together."""
        columns = list(self.wh.values())
        if not columns:
            return (0,) * len(self.starts)
        if len(columns) == 1:
            return columns[0]
        return tuple(map(sum, zip(*columns, strict=True)))

    @property
    def total_wh(self) -> int:
        """The Wh of the whole series."""
        return sum(sum(column) for column in self.wh.values())

    @property
    def total_cost(self) -> int:
        """The cents of the whole series."""
        return sum(self.costs)

    def point(self, index: int) -> ConsumptionPoint:
        return ConsumptionPoint(
            start=self.starts[index],
            end=self.ends[index],
            wh={register: column[index] for register, column in self.wh.items()},
            cost=self.costs[index],
        )

    @property
    def points(self) -> tuple[ConsumptionPoint, ...]:
        """The points as objects (built on each access: prefer the columns for long series)."""
        registers = tuple(self.wh)
        return tuple(
            ConsumptionPoint(start, end, dict(zip(registers, values, strict=True)), cost)
            for start, end, cost, *values in zip(
                self.starts, self.ends, self.costs, *self.wh.values(), strict=True
            )
        )


# --- load curve and prices (issue 15) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadCurve:
    """CONSO-1: a Linky meter's 30-minute curve, ``watts[48 × d + s]`` being the average power
    (W) of half-hour ``s`` (0 = 00:00–00:30 Paris, a nominal day of 48) of day ``start + d``.

    Watts, not Wh, because that is what a customer compares with the subscribed power (kVA); a
    half-hour's energy is ``watts / 2`` Wh. The days run from ``start`` to ``end`` as far as the
    backend knows them (it cuts at yesterday): ``days`` may be fewer than asked for.
    """

    contract_ref: str
    start: date
    end: date  # the range asked for (inclusive)
    watts: tuple[int, ...] = ()

    @property
    def days(self) -> int:
        """How many whole days of 48 values the curve holds."""
        return len(self.watts) // 48

    def day(self, index: int) -> tuple[int, ...]:
        """The 48 values of day ``start + index``."""
        return self.watts[48 * index : 48 * index + 48]


@dataclass(frozen=True, slots=True)
class PriceRow:
    """INV-2: the prices of one tariff from ``effective`` on, until the next row's date.

    All before VAT, in integers: ``energy_micro`` µ€ per kWh and per register; the monthly
    subscription in µ€ per subscribed power (``powers_kva[i]`` → ``subscription_micro[i]``; gas
    has no power and one amount); ``cta_micro`` µ€ a month (electricity only);
    ``accise_micro_per_mwh`` µ€ per MWh. Tuples rather than a dict keyed by kVA, because JSON
    keys are strings and this must read the same from either backend.
    """

    effective: date
    energy_micro: dict[Register, int]
    powers_kva: tuple[int, ...]
    subscription_micro: tuple[int, ...]
    cta_micro: int
    accise_micro_per_mwh: int

    def subscription_for(self, kva: int | None) -> int:
        """The monthly subscription of a power; gas (a single amount) ignores ``kva``."""
        if not self.powers_kva:
            return self.subscription_micro[0]
        if kva not in self.powers_kva:
            raise ValueError(f"Puissance non proposée : {kva} kVA")
        return self.subscription_micro[self.powers_kva.index(kva)]


@dataclass(frozen=True, slots=True)
class PriceTable:
    """The dated rows of one tariff, oldest first; the first row also applies before its date."""

    tariff: Tariff
    rows: tuple[PriceRow, ...]


@dataclass(frozen=True, slots=True)
class PriceTables:
    """INV-2: the public price grid of an energy, as the backend bills with it."""

    energy: Energy
    vat_rate_pct: float
    tables: tuple[PriceTable, ...]

    def rows(self, tariff: Tariff) -> tuple[PriceRow, ...]:
        """The rows of ``tariff`` (``KeyError`` when this energy has no such tariff)."""
        for table in self.tables:
            if table.tariff is tariff:
                return table.rows
        raise KeyError(tariff)


# --- requests, alerts, referral ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactForm:
    """REQ-1. ``name``/``email`` are asked only when logged out."""

    category: RequestCategory
    subject: str
    message: str
    name: str | None = None
    email: str | None = None
    contract_ref: str | None = None


@dataclass(frozen=True, slots=True)
class RequestEvent:
    at: datetime
    author: str  # "client", "service_client", "systeme"
    text: str  # French for customer service's notes (GEG's record): screens use texts.event_text
    status: RequestStatus | None = None
    # A note of customer service (« Prise en charge. ») as a code of
    # geg_tui.api.texts.REQUEST_NOTES and its params; None for a message, shown as written.
    text_code: str | None = None
    text_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """REQ-2."""

    ref: str
    category: RequestCategory
    subject: str
    status: RequestStatus
    created_at: datetime
    events: tuple[RequestEvent, ...] = field(default_factory=tuple)
    # REQ-3: customer service wrote (a reply or a change of status) since the customer last
    # opened the request (``get_request``).
    unread: bool = False


@dataclass(frozen=True, slots=True)
class AlertSetting:
    """ALERT-1/2. ``parameter`` is N days, or the threshold (Wh or cents, see ``unit``)."""

    kind: AlertKind
    enabled: bool
    by_email: bool
    by_sms: bool
    parameter: int | None = None
    unit: str | None = None  # "jours", "kwh", "eur"


@dataclass(frozen=True, slots=True)
class Notification:
    """An alert the account was sent (ALERT-3), kept to be read in the terminal too.

    ``code`` and ``params`` say what happened (``api/texts.py`` writes it in the reader's
    language); ``text`` is the French sentence the mail or SMS carried, shown by a client that
    does not know the code. ``channels``: how it was sent (e-mail, SMS or both)."""

    id: int
    at: datetime
    kind: AlertKind
    channels: tuple[Channel, ...]
    read: bool
    text: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    first_name: str
    last_name: str
    email: str
    postcode: str
    sent_at: datetime
    expires_at: datetime
    status: InvitationStatus
    bonus: int  # cents earned for this invitation (REF-5)


@dataclass(frozen=True, slots=True)
class ReferralSummary:
    """REF-6."""

    invitations: tuple[Invitation, ...]
    total_earned: int
    paid: int
    waiting_bank_details: bool
    iban_masked: str | None

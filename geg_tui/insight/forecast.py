"""The settlement forecast of a monthly direct debit (DEBIT-4, issue 15 item 5): what the yearly
settlement of the current cycle is heading for, and the instalment that would balance it.

Why on the client, from ``Backend`` operations only: the schedule (``debit_schedule``), the
measured consumption (``consumption``) and the prices the contract was last billed at (the lines
of its latest invoice) say it all, against the fake as against a server.

The cycle runs from the day after the contract's latest invoice (the last settlement) to the eve
of ``DebitSchedule.settlement_date`` (the settlement bills the days up to the day before it is
issued). Its projected cost, VAT included:

- the days measured so far: their cost as the backend gives it (``ConsumptionSeries.costs``:
  energy and excise at the prices of each day);
- the days left: the same days a year before (their Wh per register), at the prices of the
  latest invoice — a year with the weather of the last one, at today's prices (dates shifted by
  one year: a 29 February drops out or counts once);
- the subscription and the CTA of every day of the cycle, at the latest invoice's prices.

The projected balance is that cost minus the cycle's instalments (those debited and those to
come): positive, left to pay at the settlement; negative, refunded. The instalment that would
balance it spreads what is left (cost − instalments debited) over the instalments to come,
rounded up to the euro as the schedule's own instalments are (DEBIT-4).

Future price changes are not known: the forecast assumes none, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from geg_tui.api.models import Granularity, Invoice, PaymentMode, Register
from geg_tui.formats import decimal_point, format_date, format_money
from geg_tui.i18n import _
from geg_tui.insight.explain import ENERGY_CODES, EXCISE_CODES

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.api.models import ConsumptionSeries, DebitSchedule

DAYS_PER_YEAR = 365
FIXED_CODES = frozenset({"subscription", "subscription_kva", "cta"})
DEBITED = "prelevee"
UPCOMING = "a_venir"


@dataclass(frozen=True, slots=True)
class Prices:
    """The unit prices of a contract's latest invoice (before VAT): µ€ per month for the
    subscription and the CTA, µ€ per kWh per register, µ€ per MWh for the excise."""

    monthly_micro: int
    energy_micro: dict[Register, int]
    excise_micro_per_mwh: int
    vat_rate_pct: float = 20.0

    @classmethod
    def of(cls, invoice: Invoice) -> Prices:
        """The last line of each kind wins: an invoice cut by a price change lists its periods
        in order, the newest last."""
        fixed: dict[str, int] = {}
        energy: dict[Register, int] = {}
        excise = 0
        vat = 20.0
        for line in invoice.lines:
            code = line.label_code or ""
            if code in FIXED_CODES:
                fixed["cta" if code == "cta" else "subscription"] = line.unit_price_micro
            elif code in ENERGY_CODES:
                energy[ENERGY_CODES[code]] = line.unit_price_micro
            elif code in EXCISE_CODES:
                excise = line.unit_price_micro
            vat = line.vat_rate_pct or vat
        return cls(sum(fixed.values()), energy, excise, vat)

    def fixed_cents(self, days: int) -> Fraction:
        """Subscription and CTA of ``days`` days, before VAT, in cents (× 12 / 365)."""
        return Fraction(self.monthly_micro * 12 * days, DAYS_PER_YEAR * 10_000)

    def energy_cents(self, wh: dict[Register, int]) -> Fraction:
        """Energy and excise of ``wh`` per register, before VAT, in cents."""
        energy = sum(
            (Fraction(v * self.energy_micro.get(r, 0), 10_000_000) for r, v in wh.items()),
            Fraction(0),
        )
        return energy + Fraction(sum(wh.values()) * self.excise_micro_per_mwh, 10**10)

    def with_vat(self, cents: Fraction) -> Fraction:
        return cents * (Fraction(100) + Fraction(self.vat_rate_pct).limit_denominator(1000)) / 100


@dataclass(frozen=True, slots=True)
class Forecast:
    """The projected settlement of one contract's cycle; amounts in cents, VAT included."""

    contract_ref: str
    cycle_start: date
    cycle_end: date  # the last day the settlement will bill
    settlement_date: date
    measured_until: date | None  # the last day measured in the cycle (None: none yet)
    measured_cost: int  # energy of the days measured, at their prices
    projected_cost: int  # energy of the days left, as a year before, at the latest prices
    fixed_cost: int  # subscription and CTA of the cycle
    instalments_total: int  # every instalment of the cycle, debited or to come
    instalments_debited: int
    upcoming_count: int
    current_instalment: int | None  # the next instalment to come, as scheduled

    @property
    def total(self) -> int:
        """What the cycle's consumption is expected to cost."""
        return self.measured_cost + self.projected_cost + self.fixed_cost

    @property
    def balance(self) -> int:
        """Left to pay at the settlement (negative: a credit refunded)."""
        return self.total - self.instalments_total

    @property
    def balancing_instalment(self) -> int | None:
        """The instalment that, for each one to come, would bring the balance to about zero
        (rounded up to the euro); ``None`` when none is left to come."""
        if self.upcoming_count == 0:
            return None
        left = self.total - self.instalments_debited
        if left <= 0:
            return 0
        per_month = -(-left // self.upcoming_count)
        return -(-per_month // 100) * 100


def shift_year(day: date, years: int = -1) -> date:
    """The same day ``years`` years away (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def cycle_bounds(schedule: DebitSchedule, latest: Invoice | None) -> tuple[date, date]:
    """First and last day the next settlement bills (module docstring)."""
    end = schedule.settlement_date - timedelta(days=1)
    start = add_months(schedule.settlement_date, -12)
    if latest is not None:
        start = max(start, latest.period_end + timedelta(days=1))
    return start, end


def _wh(series: ConsumptionSeries) -> dict[Register, int]:
    return {register: sum(values) for register, values in series.wh.items()}


async def settlement_forecast(backend: Backend, token: str, contract_ref: str) -> Forecast | None:
    """The forecast of ``contract_ref``'s cycle, or ``None`` when it has no schedule (not on
    monthly direct debit) or no invoice yet to take prices from."""
    account = await backend.account(token)
    contract = next((c for c in account.contracts if c.ref == contract_ref), None)
    if contract is None or contract.payment_mode is not PaymentMode.MONTHLY_DEBIT:
        return None
    schedule = await backend.debit_schedule(token, contract_ref)
    page = await backend.list_invoices(token, contract_ref=contract_ref, limit=1)
    if not page.invoices:
        return None
    latest = await backend.get_invoice(token, page.invoices[0].ref)
    prices = Prices.of(latest)
    start, end = cycle_bounds(schedule, latest)
    known = await backend.consumption_range(token, contract_ref)
    measured_until: date | None = None
    measured_cost = 0
    rest_start = start
    if known.last is not None and known.last >= start:
        measured_until = min(known.last, end)
        series = await backend.consumption(
            token, contract_ref, start, measured_until, Granularity.MONTH
        )
        measured_cost = sum(series.costs)
        rest_start = measured_until + timedelta(days=1)
    rest = Fraction(0)
    if rest_start <= end:
        before = await backend.consumption(
            token, contract_ref, shift_year(rest_start), shift_year(end), Granularity.MONTH
        )
        rest = prices.with_vat(prices.energy_cents(_wh(before)))
    fixed = prices.with_vat(prices.fixed_cents((end - start).days + 1))
    instalments = [i for i in schedule.instalments if i.status in (DEBITED, UPCOMING)]
    upcoming = [i for i in instalments if i.status == UPCOMING]
    return Forecast(
        contract_ref=contract_ref,
        cycle_start=start,
        cycle_end=end,
        settlement_date=schedule.settlement_date,
        measured_until=measured_until,
        measured_cost=measured_cost,
        projected_cost=round(rest),
        fixed_cost=round(fixed),
        instalments_total=sum(i.amount for i in instalments),
        instalments_debited=sum(i.amount for i in instalments if i.status == DEBITED),
        upcoming_count=len(upcoming),
        current_instalment=upcoming[0].amount if upcoming else None,
    )


async def account_forecasts(backend: Backend, token: str) -> list[Forecast]:
    """The forecast of every contract of the account on monthly direct debit (for home)."""
    account = await backend.account(token)
    forecasts = []
    for contract in account.contracts:
        if contract.payment_mode is PaymentMode.MONTHLY_DEBIT:
            forecast = await settlement_forecast(backend, token, contract.ref)
            if forecast is not None:
                forecasts.append(forecast)
    return forecasts


def _euros(cents: int) -> str:
    """An estimate to the euro: ``56 €`` rather than a precision it does not have."""
    return format_money(round(cents, -2)).replace(f"{decimal_point()}00", "", 1)


def forecast_text(forecast: Forecast) -> str:
    """Two or three lines for home and « Paiement et échéancier »: the projected settlement,
    the instalment that would balance it, and what the forecast rests on. Rich markup."""
    values = {
        "date": format_date(forecast.settlement_date),
        "amount": _euros(abs(forecast.balance)),
    }
    if abs(forecast.balance) < 100:
        lines = [
            _("Régularisation du {date} : vos mensualités couvrent votre consommation").format(
                **values
            )
        ]
    elif forecast.balance > 0:
        lines = [_("Régularisation du {date} : environ [b]{amount}[/b] à payer").format(**values)]
    else:
        lines = [
            _("Régularisation du {date} : environ [b]{amount}[/b] en votre faveur").format(**values)
        ]
    balancing = forecast.balancing_instalment
    if (
        balancing is not None
        and forecast.current_instalment is not None
        and balancing != forecast.current_instalment
        and abs(forecast.balance) >= 100
    ):
        lines.append(
            _("Une mensualité de {balancing} l'équilibrerait (prévue : {current}).").format(
                balancing=format_money(balancing), current=format_money(forecast.current_instalment)
            )
        )
    if forecast.measured_until is not None:
        lines.append(
            _(
                "Prévision : votre consommation jusqu'au {day}, puis celle des mêmes mois l'an "
                "dernier, aux prix de votre dernière facture."
            ).format(day=format_date(forecast.measured_until))
        )
    else:
        lines.append(
            _(
                "Prévision : la consommation des mêmes mois l'an dernier, aux prix de votre "
                "dernière facture."
            )
        )
    return "\n".join(lines)


def forecasts_text(forecasts: list[Forecast]) -> str:
    """:func:`forecast_text` of each contract (home: ``account_forecasts``), the contract named
    when there are several; empty when no contract is on monthly direct debit."""
    if len(forecasts) == 1:
        return forecast_text(forecasts[0])
    return "\n\n".join(
        _("Contrat {ref}").format(ref=forecast.contract_ref) + "\n" + forecast_text(forecast)
        for forecast in forecasts
    )

"""« Quelle option me coûte le moins ? »: the yearly cost of each option on one's own curve.

The customer's last 12 months of 30-minute curve are priced, option by option, by the very code
that bills (``billing.compute_bill``), at the dated prices the backend publishes: subscription,
energy per register, accise and CTA, VAT included, each day at the prices of that day. So the
current option simulated over an invoice's period gives that invoice's amount, to the cent (a
test checks it on every past invoice of the demo world).

What it assumes (the screen says it): the same consumption at the same hours as over these 12
months; off-peak hours 22:00–06:00; a power fits when its kVA, taken as kW, is at least the
highest 30-minute average reached (an average: the instantaneous peak can be higher); the
prices of the days simulated, not those to come.

Options: each tariff of the published grid (Base, HP/HC, and the market offer only for a
customer already on it: the question is Base or HP/HC, at which power), each at every
offered power from the smallest one above the peak reached; the current option is always
priced, even when its power is below the peak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from geg_tui.api.models import PriceTables, Register, Tariff
from geg_tui.tariffs import curve
from geg_tui.tariffs.billing import Bill, DailySeries, compute_bill

YEAR_DAYS = 365
PIECE_DAYS = 31  # the most ``Backend.load_curve`` gives at once


def pieces(first: date, last: date, size: int = PIECE_DAYS) -> list[tuple[date, date]]:
    """``first``..``last`` cut in ranges of at most ``size`` days (how a year is fetched)."""
    out = []
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        out.append((first, end))
        first = end + timedelta(days=1)
    return out


@dataclass(frozen=True, slots=True)
class OptionCost:
    """The cost of ``tariff`` at ``kva`` over the simulated days (cents, VAT included)."""

    tariff: Tariff
    kva: int
    total: int
    amount_excl_tax: int
    current: bool = False


@dataclass(frozen=True, slots=True)
class Simulation:
    """Every option priced over ``first``..``last``, cheapest first, and the peak reached."""

    first: date
    last: date
    peak: curve.Peak | None
    options: tuple[OptionCost, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def current(self) -> OptionCost | None:
        return next((option for option in self.options if option.current), None)

    @property
    def cheapest(self) -> OptionCost | None:
        return self.options[0] if self.options else None

    def saving(self, option: OptionCost) -> int | None:
        """What ``option`` costs less than the current one (negative: more); ``None`` when the
        current option is not among those priced."""
        current = self.current
        return None if current is None else current.total - option.total


def series_of(first: date, watts: Sequence[int], tariff: Tariff) -> dict[Register, DailySeries]:
    """The curve's days as the billing code reads them: per register, Wh per day."""
    return {
        register: DailySeries.from_values(first, values)
        for register, values in curve.daily_wh(watts, tariff).items()
    }


def price_option(
    tables: PriceTables, tariff: Tariff, kva: int | None, first: date, watts: Sequence[int]
) -> Bill:
    """The bill of ``tariff`` at ``kva`` for the whole days of a curve starting on ``first``:
    what the invoice of those days says when the option is the contract's own (INV-2)."""
    days = len(watts) // curve.SLOTS_PER_DAY
    last = first + timedelta(days=days - 1)
    return compute_bill(
        tables.rows(tariff), tariff, kva, first, last, series_of(first, watts, tariff)
    )


def tariffs_to_compare(tables: PriceTables, current: Tariff) -> list[Tariff]:
    """The regulated tariffs, and the market offer only for a customer already on it."""
    return [
        table.tariff for table in tables.tables if table.tariff.regulated or table.tariff is current
    ]


def simulate(
    tables: PriceTables,
    current_tariff: Tariff,
    current_kva: int | None,
    first: date,
    watts: Sequence[int],
) -> Simulation:
    """Price every option over the whole days of ``watts`` (a curve starting on ``first``)."""
    days = len(watts) // curve.SLOTS_PER_DAY
    peak = curve.period_peak(first, watts)
    if not days:
        return Simulation(first, first - timedelta(days=1), peak, ())
    last = first + timedelta(days=days - 1)
    by_tariff: dict[Tariff, dict[Register, DailySeries]] = {}
    options = []
    for tariff in tariffs_to_compare(tables, current_tariff):
        rows = tables.rows(tariff)
        offered = rows[-1].powers_kva
        needed = curve.kva_needed(peak.watts if peak else 0, offered)
        powers = [kva for kva in offered if needed is not None and kva >= needed]
        is_current_tariff = tariff is current_tariff
        if is_current_tariff and current_kva in offered and current_kva not in powers:
            powers.append(current_kva)
        split = Tariff.BLUE_HPHC if tariff is Tariff.BLUE_HPHC else Tariff.BLUE_BASE
        if split not in by_tariff:  # Base and the market offer read the same single register
            by_tariff[split] = series_of(first, watts, split)
        energy = by_tariff[split]
        for kva in sorted(powers):
            bill = compute_bill(rows, tariff, kva, first, last, energy)
            options.append(
                OptionCost(
                    tariff,
                    kva,
                    bill.total,
                    bill.amount_excl_tax,
                    current=is_current_tariff and kva == current_kva,
                )
            )
    options.sort(key=lambda option: (option.total, not option.current))
    return Simulation(first, last, peak, tuple(options))

"""Invoice arithmetic (INV-2, DEBIT-4): pure functions, no SQL, no clock, no UI.

Why pure: the demo generator, the clock's « issue the invoices now » hook, the simulator screen
and the tests must all compute the same amounts from the same inputs, so nothing here reads the
database; the price table is an argument (the fake backend passes its own, the client the one
``Backend.price_tables`` gave it).

An invoice for a period ``start``..``end`` (inclusive days) is cut at every price change
(``grid.periods``); for each price period it gets, in this order of kinds:

1. « Abonnement » pro rata of the days: monthly price × 12 × days / 365;
2. one energy line per register: kWh × the period's price;
3. « Accise sur l'électricité / le gaz naturel »: MWh (all registers) × the accise per MWh;
4. « Contribution tarifaire d'acheminement (CTA) » (electricity only), pro rata like 1.

Each line is rounded to the cent half-up, once, on its own. ``amount_excl_tax`` is the sum of the
lines; VAT is 20 % of it, rounded half-up; ``total = amount_excl_tax + vat`` (the consumption,
VAT included).

Energy billed past the last meter reading is estimated: when ``estimated_from`` is given, the
energy and accise lines are cut there too, and the lines from that day on say « (index estimé) »
(the next invoice bills from the estimated index, so its reading corrects the estimate).

An annual settlement (monthly direct debit, DEBIT-4) then deducts the instalments already
debited during the period, VAT included: ``already_paid``, never a line (the lines are what the
consumption costs before tax). ``balance = total - already_paid`` is what is left to pay, or,
when negative, a credit in the customer's favour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from geg_tui.api.models import InvoiceLine, PriceRow, Register, Tariff
from geg_tui.formatting import format_date
from geg_tui.tariffs.grid import periods, row_at

VAT_RATE_PCT = 20.0
DAYS_PER_YEAR = 365
INSTALMENTS_PER_YEAR = 11
VAT_LABEL = "TVA 20 %"
ESTIMATED_SUFFIX = " (index estimé)"

_ENERGY_LABELS = {
    Register.BASE: "Consommation",
    Register.HP: "Consommation heures pleines",
    Register.HC: "Consommation heures creuses",
    Register.GAS: "Consommation de gaz naturel",
}


@dataclass(frozen=True, slots=True)
class DailySeries:
    """Wh per day from ``origin`` on, with prefix sums so that a period total costs O(1).

    The demo world bills six years of daily values for every contract; summing day by day for
    each invoice would cost more than generating the data.
    """

    origin: date
    prefix: tuple[int, ...]  # prefix[i] = sum of the first i days

    @classmethod
    def from_values(cls, origin: date, values: Sequence[int]) -> DailySeries:
        return cls(origin, (0, *accumulate(values)))

    def total(self, first: date, last: date) -> int:
        """Sum of ``first``..``last`` inclusive (days outside the series count as 0)."""
        size = len(self.prefix) - 1
        lo = min(max((first - self.origin).days, 0), size)
        hi = min(max((last - self.origin).days + 1, 0), size)
        return self.prefix[hi] - self.prefix[lo] if hi > lo else 0


EnergySource = DailySeries | Mapping[date, int] | Callable[[date], int]


@dataclass(frozen=True, slots=True)
class Bill:
    """The computed invoice: ``total == amount_excl_tax + vat == sum(lines) + vat``, and
    ``balance == total - already_paid`` (``already_paid``: the ``instalments`` debited)."""

    lines: tuple[InvoiceLine, ...]
    amount_excl_tax: int
    vat: int
    total: int
    already_paid: int = 0
    instalments: int = 0

    @property
    def balance(self) -> int:
        """What is left to pay (negative: a credit in the customer's favour)."""
        return self.total - self.already_paid


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def period_wh(source: EnergySource, first: date, last: date) -> int:
    """Energy of ``first``..``last`` from any accepted source (series, mapping or callable)."""
    if isinstance(source, DailySeries):
        return source.total(first, last)
    days = ((first + timedelta(days=i)) for i in range((last - first).days + 1))
    if isinstance(source, Mapping):
        return sum(source.get(day, 0) for day in days)
    return sum(source(day) for day in days)


_PERIOD = re.compile(r"^(.*) du (\d\d/\d\d/\d{4}) au (\d\d/\d\d/\d{4})$")
_KVA = re.compile(r"^Abonnement (\d+) kVA$")


def line_code(label: str) -> tuple[str | None, dict[str, Any]]:
    """The code and params of a line's French label (``texts.LINE_LABELS``), read back from the
    text the store keeps — GEG's bill prints it, and the data files of older versions hold it —
    so that a screen can write it in the reader's language. ``(None, {})`` for a label that is
    not one of the codes: the French label is then shown as it is."""
    from geg_tui.api.texts import LINE_LABELS, line_label_french

    params: dict[str, Any] = {}
    text = label
    if text.endswith(ESTIMATED_SUFFIX):
        text, params["estimated"] = text.removesuffix(ESTIMATED_SUFFIX), True
    if (period := _PERIOD.match(text)) is not None:
        text = period.group(1)
        for name, value in zip(("first", "last"), period.groups()[1:], strict=True):
            day, month, year = (int(part) for part in value.split("/"))
            params[name] = date(year, month, day).isoformat()
    code = next((c for c, t in LINE_LABELS.items() if t.msgid == text), None)
    if code is None and (kva := _KVA.match(text)) is not None:
        code, params["kva"] = "subscription_kva", int(kva.group(1))
    if code is None or line_label_french(code, params) != label:
        return None, {}
    return code, params


def _period_label(label: str, first: date, last: date, split: bool) -> str:
    """Dates are added only when the invoice is cut by a price change, to tell lines apart."""
    return f"{label} du {format_date(first)} au {format_date(last)}" if split else label


def _line(label: str, quantity: float, unit: str, price_micro: int, amount: int) -> InvoiceLine:
    return InvoiceLine(label, quantity, unit, price_micro, amount, VAT_RATE_PCT)


def _prorata_line(label: str, monthly_micro: int, days: int) -> InvoiceLine:
    """A monthly amount for ``days`` days: × 12 / 365, in cents (1 cent = 10 000 µ€)."""
    amount = round_half_up(monthly_micro * 12 * days, DAYS_PER_YEAR * 10_000)
    months = round(days * 12 / DAYS_PER_YEAR, 4)
    return _line(label, months, "mois", monthly_micro, amount)


def _fixed_lines(
    tariff: Tariff, kva: int | None, first: date, last: date, row: PriceRow, split: bool
) -> tuple[list[InvoiceLine], list[InvoiceLine]]:
    """Subscription and CTA lines of one price period (they do not depend on the readings)."""
    days = (last - first).days + 1
    kva_text = f" {kva} kVA" if kva else ""
    subscription = [
        _prorata_line(
            _period_label(f"Abonnement{kva_text}", first, last, split),
            row.subscription_for(kva),
            days,
        )
    ]
    cta = []
    if tariff is not Tariff.GAS:
        cta_label = "Contribution tarifaire d'acheminement (CTA)"
        cta.append(_prorata_line(_period_label(cta_label, first, last, split), row.cta_micro, days))
    return subscription, cta


def _energy_lines(
    tariff: Tariff,
    first: date,
    last: date,
    row: PriceRow,
    wh: Mapping[Register, int],
    split: bool,
    estimated: bool = False,
) -> tuple[list[InvoiceLine], list[InvoiceLine]]:
    """Energy lines (one per register) and the accise line of ``first``..``last``."""
    suffix = ESTIMATED_SUFFIX if estimated else ""
    energy = []
    for register, price in row.energy_micro.items():
        register_wh = wh.get(register, 0)
        amount = round_half_up(register_wh * price, 10_000_000)  # Wh × µ€/kWh → cents
        label = _period_label(_ENERGY_LABELS[register], first, last, split) + suffix
        energy.append(_line(label, register_wh / 1000, "kWh", price, amount))
    total_wh = sum(wh.get(register, 0) for register in row.energy_micro)
    accise_label = (
        "Accise sur le gaz naturel" if tariff is Tariff.GAS else "Accise sur l'électricité"
    )
    accise = [
        _line(
            _period_label(accise_label, first, last, split) + suffix,
            total_wh / 1_000_000,
            "MWh",
            row.accise_micro_per_mwh,
            round_half_up(total_wh * row.accise_micro_per_mwh, 10_000_000_000),
        )
    ]
    return energy, accise


def _piece_lines(
    tariff: Tariff,
    kva: int | None,
    first: date,
    last: date,
    row: PriceRow,
    wh: Mapping[Register, int],
    split: bool,
) -> tuple[list[InvoiceLine], list[InvoiceLine], list[InvoiceLine], list[InvoiceLine]]:
    """Subscription, energy, accise and CTA lines of one price period."""
    subscription, cta = _fixed_lines(tariff, kva, first, last, row, split)
    energy, accise = _energy_lines(tariff, first, last, row, wh, split)
    return subscription, energy, accise, cta


def energy_cost(tariff: Tariff, row: PriceRow, wh: Mapping[Register, int]) -> int:
    """What ``wh`` per register costs at ``row``, VAT included: the energy and accise lines an
    invoice would have for it (each rounded as on an invoice), plus their VAT. What consumed
    energy alone costs (the standby baseline a year, for instance), without subscription."""
    energy, accise = _energy_lines(tariff, row.effective, row.effective, row, wh, False)
    amount = sum(line.amount for line in (*energy, *accise))
    return amount + vat_of(amount)


def vat_of(amount_excl_tax: int) -> int:
    """INV-2: VAT at 20 % of the amount before tax, rounded half-up to the cent."""
    return round_half_up(amount_excl_tax * int(VAT_RATE_PCT), 100)


def compute_bill(
    rows: Sequence[PriceRow],
    tariff: Tariff,
    kva: int | None,
    start: date,
    end: date,
    energy: Mapping[Register, EnergySource],
    *,
    already_paid: int = 0,
    instalments: int = 0,
    estimated_from: date | None = None,
) -> Bill:
    """INV-2: the lines and totals of an invoice for ``start``..``end`` (inclusive), at the
    prices of ``rows`` (the tariff's dated table).

    ``energy`` gives, per register of the tariff, the Wh of each day (a ``DailySeries``, a mapping
    day → Wh, or a callable day → Wh); a register missing from it counts as zero.
    ``estimated_from``: the first day billed on an estimated index (the energy and accise lines
    are cut there and say so). ``already_paid`` (cents, VAT included): the ``instalments``
    debited during the period, deducted from the total by an annual settlement (DEBIT-4).
    """
    pieces = periods(rows, start, end)
    cut = estimated_from if estimated_from is not None and start < estimated_from <= end else None
    segments: list[tuple[date, date, PriceRow, bool]] = []
    for first, last, row in pieces:
        if cut is not None and first < cut <= last:
            segments.append((first, cut - timedelta(days=1), row, False))
            segments.append((cut, last, row, True))
        else:
            segments.append((first, last, row, cut is not None and first >= cut))
    subscriptions: list[InvoiceLine] = []
    ctas: list[InvoiceLine] = []
    for first, last, row in pieces:
        subscription, cta = _fixed_lines(tariff, kva, first, last, row, len(pieces) > 1)
        subscriptions.extend(subscription)
        ctas.extend(cta)
    energies: list[InvoiceLine] = []
    accises: list[InvoiceLine] = []
    for first, last, row, estimated in segments:
        wh = {
            register: period_wh(energy[register], first, last)
            for register in row.energy_micro
            if register in energy
        }
        lines, accise = _energy_lines(tariff, first, last, row, wh, len(segments) > 1, estimated)
        energies.extend(lines)
        accises.extend(accise)
    lines = (*subscriptions, *energies, *accises, *ctas)
    amount_excl_tax = sum(line.amount for line in lines)
    vat = vat_of(amount_excl_tax)
    return Bill(lines, amount_excl_tax, vat, amount_excl_tax + vat, already_paid, instalments)


def debit_instalment(annual_total_cents: int) -> int:
    """DEBIT-4: one of the 11 equal instalments covering the year, rounded up to the euro."""
    if annual_total_cents <= 0:
        return 0
    per_month = -(-annual_total_cents // INSTALMENTS_PER_YEAR)
    return -(-per_month // 100) * 100


def annual_cost_at(
    rows: Sequence[PriceRow],
    tariff: Tariff,
    kva: int | None,
    day: date,
    wh: Mapping[Register, int],
    days: int = DAYS_PER_YEAR,
) -> int:
    """DEBIT-4: what ``wh`` (a year's consumption per register) costs at the prices of ``day``.

    Subscription, energy, accise and CTA of one year, VAT included, all at one price row: the
    basis of a monthly direct-debit schedule (« computed at current prices »).
    """
    row = row_at(rows, day)
    last = day + timedelta(days=days - 1)
    groups = _piece_lines(tariff, kva, day, last, row, wh, False)
    taxed = sum(line.amount for group in groups for line in group)
    return taxed + vat_of(taxed)

"""« Pourquoi ce montant ? »: the difference between an invoice and an earlier one of the same
contract, split into number of days, consumption, prices and corrections of estimated readings.

Why on the client: the invoices' own lines say everything needed (quantities, unit prices,
amounts), and the measured consumption comes from ``Backend.consumption``; no second copy of the
billing rules is needed, so the explanation is the same against the fake and against a server.

What an invoice is reduced to (``Figures``), amounts before VAT in cents:

- ``fixed``: subscription and CTA (and any line of a kind this version does not know): they run
  with the days, not with the kWh;
- per register, the kWh billed ``E`` and their price ``p`` (energy line + the excise, shared by
  kWh): ``Σ E × p`` is exactly the energy and excise lines;
- per register, the kWh measured over the period ``M`` (the daily consumption the backend keeps);
  ``C = E − M`` is what the readings billed beyond (or short of) what was used: an estimated index
  corrected by a real one lands here. Without measured days, ``M = E`` (nothing to correct).

The split (``compare``) goes from the reference invoice to this one one factor at a time, the
others held, so that the steps telescope exactly (``r`` = days now / days then):

1. days: ``(r − 1) × (fixed₀ + Σ M₀ p₀)`` — the same daily use and prices over more or fewer days;
2. consumption: ``Σ (M₁ − r M₀) × p₀`` — more or less used per day, at the old prices;
3. corrections: ``Σ (C₁ − C₀) × p₀`` — readings that billed more or less than was used;
4. prices: ``fixed₁ − r fixed₀ + Σ E₁ × (p₁ − p₀)`` — dated prices, and a power (kVA) change.

Their sum is ``(fixed₁ + Σ E₁ p₁) − (fixed₀ + Σ E₀ p₀)``, the difference before VAT, in exact
fractions. A register one of the two invoices does not have is priced at the other's price (no
price effect for it). Each part is then taken VAT included (× 1.2) and rounded to the cent.

Rounding residue: the parts must add up to the difference of the two totals VAT included to the
cent, and those totals carry their own VAT rounding. The parts are rounded by the largest
remainder method (``split_exactly``): each is rounded down, then the cents still missing go one
by one to the parts whose dropped fractions were largest (ties: in the order days, consumption,
corrections, prices); when the rounding down overshoots (a VAT rounding), the cents are taken
back from the parts with the smallest fractions. No part moves by more than a cent or two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from geg_tui.api.models import Granularity, Invoice, Register

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

#: Invoice line codes (``InvoiceLine.label_code``) of energy, by register, and of the excise.
ENERGY_CODES: dict[str, Register] = {
    "energy_base": Register.BASE,
    "energy_hp": Register.HP,
    "energy_hc": Register.HC,
    "energy_gas": Register.GAS,
}
EXCISE_CODES = frozenset({"excise_electricity", "excise_gas"})


class Part(StrEnum):
    """The parts of a difference, in the order they are computed and shown."""

    DAYS = "jours"
    CONSUMPTION = "consommation"
    CORRECTIONS = "corrections"
    PRICES = "prix"


@dataclass(frozen=True, slots=True)
class Figures:
    """One invoice reduced to what the split needs (module docstring); cents before VAT, Wh."""

    ref: str
    period_start: date
    period_end: date
    total: int  # cents, VAT included: the consumption, before any instalment is deducted
    fixed: int
    energy: dict[Register, int]  # cents of the energy lines, per register
    excise: int
    billed_wh: dict[Register, int]
    measured_wh: dict[Register, int] | None = None
    vat_rate_pct: float = 20.0

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def billed_kwh(self) -> float:
        return sum(self.billed_wh.values()) / 1000

    @property
    def used_wh(self) -> dict[Register, int]:
        """What was measured over the period, or what was billed when nothing was measured."""
        return self.billed_wh if self.measured_wh is None else self.measured_wh

    @property
    def used_kwh(self) -> float:
        return sum(self.used_wh.values()) / 1000

    def prices(self) -> dict[Register, Fraction]:
        """Per register, cents before VAT per Wh: its energy line plus its share of the excise."""
        total_wh = sum(self.billed_wh.values())
        excise_per_wh = Fraction(self.excise, total_wh) if total_wh else Fraction(0)
        return {
            register: Fraction(self.energy.get(register, 0), wh) + excise_per_wh
            for register, wh in self.billed_wh.items()
            if wh
        }


def figures_of(invoice: Invoice, measured_wh: dict[Register, int] | None = None) -> Figures:
    """``invoice``'s lines summed by kind (module docstring). Lines without a code, or with a code
    that is neither energy nor excise, count as fixed: they do not follow the kWh."""
    fixed = excise = 0
    energy: dict[Register, int] = {}
    billed: dict[Register, int] = {}
    for line in invoice.lines:
        register = ENERGY_CODES.get(line.label_code or "")
        if register is not None:
            energy[register] = energy.get(register, 0) + line.amount
            billed[register] = billed.get(register, 0) + round(line.quantity * 1000)
        elif line.label_code in EXCISE_CODES:
            excise += line.amount
        else:
            fixed += line.amount
    if excise and not any(billed.values()):  # an excise on no kWh: it cannot follow the kWh
        fixed, excise = fixed + excise, 0
    vat = next((line.vat_rate_pct for line in invoice.lines if line.vat_rate_pct), 20.0)
    return Figures(
        ref=invoice.ref,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        total=invoice.total,
        fixed=fixed,
        energy=energy,
        excise=excise,
        billed_wh=billed,
        measured_wh=measured_wh,
        vat_rate_pct=vat,
    )


def split_exactly(shares: Sequence[Fraction], total: int) -> list[int]:
    """``shares`` rounded to integers that add up to ``total`` (largest remainder method).

    Each share is rounded down; the units still missing go one by one to the shares with the
    largest dropped fractions (ties: the first share first), cycling if there are more units
    than shares; units in excess are taken back from the smallest fractions first."""
    floors = [math.floor(share) for share in shares]
    if not floors:
        if total:
            raise ValueError("nothing to split a non-zero total into")
        return []
    remainders = [share - low for share, low in zip(shares, floors, strict=True)]
    missing = total - sum(floors)
    if missing >= 0:
        order = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
        step = 1
    else:
        order = sorted(range(len(shares)), key=lambda i: (remainders[i], i))
        step = -1
    for k in range(abs(missing)):
        floors[order[k % len(order)]] += step
    return floors


@dataclass(frozen=True, slots=True)
class Comparison:
    """``current`` against ``reference``: ``parts`` in cents VAT included, adding up exactly to
    ``difference`` (= current total − reference total)."""

    current: Figures
    reference: Figures
    parts: dict[Part, int]

    @property
    def difference(self) -> int:
        return self.current.total - self.reference.total

    @property
    def main_part(self) -> Part | None:
        """The part that weighs most, when there is a difference to speak of."""
        if not any(self.parts.values()):
            return None
        return max(self.parts, key=lambda part: abs(self.parts[part]))


def exact_parts(current: Figures, reference: Figures) -> dict[Part, Fraction]:
    """The four parts before VAT, in exact fractions of a cent (module docstring)."""
    ratio = Fraction(current.days, reference.days)
    p_now, p_then = current.prices(), reference.prices()
    registers = set(current.billed_wh) | set(reference.billed_wh)
    registers |= set(current.used_wh) | set(reference.used_wh)

    def price_then(register: Register) -> Fraction:
        return p_then.get(register, p_now.get(register, Fraction(0)))

    used_then, used_now = reference.used_wh, current.used_wh
    days = (ratio - 1) * (
        reference.fixed + sum(used_then.get(r, 0) * price_then(r) for r in registers)
    )
    consumption = sum(
        ((used_now.get(r, 0) - ratio * used_then.get(r, 0)) * price_then(r) for r in registers),
        Fraction(0),
    )

    def correction(figures: Figures, register: Register) -> int:
        return figures.billed_wh.get(register, 0) - figures.used_wh.get(register, 0)

    corrections = sum(
        ((correction(current, r) - correction(reference, r)) * price_then(r) for r in registers),
        Fraction(0),
    )
    prices = current.fixed - ratio * reference.fixed
    prices += sum(
        (
            current.billed_wh.get(r, 0) * (p_now.get(r, price_then(r)) - price_then(r))
            for r in registers
        ),
        Fraction(0),
    )
    return {
        Part.DAYS: days,
        Part.CONSUMPTION: consumption,
        Part.CORRECTIONS: corrections,
        Part.PRICES: prices,
    }


def compare(current: Figures, reference: Figures) -> Comparison:
    """Split ``current.total − reference.total`` into its parts (module docstring)."""
    exact = exact_parts(current, reference)
    vat = Fraction(100) + Fraction(current.vat_rate_pct).limit_denominator(1000)
    taxed = [share * vat / 100 for share in exact.values()]
    cents = split_exactly(taxed, current.total - reference.total)
    return Comparison(current, reference, dict(zip(exact, cents, strict=True)))


# --- which invoices to compare ----------------------------------------------------------------


def previous_of(invoice: Invoice, invoices: Sequence[Invoice]) -> Invoice | None:
    """The invoice of the same contract whose period ended last before this one's began."""
    earlier = [
        other
        for other in invoices
        if other.contract_ref == invoice.contract_ref
        and other.ref != invoice.ref
        and other.period_end < invoice.period_start
    ]
    return max(earlier, key=lambda other: other.period_end, default=None)


def _shift_year(day: date, years: int = -1) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def year_before_of(invoice: Invoice, invoices: Sequence[Invoice]) -> Invoice | None:
    """The invoice of the same contract that covers most of the same period a year before (at
    least half of it): seasons compare with the same seasons."""
    start, end = _shift_year(invoice.period_start), _shift_year(invoice.period_end)
    days = (end - start).days + 1

    def overlap(other: Invoice) -> int:
        first, last = max(start, other.period_start), min(end, other.period_end)
        return max(0, (last - first).days + 1)

    candidates = [
        other
        for other in invoices
        if other.contract_ref == invoice.contract_ref
        and other.ref != invoice.ref
        and overlap(other) * 2 >= days
    ]
    return max(candidates, key=overlap, default=None)


# --- from the backend ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Explanation:
    """What « Pourquoi ce montant ? » shows for ``invoice``: against the previous invoice and
    against the same period a year before (``None`` when there is no such invoice; the same
    comparison twice when the previous invoice is the one of a year before, as for yearly
    settlements)."""

    invoice: Invoice
    previous: Comparison | None
    year_before: Comparison | None

    @property
    def same_reference(self) -> bool:
        return (
            self.previous is not None
            and self.year_before is not None
            and self.previous.reference.ref == self.year_before.reference.ref
        )


async def measured_wh(
    backend: Backend, token: str, invoice: Invoice, first_day: date | None, last_day: date | None
) -> dict[Register, int] | None:
    """The Wh measured over ``invoice``'s period, per register, or ``None`` when the backend
    does not keep every day of it (the readings are then taken as the use)."""
    if first_day is None or last_day is None:
        return None
    if invoice.period_start < first_day or invoice.period_end > last_day:
        return None
    series = await backend.consumption(
        token, invoice.contract_ref, invoice.period_start, invoice.period_end, Granularity.DAY
    )
    return {register: sum(values) for register, values in series.wh.items()}


async def explain_invoice(backend: Backend, token: str, ref: str) -> Explanation:
    """Fetch ``ref``, the invoices it is compared with and their measured days, and split the
    differences. The invoices come from ``get_invoice`` (their lines); the list only finds
    them (INV-5: the last five years)."""
    invoice = await backend.get_invoice(token, ref)
    page = await backend.list_invoices(token, contract_ref=invoice.contract_ref)
    listed = [other for other in page.invoices if other.ref != invoice.ref]
    known = await backend.consumption_range(token, invoice.contract_ref)
    cache: dict[str, Figures] = {}

    async def figures(target: Invoice) -> Figures:
        if target.ref not in cache:
            full = (
                target
                if target.ref == invoice.ref
                else await backend.get_invoice(token, target.ref)
            )
            measured = await measured_wh(backend, token, full, known.first, known.last)
            cache[target.ref] = figures_of(full, measured)
        return cache[target.ref]

    comparisons: list[Comparison | None] = []
    for reference in (previous_of(invoice, listed), year_before_of(invoice, listed)):
        if reference is None:
            comparisons.append(None)
            continue
        comparisons.append(compare(await figures(invoice), await figures(reference)))
    return Explanation(invoice, comparisons[0], comparisons[1])

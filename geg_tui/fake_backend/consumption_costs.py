"""What consumed energy costs (CONSO-2): integer arithmetic shared by every consumption view.

A cost is the energy price of each register plus the accise, VAT (20 %) included, at the prices
in force on the day (``prices``). The subscription, the CTA and any instalment are not part of a
consumption cost: they do not depend on what was consumed, and they are on the invoices.

All in integers: Wh × (µ€/kWh × 1000 + µ€/MWh) is in 10⁻¹² €, i.e. 10⁻¹⁰ cent; × (100 + VAT) / 100
for the VAT; one half-up rounding to the cent per point, so day, month and year costs of the same
days agree to within the rounding of their points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from operator import add, floordiv, mul

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend.billing import round_half_up
from geg_tui.fake_backend.prices import VAT_RATE_PCT, PriceRow, price_periods

_SCALE = 10**10
_VAT_NUM = 100 + int(VAT_RATE_PCT)
_VAT_DEN = 100

# ``cost_cents`` of a non-negative numerator as one integer division, for whole columns:
# round_half_up(n × VAT, D) = (2 n VAT + D) // 2D = (n VAT + D/2) // D, D being even.
_COST_DEN = _SCALE * _VAT_DEN
_COST_HALF = _COST_DEN // 2
assert _COST_DEN % 2 == 0


def factors(row: PriceRow, registers: Sequence[Register]) -> tuple[int, ...]:
    """Per register, the price of one Wh in 10⁻¹² € (energy + accise, before VAT)."""
    return tuple(
        row.energy_micro.get(register, 0) * 1000 + row.accise_micro_per_mwh
        for register in registers
    )


def cost_cents(numerator: int) -> int:
    """10⁻¹² € before VAT (Σ Wh × factor) → cents VAT included, rounded half-up."""
    return round_half_up(numerator * _VAT_NUM, _COST_DEN)


def daily_costs(
    tariff: Tariff,
    registers: Sequence[Register],
    first: date,
    last: date,
    columns: Mapping[Register, Sequence[int]],
) -> list[int]:
    """The cost of each day of ``first``..``last`` from its Wh per register (``columns[r][i]`` is
    day ``first + i``): ``cost_cents`` of Σ Wh × factor, a price period at a time, whole columns
    through ``map`` (C) rather than a Python loop per day."""
    costs: list[int] = []
    negative = any(min(columns[r], default=0) < 0 for r in registers)
    for lo, hi, row in price_periods(tariff, first, last):
        i, j = (lo - first).days, (hi - first).days + 1
        prices = factors(row, registers)
        if negative:  # never in practice (Wh are counts); the exact rounding of any sign
            slices = [columns[r][i:j] for r in registers]
            costs.extend(
                cost_cents(sum(v * f for v, f in zip(vs, prices, strict=True)))
                for vs in zip(*slices, strict=True)
            )
            continue
        numerators: Iterable[int] = repeat(_COST_HALF, j - i)
        for register, factor in zip(registers, prices, strict=True):
            numerators = map(
                add, numerators, map(mul, columns[register][i:j], repeat(factor * _VAT_NUM))
            )
        costs.extend(map(floordiv, numerators, repeat(_COST_DEN)))
    return costs


def cost_column(numerators: Sequence[int]) -> tuple[int, ...]:
    """``cost_cents`` of each numerator: one ``map`` chain when none is negative (always, for
    Wh counts), the exact rounding of any sign otherwise."""
    if min(numerators, default=0) < 0:
        return tuple(map(cost_cents, numerators))
    scaled = map(mul, numerators, repeat(_VAT_NUM))
    return tuple(map(floordiv, map(add, scaled, repeat(_COST_HALF)), repeat(_COST_DEN)))

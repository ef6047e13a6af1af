"""The fake backend's invoices, computed by the shared ``geg_tui.tariffs.billing`` (INV-2,
DEBIT-4) at the fake's own dated prices (``prices.PRICE_TABLES``).

Why a binding and not the arithmetic: the simulator screen redoes invoices from the customer's
load curve with the same code, so the rules live once, in ``geg_tui.tariffs``; this module only
says which table the fake bills with. Its names are those the fake's rules always imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend.prices import PRICE_TABLES
from geg_tui.tariffs import billing
from geg_tui.tariffs.billing import (
    DAYS_PER_YEAR,
    ESTIMATED_SUFFIX,
    INSTALMENTS_PER_YEAR,
    VAT_LABEL,
    Bill,
    DailySeries,
    EnergySource,
    debit_instalment,
    line_code,
    period_wh,
    round_half_up,
    vat_of,
)

__all__ = [
    "DAYS_PER_YEAR",
    "ESTIMATED_SUFFIX",
    "INSTALMENTS_PER_YEAR",
    "VAT_LABEL",
    "Bill",
    "DailySeries",
    "EnergySource",
    "annual_cost_at",
    "compute_bill",
    "debit_instalment",
    "line_code",
    "period_wh",
    "round_half_up",
    "vat_of",
]


def compute_bill(
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
    """INV-2: ``tariffs.billing.compute_bill`` at the fake's prices of ``tariff``."""
    return billing.compute_bill(
        PRICE_TABLES[tariff],
        tariff,
        kva,
        start,
        end,
        energy,
        already_paid=already_paid,
        instalments=instalments,
        estimated_from=estimated_from,
    )


def annual_cost_at(
    tariff: Tariff,
    kva: int | None,
    day: date,
    wh: Mapping[Register, int],
    days: int = DAYS_PER_YEAR,
) -> int:
    """DEBIT-4: ``tariffs.billing.annual_cost_at`` at the fake's prices of ``tariff``."""
    return billing.annual_cost_at(PRICE_TABLES[tariff], tariff, kva, day, wh, days)

"""Dated price tables of the fake backend (INV-2), as plain data.

Why plain data: an invoice must be reproducible from its period alone, and a tester must be able
to check an amount by hand. So every tariff is a tuple of ``PriceRow`` sorted by ``effective``
date; a row applies from its date until the next row's date (the last row applies forever, the
first one also to the days before it, so an early demo start never crashes). ``price_at`` picks
the row of a day with a bisect; ``price_periods`` cuts a billed period at the price changes.

Units (all excluding VAT, all integers so that no float ever reaches a total):

- ``energy_micro``: price per kWh for each register, in micro-euros (``131_700`` = 0,1317 €/kWh);
- ``subscription_micro``: subscription per month in micro-euros, by subscribed power in kVA
  (6, 9, 12) for electricity; gas has one amount and no power;
- ``cta_micro``: « Contribution tarifaire d'acheminement » per month, electricity only (0 for gas);
- ``accise_micro_per_mwh``: the excise (accise, formerly CSPE / TICGN) per MWh, in micro-euros.

Calendar: electricity (Tarif Bleu Base, HP/HC and the market offer) changes on 1 February and
1 August, from 2020-02-01 to 2026-08-01; gas changes on 1 January and 1 July, from 2020-01-01 to
2026-07-01. The values are plausible, not official: 2026 lands on the orders of magnitude of
RULES.md INV-2 once VAT (20 %) and accise are added — Base ≈ 0,194 €/kWh, HP/HC ≈ 0,208 / 0,164,
6 kVA subscription + CTA ≈ 15,50 €/month, gas ≈ 0,114 €/kWh and ≈ 24 €/month — earlier years are
a little cheaper, and the electricity accise is 1 €/MWh from February 2022 to January 2024 (the
« bouclier tarifaire »). The market offer is the regulated Base table with energy 5 % and
subscription 2 % cheaper, same taxes.
"""

from __future__ import annotations

from datetime import date

from geg_tui.api.models import Energy, PriceRow, PriceTable, PriceTables, Register, Tariff
from geg_tui.tariffs import grid
from geg_tui.tariffs.billing import VAT_RATE_PCT

__all__ = ["PRICE_TABLES", "VAT_RATE_PCT", "PriceRow", "price_at", "price_periods", "published"]


# Regulated electricity (Tarif Bleu), one line per change:
# (year, month, Base, HP, HC  [µ€/kWh],  subscription 6, 9, 12 kVA  [µ€/month],  CTA [µ€/month],
#  accise [µ€/MWh])
_BLUE = (
    (2020, 2, 101_200, 110_110, 81_970, 9_350_000, 11_800_000, 14_200_000, 1_050_000, 22_500_000),
    (2020, 8, 103_900, 113_040, 84_160, 9_520_000, 12_020_000, 14_460_000, 1_070_000, 22_500_000),
    (2021, 2, 104_700, 113_910, 84_810, 9_700_000, 12_230_000, 14_720_000, 1_090_000, 22_500_000),
    (2021, 8, 107_200, 116_630, 86_830, 9_870_000, 12_450_000, 14_970_000, 1_110_000, 22_500_000),
    (2022, 2, 127_300, 138_500, 103_110, 10_040_000, 12_660_000, 15_230_000, 1_130_000, 1_000_000),
    (2022, 8, 127_300, 138_500, 103_110, 10_220_000, 12_880_000, 15_490_000, 1_150_000, 1_000_000),
    (2023, 2, 147_200, 160_150, 119_230, 10_390_000, 13_090_000, 15_750_000, 1_170_000, 1_000_000),
    (2023, 8, 158_500, 172_450, 128_390, 10_560_000, 13_310_000, 16_000_000, 1_200_000, 1_000_000),
    (2024, 2, 133_400, 145_140, 108_050, 10_730_000, 13_520_000, 16_260_000, 1_220_000, 21_000_000),
    (2024, 8, 134_900, 146_770, 109_270, 10_910_000, 13_740_000, 16_520_000, 1_240_000, 21_000_000),
    (2025, 2, 118_300, 128_710, 95_820, 11_080_000, 13_950_000, 16_780_000, 1_260_000, 33_700_000),
    (2025, 8, 124_600, 135_560, 100_930, 11_250_000, 14_170_000, 17_030_000, 1_280_000, 29_980_000),
    (2026, 2, 129_400, 140_790, 104_810, 11_430_000, 14_380_000, 17_290_000, 1_300_000, 30_850_000),
    (2026, 8, 131_700, 143_290, 106_680, 11_600_000, 14_600_000, 17_550_000, 1_320_000, 29_980_000),
)

# Gas: (year, month, energy [µ€/kWh], subscription [µ€/month], accise [µ€/MWh])
_GAS = (
    (2020, 1, 52_000, 13_200_000, 8_450_000),
    (2020, 7, 48_000, 13_450_000, 8_450_000),
    (2021, 1, 55_000, 13_700_000, 8_430_000),
    (2021, 7, 66_000, 14_000_000, 8_430_000),
    (2022, 1, 88_000, 14_400_000, 8_410_000),
    (2022, 7, 90_000, 14_900_000, 8_410_000),
    (2023, 1, 98_000, 15_500_000, 8_370_000),
    (2023, 7, 92_000, 16_100_000, 8_370_000),
    (2024, 1, 84_000, 16_800_000, 16_370_000),
    (2024, 7, 76_000, 17_400_000, 16_370_000),
    (2025, 1, 80_000, 18_100_000, 17_160_000),
    (2025, 7, 77_000, 18_700_000, 15_430_000),
    (2026, 1, 80_500, 19_300_000, 16_390_000),
    (2026, 7, 78_500, 19_800_000, 16_390_000),
)

MARKET_ENERGY_FACTOR = 0.95
MARKET_SUBSCRIPTION_FACTOR = 0.98


def _round_to(value: float, step: int) -> int:
    return int(value / step + 0.5) * step


def _blue_rows(registers: tuple[Register, ...]) -> tuple[PriceRow, ...]:
    rows = []
    for year, month, base, hp, hc, s6, s9, s12, cta, accise in _BLUE:
        by_register = {Register.BASE: base, Register.HP: hp, Register.HC: hc}
        rows.append(
            PriceRow(
                effective=date(year, month, 1),
                energy_micro={r: by_register[r] for r in registers},
                powers_kva=(6, 9, 12),
                subscription_micro=(s6, s9, s12),
                cta_micro=cta,
                accise_micro_per_mwh=accise,
            )
        )
    return tuple(rows)


def _market_rows() -> tuple[PriceRow, ...]:
    """The market offer follows the regulated Base calendar, a little cheaper."""
    return tuple(
        PriceRow(
            effective=row.effective,
            energy_micro={
                Register.BASE: _round_to(row.energy_micro[Register.BASE] * MARKET_ENERGY_FACTOR, 10)
            },
            powers_kva=row.powers_kva,
            subscription_micro=tuple(
                _round_to(amount * MARKET_SUBSCRIPTION_FACTOR, 10_000)
                for amount in row.subscription_micro
            ),
            cta_micro=row.cta_micro,
            accise_micro_per_mwh=row.accise_micro_per_mwh,
        )
        for row in _blue_rows((Register.BASE,))
    )


def _gas_rows() -> tuple[PriceRow, ...]:
    return tuple(
        PriceRow(
            effective=date(year, month, 1),
            energy_micro={Register.GAS: energy},
            powers_kva=(),
            subscription_micro=(subscription,),
            cta_micro=0,
            accise_micro_per_mwh=accise,
        )
        for year, month, energy, subscription, accise in _GAS
    )


PRICE_TABLES: dict[Tariff, tuple[PriceRow, ...]] = {
    Tariff.BLUE_BASE: _blue_rows((Register.BASE,)),
    Tariff.BLUE_HPHC: _blue_rows((Register.HP, Register.HC)),
    Tariff.MARKET_ELEC: _market_rows(),
    Tariff.GAS: _gas_rows(),
}


def price_at(tariff: Tariff, day: date) -> PriceRow:
    """The row of ``tariff`` in force on ``day`` (``grid.row_at`` over the fake's table)."""
    return grid.row_at(PRICE_TABLES[tariff], day)


def price_periods(tariff: Tariff, start: date, end: date) -> list[tuple[date, date, PriceRow]]:
    """``start``..``end`` cut at each price change of ``tariff`` (``grid.periods``)."""
    return grid.periods(PRICE_TABLES[tariff], start, end)


def published(energy: Energy) -> PriceTables:
    """INV-2: the grid of ``energy`` as ``Backend.price_tables`` publishes it — the very rows
    the invoices are computed with, so a client can redo any amount."""
    return PriceTables(
        energy=energy,
        vat_rate_pct=VAT_RATE_PCT,
        tables=tuple(
            PriceTable(tariff, rows)
            for tariff, rows in PRICE_TABLES.items()
            if tariff.energy is energy
        ),
    )

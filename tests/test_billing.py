"""Invoice arithmetic and price tables (INV-2, DEBIT-4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend.billing import (
    ESTIMATED_SUFFIX,
    DailySeries,
    compute_bill,
    debit_instalment,
    round_half_up,
)
from geg_tui.fake_backend.prices import PRICE_TABLES, price_at, price_periods


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _flat(start: date, end: date, wh: int) -> dict[date, int]:
    return dict.fromkeys(_days(start, end), wh)


def _ttc_per_kwh(tariff: Tariff, register: Register, day: date) -> float:
    row = price_at(tariff, day)
    return (row.energy_micro[register] + row.accise_micro_per_mwh / 1000) * 1.2 / 1_000_000


def test_inv_2_prices_picked_by_date() -> None:
    # INV-2: electricity changes on 1 February and 1 August, gas on 1 January and 1 July.
    assert price_at(Tariff.BLUE_BASE, date(2026, 1, 31)).effective == date(2025, 8, 1)
    assert price_at(Tariff.BLUE_BASE, date(2026, 2, 1)).effective == date(2026, 2, 1)
    assert price_at(Tariff.BLUE_BASE, date(2030, 1, 1)).effective == date(2026, 8, 1)
    assert price_at(Tariff.GAS, date(2024, 6, 30)).effective == date(2024, 1, 1)
    assert price_at(Tariff.GAS, date(2024, 7, 1)).effective == date(2024, 7, 1)
    blue_dates = [row.effective for row in PRICE_TABLES[Tariff.BLUE_HPHC]]
    assert blue_dates[0] == date(2020, 2, 1) and blue_dates[-1] == date(2026, 8, 1)
    assert all(d.day == 1 and d.month in (2, 8) for d in blue_dates)
    assert [r.effective for r in PRICE_TABLES[Tariff.MARKET_ELEC]] == blue_dates
    assert all(r.effective.month in (1, 7) for r in PRICE_TABLES[Tariff.GAS])


def test_inv_2_orders_of_magnitude_2026() -> None:
    day = date(2026, 9, 1)
    assert _ttc_per_kwh(Tariff.BLUE_BASE, Register.BASE, day) == pytest.approx(0.194, abs=0.005)
    assert _ttc_per_kwh(Tariff.BLUE_HPHC, Register.HP, day) == pytest.approx(0.208, abs=0.005)
    assert _ttc_per_kwh(Tariff.BLUE_HPHC, Register.HC, day) == pytest.approx(0.164, abs=0.005)
    assert 0.10 <= _ttc_per_kwh(Tariff.GAS, Register.GAS, day) <= 0.13
    row = price_at(Tariff.BLUE_BASE, day)
    assert (row.subscription_for(6) + row.cta_micro) * 1.2 / 1e6 == pytest.approx(15.5, abs=0.3)
    gas_sub = price_at(Tariff.GAS, day).subscription_for(None) * 1.2 / 1e6
    assert 12 <= gas_sub <= 29
    market = price_at(Tariff.MARKET_ELEC, day).energy_micro[Register.BASE]
    assert market < row.energy_micro[Register.BASE]
    # The tariff shield: accise at 1 €/MWh in 2022–2023.
    assert price_at(Tariff.BLUE_BASE, date(2023, 3, 1)).accise_micro_per_mwh == 1_000_000


def test_inv_2_price_periods_cut_at_changes() -> None:
    pieces = price_periods(Tariff.BLUE_BASE, date(2025, 12, 15), date(2026, 8, 14))
    assert [(a, b) for a, b, _ in pieces] == [
        (date(2025, 12, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 7, 31)),
        (date(2026, 8, 1), date(2026, 8, 14)),
    ]


def test_inv_2_total_is_sum_of_lines_plus_vat_and_vat_is_20_percent() -> None:
    start, end = date(2026, 3, 1), date(2026, 4, 30)
    bill = compute_bill(Tariff.BLUE_BASE, 6, start, end, {Register.BASE: _flat(start, end, 9_876)})
    assert bill.amount_excl_tax == sum(line.amount for line in bill.lines)
    assert bill.total == bill.amount_excl_tax + bill.vat
    assert bill.vat == round_half_up(bill.amount_excl_tax * 20, 100)
    assert all(line.vat_rate_pct == 20.0 for line in bill.lines)
    labels = [line.label for line in bill.lines]
    assert labels == [
        "Abonnement 6 kVA",
        "Consommation",
        "Accise sur l'électricité",
        "Contribution tarifaire d'acheminement (CTA)",
    ]


def test_inv_2_period_spanning_1_february_has_two_energy_lines_at_two_prices() -> None:
    start, end = date(2026, 1, 10), date(2026, 3, 9)
    energy = {Register.HP: _flat(start, end, 10_000), Register.HC: _flat(start, end, 5_000)}
    bill = compute_bill(Tariff.BLUE_HPHC, 9, start, end, energy)
    hp_lines = [line for line in bill.lines if line.label.startswith("Consommation heures pleines")]
    assert len(hp_lines) == 2
    before, after = (
        price_at(Tariff.BLUE_HPHC, date(2026, 1, 31)),
        price_at(Tariff.BLUE_HPHC, date(2026, 2, 1)),
    )
    assert [line.unit_price_micro for line in hp_lines] == [
        before.energy_micro[Register.HP],
        after.energy_micro[Register.HP],
    ]
    # 22 days in January at the old price, 37 days from 1 February at the new one.
    assert [line.quantity for line in hp_lines] == [220.0, 370.0]
    assert hp_lines[0].amount == round_half_up(220_000 * before.energy_micro[Register.HP], 10**7)
    assert "du 10/01/2026 au 31/01/2026" in hp_lines[0].label
    assert len([line for line in bill.lines if line.label.startswith("Abonnement")]) == 2
    assert bill.total == sum(line.amount for line in bill.lines) + bill.vat


def test_inv_2_subscription_pro_rata_of_days() -> None:
    start, end = date(2025, 8, 1), date(2026, 1, 31)  # 184 days, one price period
    bill = compute_bill(Tariff.BLUE_BASE, 6, start, end, {Register.BASE: {}})
    row = price_at(Tariff.BLUE_BASE, start)
    subscription = bill.lines[0]
    assert subscription.amount == round_half_up(row.subscription_for(6) * 12 * 184, 365 * 10_000)


def test_inv_2_energy_sources_are_equivalent() -> None:
    start, end = date(2024, 12, 20), date(2025, 2, 10)
    values = {day: 1_000 + day.toordinal() % 977 for day in _days(start, end)}
    origin = start - timedelta(days=3)
    series = DailySeries.from_values(origin, [0, 0, 0, *values.values()])
    bills = [
        compute_bill(Tariff.GAS, None, start, end, {Register.GAS: source})
        for source in (values, values.__getitem__, series)
    ]
    assert bills[0] == bills[1] == bills[2]


def test_inv_2_gas_has_no_cta_and_a_gas_accise() -> None:
    start, end = date(2025, 5, 1), date(2025, 8, 31)
    bill = compute_bill(Tariff.GAS, None, start, end, {Register.GAS: _flat(start, end, 20_000)})
    labels = " ".join(line.label for line in bill.lines)
    assert "CTA" not in labels
    assert "Accise sur le gaz naturel" in labels
    assert bill.total == bill.amount_excl_tax + bill.vat


def test_inv_2_round_half_up() -> None:
    assert round_half_up(5, 10) == 1
    assert round_half_up(4, 10) == 0
    assert round_half_up(15, 10) == 2
    assert round_half_up(-15, 10) == -2


def test_debit_4_instalment_is_an_eleventh_rounded_up_to_the_euro() -> None:
    assert debit_instalment(110_000) == 10_000
    assert debit_instalment(110_001) == 10_100
    assert debit_instalment(0) == 0
    assert 11 * debit_instalment(123_456) >= 123_456


def test_debit_4_settlement_deducts_the_instalments_after_tax_not_as_a_line() -> None:
    """The instalments were paid VAT included: they come after the consumption's total, as the
    bill's ``already_paid``, never as a line before tax (the lines stay what the energy costs)."""
    start, end = date(2025, 3, 1), date(2026, 2, 28)
    energy = {Register.BASE: _flat(start, end, 11_000)}
    gross = compute_bill(Tariff.BLUE_BASE, 6, start, end, energy)
    paid = 11 * debit_instalment(gross.total)
    bill = compute_bill(Tariff.BLUE_BASE, 6, start, end, energy, already_paid=paid, instalments=11)
    assert bill.lines == gross.lines and all(line.amount > 0 for line in bill.lines)
    assert bill.amount_excl_tax == sum(line.amount for line in bill.lines) == gross.amount_excl_tax
    assert bill.vat == round_half_up(bill.amount_excl_tax * 20, 100) == gross.vat
    assert bill.total == bill.amount_excl_tax + bill.vat == gross.total
    assert (bill.already_paid, bill.instalments) == (paid, 11)
    assert bill.balance == bill.total - paid
    # Instalments above the cost: a credit in the customer's favour.
    more = compute_bill(Tariff.BLUE_BASE, 6, start, end, energy, already_paid=gross.total + 1_234)
    assert more.balance == -1_234 and more.total == gross.total


def test_inv_2_meter_5_days_after_the_reading_are_billed_as_estimated() -> None:
    """Item 2 of « Correctness first »: energy and accise are cut at the first estimated day and
    the estimated lines say so; the subscription is not cut (it does not depend on readings)."""
    start, end = date(2026, 11, 1), date(2026, 12, 31)
    energy = {Register.GAS: _flat(start, end, 50_000)}
    plain = compute_bill(Tariff.GAS, None, start, end, energy)
    bill = compute_bill(Tariff.GAS, None, start, end, energy, estimated_from=date(2026, 11, 30))
    labels = [line.label for line in bill.lines]
    assert labels == [
        "Abonnement",
        "Consommation de gaz naturel du 01/11/2026 au 29/11/2026",
        "Consommation de gaz naturel du 30/11/2026 au 31/12/2026" + ESTIMATED_SUFFIX,
        "Accise sur le gaz naturel du 01/11/2026 au 29/11/2026",
        "Accise sur le gaz naturel du 30/11/2026 au 31/12/2026" + ESTIMATED_SUFFIX,
    ]
    assert "estimé" in ESTIMATED_SUFFIX
    assert [line.quantity for line in bill.lines[1:3]] == [29 * 50.0, 32 * 50.0]
    assert bill.lines[0] == plain.lines[0]
    assert bill.amount_excl_tax == sum(line.amount for line in bill.lines)
    assert bill.vat == round_half_up(bill.amount_excl_tax * 20, 100)
    # Nothing estimated when the reading is the period's last day.
    assert (
        compute_bill(Tariff.GAS, None, start, end, energy, estimated_from=end + timedelta(1))
        == plain
    )

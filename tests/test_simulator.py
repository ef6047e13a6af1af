"""The simulator's arithmetic (issue 15): the code that bills, priced on the customer's curve.

The proof that it is the same code: simulating the contract's own option over each past
invoice's period, from the curve the backend gives (or, without a Linky meter, the daily
consumption), gives that invoice's amount before tax, to the cent, for every invoice of every
electricity contract of the demo world.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from geg_tui.api.models import Energy, PriceTables, Register, Tariff
from geg_tui.fake_backend import admin, consumption, load_curves, prices
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.tariffs import billing, curve, simulate
from geg_tui.tariffs.billing import DailySeries
from tests.conftest import START

TODAY = START.date()


def fetched_curve(db, today: date, contract, first: date, last: date) -> list[int]:
    """The curve of ``first``..``last`` as a client gets it: pieces of at most 31 days."""
    assert simulate.PIECE_DAYS == load_curves.MAX_DAYS
    watts: list[int] = []
    for lo, hi in simulate.pieces(first, last):
        watts.extend(load_curves.curve(db, today, contract, lo, hi).watts)
    return watts


def every_invoice_found_again(
    backend: FakeBackend, today: date, since: date, *, linky_only: bool = False
) -> dict[bool, int]:
    """Simulate each electricity contract's own option over each invoice's period (issued from
    ``since`` on): the amount before tax must be the invoice's, to the cent. Returns how many
    invoices were checked, Linky (True) or not."""
    tables = prices.published(Energy.ELECTRICITY)
    checked = {True: 0, False: 0}
    with backend.store.read() as db:
        contracts = db.all("SELECT * FROM contracts WHERE energy = 'electricite' ORDER BY id")
        assert {bool(c["communicating"]) for c in contracts} == {True, False}
        for contract in contracts:
            if linky_only and not contract["communicating"]:
                continue
            tariff, kva = Tariff(contract["tariff"]), contract["power_kva"]
            invoices = db.all(
                "SELECT period_start, period_end, amount_excl_tax FROM invoices "
                "WHERE contract_id = ? AND issue_date >= ? ORDER BY period_start",
                (contract["id"], since.isoformat()),
            )
            for invoice in invoices:
                first = date.fromisoformat(invoice["period_start"])
                last = date.fromisoformat(invoice["period_end"])
                if contract["communicating"]:
                    watts = fetched_curve(db, today, contract, first, last)
                    assert len(watts) == 48 * ((last - first).days + 1)
                    bill = simulate.price_option(tables, tariff, kva, first, watts)
                else:  # no curve: the same arithmetic on the daily consumption
                    days = consumption.series(db, today, contract, first, last, "jour", False)
                    energy = {r: DailySeries.from_values(first, v) for r, v in days.wh.items()}
                    bill = billing.compute_bill(
                        tables.rows(tariff), tariff, kva, first, last, energy
                    )
                assert bill.amount_excl_tax == invoice["amount_excl_tax"], (
                    contract["ref"],
                    invoice["period_start"],
                )
                checked[bool(contract["communicating"])] += 1
    return checked


def test_inv_2_simulating_the_current_option_gives_every_past_invoice(
    backend: FakeBackend,
) -> None:
    checked = every_invoice_found_again(backend, TODAY, date(2000, 1, 1))
    assert checked[True] >= 30 and checked[False] >= 30


def test_inv_2_and_the_invoices_the_world_issues_after_a_clock_advance(
    backend: FakeBackend,
) -> None:
    """Not only the seeded history: the invoices the running world issues later (SIM-2) for a
    Linky meter are billed on the quantity its curve gives, so the simulator finds them again.
    (A meter without a curve is billed on its index, in whole kWh, as a real one is: its
    invoices are not the simulator's to reproduce, and it has no curve to simulate on.)"""
    admin.advance(backend, timedelta(days=200))
    today = TODAY + timedelta(days=200)
    checked = every_invoice_found_again(backend, today, TODAY + timedelta(days=1), linky_only=True)
    assert checked[True] >= 4


def _flat_tables() -> PriceTables:
    """The fake's published grid (the simulator reads nothing else)."""
    return prices.published(Energy.ELECTRICITY)


def _curve(days: int, night: int, day: int, evening: int) -> list[int]:
    """A generated curve: ``night`` W 00:00–06:00, ``day`` W 06:00–18:00, ``evening`` W
    18:00–22:00, ``night`` W 22:00–24:00, every day."""
    one = [night] * 12 + [day] * 24 + [evening] * 8 + [night] * 4
    return one * days


def test_simulator_options_from_the_power_above_the_peak_cheapest_first() -> None:
    tables = _flat_tables()
    first = date(2025, 11, 1)
    watts = _curve(365, 300, 800, 7_400)  # peak 7,4 kW: 6 kVA is too small
    result = simulate.simulate(tables, Tariff.BLUE_BASE, 6, first, watts)
    assert result.peak is not None and result.peak.watts == 7_400
    assert result.days == 365 and result.last == date(2026, 10, 31)
    powers = {(o.tariff, o.kva) for o in result.options}
    assert powers == {
        (Tariff.BLUE_BASE, 9),
        (Tariff.BLUE_BASE, 12),
        (Tariff.BLUE_HPHC, 9),
        (Tariff.BLUE_HPHC, 12),
        (Tariff.BLUE_BASE, 6),  # today's option is always priced, even below the peak
    }
    totals = [o.total for o in result.options]
    assert totals == sorted(totals)
    current = result.current
    assert current is not None and (current.tariff, current.kva) == (Tariff.BLUE_BASE, 6)
    # A bigger power of the same option costs only more subscription.
    by = {(o.tariff, o.kva): o for o in result.options}
    assert by[(Tariff.BLUE_BASE, 9)].total > by[(Tariff.BLUE_BASE, 6)].total
    assert result.saving(by[(Tariff.BLUE_BASE, 9)]) < 0
    # Each figure is the billing code's total over those days, nothing else.
    again = simulate.price_option(tables, Tariff.BLUE_HPHC, 9, first, watts)
    assert by[(Tariff.BLUE_HPHC, 9)].total == again.total
    # The market offer is compared only for a customer already on it (the question is Base or
    # HP/HC, at which power).
    assert Tariff.MARKET_ELEC not in {o.tariff for o in result.options}
    market = simulate.simulate(tables, Tariff.MARKET_ELEC, 9, first, watts)
    assert Tariff.MARKET_ELEC in {o.tariff for o in market.options}


def test_simulator_hphc_wins_on_a_night_heavy_curve_and_base_on_a_day_heavy_one() -> None:
    tables = _flat_tables()
    first = date(2025, 11, 1)
    night = simulate.simulate(tables, Tariff.BLUE_BASE, 9, first, _curve(365, 3_000, 300, 300))
    day = simulate.simulate(tables, Tariff.BLUE_HPHC, 9, first, _curve(365, 100, 1_500, 1_500))
    assert night.cheapest is not None and night.cheapest.tariff is Tariff.BLUE_HPHC
    assert day.cheapest is not None and day.cheapest.tariff is Tariff.BLUE_BASE
    assert night.saving(night.cheapest) > 0


def test_simulator_beyond_every_power_prices_only_the_current_option() -> None:
    first = date(2026, 1, 1)
    result = simulate.simulate(
        _flat_tables(), Tariff.BLUE_BASE, 12, first, _curve(30, 1, 1, 13_000)
    )
    assert [(o.tariff, o.kva) for o in result.options] == [(Tariff.BLUE_BASE, 12)]
    empty = simulate.simulate(_flat_tables(), Tariff.BLUE_BASE, 6, first, [])
    assert empty.options == () and empty.peak is None


def test_tariffs_import_neither_textual_nor_the_fake_backend() -> None:
    code = (
        "import sys, geg_tui.tariffs.simulate, geg_tui.tariffs.curve;"
        "bad = [m for m in sys.modules if m.startswith(('textual', 'geg_tui.fake_backend'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_register_split_is_the_billing_one() -> None:
    values = list(range(48))
    wh = curve.register_wh(values, Tariff.BLUE_HPHC)
    assert wh[Register.HP] * 2 == sum(values[12:44])
    assert wh[Register.HP] + wh[Register.HC] == sum(values) // 2

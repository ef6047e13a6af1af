"""« Pourquoi ce montant ? » (issue 15, item 4): the difference between two invoices of a contract,
split into days, consumption, corrections of estimated readings and prices, adds up exactly.

Backend-level (no app): every invoice pair of the demo world, read from the store with the
readers the backend itself uses; then the demo account through the ``Backend`` protocol, and a
customer's reading that bills more than was measured, which the corrections part must show."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

from geg_tui.api.models import Granularity, Invoice, Register
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.read_models import INVOICE_SELECT, invoice_from_row
from geg_tui.formatting import PARIS
from geg_tui.insight.explain import (
    Part,
    compare,
    exact_parts,
    explain_invoice,
    figures_of,
    previous_of,
    split_exactly,
    year_before_of,
)


def _world_invoices(backend: FakeBackend) -> dict[str, list[tuple[Invoice, dict[Register, int]]]]:
    """Every invoice of every contract, with the Wh measured over its period per register."""
    by_contract: dict[str, list[tuple[Invoice, dict[Register, int]]]] = {}
    with backend.store.read() as db:
        for row in db.all(INVOICE_SELECT + " ORDER BY c.ref, i.period_start"):
            invoice = invoice_from_row(db, row, details=True)
            measured = {
                Register(r["register"]): int(r["wh"])
                for r in db.all(
                    "SELECT register, SUM(wh) AS wh FROM daily_consumption WHERE contract_id = ? "
                    "AND day BETWEEN ? AND ? GROUP BY register",
                    (
                        row["contract_id"],
                        invoice.period_start.isoformat(),
                        invoice.period_end.isoformat(),
                    ),
                )
            }
            by_contract.setdefault(invoice.contract_ref, []).append((invoice, measured))
    return by_contract


async def test_explain_parts_add_up_on_every_invoice_pair_of_the_demo_world(
    backend: FakeBackend,
) -> None:
    pairs = 0
    for invoices in _world_invoices(backend).values():
        models = [invoice for invoice, _ in invoices]
        measured = {invoice.ref: wh for invoice, wh in invoices}
        for invoice in models:
            references = (previous_of(invoice, models), year_before_of(invoice, models))
            for reference in {r.ref: r for r in references if r is not None}.values():
                current = figures_of(invoice, measured[invoice.ref])
                before = figures_of(reference, measured[reference.ref])
                # The figures read back every line of the invoice.
                assert current.fixed + sum(current.energy.values()) + current.excise == (
                    invoice.amount_excl_tax
                )
                comparison = compare(current, before)
                assert sum(comparison.parts.values()) == invoice.total - reference.total
                # Before VAT, the exact parts add up to the difference with no residue at all.
                exact = exact_parts(current, before)
                assert sum(exact.values()) == invoice.amount_excl_tax - reference.amount_excl_tax
                # Rounding moves no part by more than two cents from its exact share.
                for part, cents in comparison.parts.items():
                    assert abs(cents - exact[part] * Fraction(6, 5)) < 2, (invoice.ref, part)
                pairs += 1
    assert pairs > 100  # six customers, six years of invoices


def test_explain_split_exactly_gives_the_residue_to_the_largest_fractions() -> None:
    thirds = [Fraction(10, 3)] * 3
    assert split_exactly(thirds, 10) == [4, 3, 3]  # ties: the first part first
    assert split_exactly([Fraction(1, 10), Fraction(9, 10), Fraction(-5, 2)], -1) == [0, 1, -2]
    # More taken back than given: the smallest fractions lose first.
    assert split_exactly([Fraction(21, 10), Fraction(29, 10)], 3) == [1, 2]
    assert split_exactly([], 0) == []


async def test_explain_demo_account_settlement_against_the_previous_year(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = (await backend.login(demo_credentials["email"], demo_credentials["password"])).token
    account = await backend.account(token)
    electricity = next(c for c in account.contracts if c.meter.communicating)
    latest = (await backend.list_invoices(token, contract_ref=electricity.ref)).invoices[0]
    explanation = await explain_invoice(backend, token, latest.ref)
    assert explanation.previous is not None and explanation.year_before is not None
    # Yearly settlements: the previous invoice is the one of a year before.
    assert explanation.same_reference
    comparison = explanation.previous
    assert sum(comparison.parts.values()) == comparison.difference
    assert comparison.difference == latest.total - comparison.reference.total
    # A Linky meter reads itself: nothing estimated, nothing to correct; the same 365 days.
    assert comparison.parts[Part.CORRECTIONS] == 0
    assert comparison.parts[Part.DAYS] == 0
    assert comparison.current.measured_wh is not None


async def test_explain_corrections_show_a_customer_reading_above_what_was_used(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """The gas meter is read by the customer, 30 m³ more than the meter had turned: the next
    invoice bills them, the consumption measured does not have them, the corrections part does
    (30 m³ × 11.2 kWh at about 9 c€ the kWh with the excise, VAT included: about 36 €)."""
    token = (await backend.login(demo_credentials["email"], demo_credentials["password"])).token
    account = await backend.account(token)
    gas = next(c for c in account.contracts if c.meter.unit == "m³")
    status = await backend.meter_status(token, gas.ref)
    if not status.manual_allowed:  # wait for the reading window (METER-2)
        admin.set_clock(
            backend,
            datetime.combine(status.window_start, datetime.min.time(), PARIS).replace(hour=9),
        )
        status = await backend.meter_status(token, gas.ref)
    assert status.manual_allowed and status.last_reading is not None
    last = status.last_reading
    today = (await backend.server_time()).astimezone(PARIS).date()
    used = await backend.consumption(
        token,
        gas.ref,
        last.reading_date + timedelta(days=1),
        today - timedelta(days=1),
        Granularity.DAY,
    )
    m3 = sum(used.wh.get(Register.GAS, ())) // 11_200
    typed = last.indexes[Register.GAS] + m3 + 30
    result = await backend.submit_reading(
        token, gas.ref, {Register.GAS: typed}, confirm_implausible=True
    )
    assert result is not None
    before = (await backend.list_invoices(token, contract_ref=gas.ref)).invoices[0]
    admin.advance(backend, timedelta(days=70))
    token = (await backend.login(demo_credentials["email"], demo_credentials["password"])).token
    invoices = (await backend.list_invoices(token, contract_ref=gas.ref)).invoices
    billed = next(i for i in reversed(invoices) if i.period_start > before.period_end)
    explanation = await explain_invoice(backend, token, billed.ref)
    assert explanation.previous is not None
    corrections = explanation.previous.parts[Part.CORRECTIONS]
    assert 2500 < corrections < 5000, corrections
    assert sum(explanation.previous.parts.values()) == explanation.previous.difference
    assert isinstance(billed.period_start, date)

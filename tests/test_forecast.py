"""The settlement forecast of a monthly direct debit (issue 15, item 5), backend-level: made six
months before the settlement, then the clock is advanced to the settlement, which is compared
with what was forecast."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from geg_tui.api.models import InvoiceKind, PaymentMode
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.formatting import PARIS
from geg_tui.insight.forecast import (
    account_forecasts,
    add_months,
    forecast_text,
    forecasts_text,
    settlement_forecast,
)


async def _login(backend: FakeBackend, credentials: dict[str, str]) -> str:
    return (await backend.login(credentials["email"], credentials["password"])).token


async def test_debit_4_forecast_six_months_before_against_the_settlement_issued(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await _login(backend, demo_credentials)
    forecasts = await account_forecasts(backend, token)
    assert len(forecasts) == 1  # the electricity contract; gas is paid on receipt
    start = forecasts[0]
    ref = start.contract_ref
    # Three days into the cycle: almost a whole year as the last one.
    assert start.cycle_end == start.settlement_date - timedelta(days=1)
    assert start.upcoming_count == 11 and start.instalments_debited == 0
    assert start.balancing_instalment is not None

    six_months_before = add_months(start.settlement_date, -6)
    admin.set_clock(backend, datetime.combine(six_months_before, datetime.min.time(), PARIS))
    token = await _login(backend, demo_credentials)
    forecast = await settlement_forecast(backend, token, ref)
    assert forecast is not None
    assert forecast.cycle_start == start.cycle_start
    assert forecast.measured_until == six_months_before - timedelta(days=1)
    assert forecast.measured_cost > 0 and forecast.projected_cost > 0
    assert forecast.upcoming_count == 6  # December's, then one each month to November

    admin.advance(backend, start.settlement_date - six_months_before + timedelta(days=1))
    token = await _login(backend, demo_credentials)
    settlement = next(
        invoice
        for invoice in (await backend.list_invoices(token, contract_ref=ref)).invoices
        if invoice.kind is InvoiceKind.SETTLEMENT and invoice.period_start == forecast.cycle_start
    )
    assert settlement.period_end == forecast.cycle_end
    assert settlement.already_paid == forecast.instalments_total
    error = forecast.total - settlement.total
    print(
        f"\nforecast {forecast.total} c, settlement {settlement.total} c: error {error} c "
        f"({100 * error / settlement.total:+.2f} %); balance forecast {forecast.balance} c, "
        f"issued {settlement.balance} c"
    )
    # The second half of the year repeats the last one within ±15 % a day (world.py): the
    # yearly total lands within a few per cent.
    assert abs(error) <= settlement.total * 0.05
    assert forecast.balance - settlement.balance == error


async def test_debit_4_forecast_text_says_the_balance_and_the_balancing_instalment(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await _login(backend, demo_credentials)
    (forecast,) = await account_forecasts(backend, token)
    text = forecast_text(forecast)
    assert "Régularisation du 24/11/2027" in text
    assert ("à payer" in text) == (forecast.balance >= 100)
    assert "l'an dernier" in text
    if forecast.balancing_instalment != forecast.current_instalment:
        assert "l'équilibrerait" in text
    assert forecasts_text([forecast]) == text
    assert forecasts_text([forecast, forecast]).count(f"Contrat {forecast.contract_ref}") == 2


@pytest.mark.parametrize("mode", [PaymentMode.ON_RECEIPT])
async def test_debit_4_no_forecast_without_monthly_debit(
    backend: FakeBackend, demo_credentials: dict[str, str], mode: PaymentMode
) -> None:
    token = await _login(backend, demo_credentials)
    account = await backend.account(token)
    gas = next(c for c in account.contracts if c.payment_mode is mode)
    assert await settlement_forecast(backend, token, gas.ref) is None


async def test_explain_and_forecast_are_the_same_over_http(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """Both use the ``Backend`` protocol only: over HTTP they find the same figures."""
    from geg_tui.insight.explain import explain_invoice
    from tests.contract.conftest import http_backend

    http = http_backend(backend)
    try:
        tokens = [await _login(b, demo_credentials) for b in (backend, http)]
        (local,) = await account_forecasts(backend, tokens[0])
        (remote,) = await account_forecasts(http, tokens[1])
        assert remote == local
        here = await explain_invoice(backend, tokens[0], "968320100013")
        there = await explain_invoice(http, tokens[1], "968320100013")
        assert there.previous is not None and here.previous is not None
        assert there.previous.parts == here.previous.parts
        assert there.year_before == here.year_before
    finally:
        await http.close()

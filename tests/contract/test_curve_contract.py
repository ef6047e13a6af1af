"""Contract suite of issue 15's operations: ``load_curve`` and ``price_tables`` answer and refuse
the same over HTTP as in-process (CONSO-1, INV-2)."""

from __future__ import annotations

from datetime import date, timedelta

from geg_tui.api.errors import BackendError, ValidationError
from geg_tui.api.models import Energy, Tariff

from .conftest import Api
from .test_contract import TODAY, login_demo, same, same_error, signup_bernard


def field_code(error: BackendError, name: str) -> str | None:
    """The code of the problem on field ``name`` (``None`` when that field is not refused)."""
    assert isinstance(error, ValidationError)
    problem = error.field_problem(name)
    return problem.code if problem else None


async def test_conso_1_load_curve_answers_and_refusals(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    contracts = {c.energy: c for c in (await api.backend.account(token)).contracts}
    linky = contracts[Energy.ELECTRICITY].ref
    week = (token, linky, date(2026, 3, 2), date(2026, 3, 8))
    curve = same(await api.backend.load_curve(*week), await api.fake.load_curve(*week))
    assert curve.days == 7 and len(curve.watts) == 7 * 48 and min(curve.watts) > 0
    # The curve's energy is the day's consumption, to the Wh (W × ½ h).
    day = await api.backend.consumption(token, linky, date(2026, 3, 2), date(2026, 3, 2), "jour")
    assert sum(curve.day(0)) // 2 == day.total_wh
    # Cut at yesterday: asked up to tomorrow, it stops at the backend's yesterday.
    recent = await api.backend.load_curve(token, linky, TODAY - timedelta(days=3), TODAY)
    assert recent.days == 3 and recent.end == TODAY
    too_long = (token, linky, date(2026, 1, 1), date(2026, 2, 1))
    error = await same_error(api, api.backend.load_curve(*too_long), api.fake.load_curve(*too_long))
    assert field_code(error, "end") == "load_curve_too_long"
    backwards = (token, linky, date(2026, 1, 9), date(2026, 1, 1))
    error = await same_error(
        api, api.backend.load_curve(*backwards), api.fake.load_curve(*backwards)
    )
    assert field_code(error, "end") == "end_before_start"
    start = contracts[Energy.ELECTRICITY].start_date
    early = (token, linky, start - timedelta(days=2), start + timedelta(days=2))
    error = await same_error(api, api.backend.load_curve(*early), api.fake.load_curve(*early))
    assert field_code(error, "start") == "load_curve_before_contract"
    gas = (token, contracts[Energy.GAS].ref, date(2026, 3, 2), date(2026, 3, 8))
    error = await same_error(api, api.backend.load_curve(*gas), api.fake.load_curve(*gas))
    assert error.code == "compteur_non_communicant"
    bernard, account = await signup_bernard(api)  # a meter without a curve, and AUTH-6
    not_linky = (bernard, account.contracts[0].ref, date(2026, 3, 2), date(2026, 3, 8))
    error = await same_error(
        api, api.backend.load_curve(*not_linky), api.fake.load_curve(*not_linky)
    )
    assert error.code == "compteur_non_communicant"
    others = (bernard, linky, date(2026, 3, 2), date(2026, 3, 8))
    await same_error(api, api.backend.load_curve(*others), api.fake.load_curve(*others))


async def test_inv_2_price_tables_are_the_grid_invoices_use(api: Api) -> None:
    elec = same(
        await api.backend.price_tables(Energy.ELECTRICITY),
        await api.fake.price_tables(Energy.ELECTRICITY),
    )
    assert {t.tariff for t in elec.tables} == {
        Tariff.BLUE_BASE,
        Tariff.BLUE_HPHC,
        Tariff.MARKET_ELEC,
    }
    rows = elec.rows(Tariff.BLUE_HPHC)
    assert [r.effective for r in rows] == sorted(r.effective for r in rows)
    assert rows[-1].powers_kva == (6, 9, 12) and elec.vat_rate_pct == 20.0
    gas = same(await api.backend.price_tables(Energy.GAS), await api.fake.price_tables(Energy.GAS))
    assert [t.tariff for t in gas.tables] == [Tariff.GAS]
    assert gas.rows(Tariff.GAS)[0].powers_kva == ()
    error = await same_error(
        api, api.backend.price_tables("charbon"), api.fake.price_tables("charbon")
    )
    assert field_code(error, "energy") == "price_energy_unknown"

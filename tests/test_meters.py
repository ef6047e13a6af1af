"""METER-1…7 (readings) and SEC-4 for the reading form, through ``FakeBackend``.

The demo account (Claire Martin) has an HP/HC contract on a Linky meter and a gas contract on an
ordinary meter; Bernard Dupont (signed up here) has electricity Base on an old meter. The clock is
frozen at 2026-11-27 09:00 Paris.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geg_tui.api.errors import BackendError, Conflict, ValidationError
from geg_tui.api.models import Contract, ReadingKind, Register, Tariff
from geg_tui.fake_backend import meters
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.labels import label_of
from tests.fuzz import fuzz

from .conftest import signup_request, unregistered_customer

TODAY = date(2026, 11, 27)


async def login(backend: FakeBackend, creds: dict[str, str]) -> str:
    return (await backend.login(creds["email"], creds["password"])).token


async def contract_of(backend: FakeBackend, token: str, tariff: Tariff) -> Contract:
    account = await backend.account(token)
    return next(c for c in account.contracts if c.tariff is tariff)


async def bernard(backend: FakeBackend) -> tuple[str, Contract]:
    """Sign up the first unregistered electricity customer (Bernard, Base, old meter)."""
    customer = unregistered_customer(backend)
    request = signup_request(customer)
    await backend.signup_confirm(request)
    token = (await backend.login(request.email, request.password)).token
    account = await backend.account(token)
    return token, account.contracts[0]


def contract_row(backend: FakeBackend, ref: str):
    with backend.store.transaction() as db:
        return db.one("SELECT * FROM contracts WHERE ref = ?", (ref,))


def reading_rows(backend: FakeBackend) -> list[tuple]:
    with backend.store.transaction() as db:
        return [tuple(r) for r in db.all("SELECT * FROM readings ORDER BY 1, 2, 3")]


def plausible_index(backend: FakeBackend, ref: str, register: Register) -> int:
    """The last index before today plus the consumption since (what a real meter would show)."""
    row = contract_row(backend, ref)
    with backend.store.transaction() as db:
        last = db.one(
            "SELECT reading_date, idx FROM readings WHERE contract_id = ? AND register = ? "
            "AND reading_date < ? ORDER BY reading_date DESC LIMIT 1",
            (row["id"], register.value, TODAY.isoformat()),
        )
        wh = db.scalar(
            "SELECT SUM(wh) FROM daily_consumption WHERE contract_id = ? AND register = ? "
            "AND day > ? AND day < ?",
            (row["id"], register.value, last["reading_date"], TODAY.isoformat()),
        )
    per_unit = 11_200 if register is Register.GAS else 1000
    return int(last["idx"]) + int(wh) // per_unit


# --- METER-1 -----------------------------------------------------------------------------------


async def test_meter_1_registers_per_tariff(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    hphc = await backend.meter_status(
        token, (await contract_of(backend, token, Tariff.BLUE_HPHC)).ref
    )
    gas = await backend.meter_status(token, (await contract_of(backend, token, Tariff.GAS)).ref)
    assert hphc.meter.registers == (Register.HP, Register.HC)
    assert hphc.meter.unit == "kWh" and hphc.meter.digits == 6
    assert set(hphc.last_reading.indexes) == {Register.HP, Register.HC}
    assert gas.meter.registers == (Register.GAS,)
    assert gas.meter.unit == "m³" and gas.meter.digits == 5
    assert gas.meter.gas_coefficient == pytest.approx(11.2)
    assert set(gas.last_reading.indexes) == {Register.GAS}
    token_b, base = await bernard(backend)
    status = await backend.meter_status(token_b, base.ref)
    assert status.meter.registers == (Register.BASE,)
    assert status.manual_allowed and status.refusal_reason is None


async def test_meter_1_base_reading_accepted(backend: FakeBackend) -> None:
    token, base = await bernard(backend)
    value = plausible_index(backend, base.ref, Register.BASE)
    result = await backend.submit_reading(token, base.ref, {"base": str(value)})
    assert result.reading is not None and result.reading.indexes == {Register.BASE: value}


async def test_meter_1_index_within_digits_and_whole(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    before = reading_rows(backend)
    for bad in (100_000, -1, "12,5", "12.5", "abc", "", "１２３", True, 12.0, None, [1]):
        with pytest.raises(ValidationError) as caught:
            await backend.submit_reading(token, gas.ref, {Register.GAS: bad})
        assert set(caught.value.fields) == {"gaz"}, bad
    with pytest.raises(ValidationError) as caught:
        await backend.submit_reading(token, gas.ref, {Register.GAS: 100_000})
    assert "5 chiffres" in caught.value.fields["gaz"]
    with pytest.raises(ValidationError) as caught:  # missing register
        await backend.submit_reading(token, gas.ref, {})
    assert set(caught.value.fields) == {"gaz"}
    with pytest.raises(ValidationError) as caught:  # a register the meter does not have
        await backend.submit_reading(token, gas.ref, {"gaz": 1, "hp": 2})
    assert "indexes" in caught.value.fields
    with pytest.raises(ValidationError):
        await backend.submit_reading(token, gas.ref, [("gaz", 1)])  # type: ignore[arg-type]
    assert reading_rows(backend) == before
    value = plausible_index(backend, gas.ref, Register.GAS)
    spaced = f"{str(value)[:2]} {str(value)[2:]}"
    result = await backend.submit_reading(token, gas.ref, {"gaz": spaced})
    assert result.reading is not None and result.reading.indexes == {Register.GAS: value}


async def test_meter_1_hphc_needs_both_registers(backend: FakeBackend) -> None:
    # Amélie Roux has HP/HC on Linky; an HP/HC form without Linky is checked through clean_indexes.
    row = None
    with backend.store.transaction() as db:
        row = db.one("SELECT * FROM contracts WHERE tariff = 'tarif_bleu_hphc' LIMIT 1")
    with pytest.raises(ValidationError) as caught:
        meters.clean_indexes(row, {"hp": "123"})
    assert set(caught.value.fields) == {"hc"}
    assert meters.clean_indexes(row, {Register.HP: 1, "hc": "2"}) == {
        Register.HP: 1,
        Register.HC: 2,
    }


# --- METER-2 -----------------------------------------------------------------------------------


async def test_meter_2_lower_than_last_index_refused(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    status = await backend.meter_status(token, gas.ref)
    last = status.last_reading.indexes[Register.GAS]
    before = reading_rows(backend)
    with pytest.raises(ValidationError) as caught:
        await backend.submit_reading(token, gas.ref, {Register.GAS: last - 1})
    assert caught.value.code == "index_inferieur"
    message = caught.value.fields["gaz"]
    assert f"{last:,}".replace(",", "\u00a0") in message
    assert status.last_reading.reading_date.strftime("%d/%m/%Y") in message
    # The demo's last gas index is an estimate: the message says so and who corrects it, rather
    # than let the customer think it was read on the meter.
    assert status.last_reading.kind is ReadingKind.ESTIMATED
    assert "(index estimé)" in message and "service client" in message
    assert reading_rows(backend) == before
    # Equal to the last index is fine (no consumption).
    result = await backend.submit_reading(token, gas.ref, {Register.GAS: last})
    assert result.reading is not None


# --- METER-3 -----------------------------------------------------------------------------------


async def test_meter_3_implausible_warns_then_confirmation_stores(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    status = await backend.meter_status(token, gas.ref)
    last = status.last_reading.indexes[Register.GAS]
    days = (TODAY - status.last_reading.reading_date).days
    usual_m3 = plausible_index(backend, gas.ref, Register.GAS) - last
    huge = last + max(usual_m3, days) * 5
    before = reading_rows(backend)
    result = await backend.submit_reading(token, gas.ref, {"gaz": huge})
    assert result.reading is None and result.needs_confirmation
    assert result.warning and "3 fois" in result.warning and "kWh par jour" in result.warning
    assert status.last_reading.reading_date.strftime("%d/%m/%Y") in result.warning
    assert reading_rows(backend) == before  # not stored without confirmation
    confirmed = await backend.submit_reading(
        token, gas.ref, {"gaz": huge}, confirm_implausible=True
    )
    assert confirmed.reading is not None and not confirmed.needs_confirmation
    assert confirmed.reading.indexes == {Register.GAS: huge}
    history = await backend.reading_history(token, gas.ref)
    assert history[0].indexes == {Register.GAS: huge}


async def test_meter_3_usual_reading_needs_no_confirmation(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    value = plausible_index(backend, gas.ref, Register.GAS)
    result = await backend.submit_reading(token, gas.ref, {"gaz": value})
    assert result.reading is not None and not result.needs_confirmation and result.warning is None


async def test_meter_3_usual_is_same_season_of_previous_years(backend: FakeBackend) -> None:
    """The « usual » is the mean daily Wh of the same calendar days in the previous years."""
    _token, base = await bernard(backend)
    row = contract_row(backend, base.ref)
    with backend.store.transaction() as db:
        usual = meters.usual_daily_wh(db, row, date(2026, 1, 1), date(2026, 1, 31))
        expected = db.one(
            "SELECT SUM(wh) * 1.0 / COUNT(*) FROM daily_consumption WHERE contract_id = ? AND "
            "substr(day, 6, 2) = '01' AND day < '2026-01-01'",
            (row["id"],),
        )[0]
        summer = meters.usual_daily_wh(db, row, date(2026, 7, 1), date(2026, 7, 31))
    assert usual[Register.BASE] == pytest.approx(expected)
    assert summer[Register.BASE] < usual[Register.BASE]  # the season matters


# --- METER-4 -----------------------------------------------------------------------------------


async def test_meter_4_dated_today_and_same_day_replaces(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    value = plausible_index(backend, gas.ref, Register.GAS)
    first = await backend.submit_reading(token, gas.ref, {"gaz": value + 2})
    assert first.reading.reading_date == TODAY == backend.clock.today()
    second = await backend.submit_reading(token, gas.ref, {"gaz": value})  # a typo corrected
    assert second.reading.reading_date == TODAY
    history = await backend.reading_history(token, gas.ref)
    todays = [r for r in history if r.reading_date == TODAY]
    assert len(todays) == 1 and todays[0].indexes == {Register.GAS: value}
    assert todays[0].kind is ReadingKind.CUSTOMER


async def test_meter_4_date_is_paris_today(backend: FakeBackend, demo_credentials) -> None:
    # 23:30 UTC on 27 November is already 28 November in Paris.
    backend.clock.set(datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    value = plausible_index(backend, gas.ref, Register.GAS)
    result = await backend.submit_reading(token, gas.ref, {"gaz": value})
    assert result.reading.reading_date == date(2026, 11, 28)


# --- METER-5 -----------------------------------------------------------------------------------


async def test_meter_5_window_is_the_10_days_before_next_invoice(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    for tariff in (Tariff.GAS, Tariff.BLUE_HPHC):
        contract = await contract_of(backend, token, tariff)
        row = contract_row(backend, contract.ref)
        with backend.store.transaction() as db:
            last_end = db.scalar(
                "SELECT MAX(period_end) FROM invoices WHERE contract_id = ?", (row["id"],)
            )
            next_invoice = meters.next_invoice_date(db, row)
        expected = meters.add_months(
            date.fromisoformat(last_end), row["billing_months"]
        ) + timedelta(days=1)
        assert next_invoice == expected
        status = await backend.meter_status(token, contract.ref)
        assert status.window_end == next_invoice - timedelta(days=1)
        assert status.window_start == next_invoice - timedelta(days=10)
        assert (status.window_end - status.window_start).days + 1 == 10


def test_meter_5_add_months_handles_month_ends() -> None:
    assert meters.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert meters.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert meters.add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert meters.add_months(date(2026, 3, 31), 12) == date(2027, 3, 31)


# --- METER-6 -----------------------------------------------------------------------------------


async def test_meter_6_history_newest_first_with_kinds(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    row = contract_row(backend, gas.ref)
    with backend.store.transaction() as db:  # a reading in the future is never listed
        db.execute(
            "INSERT INTO readings VALUES (?, '2027-01-01', 'gaz', 99999, 'reel')", (row["id"],)
        )
    history = await backend.reading_history(token, gas.ref)
    dates = [r.reading_date for r in history]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert all(d <= TODAY for d in dates)
    assert {r.kind for r in history} >= {ReadingKind.REAL, ReadingKind.ESTIMATED}
    assert all(set(r.indexes) == {Register.GAS} for r in history)
    value = plausible_index(backend, gas.ref, Register.GAS)
    await backend.submit_reading(token, gas.ref, {"gaz": value})
    history = await backend.reading_history(token, gas.ref)
    assert history[0].reading_date == TODAY and history[0].kind is ReadingKind.CUSTOMER
    assert label_of(history[0].kind) == "Relevé client"
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    linky = await backend.reading_history(token, hphc.ref)
    assert all(list(r.indexes) == [Register.HP, Register.HC] for r in linky)


# --- METER-7 -----------------------------------------------------------------------------------


async def test_meter_7_linky_reading_refused_with_reason(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    hphc = await contract_of(backend, token, Tariff.BLUE_HPHC)
    status = await backend.meter_status(token, hphc.ref)
    assert status.meter.communicating and not status.manual_allowed
    assert "Linky" in status.refusal_reason and "automatiquement" in status.refusal_reason
    before = reading_rows(backend)
    with pytest.raises(ValidationError) as caught:
        await backend.submit_reading(token, hphc.ref, {"hp": 50_000, "hc": 50_000})
    assert caught.value.code == "compteur_communicant"
    assert "automatiquement" in caught.value.message
    assert reading_rows(backend) == before


# --- idempotency -----------------------------------------------------------------------------


async def test_meter_4_idempotency_key_replays_first_result(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    value = plausible_index(backend, gas.ref, Register.GAS)
    key = "releve-0001-abcdef"
    first = await backend.submit_reading(token, gas.ref, {"gaz": value}, idempotency_key=key)
    again = await backend.submit_reading(token, gas.ref, {"gaz": str(value)}, idempotency_key=key)
    assert again == first
    with pytest.raises(Conflict):
        await backend.submit_reading(token, gas.ref, {"gaz": value + 1}, idempotency_key=key)
    with pytest.raises(ValidationError):
        await backend.submit_reading(token, gas.ref, {"gaz": value}, idempotency_key="short")


async def test_meter_3_warning_then_confirm_with_same_key(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    gas = await contract_of(backend, token, Tariff.GAS)
    huge = plausible_index(backend, gas.ref, Register.GAS) + 5_000
    key = "releve-0002-abcdef"
    warned = await backend.submit_reading(token, gas.ref, {"gaz": huge}, idempotency_key=key)
    assert warned.needs_confirmation
    stored = await backend.submit_reading(
        token, gas.ref, {"gaz": huge}, confirm_implausible=True, idempotency_key=key
    )
    assert stored.reading is not None
    replay = await backend.submit_reading(token, gas.ref, {"gaz": huge}, idempotency_key=key)
    assert replay.reading == stored.reading


# --- SEC-4 ---------------------------------------------------------------------------------

ODD = st.sampled_from(
    ["", " ", "\x00", "\ud800", "\u202e12", "１２", "12 345", "-5", "1e3", "9" * 400, "x" * 20_000]
)
VALUE = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=30),
    ODD,
    st.none(),
    st.booleans(),
    st.floats(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=2),
)
KEY = st.one_of(
    st.sampled_from(["gaz", "hp", "hc", "base", Register.GAS]), st.text(max_size=5), st.integers()
)
INDEXES = st.one_of(st.dictionaries(KEY, VALUE, max_size=4), VALUE)
FUZZ = fuzz(40)


@FUZZ
@given(indexes=INDEXES, confirm=st.one_of(st.booleans(), VALUE), key=st.one_of(st.none(), VALUE))
def test_sec_4_submit_reading_fuzz(fresh, indexes: Any, confirm: Any, key: Any) -> None:
    backend = fresh()

    async def run() -> None:
        token = (await backend.login("claire.martin@exemple.fr", "Grenoble-2026")).token
        account = await backend.account(token)
        for contract in account.contracts:
            before = reading_rows(backend)
            try:
                result = await backend.submit_reading(
                    token, contract.ref, indexes, confirm_implausible=confirm, idempotency_key=key
                )
            except BackendError as exc:
                assert exc.message and all(isinstance(v, str) for v in exc.fields.values())
                assert reading_rows(backend) == before  # nothing written after a refusal
            else:
                if result.reading is None:
                    assert reading_rows(backend) == before

    asyncio.run(run())

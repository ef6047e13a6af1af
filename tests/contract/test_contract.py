"""The contract suite: every ``Backend`` method, the same results and errors in-process and over HTTP.

Each test runs twice through the ``api`` fixture (``fake`` and ``http``, see conftest.py) with the
same assertions, and reads are also compared field by field with the ``FakeBackend`` underneath
(``same``), so the HTTP layer cannot change a value, a type or an error on the way. The last test
checks, by reading this module's source, that every protocol method is called here through
``api.backend``.
"""

from __future__ import annotations

import ast
import re
import uuid
from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from geg_tui.api import codec
from geg_tui.api.backend import backend_methods
from geg_tui.api.errors import (
    AccountLocked,
    AuthError,
    BackendError,
    BackendUnavailable,
    Conflict,
    NotFound,
    RateLimited,
    SessionExpired,
    ValidationError,
)
from geg_tui.api.models import (
    Account,
    AlertKind,
    AlertSetting,
    CardPayment,
    ContactForm,
    Granularity,
    InvoiceStatus,
    PaymentMeans,
    PaymentMode,
    PaymentStatus,
    Register,
    RequestCategory,
    RequestStatus,
    Tariff,
)
from geg_tui.formatting import PARIS
from tests.conftest import START, signup_request, unregistered_customer
from tests.payment_helpers import card_payments

from .conftest import CALLED, PROTOCOL, Api

GOOD_IBAN = "FR76 3000 6000 0112 3456 7890 189"
TODAY = date(2026, 11, 27)


# --- helpers ------------------------------------------------------------------------------------


async def refused(call: Awaitable[Any], kind: type[BackendError]) -> BackendError:
    """The call raises exactly ``kind`` (not a subclass, not another type) with a French message."""
    with pytest.raises(BackendError) as err:
        await call
    assert type(err.value) is kind, f"{type(err.value).__name__}: {err.value.message}"
    assert err.value.message and err.value.code
    return err.value


async def same_error(api: Api, call: Awaitable[Any], fake_call: Awaitable[Any]) -> BackendError:
    """Both backends refuse with the same payload (kind, code, message, fields, until)."""
    with pytest.raises(BackendError) as err:
        await call
    with pytest.raises(BackendError) as direct:
        await fake_call
    assert type(err.value) is type(direct.value)
    assert err.value.to_payload() == direct.value.to_payload()
    return err.value


def same(result: Any, direct: Any) -> Any:
    """``result`` (through ``api.backend``) equals what the FakeBackend returns, JSON for JSON."""
    assert type(result) is type(direct)
    assert codec.encode(result) == codec.encode(direct)
    return result


async def login_demo(api: Api, demo: dict[str, str]) -> str:
    session = await api.backend.login(demo["email"], demo["password"])
    return session.token


async def signup_bernard(api: Api) -> tuple[str, Account]:
    """Sign up (through the backend under test) the first unregistered electricity customer."""
    request = signup_request(unregistered_customer(api.fake))
    account = await api.backend.signup_confirm(request)
    token = (await api.backend.login(request.email, request.password)).token
    return token, account


def code_in(body: str) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", body)
    assert match, body
    return match.group(1)


def card(invoice_ref: str, **overrides: Any) -> CardPayment:
    values: dict[str, Any] = {
        "invoice_ref": invoice_ref,
        "card_number": "4242 4242 4242 4242",
        "expiry_month": "12",
        "expiry_year": "2028",
        "security_code": "987",
        "holder": "Claire Martin",
        "idempotency_key": str(uuid.uuid4()),
    }
    values.update(overrides)
    return CardPayment(**values)


def plausible_index(api: Api, ref: str, register: Register) -> int:
    """The last index before today plus the consumption since (what the meter would show)."""
    with api.fake.store.transaction() as db:
        contract_id = db.scalar("SELECT id FROM contracts WHERE ref = ?", (ref,))
        last = db.one(
            "SELECT reading_date, idx FROM readings WHERE contract_id = ? AND register = ? "
            "AND reading_date < ? ORDER BY reading_date DESC LIMIT 1",
            (contract_id, register.value, TODAY.isoformat()),
        )
        wh = db.scalar(
            "SELECT SUM(wh) FROM daily_consumption WHERE contract_id = ? AND register = ? "
            "AND day > ? AND day < ?",
            (contract_id, register.value, last["reading_date"], TODAY.isoformat()),
        )
    per_unit = 11_200 if register is Register.GAS else 1000
    return int(last["idx"]) + int(wh or 0) // per_unit


# --- signup (SIGNUP) ----------------------------------------------------------------------------


async def test_signup_1_to_10_wizard_steps_then_confirm(api: Api) -> None:
    customer = unregistered_customer(api.fake)
    contract = customer["contract"]
    proof = (
        contract["contract_ref"],
        contract["last_invoice_ref"],
        contract["last_invoice_amount"],
    )
    questions = same(await api.backend.secret_questions(), await api.fake.secret_questions())
    assert len(questions) >= 5  # SIGNUP-8
    await api.backend.signup_check_credentials(
        "bernard@exemple.fr", "Mon-Mot2Passe", "Mon-Mot2Passe"
    )
    error = await same_error(
        api,
        api.backend.signup_check_credentials("pas-une-adresse", "court", "autre"),
        api.fake.signup_check_credentials("pas-une-adresse", "court", "autre"),
    )
    assert isinstance(error, ValidationError) and {"email", "password"} <= set(error.fields)
    identity = same(
        await api.backend.signup_check_contract(*proof),
        await api.fake.signup_check_contract(*proof),
    )
    assert identity.identity.last_name == customer["last_name"]
    await api.backend.signup_check_personal(*proof, customer["birth_date"], None)
    await refused(api.backend.signup_check_personal(*proof, "01/01/1950", None), ValidationError)
    account = await api.backend.signup_confirm(signup_request(customer))
    assert account.contracts[0].ref == contract["contract_ref"]
    await refused(api.backend.signup_check_contract(*proof), Conflict)  # SIGNUP-6
    session = await api.backend.login(account.email, "Mon-Mot2Passe")  # SIGNUP-10
    assert session.email == account.email


async def test_signup_5_rate_limit_is_429_with_its_end(api: Api) -> None:
    contract = unregistered_customer(api.fake)["contract"]
    for _ in range(5):
        await refused(
            api.backend.signup_check_contract(
                contract["contract_ref"], contract["last_invoice_ref"], "0,01"
            ),
            ValidationError,
        )
    proof = (
        contract["contract_ref"],
        contract["last_invoice_ref"],
        contract["last_invoice_amount"],
    )
    error = await same_error(
        api,
        api.backend.signup_check_contract(*proof),
        api.fake.signup_check_contract(*proof),
    )
    assert isinstance(error, RateLimited) and error.until > api.fake.clock.now()
    assert "service client" in error.message


# --- login, sessions, lock (AUTH, LOCK) ---------------------------------------------------------


async def test_auth_3_4_session_touch_and_logout(api: Api, demo_credentials) -> None:
    session = await api.backend.login(
        demo_credentials["email"].upper(), demo_credentials["password"]
    )
    assert session.email == demo_credentials["email"]  # AUTH-1: case-insensitive
    touched = await api.backend.touch_session(session.token)
    assert touched.token == session.token and touched.idle_expires_at >= session.idle_expires_at
    await api.backend.logout(session.token)
    await refused(api.backend.touch_session(session.token), SessionExpired)
    await refused(api.backend.home(session.token), SessionExpired)
    await refused(api.backend.account(""), SessionExpired)


async def test_auth_2_lock_1_same_refusals_then_blocked(api: Api, demo_credentials) -> None:
    email = demo_credentials["email"]
    wrong = await refused(api.backend.login(email, "pas-le-bon"), AuthError)
    unknown = await refused(api.backend.login("personne@exemple.fr", "pas-le-bon"), AuthError)
    assert wrong.to_payload() == unknown.to_payload()  # AUTH-2
    await refused(api.backend.login(email, "pas-le-bon"), AuthError)
    locked = await refused(api.backend.login(email, "pas-le-bon"), AccountLocked)
    again = await refused(api.backend.login(email, demo_credentials["password"]), AccountLocked)
    assert isinstance(locked, AccountLocked) and isinstance(again, AccountLocked)
    assert again.until == locked.until  # LOCK-2: the end travels with the error


async def test_auth_5_change_password(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    other = await login_demo(api, demo_credentials)
    error = await refused(
        api.backend.change_password(token, "pas-le-bon", "Nouveau-2026", "Nouveau-2026"),
        ValidationError,
    )
    assert error.fields
    await api.backend.change_password(
        token, demo_credentials["password"], "Nouveau-2026", "Nouveau-2026"
    )
    await refused(api.backend.touch_session(other), SessionExpired)  # other sessions end
    assert (await api.backend.login(demo_credentials["email"], "Nouveau-2026")).token


# --- recovery (RESET) and logged-out contact ----------------------------------------------------


async def test_reset_1_to_6_recovery_and_support(api: Api, demo_credentials) -> None:
    email = demo_credentials["email"]
    customers = await api.controls.customers()
    birth = next(c for c in customers if c["email"] == email)["birth_date"]
    challenge = await api.backend.reset_start(email, birth)
    assert challenge.question.id == 2
    await refused(api.backend.reset_answer(email, birth, "mauvaise réponse"), ValidationError)
    queued = await api.backend.reset_answer(email, birth, demo_credentials["answer"])
    assert queued.deliver_by >= api.fake.clock.now()
    mails = [m for m in await api.controls.outbox(email) if "Réinitialisation" in m["subject"]]
    code = code_in(mails[-1]["body"])
    await refused(
        api.backend.reset_complete(email, "AAAA-BBBB-CCCC", "Nouveau-2026", "Nouveau-2026"),
        ValidationError,
    )
    await api.backend.reset_complete(email, code, "Nouveau-2026", "Nouveau-2026")
    assert (await api.backend.login(email, "Nouveau-2026")).token  # RESET-5
    info = same(await api.backend.support_info(), await api.fake.support_info())  # RESET-6
    assert info.phone and info.hours


async def test_lock_5_logged_out_contact_form(api: Api, demo_credentials) -> None:
    form = ContactForm(
        RequestCategory.ACCOUNT_ACCESS,
        "Compte bloqué",
        "Je n'arrive plus à me connecter depuis ce matin.",
        name="Claire Martin",
        email=demo_credentials["email"],
    )
    request = await api.backend.contact_logged_out(form)
    assert re.fullmatch(r"DEM-\d{4}-\d{6}", request.ref)  # REQ-2
    assert request.status is RequestStatus.RECEIVED
    bad = ContactForm(RequestCategory.BILL, "Facture", "Trop court")
    error = await refused(api.backend.contact_logged_out(bad), ValidationError)
    assert error.fields


# --- account, invoices, payment (INV, PAY) ------------------------------------------------------


async def test_account_and_home_identical(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    account = same(await api.backend.account(token), await api.fake.account(token))
    assert {c.tariff for c in account.contracts} == {Tariff.BLUE_HPHC, Tariff.GAS}
    home = same(await api.backend.home(token), await api.fake.home(token))
    assert home.total_to_pay > 0
    # DEBIT-4 per contract: the monthly electricity contract's next instalment, none for the gas
    # contract paid on receipt; the account's next debit is the earliest of them
    electricity = next(c for c in account.contracts if c.tariff is Tariff.BLUE_HPHC)
    assert [d.contract_ref for d in home.contract_debits] == [electricity.ref]
    first = home.contract_debits[0]
    assert (first.day, first.amount) == (home.next_debit_date, home.next_debit_amount)


async def test_inv_5_list_filters_and_invoice_detail(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    page = same(await api.backend.list_invoices(token), await api.fake.list_invoices(token))
    assert page.invoices and page.total_count == len(page.invoices)
    issued = [i.issue_date for i in page.invoices]
    assert issued == sorted(issued, reverse=True)  # newest first
    gas = next(c.ref for c in (await api.backend.account(token)).contracts if c.energy == "gaz")
    filters: dict[str, Any] = {
        "contract_ref": gas,
        "year": 2025,
        "status": InvoiceStatus.PAID,
        "offset": 1,
        "limit": 2,
    }
    filtered = same(
        await api.backend.list_invoices(token, **filters),
        await api.fake.list_invoices(token, **filters),
    )
    assert len(filtered.invoices) <= 2 and filtered.offset == 1
    assert all(i.contract_ref == gas and i.status is InvoiceStatus.PAID for i in filtered.invoices)
    ref = page.invoices[0].ref
    invoice = same(
        await api.backend.get_invoice(token, ref), await api.fake.get_invoice(token, ref)
    )
    assert invoice.lines and invoice.total == invoice.amount_excl_tax + invoice.vat
    await same_error(
        api,
        api.backend.get_invoice(token, "000000000000"),
        api.fake.get_invoice(token, "000000000000"),
    )


async def test_debit_4_settlement_figures_and_credit_statuses_round_trip(
    api: Api, demo_credentials
) -> None:
    """A settlement's own figures (already paid, instalments, balance, refund date) and the
    statuses of a credit travel over HTTP unchanged, and filter the list alike."""
    token = await login_demo(api, demo_credentials)
    page = await api.backend.list_invoices(token)
    settlements = [i for i in page.invoices if i.already_paid]
    assert any(i.is_credit for i in settlements) and any(i.balance > 0 for i in settlements)
    for summary in settlements:
        invoice = same(
            await api.backend.get_invoice(token, summary.ref),
            await api.fake.get_invoice(token, summary.ref),
        )
        assert invoice.instalments_paid == 11 and invoice.already_paid == summary.already_paid
        assert invoice.balance == invoice.total - invoice.already_paid
        assert (
            (invoice.refund_date == invoice.due_date)
            if invoice.is_credit
            else (invoice.refund_date is None)
        )
    refunded = same(
        await api.backend.list_invoices(token, status=InvoiceStatus.REFUNDED),
        await api.fake.list_invoices(token, status=InvoiceStatus.REFUNDED),
    )
    assert refunded.invoices and all(i.is_credit for i in refunded.invoices)


async def test_inv_4_pdf_bytes_identical(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    ref = (await api.backend.list_invoices(token, limit=1)).invoices[0].ref
    pdf = await api.backend.invoice_pdf(token, ref)
    assert pdf.startswith(b"%PDF-") and pdf == await api.fake.invoice_pdf(token, ref)
    await refused(api.backend.invoice_pdf(token, "999999999999"), NotFound)


async def test_pay_1_to_4_payment_idempotent_and_listed(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    overdue = (await api.backend.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
    payment = card(overdue.ref)
    error = await refused(
        api.backend.pay_invoice(token, card(overdue.ref, card_number="4242 4242 4242 4241")),
        ValidationError,
    )
    assert "card_number" in error.fields  # PAY-2: Luhn
    paid = await api.backend.pay_invoice(token, payment)
    assert paid.amount == overdue.total and paid.invoice_ref == overdue.ref
    again = await api.backend.pay_invoice(token, payment)  # PAY-4: same key, same result
    assert codec.encode(again) == codec.encode(paid)
    await refused(api.backend.pay_invoice(token, card(overdue.ref)), Conflict)  # already paid
    payments = same(await api.backend.list_payments(token), await api.fake.list_payments(token))
    assert [p.transaction_ref for p in card_payments(payments)] == [paid.transaction_ref]
    invoice = await api.backend.get_invoice(token, overdue.ref)
    assert invoice.status is InvoiceStatus.PAID


# --- e-invoice, payment mode, bank details (EINV, DEBIT, BANK) ----------------------------------


async def test_einv_1_debit_1_to_4_and_bank_1_to_4(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    contracts = {c.energy.value: c for c in (await api.backend.account(token)).contracts}
    elec, gas = contracts["electricite"], contracts["gaz"]
    changed = await api.backend.set_e_invoice(token, gas.ref, not gas.e_invoice)
    assert changed.e_invoice is not gas.e_invoice
    schedule = same(
        await api.backend.debit_schedule(token, elec.ref),
        await api.fake.debit_schedule(token, elec.ref),
    )
    assert len(schedule.instalments) == 11  # DEBIT-4
    await refused(
        api.backend.set_payment_mode(token, gas.ref, PaymentMode.QUARTERLY_DEBIT), ValidationError
    )  # DEBIT-2
    monthly = await api.backend.set_payment_mode(token, gas.ref, PaymentMode.MONTHLY_DEBIT, 10)
    assert monthly.payment_mode is PaymentMode.MONTHLY_DEBIT and monthly.debit_day == 10
    details = same(await api.backend.bank_details(token), await api.fake.bank_details(token))
    assert details is not None and "••••" in details.iban_masked  # BANK-4
    await refused(
        api.backend.set_bank_details(token, GOOD_IBAN, None, "Claire Martin", "pas-le-bon"),
        ValidationError,
    )  # BANK-2
    new = await api.backend.set_bank_details(
        token, GOOD_IBAN, None, "Claire Martin", demo_credentials["password"]
    )
    assert new.iban_masked.endswith("0189") and new.mandate_ref != details.mandate_ref  # BANK-3


# --- profile (PROFILE) --------------------------------------------------------------------------


async def test_profile_1_2_contact_details_email_and_question(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    before = same(await api.backend.profile(token), await api.fake.profile(token))
    after = await api.backend.update_contact_details(
        token,
        phone="04 76 00 11 22",
        street="3 rue Lesdiguières",
        postcode="38000",
        city="Grenoble",
    )
    assert after.phone == "04 76 00 11 22" and after.mobile == before.mobile
    error = await refused(
        api.backend.update_contact_details(token, postcode="380"), ValidationError
    )
    assert "postcode" in error.fields
    await refused(
        api.backend.request_email_change(token, "claire.nouvelle@exemple.fr", "faux"),
        ValidationError,
    )
    await api.backend.request_email_change(
        token, "claire.nouvelle@exemple.fr", demo_credentials["password"]
    )
    code = code_in((await api.controls.outbox("claire.nouvelle@exemple.fr"))[-1]["body"])
    profile = await api.backend.confirm_email_change(token, code)
    assert profile.email == "claire.nouvelle@exemple.fr"
    await api.backend.change_secret_question(token, demo_credentials["password"], 1, "Rex le chien")
    assert (await api.backend.profile(token)).secret_question.id == 1


# --- meters and consumption (METER, CONSO) ------------------------------------------------------


async def test_meter_1_to_7_status_reading_and_history(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    contracts = {c.energy.value: c for c in (await api.backend.account(token)).contracts}
    linky = contracts["electricite"].ref
    status = same(
        await api.backend.meter_status(token, linky), await api.fake.meter_status(token, linky)
    )
    assert not status.manual_allowed and status.refusal_reason  # METER-7
    await refused(api.backend.submit_reading(token, linky, {"hp": 1, "hc": 1}), ValidationError)
    bernard, account = await signup_bernard(api)
    base = account.contracts[0].ref
    index = plausible_index(api, base, Register.BASE)
    await refused(
        api.backend.submit_reading(bernard, base, {Register.BASE: 1}), ValidationError
    )  # METER-2
    key = str(uuid.uuid4())
    result = await api.backend.submit_reading(
        bernard, base, {Register.BASE: index}, idempotency_key=key
    )
    assert result.reading is not None and result.reading.indexes == {Register.BASE: index}
    history = same(
        await api.backend.reading_history(bernard, base),
        await api.fake.reading_history(bernard, base),
    )
    assert history[0].reading_date == TODAY and history[0].indexes == {Register.BASE: index}
    await refused(api.backend.meter_status(bernard, linky), NotFound)  # AUTH-6


async def test_conso_2_to_4_month_and_day_views(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    hphc = next(
        c.ref for c in (await api.backend.account(token)).contracts if c.meter.communicating
    )
    args = (token, hphc, date(2026, 1, 1), date(2026, 6, 30), Granularity.MONTH)
    month = same(
        await api.backend.consumption(*args, compare_previous_year=True),
        await api.fake.consumption(*args, compare_previous_year=True),
    )
    assert len(month.starts) == 6 and set(month.wh) == {Register.HP, Register.HC}
    assert month.previous is not None and len(month.previous.starts) == 6  # CONSO-3
    days = await api.backend.consumption(
        token, hphc, date(2026, 3, 1), date(2026, 3, 7), Granularity.DAY
    )
    assert len(days.starts) == 7 and len(days.costs) == 7
    await refused(
        api.backend.consumption(token, hphc, date(2026, 3, 7), date(2026, 3, 1), Granularity.DAY),
        ValidationError,
    )


async def test_conso_2_range_of_days_with_data(api: Api, demo_credentials) -> None:
    """The first and last day with data: the contract's start (or the oldest day kept) to the
    backend's yesterday; a range asked exactly over it is full to both ends."""
    token = await login_demo(api, demo_credentials)
    contracts = (await api.backend.account(token)).contracts
    for contract in contracts:
        days = same(
            await api.backend.consumption_range(token, contract.ref),
            await api.fake.consumption_range(token, contract.ref),
        )
        assert days.contract_ref == contract.ref
        assert days.last == TODAY - timedelta(days=1)
        assert days.first is not None and days.first >= contract.start_date
        assert (days.last - days.first).days > 5 * 365  # the demo world keeps six years
        for first, last in (  # a year on either end (a range is at most six years: CONSO-2)
            (days.first - timedelta(days=10), days.first + timedelta(days=355)),
            (days.last - timedelta(days=355), days.last + timedelta(days=10)),
        ):
            series = await api.backend.consumption(
                token, contract.ref, first, last, Granularity.DAY
            )
            assert series.starts[0] == max(first, days.first)
            assert series.ends[-1] == min(last, days.last)
    await refused(api.backend.consumption_range(token, "CT-INCONNU"), NotFound)
    await api.controls.advance("3d")  # the world catches up: three more days of data
    token = await login_demo(api, demo_credentials)  # the session idled out meanwhile
    later = await api.backend.consumption_range(token, contracts[0].ref)
    assert later.last == TODAY + timedelta(days=2)


async def test_sim_1_server_time_is_the_backends_clock(api: Api) -> None:
    """The backend's own clock (frozen at the tests' start), not the computer's; over HTTP the
    same instant, time-zone aware."""
    moment = same(await api.backend.server_time(), await api.fake.server_time())
    assert moment == START and moment.tzinfo is not None
    await api.controls.set_clock("2026-11-29T18:30")  # a tester's `clock set` (Paris time)
    moved = await api.backend.server_time()
    assert moved == datetime(2026, 11, 29, 18, 30, tzinfo=PARIS)


# --- customer service (REQ) ---------------------------------------------------------------------


async def test_req_1_to_3_requests_and_messages(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    form = ContactForm(RequestCategory.BILL, "Ma facture", "Pourquoi ce montant en novembre ?")
    request = await api.backend.create_request(token, form)
    assert request.status is RequestStatus.RECEIVED and request.subject == "Ma facture"
    listed = same(await api.backend.list_requests(token), await api.fake.list_requests(token))
    assert [r.ref for r in listed] == [request.ref]
    updated = await api.backend.add_request_message(token, request.ref, "Et aussi la précédente.")
    assert updated.events[-1].text == "Et aussi la précédente."
    fetched = same(
        await api.backend.get_request(token, request.ref),
        await api.fake.get_request(token, request.ref),
    )
    assert fetched.events == updated.events
    assert await api.controls.resolve(request.ref) == "aucun"
    await refused(
        api.backend.add_request_message(token, request.ref, "Encore une question ?"), Conflict
    )
    await refused(api.backend.get_request(token, "DEM-2026-999999"), NotFound)


async def test_req_3_reply_is_unread_until_the_request_is_opened(
    api: Api, demo_credentials
) -> None:
    token = await login_demo(api, demo_credentials)
    form = ContactForm(RequestCategory.METER, "Mon relevé", "Mon compteur affiche 12345 kWh.")
    request = await api.backend.create_request(token, form)
    assert not request.unread  # the customer's own message
    await api.controls.reply(request.ref, "Merci, nous corrigeons l'index.")
    listed = same(await api.backend.list_requests(token), await api.fake.list_requests(token))
    assert [r.unread for r in listed] == [True]
    opened = await api.backend.get_request(token, request.ref)
    # Customer service's note is a code with the French it keeps; the reply stays as written.
    taken, answer = opened.events[1:]
    assert (taken.author, taken.text, taken.text_code) == (
        "service_client",
        "Prise en charge.",
        "taken",
    )
    assert (answer.text, answer.text_code) == ("Merci, nous corrigeons l'index.", None)
    assert not (await api.backend.list_requests(token))[0].unread  # read once opened
    await api.controls.reply(request.ref, "Pouvez-vous aussi envoyer une photo ?")
    replied = await api.backend.add_request_message(
        token, request.ref, "La voici, en pièce jointe."
    )
    assert not replied.unread  # answering, the customer had the reply before them
    await api.controls.resolve(request.ref)
    resolved = (await api.backend.list_requests(token))[0]
    assert resolved.unread and resolved.events[-1].text_code == "resolved"
    assert resolved.events[-1].text_params == {"effect": "none"}


# --- alerts and referral (ALERT, REF) -----------------------------------------------------------


async def test_alert_1_2_list_and_set(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    alerts = same(await api.backend.list_alerts(token), await api.fake.list_alerts(token))
    assert {a.kind for a in alerts} == set(AlertKind)
    setting = AlertSetting(AlertKind.PAYMENT_DUE, True, True, False, 5, "jours")
    saved = await api.backend.set_alert(token, setting)
    assert saved.enabled and saved.parameter == 5
    error = await refused(
        api.backend.set_alert(token, AlertSetting(AlertKind.PAYMENT_DUE, True, True, False, 99)),
        ValidationError,
    )
    assert "parameter" in error.fields


async def test_alert_3_notifications_listed_newest_first_and_marked_read(
    api: Api, demo_credentials
) -> None:
    """The alerts sent are the account's notifications, the same over HTTP, in French and with
    their code; marking one read leaves the others unread; bad ids are refused on the field."""
    token = await login_demo(api, demo_credentials)
    await api.backend.set_alert(
        token, AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, True, True, False, 1, "kwh")
    )
    await api.controls.advance("5d")
    token = await login_demo(api, demo_credentials)
    notices = same(
        await api.backend.list_notifications(token), await api.fake.list_notifications(token)
    )
    crossed = [n for n in notices if n.kind is AlertKind.CONSUMPTION_THRESHOLD]
    assert len(crossed) == 2 and all(n.code and "au-dessus" in n.text for n in crossed)
    assert [n.at for n in notices] == sorted((n.at for n in notices), reverse=True)
    unread = [n.id for n in notices if not n.read]
    assert await api.backend.mark_notifications_read(token, unread[:1]) == len(unread) - 1
    again = await api.backend.list_notifications(token)
    assert [n.id for n in again if n.read] == unread[:1]
    error = await refused(api.backend.mark_notifications_read(token, ["x"]), ValidationError)  # type: ignore[list-item]
    assert "ids" in error.fields


async def test_ref_1_to_6_invite_and_referral_bank(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    invitation = await api.backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003")
    assert invitation.email == "lea@exemple.fr"
    error = await refused(
        api.backend.invite(token, "Paul", "Voisin", "paul@exemple.fr", "38000"), ValidationError
    )  # REF-2
    assert "postcode" in error.fields
    await refused(api.backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003"), Conflict)
    summary = same(await api.backend.referral(token), await api.fake.referral(token))
    assert [i.email for i in summary.invitations] == ["lea@exemple.fr"]
    summary = await api.backend.set_referral_bank_details(token, GOOD_IBAN, "Claire Martin")
    assert summary.iban_masked is not None and summary.iban_masked.endswith("0189")


# --- AUTH-6, faults (SIM-5), close --------------------------------------------------------------


async def test_auth_6_another_customers_data_is_never_reached(api: Api, demo_credentials) -> None:
    claire = await login_demo(api, demo_credentials)
    account = await api.backend.account(claire)
    invoice = (await api.backend.list_invoices(claire, limit=1)).invoices[0].ref
    request = (
        await api.backend.create_request(
            claire, ContactForm(RequestCategory.OTHER, "Privé", "Une demande de Claire seulement.")
        )
    ).ref
    bernard, own = await signup_bernard(api)
    contract = account.contracts[0].ref
    for call in (
        api.backend.get_invoice(bernard, invoice),
        api.backend.invoice_pdf(bernard, invoice),
        api.backend.get_request(bernard, request),
        api.backend.add_request_message(bernard, request, "Je lis la demande d'une autre."),
        api.backend.debit_schedule(bernard, contract),
        api.backend.reading_history(bernard, contract),
        api.backend.set_e_invoice(bernard, contract, True),
        api.backend.pay_invoice(bernard, card(invoice)),
        api.backend.consumption(bernard, contract, date(2026, 1, 1), date(2026, 1, 31), "mois"),
        api.backend.list_invoices(bernard, contract_ref=contract),
    ):
        error = await refused(call, NotFound)
        assert "Claire" not in error.message and invoice not in str(error.to_payload())
    assert (await api.backend.list_requests(bernard)) == []
    assert {i.contract_ref for i in (await api.backend.list_invoices(bernard)).invoices} == {
        own.contracts[0].ref
    }


async def test_sim_5_injected_failure_is_backend_unavailable(api: Api, demo_credentials) -> None:
    token = await login_demo(api, demo_credentials)
    await api.controls.set_fault("home", error_rate=1.0)
    error = await refused(api.backend.home(token), BackendUnavailable)
    assert "réessayez" in error.message.lower()
    await api.controls.clear_faults()
    assert (await api.backend.home(token)).account.email == demo_credentials["email"]


async def test_close_releases_the_backend(api: Api) -> None:
    client = api.another_client() if api.kind == "http" else api.backend
    questions = await client.secret_questions()
    await api.backend.close()
    if api.kind == "http":  # the other client of the same server still works
        assert await client.secret_questions() == questions


# --- coverage of the protocol -------------------------------------------------------------------


def called_in(source: str) -> set[str]:
    """The names ``X`` of every ``api.backend.X(...)`` call in ``source``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "backend"
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "api"
        ):
            names.add(node.func.attr)
    return names


def test_contract_suite_calls_every_protocol_method() -> None:
    here = Path(__file__).parent  # the suite is this file and its siblings (one per area)
    called = called_in("\n".join(p.read_text(encoding="utf-8") for p in here.glob("test_*.py")))
    assert sorted(set(backend_methods()) - called) == [], "methods the suite never calls"
    assert sorted(called - set(backend_methods())) == [], "names outside the protocol"
    assert CALLED <= PROTOCOL  # what ran through the recording wrapper (order-independent check)


def test_coverage_check_can_fail() -> None:
    """The scan sees a missing method: a suite without ``pay_invoice`` would not pass."""
    source = Path(__file__).read_text(encoding="utf-8").replace("api.backend.pay_invoice(", "x(")
    assert "pay_invoice" in set(backend_methods()) - called_in(source)


async def test_debit_4_debits_taken_listed_with_payments(api: Api, demo_credentials) -> None:
    """The debits taken are listed with the card payments, the same on both backends: a stable
    reference, the debited invoice, the mandate's IBAN masked (BANK-4), never a card."""
    token = await login_demo(api, demo_credentials)
    listed = same(await api.backend.list_payments(token), await api.fake.list_payments(token))
    debits = [p for p in listed if p.means is PaymentMeans.DIRECT_DEBIT]
    assert debits and all(p.status is PaymentStatus.DEBITED and p.brand is None for p in debits)
    assert [p.paid_at for p in listed] == sorted((p.paid_at for p in listed), reverse=True)
    debited = (await api.backend.list_invoices(token, status=InvoiceStatus.DEBITED)).invoices
    assert {p.invoice_ref for p in debits if p.invoice_ref} == {i.ref for i in debited}
    assert all(p.transaction_ref == f"PRLV-{p.invoice_ref}" for p in debits if p.invoice_ref)
    masked = [p.iban_masked for p in debits if p.iban_masked]
    assert masked and all(re.fullmatch(r"[A-Z]{2}\d\d (•••• )+\w{4}", iban) for iban in masked)

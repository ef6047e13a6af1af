"""SEC-4: bad input of any shape to signup, login and recovery yields only typed errors.

Arbitrary text (control characters, odd Unicode, lone surrogates, huge strings) and values of the
wrong type go through the ``Backend`` methods; anything but a ``BackendError`` fails the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from geg_tui.api.errors import BackendError
from geg_tui.api.models import ContactForm, SignupRequest
from geg_tui.fake_backend.backend import FakeBackend
from tests.fuzz import anything, fuzz, odd

ODD = odd("1 234,56 €", "0,00", "-12,00", "12/13/2020", "31/02/1990", "+33 6 12 34 56 78", "a@b.c")
ANY = anything(ODD)
FUZZ = fuzz(40)


def only_typed_errors(call: Awaitable[Any]) -> None:
    async def run() -> None:
        try:
            await call
        except BackendError as exc:
            assert exc.message and isinstance(exc.message, str)
            assert all(isinstance(v, str) for v in exc.fields.values())

    asyncio.run(run())


@FUZZ
@given(email=ANY, password=ANY, confirm=ANY)
def test_sec_4_signup_credentials_fuzz(fresh, email: Any, password: Any, confirm: Any) -> None:
    only_typed_errors(fresh().signup_check_credentials(email, password, confirm))


@FUZZ
@given(contract=ANY, invoice=ANY, amount=ANY, birth=ANY, phone=ANY)
def test_sec_4_signup_contract_and_personal_fuzz(
    fresh, contract, invoice, amount, birth, phone
) -> None:
    backend = fresh()
    only_typed_errors(backend.signup_check_contract(contract, invoice, amount))
    only_typed_errors(backend.signup_check_personal(contract, invoice, amount, birth, phone))


@FUZZ
@given(values=st.fixed_dictionaries({name: ANY for name in SignupRequest.__dataclass_fields__}))
def test_sec_4_signup_confirm_fuzz(fresh, values: dict[str, Any]) -> None:
    backend = fresh()
    only_typed_errors(backend.signup_confirm(SignupRequest(**values)))
    with backend.store.transaction() as db:
        assert db.scalar("SELECT COUNT(*) FROM accounts") == 1  # nothing partial stored


@FUZZ
@given(email=ANY, password=ANY)
def test_sec_4_login_fuzz(fresh, email: Any, password: Any) -> None:
    only_typed_errors(fresh().login(email, password))


@FUZZ
@given(email=ANY, birth=ANY, answer=ANY, code=ANY, pw=ANY, question=ANY)
def test_sec_4_recovery_fuzz(fresh, email, birth, answer, code, pw, question) -> None:
    backend = fresh()
    only_typed_errors(backend.reset_start(email, birth))
    only_typed_errors(backend.reset_answer(email, birth, answer))
    only_typed_errors(backend.reset_complete(email, code, pw, pw, question, answer))


@FUZZ
@given(category=ANY, subject=ANY, message=ANY, name=ANY, email=ANY, contract=ANY)
def test_sec_4_logged_out_contact_fuzz(
    fresh, category, subject, message, name, email, contract
) -> None:
    only_typed_errors(
        fresh().contact_logged_out(ContactForm(category, subject, message, name, email, contract))
    )


@FUZZ
@given(token=ANY)
def test_sec_4_tokens_fuzz(fresh, token: Any) -> None:
    backend = fresh()
    only_typed_errors(backend.account(token))
    only_typed_errors(backend.logout(token))


def logged_in(backend: FakeBackend) -> str:
    """A session for the demo account without an argon2 verification per example."""
    from geg_tui.fake_backend.demo_account import DEMO_EMAIL
    from geg_tui.fake_backend.sessions import open_session

    with backend.store.transaction() as db:
        account_id = db.scalar("SELECT id FROM accounts WHERE email = ?", (DEMO_EMAIL,))
        return open_session(db, account_id, DEMO_EMAIL, backend.clock.now()).token


def row_counts(backend: FakeBackend) -> dict[str, int]:
    tables = (
        "bank_details",
        "invitations",
        "alerts",
        "requests",
        "request_events",
        "codes",
        "instalments",
    )
    with backend.store.transaction() as db:
        counts = {t: db.scalar(f"SELECT COUNT(*) FROM {t}") for t in tables}
        counts["customers"] = hash(tuple(tuple(r) for r in db.all("SELECT * FROM customers")))
        counts["contracts"] = hash(tuple(tuple(r) for r in db.all("SELECT * FROM contracts")))
        return counts


@FUZZ
@given(iban=ANY, bic=ANY, holder=ANY, password=ANY)
def test_sec_4_bank_details_fuzz(fresh, iban, bic, holder, password) -> None:
    backend = fresh()
    token = logged_in(backend)
    before = row_counts(backend)
    only_typed_errors(backend.set_bank_details(token, iban, bic, holder, password))
    only_typed_errors(backend.set_referral_bank_details(token, iban, holder))
    if password != "Grenoble-2026":
        assert row_counts(backend)["bank_details"] == before["bank_details"]


@FUZZ
@given(phone=ANY, mobile=ANY, street=ANY, postcode=ANY, city=ANY, email=ANY, code=ANY, answer=ANY)
def test_sec_4_profile_fuzz(
    fresh, phone, mobile, street, postcode, city, email, code, answer
) -> None:
    backend = fresh()
    token = logged_in(backend)
    only_typed_errors(
        backend.update_contact_details(
            token, phone=phone, mobile=mobile, street=street, postcode=postcode, city=city
        )
    )
    only_typed_errors(backend.request_email_change(token, email, "faux"))
    only_typed_errors(backend.confirm_email_change(token, code))
    only_typed_errors(backend.change_secret_question(token, "faux", answer, answer))


@FUZZ
@given(
    first=ANY, last=ANY, email=ANY, postcode=ANY, subject=ANY, message=ANY, category=ANY, ref=ANY
)
def test_sec_4_referral_and_requests_fuzz(
    fresh, first, last, email, postcode, subject, message, category, ref
) -> None:
    backend = fresh()
    token = logged_in(backend)
    only_typed_errors(backend.invite(token, first, last, email, postcode))
    only_typed_errors(backend.create_request(token, ContactForm(category, subject, message)))
    only_typed_errors(backend.add_request_message(token, ref, message))
    only_typed_errors(backend.get_request(token, ref))


@FUZZ
@given(
    contract=ANY,
    mode=ANY,
    day=ANY,
    enabled=ANY,
    kind=ANY,
    parameter=ANY,
    unit=ANY,
    flags=st.tuples(ANY, ANY, ANY),
)
def test_sec_4_payment_mode_and_alerts_fuzz(
    fresh, contract, mode, day, enabled, kind, parameter, unit, flags
) -> None:
    from geg_tui.api.models import AlertSetting

    backend = fresh()
    token = logged_in(backend)
    before = row_counts(backend)
    only_typed_errors(backend.set_payment_mode(token, contract, mode, day))
    only_typed_errors(backend.set_e_invoice(token, contract, enabled))
    only_typed_errors(backend.debit_schedule(token, contract))
    only_typed_errors(backend.set_alert(token, AlertSetting(kind, *flags, parameter, unit)))
    after = row_counts(backend)
    # Fuzzed text never names one of the account's contracts: nothing may have changed.
    assert after["contracts"] == before["contracts"]

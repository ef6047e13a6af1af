"""Paying an invoice by card: PAY-1…PAY-5, SEC-3 and SEC-4 for payments, INV-3 for paying."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from geg_tui.api.errors import BackendError, BackendUnavailable, Conflict, NotFound, ValidationError
from geg_tui.api.models import CardBrand, CardPayment, InvoiceStatus
from geg_tui.fake_backend import admin, cards
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.cards import TEST_CARDS, Outcome, detect_brand, mask
from geg_tui.fake_backend.dates import five_years_before
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import DB_FILENAME, Store
from geg_tui.formatting import PARIS, format_date, format_money
from tests.conftest import START
from tests.fuzz import anything, fuzz, odd
from tests.payment_helpers import card_payments

VISA = "4242424242424242"
DECLINED = next(c.number for c in TEST_CARDS if c.outcome is Outcome.DECLINED)
INSUFFICIENT = next(c.number for c in TEST_CARDS if c.outcome is Outcome.INSUFFICIENT_FUNDS)
RETRY = next(c.number for c in TEST_CARDS if c.outcome is Outcome.RETRY)


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


async def login(backend: FakeBackend, demo_credentials: dict[str, str]) -> str:
    return (await backend.login(demo_credentials["email"], demo_credentials["password"])).token


async def invoice_with(backend: FakeBackend, token: str, status: InvoiceStatus):
    page = await backend.list_invoices(token, status=status)
    assert page.invoices, f"the demo account has no invoice « {status.value} »"
    return page.invoices[0]


def payment_rows(backend: FakeBackend) -> int:
    with backend.store.transaction() as db:
        return int(db.scalar("SELECT COUNT(*) FROM payments"))


def set_status(backend: FakeBackend, ref: str, status: InvoiceStatus) -> None:
    with backend.store.transaction() as db:
        db.execute("UPDATE invoices SET status = ? WHERE ref = ?", (status.value, ref))


# --- PAY-1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE])
async def test_pay_1_to_pay_or_overdue_invoice_is_paid_in_full(
    backend: FakeBackend, demo_credentials, status: InvoiceStatus
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    set_status(backend, invoice.ref, status)
    before = (await backend.list_invoices(token)).total_to_pay

    paid = await backend.pay_invoice(token, card(invoice.ref))

    assert paid.invoice_ref == invoice.ref and paid.amount == invoice.total  # the full amount
    assert paid.brand is CardBrand.VISA and paid.last4 == "4242" and paid.expiry == "12/28"
    assert paid.paid_at == backend.clock.now()
    after = await backend.get_invoice(token, invoice.ref)
    assert after.status is InvoiceStatus.PAID
    assert (await backend.list_invoices(token)).total_to_pay == before - invoice.total
    with backend.store.transaction() as db:
        assert db.scalar("SELECT settled_at FROM invoices WHERE ref = ?", (invoice.ref,))
    assert card_payments(await backend.list_payments(token)) == [paid]


async def test_pay_1_scheduled_debit_refused_with_its_date(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.DEBIT_SCHEDULED)
    assert invoice.debit_date is not None
    with pytest.raises(Conflict) as err:
        await backend.pay_invoice(token, card(invoice.ref))
    assert err.value.code == "prelevement_prevu"
    assert format_date(invoice.debit_date) in err.value.message
    assert payment_rows(backend) == 0


@pytest.mark.parametrize("status", [InvoiceStatus.PAID, InvoiceStatus.DEBITED])
async def test_pay_1_paid_or_debited_invoice_refused(
    backend: FakeBackend, demo_credentials, status: InvoiceStatus
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, status)
    with pytest.raises(Conflict) as err:
        await backend.pay_invoice(token, card(invoice.ref))
    assert err.value.code == "deja_payee"
    assert payment_rows(backend) == 0


async def test_pay_1_auth_6_another_customers_invoice_not_found(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    others = [
        c["last_invoice_ref"]
        for cu in admin.customers(backend)
        if cu["email"] != demo_credentials["email"]
        for c in cu["contracts"]
        if c["last_invoice_status"] in ("a_payer", "en_retard")
    ]
    assert others
    with pytest.raises(NotFound):
        await backend.pay_invoice(token, card(others[0]))
    with pytest.raises(NotFound):
        await backend.pay_invoice(token, card("000000000000"))
    assert payment_rows(backend) == 0


async def test_pay_1_inv_3_invoice_older_than_5_years_cannot_be_paid(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    limit = five_years_before(backend.clock.today()).isoformat()
    with backend.store.transaction() as db:
        old = db.one(
            "SELECT i.ref FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.email = ? "
            "AND i.issue_date < ? ORDER BY i.issue_date LIMIT 1",
            (demo_credentials["email"], limit),
        )
    assert old is not None
    set_status(backend, old["ref"], InvoiceStatus.OVERDUE)
    with pytest.raises(NotFound):
        await backend.pay_invoice(token, card(old["ref"]))


# --- PAY-2 ------------------------------------------------------------------------------------

BAD_CARDS = [
    ("luhn", {"card_number": "4242 4242 4242 4241"}, "card_number"),
    ("too_short", {"card_number": "424242424242"}, "card_number"),
    ("too_long", {"card_number": "4" * 18 + "00"}, "card_number"),
    ("letters", {"card_number": "4242 4242 4242 424X"}, "card_number"),
    ("empty", {"card_number": ""}, "card_number"),
    ("unknown_brand", {"card_number": "6011111111111117"}, "card_number"),  # Discover
    ("month_13", {"expiry_month": "13"}, "expiry_month"),
    ("month_0", {"expiry_month": 0}, "expiry_month"),
    ("expired_month", {"expiry_month": "10", "expiry_year": "2026"}, "expiry_month"),
    ("expired_year", {"expiry_month": "12", "expiry_year": "25"}, "expiry_year"),
    ("year_absurd", {"expiry_year": "2999"}, "expiry_year"),
    ("cvc_2_digits", {"security_code": "12"}, "security_code"),
    ("cvc_4_digits_visa", {"security_code": "1234"}, "security_code"),
    ("cvc_letters", {"security_code": "12a"}, "security_code"),
    (
        "amex_needs_4",
        {"card_number": "3782 822463 10005", "security_code": "123"},
        "security_code",
    ),
    ("holder_missing", {"holder": "  "}, "holder"),
    ("holder_none", {"holder": None}, "holder"),
    ("holder_too_long", {"holder": "A" * 71}, "holder"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [(o, f) for _, o, f in BAD_CARDS], ids=[n for n, _, _ in BAD_CARDS]
)
async def test_pay_2_bad_card_refused_on_the_right_field(
    backend: FakeBackend, demo_credentials, overrides: dict[str, Any], field: str
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref, **overrides)
    with pytest.raises(ValidationError) as err:
        await backend.pay_invoice(token, payment)
    assert field in err.value.fields, err.value.fields
    assert all(isinstance(v, str) and v for v in err.value.fields.values())
    digits = str(overrides.get("card_number", "")).replace(" ", "")
    if len(digits) >= 12:  # SEC-3: never the number in a message
        assert digits not in str(err.value) and digits not in str(err.value.to_payload())
    assert payment_rows(backend) == 0
    assert (await backend.get_invoice(token, invoice.ref)).status is InvoiceStatus.OVERDUE


async def test_pay_2_current_month_expiry_and_two_digit_year_accepted(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    today = backend.clock.today()  # 27/11/2026 in Paris: a card expiring 11/26 still works
    paid = await backend.pay_invoice(
        token, card(invoice.ref, expiry_month=today.month, expiry_year=f"{today.year % 100}")
    )
    assert paid.expiry == f"{today.month:02d}/{today.year % 100:02d}"


async def test_pay_2_amex_with_4_digit_code_and_dashes_accepted(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    paid = await backend.pay_invoice(
        token,
        card(invoice.ref, card_number="3782-822463-10005", security_code="4321", expiry_year=2030),
    )
    assert paid.brand is CardBrand.AMEX and paid.last4 == "0005" and paid.expiry == "12/30"


@pytest.mark.parametrize(
    ("typed", "brand"),
    [
        ("4", CardBrand.VISA),
        ("4242 42", CardBrand.VISA),
        ("4970 10", CardBrand.CB),
        ("51", CardBrand.MASTERCARD),
        ("55", CardBrand.MASTERCARD),
        ("2221", CardBrand.MASTERCARD),
        ("2720 99", CardBrand.MASTERCARD),
        ("34", CardBrand.AMEX),
        ("37", CardBrand.AMEX),
        ("2720", CardBrand.MASTERCARD),
        ("2721", None),
        ("56", None),
        ("6011", None),
        ("", None),
        ("abc", None),
        (None, None),
    ],
)
def test_pay_2_detect_brand_as_the_person_types(typed: Any, brand: CardBrand | None) -> None:
    assert detect_brand(typed) is brand


def test_pay_2_mask_shows_only_last_4() -> None:
    assert mask("4242 4242 4242 4242") == "•••• •••• •••• 4242"
    assert mask("378282246310005") == "•••• •••• •••• 0005"


# --- PAY-3 and SEC-3 ----------------------------------------------------------------------------


def file_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.iterdir() if p.name.startswith(DB_FILENAME))


async def test_pay_3_sec_3_card_number_and_code_never_stored_nor_mailed(
    tmp_path: Path, demo_credentials
) -> None:
    backend = FakeBackend.open(tmp_path, hasher=Hasher(fast=True), start=START)
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    amex = "378282246310005"
    code = "7391"
    # A refused attempt, then the payment, then a replay: every path that may write.
    with pytest.raises(ValidationError):
        await backend.pay_invoice(
            token, card(invoice.ref, card_number=DECLINED, security_code="987")
        )
    payment = card(invoice.ref, card_number=amex, security_code=code, holder="Claire Martin")
    paid = await backend.pay_invoice(token, payment)
    assert await backend.pay_invoice(token, payment) == paid
    mails = admin.read_outbox(backend)
    await backend.close()

    raw = file_bytes(tmp_path)
    for secret in (amex, "3782 822463 10005", DECLINED, VISA):
        assert secret.encode() not in raw
    # A 3- or 4-digit code may appear anywhere by chance in a binary file; it must not be in
    # any payment-related row nor in any mail.
    reopened = Store.in_dir(tmp_path)
    with reopened.transaction() as db:
        rows = [
            *[tuple(r) for r in db.all("SELECT * FROM payments")],
            *[tuple(r) for r in db.all("SELECT * FROM idempotency")],
        ]
        columns = [r[1] for r in db.all("PRAGMA table_info(payments)")]
    reopened.close()
    assert columns == [
        "id",
        "transaction_ref",
        "invoice_id",
        "account_id",
        "amount",
        "brand",
        "last4",
        "expiry",
        "paid_at",
    ]
    for row in rows:
        for value in row:
            assert amex not in str(value) and code not in str(value)
    for mail in mails:
        for secret in (amex, DECLINED, VISA, code, "987"):
            assert secret not in mail.body and secret not in mail.subject

    (receipt,) = [m for m in mails if invoice.ref in m.subject]
    assert receipt.recipient == demo_credentials["email"]
    assert format_money(invoice.total) in receipt.body
    assert invoice.ref in receipt.body
    assert "American Express" in receipt.body and "0005" in receipt.body
    assert paid.transaction_ref in receipt.body


async def test_pay_3_transaction_refs_unique_and_history_newest_first(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    with backend.store.transaction() as db:
        other = db.one(
            "SELECT i.ref FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.email = ? AND i.status = ? "
            "ORDER BY i.issue_date DESC LIMIT 1",
            (demo_credentials["email"], "payee"),
        )["ref"]
    set_status(backend, other, InvoiceStatus.TO_PAY)
    first = await backend.pay_invoice(token, card(invoice.ref))
    backend.clock.advance(timedelta(minutes=5))
    second = await backend.pay_invoice(token, card(other, card_number="5555555555554444"))
    assert first.transaction_ref != second.transaction_ref
    for ref in (first.transaction_ref, second.transaction_ref):
        assert ref.startswith("TX-") and len(ref) == 15 and ref[3:].isalnum() and ref[3:].isupper()
    assert card_payments(await backend.list_payments(token)) == [second, first]


# --- PAY-4 --------------------------------------------------------------------------------------


async def test_pay_4_same_key_twice_charges_once(backend: FakeBackend, demo_credentials) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref)
    first = await backend.pay_invoice(token, payment)
    again = await backend.pay_invoice(token, payment)
    assert again == first
    assert payment_rows(backend) == 1
    receipts = [m for m in admin.read_outbox(backend) if invoice.ref in m.subject]
    assert len(receipts) == 1


async def test_pay_4_second_payment_of_paid_invoice_refused(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    await backend.pay_invoice(token, card(invoice.ref))
    with pytest.raises(Conflict) as err:
        await backend.pay_invoice(token, card(invoice.ref))  # a new key: a new payment
    assert err.value.code == "deja_payee" and "déjà payée" in err.value.message
    assert payment_rows(backend) == 1


async def test_pay_4_same_key_for_another_invoice_is_a_conflict(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref)
    await backend.pay_invoice(token, payment)
    paid = (await backend.list_invoices(token, status=InvoiceStatus.PAID)).invoices
    other = next(i.ref for i in paid if i.ref != invoice.ref)
    with pytest.raises(Conflict) as err:
        await backend.pay_invoice(token, replace(payment, invoice_ref=other))
    assert err.value.code == "cle_idempotence_reutilisee"
    assert payment_rows(backend) == 1


async def test_pay_4_replay_after_the_card_expired_returns_the_first_payment(
    backend: FakeBackend, demo_credentials
) -> None:
    """PAY-4: the key is looked up before any check. A card expiring this month pays at 23:59
    on the month's last day; the answer is lost; the same request sent again after midnight
    (the card has now expired) returns that payment, and nothing is charged twice."""
    backend.clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=PARIS))
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref, expiry_month="11", expiry_year="26")
    first = await backend.pay_invoice(token, payment)
    backend.clock.advance(timedelta(minutes=2))  # 1 December, 00:01: the card has expired
    with pytest.raises(ValidationError) as err:  # a new payment with this card is refused
        await backend.pay_invoice(token, replace(payment, idempotency_key=str(uuid.uuid4())))
    assert "expiré" in err.value.fields["expiry_month"]
    again = await backend.pay_invoice(token, payment)
    assert again == first
    assert payment_rows(backend) == 1
    assert len([m for m in admin.read_outbox(backend) if invoice.ref in m.subject]) == 1


async def test_pay_4_replay_after_the_invoice_was_paid_and_its_amount_changed(
    backend: FakeBackend, demo_credentials
) -> None:
    """PAY-4: the replay returns the first outcome, although the invoice is now paid (by that
    very request) and its amount has changed since: no « already paid », no new amount."""
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref)
    first = await backend.pay_invoice(token, payment)
    with backend.store.transaction() as db:
        db.execute("UPDATE invoices SET total = total + 1000 WHERE ref = ?", (invoice.ref,))
    again = await backend.pay_invoice(token, payment)
    assert again == first and again.amount == invoice.total
    assert payment_rows(backend) == 1


@pytest.mark.parametrize("test_card", TEST_CARDS, ids=lambda c: f"{c.brand}-{c.outcome}")
@pytest.mark.parametrize(("month", "year"), [("11", "26"), ("3", "2031"), (12, 2028)])
def test_pay_4_card_identity_is_what_check_card_keeps(
    test_card: cards.TestCard, month: Any, year: Any
) -> None:
    """The replay is recognised by the same values as the first request stored (else a replay
    would be refused as « another request »): brand, last 4, expiry, holder."""
    code = "1234" if test_card.brand is CardBrand.AMEX else "123"
    number = " ".join(test_card.number[i : i + 4] for i in range(0, len(test_card.number), 4))
    payment = card("X", card_number=number, expiry_month=month, expiry_year=year)
    payment = replace(payment, security_code=code, holder="  Claire Martin ")
    checked = cards.check_card(payment, START)
    identity = (checked.brand.value, checked.last4, checked.expiry, checked.holder)
    assert cards.card_identity(payment) == identity


@pytest.mark.parametrize(
    "overrides",
    [{"card_number": "4242"}, {"expiry_month": "13"}, {"expiry_year": "1999"}, {"holder": ""}],
)
def test_pay_4_card_identity_of_an_unreadable_card_is_none(overrides: dict[str, Any]) -> None:
    assert cards.card_identity(card("X", **overrides)) is None


async def test_pay_4_replay_of_a_declined_card_after_it_expired_is_the_same_decline(
    backend: FakeBackend, demo_credentials
) -> None:
    """PAY-4: a refusal is an outcome too: after the card's expiry, the replay gives the bank's
    refusal again, not « expired »."""
    backend.clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=PARIS))
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref, card_number=DECLINED, expiry_month="11", expiry_year="2026")
    with pytest.raises(ValidationError) as first:
        await backend.pay_invoice(token, payment)
    backend.clock.advance(timedelta(minutes=2))
    with pytest.raises(ValidationError) as again:
        await backend.pay_invoice(token, payment)
    assert again.value.code == first.value.code == "carte_refusee"
    assert payment_rows(backend) == 0


@pytest.mark.parametrize("key", [None, "", "court", "x" * 101, 12345678, "clé\x00nulle-123"])
async def test_pay_4_idempotency_key_required(backend: FakeBackend, demo_credentials, key) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    with pytest.raises(ValidationError) as err:
        await backend.pay_invoice(token, card(invoice.ref, idempotency_key=key))
    assert "idempotency_key" in err.value.fields
    assert payment_rows(backend) == 0


# --- PAY-5 --------------------------------------------------------------------------------------


def test_pay_5_test_cards_documented_and_luhn_valid() -> None:
    assert all(luhn.is_valid(c.number) for c in TEST_CARDS)
    assert all(detect_brand(c.number) is c.brand for c in TEST_CARDS)
    successes = {c.brand for c in TEST_CARDS if c.outcome is Outcome.SUCCESS}
    assert successes == set(CardBrand)  # at least one success per brand
    assert {c.outcome for c in TEST_CARDS} == set(Outcome)
    assert all(c.description for c in TEST_CARDS)
    assert len({c.number for c in TEST_CARDS}) == len(TEST_CARDS)


@pytest.mark.parametrize("test_card", TEST_CARDS, ids=lambda c: f"{c.brand}-{c.outcome}")
async def test_pay_5_each_test_card_gives_its_outcome(
    backend: FakeBackend, demo_credentials, test_card: cards.TestCard
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    code = "1234" if test_card.brand is CardBrand.AMEX else "123"
    payment = card(invoice.ref, card_number=test_card.number, security_code=code)
    if test_card.outcome is Outcome.SUCCESS:
        paid = await backend.pay_invoice(token, payment)
        assert paid.brand is test_card.brand and paid.last4 == test_card.number[-4:]
        return
    if test_card.outcome is Outcome.RETRY:
        with pytest.raises(BackendUnavailable):
            await backend.pay_invoice(token, payment)
        assert payment_rows(backend) == 0
        return
    expected = {
        Outcome.DECLINED: ("carte_refusee", "carte"),
        Outcome.INSUFFICIENT_FUNDS: ("provision_insuffisante", "provision insuffisante"),
    }[test_card.outcome]
    for _ in range(2):  # the replay with the same key raises the same typed error
        with pytest.raises(ValidationError) as err:
            await backend.pay_invoice(token, payment)
        assert err.value.code == expected[0] and expected[1] in err.value.message
        assert "card_number" in err.value.fields
    assert payment_rows(backend) == 0
    assert (await backend.get_invoice(token, invoice.ref)).status is InvoiceStatus.OVERDUE
    assert not [m for m in admin.read_outbox(backend) if invoice.ref in m.subject]


async def test_pay_5_retry_card_succeeds_on_second_attempt_with_same_key(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    payment = card(invoice.ref, card_number=RETRY)
    with pytest.raises(BackendUnavailable) as err:
        await backend.pay_invoice(token, payment)
    assert "réessayez" in err.value.message and RETRY not in err.value.message
    assert payment_rows(backend) == 0
    with backend.store.transaction() as db:
        assert db.scalar("SELECT COUNT(*) FROM idempotency") == 1  # only the attempt marker
    paid = await backend.pay_invoice(token, payment)
    assert paid.amount == invoice.total
    assert await backend.pay_invoice(token, payment) == paid
    assert payment_rows(backend) == 1
    assert (await backend.get_invoice(token, invoice.ref)).status is InvoiceStatus.PAID


async def test_pay_5_retry_card_with_a_new_key_fails_again(
    backend: FakeBackend, demo_credentials
) -> None:
    token = await login(backend, demo_credentials)
    invoice = await invoice_with(backend, token, InvoiceStatus.OVERDUE)
    for _ in range(2):
        with pytest.raises(BackendUnavailable):
            await backend.pay_invoice(token, card(invoice.ref, card_number=RETRY))
    assert payment_rows(backend) == 0


# --- SEC-4 --------------------------------------------------------------------------------------

ODD = odd(
    "4" * 100_000,
    "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢",  # Arabic-Indic digits
    "4242 4242 4242 4242",
    "378282246310005",
    "12",
    "2028",
    "-1",
)
ANY = anything(ODD)
FUZZ = fuzz(60)


def run(call: Awaitable[Any]) -> Any:
    async def go() -> Any:
        try:
            return await call
        except BackendError as exc:
            assert exc.message and isinstance(exc.message, str)
            assert all(isinstance(v, str) for v in exc.fields.values())
            return exc

    return asyncio.run(go())


@FUZZ
@given(values=st.fixed_dictionaries({name: ANY for name in CardPayment.__dataclass_fields__}))
def test_sec_4_pay_any_input_only_typed_errors_and_nothing_written(
    fresh, demo_credentials, values: dict[str, Any]
) -> None:
    backend = fresh()
    token = run(backend.login(demo_credentials["email"], demo_credentials["password"])).token
    result = run(backend.pay_invoice(token, CardPayment(**values)))
    assert isinstance(result, BackendError)  # the demo invoice refs are never generated
    assert payment_rows(backend) == 0
    with backend.store.transaction() as db:
        assert db.scalar("SELECT COUNT(*) FROM idempotency") == 0


@FUZZ
@given(
    number=ANY,
    month=ANY,
    year=ANY,
    code=ANY,
    holder=ANY,
)
def test_sec_4_pay_real_invoice_with_fuzzed_card(
    fresh, demo_credentials, number, month, year, code, holder
) -> None:
    backend = fresh()
    token = run(backend.login(demo_credentials["email"], demo_credentials["password"])).token
    page = run(backend.list_invoices(token, status=InvoiceStatus.OVERDUE))
    ref = page.invoices[0].ref
    payment = card(
        ref,
        card_number=number,
        expiry_month=month,
        expiry_year=year,
        security_code=code,
        holder=holder,
    )
    result = run(backend.pay_invoice(token, payment))
    if isinstance(result, BackendError):
        assert payment_rows(backend) == 0
        text = str(result.to_payload())
        if isinstance(number, str) and len(number.strip()) >= 12:
            assert number.strip() not in text
    else:  # a valid card was generated: paid exactly once
        assert payment_rows(backend) == 1


def test_sec_4_check_card_huge_and_odd_values_refused_quickly() -> None:
    payment = CardPayment(
        "1" * 12, "4" * 10**6, 10**100, -(10**100), "9" * 10**6, "x" * 10**6, "k" * 8
    )
    with pytest.raises(ValidationError) as err:
        cards.check_card(payment, START)
    assert set(err.value.fields) == {
        "card_number",
        "expiry_month",
        "expiry_year",
        "security_code",
        "holder",
    }


def test_pay_2_expiry_compared_in_paris_time() -> None:
    # 30/11/2026 23:30 UTC is already 1 December in Paris: a card expiring 11/26 has expired.
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    payment = card("123456789012", expiry_month="11", expiry_year="26")
    with pytest.raises(ValidationError) as err:
        cards.check_card(payment, moment)
    assert "expiry_month" in err.value.fields
    assert cards.check_card(payment, moment.replace(hour=22)).expiry == "11/26"

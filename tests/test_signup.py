"""Signup rules SIGNUP-1…8 and SIGNUP-10 on the fake backend, clock frozen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geg_tui.api.errors import Conflict, RateLimited, ValidationError
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from tests.conftest import signup_request, unregistered_customer


async def test_signup_full_then_login(backend: FakeBackend) -> None:
    """SIGNUP-9/10: the steps in order, then the account logs in at once with a welcome mail."""
    customer = unregistered_customer(backend)
    req = signup_request(customer)
    await backend.signup_check_credentials(req.email, req.password, req.password_confirm)
    identity = await backend.signup_check_contract(
        req.contract_ref, req.invoice_ref, req.invoice_amount
    )
    assert identity.identity.last_name == customer["last_name"]
    assert identity.masked_phone and "••" in identity.masked_phone
    await backend.signup_check_personal(
        req.contract_ref, req.invoice_ref, req.invoice_amount, req.birth_date, None
    )
    questions = await backend.secret_questions()
    assert len(questions) >= 5  # SIGNUP-8
    account = await backend.signup_confirm(req)
    assert account.email == req.email
    assert any(c.ref == req.contract_ref for c in account.contracts)
    session = await backend.login(req.email, req.password)
    assert session.token
    mails = admin.read_outbox(backend, req.email)
    assert [m.subject for m in mails] == ["Bienvenue dans votre espace client GEG"]


@pytest.mark.parametrize(
    "email",
    ["", "pas-une-adresse", "a@b", "a b@exemple.fr", "x" * 250 + "@exemple.fr", "a..b@exemple.fr"],
)
async def test_signup_1_invalid_email_refused(backend: FakeBackend, email: str) -> None:
    with pytest.raises(ValidationError) as err:
        await backend.signup_check_credentials(email, "Mon-Mot2Passe", "Mon-Mot2Passe")
    assert "email" in err.value.fields


async def test_signup_1_email_case_insensitive_and_taken_neutral_with_mail(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """SIGNUP-1: a used address (in any case) is refused neutrally and its owner is told."""
    upper = demo_credentials["email"].upper()
    with pytest.raises(ValidationError) as err:
        await backend.signup_check_credentials(upper, "Mon-Mot2Passe", "Mon-Mot2Passe")
    assert "existe" not in err.value.message  # neutral: does not say "this account exists"
    assert "mot de passe oublié" in err.value.message
    warnings = [
        m for m in admin.read_outbox(backend, demo_credentials["email"]) if "Tentative" in m.subject
    ]
    assert len(warnings) == 1
    # A second try the same day does not flood the owner.
    with pytest.raises(ValidationError):
        await backend.signup_check_credentials(upper, "Mon-Mot2Passe", "Mon-Mot2Passe")
    assert (
        len(
            [
                m
                for m in admin.read_outbox(backend, demo_credentials["email"])
                if "Tentative" in m.subject
            ]
        )
        == 1
    )


@pytest.mark.parametrize(
    ("password", "confirm", "field"),
    [
        ("court", "court", "password"),
        ("x" * 26, "x" * 26, "password"),
        ("Mon-Mot2Passe", "Autre-Mot2Passe", "password_confirm"),
        ("nouveau@exemple.fr", "nouveau@exemple.fr", "password"),
    ],
)
async def test_signup_2_password_rules(
    backend: FakeBackend, password: str, confirm: str, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await backend.signup_check_credentials("nouveau@exemple.fr", password, confirm)
    assert field in err.value.fields


async def test_signup_2_password_counts_code_points_and_is_not_truncated(
    backend: FakeBackend,
) -> None:
    """SIGNUP-2: 25 accented letters (NFC) pass, 26 fail; the full password is what logs in."""
    await backend.signup_check_credentials("nouveau@exemple.fr", "é" * 25, "é" * 25)
    decomposed = "e\u0301" * 25  # 50 code points before NFC, 25 after
    await backend.signup_check_credentials("nouveau@exemple.fr", decomposed, decomposed)
    with pytest.raises(ValidationError):
        await backend.signup_check_credentials("nouveau@exemple.fr", "é" * 26, "é" * 26)
    customer = unregistered_customer(backend)
    long_pw = "Abcdefghijklmnopqrstuvwx1"  # 25
    await backend.signup_confirm(
        signup_request(customer, password=long_pw, password_confirm=long_pw)
    )
    from geg_tui.api.errors import AuthError

    with pytest.raises(AuthError):
        await backend.login(signup_request(customer).email, long_pw[:-1])
    assert (await backend.login(signup_request(customer).email, long_pw)).token


async def test_signup_3_formats_accepted(backend: FakeBackend) -> None:
    """SIGNUP-3: spaces ignored in references; amounts as 123,45 / 123.45 / 1 234,56 €."""
    customer = unregistered_customer(backend)
    contract = customer["contract"]
    cents = contract["last_invoice_amount_cents"]
    euros, rest = divmod(cents, 100)
    spaced_ref = " ".join(contract["contract_ref"][i : i + 2] for i in range(0, 10, 2))
    spaced_invoice = " ".join(contract["last_invoice_ref"][i : i + 4] for i in range(0, 12, 4))
    for amount in (
        f"{euros},{rest:02d}",
        f"{euros}.{rest:02d}",
        f"{euros:,}".replace(",", " ") + f",{rest:02d} €",
    ):
        identity = await backend.signup_check_contract(spaced_ref, spaced_invoice, amount)
        assert identity.contract_ref == contract["contract_ref"]


@pytest.mark.parametrize(
    ("contract_ref", "invoice_ref", "amount", "field"),
    [
        ("123", "123456789012", "10,00", "contract_ref"),
        ("1234567890", "12345", "10,00", "invoice_ref"),
        ("1234567890", "123456789012", "dix euros", "invoice_amount"),
        ("1234567890", "123456789012", "10,0,1", "invoice_amount"),
    ],
)
async def test_signup_3_bad_formats_per_field(
    backend: FakeBackend, contract_ref: str, invoice_ref: str, amount: str, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await backend.signup_check_contract(contract_ref, invoice_ref, amount)
    assert field in err.value.fields


async def test_signup_4_any_mismatch_is_one_generic_error(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    c = customer["contract"]
    cents = c["last_invoice_amount_cents"]
    wrong_amount = f"{(cents + 1) // 100},{(cents + 1) % 100:02d}"
    wrong_invoice = str((int(c["last_invoice_ref"]) + 1) % 10**12).zfill(12)
    messages = set()
    for args in (
        ("9999999999", c["last_invoice_ref"], c["last_invoice_amount"]),
        (c["contract_ref"], wrong_invoice, c["last_invoice_amount"]),
        (c["contract_ref"], c["last_invoice_ref"], wrong_amount),
    ):
        with pytest.raises(ValidationError) as err:
            await backend.signup_check_contract(*args)
        assert err.value.fields == {}
        messages.add(err.value.message)
    assert len(messages) == 1


async def test_signup_4_older_invoice_is_not_the_latest(backend: FakeBackend) -> None:
    """SIGNUP-4: the invoice must be the most recent one issued for the contract."""
    customer = unregistered_customer(backend)
    c = customer["contract"]
    with backend.store.transaction() as db:
        older = db.one(
            "SELECT i.ref, i.total FROM invoices i JOIN contracts k ON k.id = i.contract_id "
            "WHERE k.ref = ? AND i.ref != ? AND i.issue_date <= ? ORDER BY i.issue_date DESC LIMIT 1",
            (c["contract_ref"], c["last_invoice_ref"], backend.clock.today().isoformat()),
        )
    amount = f"{older['total'] // 100},{older['total'] % 100:02d}"
    with pytest.raises(ValidationError):
        await backend.signup_check_contract(c["contract_ref"], older["ref"], amount)


async def test_signup_5_five_failures_block_the_contract_24h(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    c = customer["contract"]
    for _ in range(5):
        with pytest.raises(ValidationError):
            await backend.signup_check_contract(c["contract_ref"], c["last_invoice_ref"], "0,01")
    # Even the right triple is refused now, with a hint to contact customer service.
    with pytest.raises(RateLimited) as err:
        await backend.signup_check_contract(
            c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"]
        )
    assert "service client" in err.value.message
    backend.clock.advance(timedelta(hours=23, minutes=59))
    with pytest.raises(RateLimited):
        await backend.signup_check_contract(
            c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"]
        )
    backend.clock.advance(timedelta(minutes=2))
    await backend.signup_check_contract(
        c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"]
    )


async def test_signup_5_block_lasts_24h_from_the_fifth_failure_as_announced(
    backend: FakeBackend,
) -> None:
    """SIGNUP-5: one failure, four more 20 hours later: the block runs 24 h from the fifth, as the
    message says, not until the first failure turns 24 hours old (a sliding count did that)."""
    customer = unregistered_customer(backend)
    c = customer["contract"]
    right = (c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"])
    with pytest.raises(ValidationError):
        await backend.signup_check_contract(c["contract_ref"], c["last_invoice_ref"], "0,01")
    backend.clock.advance(timedelta(hours=20))
    for _ in range(4):
        with pytest.raises(ValidationError):
            await backend.signup_check_contract(c["contract_ref"], c["last_invoice_ref"], "0,01")
    fifth = backend.clock.now()
    with pytest.raises(RateLimited) as err:
        await backend.signup_check_contract(*right)
    assert err.value.until == fifth + timedelta(hours=24)
    backend.clock.advance(timedelta(hours=4, minutes=1))  # the first failure is now 24 h old
    with pytest.raises(RateLimited) as again:
        await backend.signup_check_contract(*right)
    assert again.value.until == err.value.until  # refusals during the block do not extend it
    backend.clock.set(fifth + timedelta(hours=24, minutes=1))
    await backend.signup_check_contract(*right)
    # The count starts again from zero: one new failure does not block.
    with pytest.raises(ValidationError):
        await backend.signup_check_contract(c["contract_ref"], c["last_invoice_ref"], "0,01")
    await backend.signup_check_contract(*right)


async def test_signup_5_birth_date_failures_count_too(backend: FakeBackend) -> None:
    """SIGNUP-5 counts SIGNUP-7 failures for the same contract."""
    customer = unregistered_customer(backend)
    c = customer["contract"]
    proof = (c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"])
    for _ in range(5):
        with pytest.raises(ValidationError) as err:
            await backend.signup_check_personal(*proof, "01/01/1950", None)
        assert "birth_date" in err.value.fields
    with pytest.raises(RateLimited):
        await backend.signup_check_personal(*proof, customer["birth_date"], None)


async def test_signup_6_contract_already_attached(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    await backend.signup_confirm(signup_request(customer))
    c = customer["contract"]
    with pytest.raises(Conflict) as err:
        await backend.signup_check_contract(
            c["contract_ref"], c["last_invoice_ref"], c["last_invoice_amount"]
        )
    assert "mot de passe oublié" in err.value.message
    with pytest.raises(Conflict):
        await backend.signup_confirm(signup_request(customer, email="autre.adresse@exemple.fr"))


async def test_signup_6_registered_demo_contract(backend: FakeBackend) -> None:
    """SIGNUP-6 on the demo account's own contract (already registered in the seed)."""
    registered = next(c for c in admin.customers(backend) if c["registered"])
    k = registered["contracts"][0]
    with pytest.raises(Conflict):
        await backend.signup_check_contract(
            k["contract_ref"], k["last_invoice_ref"], k["last_invoice_amount"]
        )


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("06 11 22 33 44", True),
        ("+33 6 11 22 33 44", True),
        ("0611223344", True),
        ("04 76 11 22 33", True),
        ("12 34", False),
        ("00 11 22 33 44", False),
        ("+44 20 7946 0958", False),
    ],
)
async def test_signup_7_phone_formats(backend: FakeBackend, phone: str, ok: bool) -> None:
    customer = unregistered_customer(backend)
    c = customer["contract"]
    call = backend.signup_check_personal(
        c["contract_ref"],
        c["last_invoice_ref"],
        c["last_invoice_amount"],
        customer["birth_date"],
        phone,
    )
    if ok:
        await call
    else:
        with pytest.raises(ValidationError) as err:
            await call
        assert "phone" in err.value.fields


async def test_signup_7_birth_date_must_match_and_new_phone_is_saved(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    with pytest.raises(ValidationError) as err:
        await backend.signup_confirm(signup_request(customer, birth_date="02/02/1902"))
    assert "service client" in err.value.fields["birth_date"]
    req = signup_request(customer, phone="+33 7 98 76 54 32")
    await backend.signup_confirm(req)
    session = await backend.login(req.email, req.password)
    account = await backend.account(session.token)
    assert account.identity.last_name == customer["last_name"]
    updated = next(
        c for c in admin.customers(backend) if c["customer_number"] == customer["customer_number"]
    )
    assert updated["phone"] == "07 98 76 54 32"


@pytest.mark.parametrize("answer", ["ab", "  a  ", "x" * 51])
async def test_signup_8_answer_length(backend: FakeBackend, answer: str) -> None:
    customer = unregistered_customer(backend)
    with pytest.raises(ValidationError) as err:
        await backend.signup_confirm(signup_request(customer, secret_answer=answer))
    assert "secret_answer" in err.value.fields


async def test_signup_8_unknown_question_refused(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    with pytest.raises(ValidationError) as err:
        await backend.signup_confirm(signup_request(customer, secret_question_id=999))
    assert "secret_question_id" in err.value.fields


async def test_signup_8_answer_normalised(backend: FakeBackend) -> None:
    """SIGNUP-8: ` grenoble ` answers `Grenoble`; accents and inner spaces do not matter."""
    customer = unregistered_customer(backend)
    req = signup_request(customer, secret_answer="  Le   Vercors-Évasion ")
    await backend.signup_confirm(req)
    challenge = await backend.reset_start(req.email, customer["birth_date"])
    assert challenge.question.id == req.secret_question_id
    await backend.reset_answer(req.email, customer["birth_date"], "le vercors-evasion")


async def test_signup_10_nothing_stored_before_confirmation(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    req = signup_request(customer)
    before = _table_counts(backend)
    await backend.signup_check_credentials(req.email, req.password, req.password_confirm)
    await backend.signup_check_contract(req.contract_ref, req.invoice_ref, req.invoice_amount)
    await backend.signup_check_personal(
        req.contract_ref, req.invoice_ref, req.invoice_amount, req.birth_date, "0611223344"
    )
    assert _table_counts(backend) == before


async def test_signup_10_rechecks_everything_on_confirmation(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)
    with pytest.raises(ValidationError):
        await backend.signup_confirm(signup_request(customer, invoice_amount="0,01"))
    with pytest.raises(ValidationError):
        await backend.signup_confirm(signup_request(customer, password_confirm="different-1"))
    assert _table_counts(backend)["accounts"] == 1


async def test_signup_10_failure_midway_leaves_no_partial_account(
    backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGNUP-10 / SIM-4: an exception after the account row is written rolls everything back."""
    from geg_tui.fake_backend import outbox

    customer = unregistered_customer(backend)
    before = _table_counts(backend)

    def broken_send(*args: object, **kwargs: object) -> int:
        raise RuntimeError("panne simulée pendant l'envoi du courriel de bienvenue")

    monkeypatch.setattr(outbox, "send", broken_send)
    with pytest.raises(RuntimeError):
        await backend.signup_confirm(signup_request(customer, phone="0611223344"))
    assert _table_counts(backend) == before
    monkeypatch.undo()
    await backend.signup_confirm(signup_request(customer))


def _table_counts(backend: FakeBackend) -> dict[str, int]:
    with backend.store.transaction() as db:
        counts = {
            t: db.scalar(f"SELECT COUNT(*) FROM {t}")
            for t in ("accounts", "sessions", "outbox", "codes")
        }
        counts["customers_hash"] = hash(
            tuple(tuple(r) for r in db.all("SELECT * FROM customers ORDER BY id"))
        )
        return counts


async def test_signup_3_refund_invoice_amount_accepted(backend: FakeBackend) -> None:
    """SIGNUP-3: a settlement can be a refund; its amount is typed with a minus sign."""
    from geg_tui.fake_backend import validation

    assert validation.amount_cents("-14,48 €") == -1448
    assert validation.amount_cents("1 234,56 €") == 123456
    with pytest.raises(ValidationError):
        validation.amount_cents("--1")


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("123,45", 12345),
        ("1 234,56 €", 123456),
        ("€1,234.56", 123456),
        ("1,234.56", 123456),
        ("1.234,56", 123456),
        ("€66.38", 6638),
        ("-€14.48", -1448),
        ("1,234", 123400),
    ],
)
def test_signup_3_amount_as_a_french_or_an_english_reader_writes_it(typed: str, cents: int) -> None:
    """SIGNUP-3: the invoice amount is typed as the screens show money, in either language."""
    from geg_tui.fake_backend.validation import amount_cents

    assert amount_cents(typed) == cents


@pytest.mark.parametrize("typed", ["12,3456", "1,23,45", "€", "1.234.5", "abc"])
def test_signup_3_an_amount_that_reads_two_ways_or_none_is_refused(typed: str) -> None:
    from geg_tui.api.errors import ValidationError
    from geg_tui.fake_backend.validation import amount_cents

    with pytest.raises(ValidationError):
        amount_cents(typed)

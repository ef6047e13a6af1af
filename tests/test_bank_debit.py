"""Bank details, payment mode and e-invoice: BANK-1…4, DEBIT-1…5, EINV-1…2."""

from __future__ import annotations

from datetime import date

import pytest

from geg_tui.api.errors import Conflict, ValidationError
from geg_tui.api.models import PaymentMode
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from tests.conftest import signup_request, unregistered_customer

GOOD_IBAN = "FR76 3000 6000 0112 3456 7890 189"
DE_IBAN = "DE89 3704 0044 0532 0130 00"


async def login_demo(backend: FakeBackend, demo: dict[str, str]) -> str:
    return (await backend.login(demo["email"], demo["password"])).token


async def contracts_by_energy(backend: FakeBackend, token: str) -> dict[str, str]:
    return {c.energy.value: c.ref for c in (await backend.account(token)).contracts}


@pytest.mark.parametrize(
    ("iban", "bic", "field"),
    [
        ("FR76 3000 6000 0112 3456 7890 188", None, "iban"),  # mod 97
        ("FR76 3000 6000 0112 3456 7890", None, "iban"),  # length of its country
        ("US12 3456 7890 1234", None, "iban"),  # not SEPA
        ("BR15 0000 0000 0000 1093 2840 814 P2", None, "iban"),  # valid IBAN, not SEPA
        (GOOD_IBAN, "PASUNBIC", "bic"),
        ("", None, "iban"),
    ],
)
async def test_bank_1_iban_and_bic_checked(
    backend: FakeBackend, demo_credentials: dict[str, str], iban: str, bic: str | None, field: str
) -> None:
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.set_bank_details(
            token, iban, bic, "Claire Martin", demo_credentials["password"]
        )
    assert field in err.value.fields


async def test_bank_1_holder_required_and_foreign_sepa_accepted(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.set_bank_details(token, GOOD_IBAN, None, "  ", demo_credentials["password"])
    assert "holder" in err.value.fields
    details = await backend.set_bank_details(
        token, DE_IBAN, "COBADEFFXXX", "Claire Martin", demo_credentials["password"]
    )
    assert details.iban_masked.startswith("DE89") and details.bic == "COBADEFFXXX"


async def test_bank_2_needs_current_password(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    before = await backend.bank_details(token)
    with pytest.raises(ValidationError) as err:
        await backend.set_bank_details(token, GOOD_IBAN, None, "Claire Martin", "pas le bon")
    assert "password" in err.value.fields
    assert await backend.bank_details(token) == before


async def test_bank_3_new_mandate_revokes_old_and_mails(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    old = await backend.bank_details(token)
    assert old is not None  # the demo account pays by direct debit (DEBIT-3)
    new = await backend.set_bank_details(
        token, GOOD_IBAN, "AGRIFRPP", "Claire Martin", demo_credentials["password"]
    )
    assert new.mandate_ref != old.mandate_ref
    assert len(new.mandate_ref) <= 35
    assert all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ " for ch in new.mandate_ref)
    assert "30006000011234567890189" not in new.mandate_ref
    with backend.store.transaction() as db:
        active = db.all(
            "SELECT mandate_ref FROM bank_details WHERE revoked_at IS NULL AND purpose = 'contrat' AND customer_id = (SELECT customer_id FROM accounts WHERE email = ?)",
            (demo_credentials["email"],),
        )
    assert [r[0] for r in active] == [new.mandate_ref]
    mails = [
        m for m in admin.read_outbox(backend, demo_credentials["email"]) if "bancaires" in m.subject
    ]
    assert len(mails) == 1 and new.mandate_ref in mails[0].body


async def test_bank_4_iban_only_masked_everywhere(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    details = await backend.set_bank_details(
        token, GOOD_IBAN, None, "Claire Martin", demo_credentials["password"]
    )
    assert details.iban_masked.startswith("FR76 ") and details.iban_masked.endswith(" 0189")
    assert "3000 6000" not in details.iban_masked and "30006000" not in details.iban_masked
    compact = GOOD_IBAN.replace(" ", "")
    for mail in admin.read_outbox(backend):
        assert compact not in mail.body.replace(" ", "")  # SEC-3: never a full IBAN in a mail


async def test_debit_1_modes_per_contract(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    contract = await backend.set_payment_mode(token, refs["gaz"], PaymentMode.MONTHLY_DEBIT, 15)
    assert contract.payment_mode is PaymentMode.MONTHLY_DEBIT and contract.debit_day == 15
    other = {c.ref: c for c in (await backend.account(token)).contracts}[refs["electricite"]]
    assert other.payment_mode is PaymentMode.MONTHLY_DEBIT and other.debit_day == 10  # untouched
    contract = await backend.set_payment_mode(token, refs["gaz"], PaymentMode.ON_RECEIPT)
    assert contract.payment_mode is PaymentMode.ON_RECEIPT and contract.debit_day is None


async def test_debit_2_quarterly_only_on_regulated_tariff(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    with pytest.raises(ValidationError) as err:
        await backend.set_payment_mode(token, refs["gaz"], PaymentMode.QUARTERLY_DEBIT)
    assert "Tarif Bleu" in err.value.message
    contract = await backend.set_payment_mode(
        token, refs["electricite"], PaymentMode.QUARTERLY_DEBIT
    )
    assert contract.payment_mode is PaymentMode.QUARTERLY_DEBIT


async def test_debit_3_direct_debit_needs_bank_details(backend: FakeBackend) -> None:
    customer = unregistered_customer(backend)  # Bernard: on receipt, no bank details
    req = signup_request(customer)
    await backend.signup_confirm(req)
    token = (await backend.login(req.email, req.password)).token
    assert await backend.bank_details(token) is None
    with pytest.raises(ValidationError) as err:
        await backend.set_payment_mode(token, req.contract_ref, PaymentMode.MONTHLY_DEBIT, 5)
    assert err.value.code == "mandat_requis" and "IBAN" in err.value.message
    await backend.set_bank_details(token, GOOD_IBAN, None, "Bernard Dupont", req.password)
    contract = await backend.set_payment_mode(token, req.contract_ref, PaymentMode.MONTHLY_DEBIT, 5)
    assert contract.payment_mode is PaymentMode.MONTHLY_DEBIT


@pytest.mark.parametrize("day", [0, 1, 12, 31, None, "10", True])
async def test_debit_4_debit_day_is_5_10_or_15(
    backend: FakeBackend, demo_credentials: dict[str, str], day: object
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    with pytest.raises(ValidationError) as err:
        await backend.set_payment_mode(token, refs["gaz"], PaymentMode.MONTHLY_DEBIT, day)  # type: ignore[arg-type]
    assert "debit_day" in err.value.fields


async def test_debit_4_schedule_11_equal_instalments(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    schedule = await backend.debit_schedule(token, refs["electricite"])
    assert len(schedule.instalments) == 11
    assert len({i.amount for i in schedule.instalments}) == 1
    assert all(i.due_date.day == 10 for i in schedule.instalments)
    months = [(i.due_date.year, i.due_date.month) for i in schedule.instalments]
    assert len(set(months)) == 11  # one a month
    assert schedule.settlement_date > schedule.instalments[-1].due_date
    # Computed from the last 12 months at current prices: about a year's electricity for 6.5 MWh.
    assert 100_000 < schedule.estimated_annual_total < 250_000
    with pytest.raises(Conflict):
        await backend.debit_schedule(token, refs["gaz"])  # not on monthly debit


async def test_debit_5_leaving_monthly_cancels_upcoming_instalments(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    await backend.set_payment_mode(token, refs["electricite"], PaymentMode.ON_RECEIPT)
    with backend.store.transaction() as db:
        statuses = {
            r[0]
            for r in db.all(
                "SELECT i.status FROM instalments i JOIN contracts c ON c.id = i.contract_id WHERE c.ref = ?",
                (refs["electricite"],),
            )
        }
    assert statuses <= {"annulee", "prelevee"} and "annulee" in statuses
    assert any(
        "mode de règlement" in m.subject.lower()
        for m in admin.read_outbox(backend, demo_credentials["email"])
    )


async def test_debit_5_new_monthly_schedule_starts_with_next_invoice(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    await backend.set_payment_mode(token, refs["gaz"], PaymentMode.MONTHLY_DEBIT, 5)
    schedule = await backend.debit_schedule(token, refs["gaz"])
    status = await backend.meter_status(token, refs["gaz"])
    assert schedule.instalments[0].due_date > status.window_end  # after the next invoice
    assert all(i.status == "a_venir" for i in schedule.instalments)


async def test_einv_1_subscribe_per_contract(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    contract = await backend.set_e_invoice(token, refs["gaz"], True)
    assert contract.e_invoice
    contracts = {c.ref: c for c in (await backend.account(token)).contracts}
    assert contracts[refs["gaz"]].e_invoice and contracts[refs["electricite"]].e_invoice
    assert not (await backend.set_e_invoice(token, refs["gaz"], False)).e_invoice
    with pytest.raises(ValidationError):
        await backend.set_e_invoice(token, refs["gaz"], "oui")  # type: ignore[arg-type]


async def test_einv_2_subscribed_invoices_stay_five_years(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    page = await backend.list_invoices(token, contract_ref=refs["electricite"])
    oldest = min(i.issue_date for i in page.invoices)
    today = backend.clock.today()
    assert oldest >= date(today.year - 5, today.month, today.day)
    pdf = await backend.invoice_pdf(token, page.invoices[-1].ref)
    assert pdf.startswith(b"%PDF")


async def test_debit_4_new_debit_day_moves_the_instalments_to_come(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    await backend.set_payment_mode(token, refs["electricite"], PaymentMode.MONTHLY_DEBIT, 5)
    schedule = await backend.debit_schedule(token, refs["electricite"])
    assert schedule.debit_day == 5
    assert all(i.due_date.day == 5 for i in schedule.instalments if i.status == "a_venir")
    with pytest.raises(ValidationError):
        await backend.set_payment_mode(token, refs["electricite"], PaymentMode.MONTHLY_DEBIT, 5.0)  # type: ignore[arg-type]


async def test_debit_5_leaving_monthly_bills_at_the_new_rhythm_and_settles(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """DEBIT-5: after leaving monthly debit, the next invoice comes at the on-receipt rhythm and
    deducts the instalments already debited."""
    from datetime import timedelta

    token = await login_demo(backend, demo_credentials)
    refs = await contracts_by_energy(backend, token)
    admin.advance(backend, timedelta(days=70))  # the settlement, then one instalment debited
    token = await login_demo(backend, demo_credentials)
    await backend.set_payment_mode(token, refs["electricite"], PaymentMode.ON_RECEIPT)
    before = (await backend.list_invoices(token, contract_ref=refs["electricite"])).total_count
    admin.advance(backend, timedelta(days=2))
    token = await login_demo(backend, demo_credentials)
    page = await backend.list_invoices(token, contract_ref=refs["electricite"])
    assert page.total_count == before + 1
    newest = await backend.get_invoice(token, page.invoices[0].ref)
    # The one instalment debited is deducted after tax (DEBIT-4): one, not eleven.
    assert newest.instalments_paid == 1 and newest.already_paid > 0
    assert newest.balance == newest.total - newest.already_paid > 0
    assert newest.status.value == "a_payer"

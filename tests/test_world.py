"""The world moves with the clock (SIM-2) and faults can be injected (SIM-5)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.models import InvoiceKind, InvoiceStatus
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend


def instalments(backend: FakeBackend, contract_ref: str) -> list[tuple[str, str]]:
    with backend.store.transaction() as db:
        return [
            (r["due_date"], r["status"])
            for r in db.all(
                "SELECT i.due_date, i.status FROM instalments i JOIN contracts c ON c.id = i.contract_id "
                "WHERE c.ref = ? ORDER BY i.due_date",
                (contract_ref,),
            )
        ]


def debited_amounts(
    backend: FakeBackend, contract_ref: str, days: list[str]
) -> list[tuple[str, int]]:
    with backend.store.transaction() as db:
        return [
            (r["due_date"], r["amount"])
            for r in db.all(
                "SELECT i.due_date, i.amount FROM instalments i JOIN contracts c "
                "ON c.id = i.contract_id WHERE c.ref = ? AND i.status = 'prelevee'",
                (contract_ref,),
            )
            if r["due_date"] in days
        ]


async def test_sim_2_thirteen_months_of_monthly_debit(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """Issue 3's scenario: 11 instalments, one settlement, its e-invoice mail and alerts, once each."""
    email = demo_credentials["email"]
    token = (await backend.login(email, demo_credentials["password"])).token
    elec = next(
        c for c in (await backend.account(token)).contracts if c.energy.value == "electricite"
    )
    start = backend.clock.now()
    before_invoices = {
        i.ref for i in (await backend.list_invoices(token, contract_ref=elec.ref)).invoices
    }
    outbox_before = len(admin.read_outbox(backend, email))
    before = {d for d, s in instalments(backend, elec.ref) if s == "prelevee"}

    _, days = admin.advance(backend, timedelta(days=395))  # 13 months
    assert days == 395
    debited = [d for d, s in instalments(backend, elec.ref) if s == "prelevee" and d not in before]
    assert len(debited) == 11
    assert all(start.date().isoformat() < d for d in debited)

    token = (await backend.login(email, demo_credentials["password"])).token
    page = await backend.list_invoices(token, contract_ref=elec.ref)
    new = [i for i in page.invoices if i.ref not in before_invoices]
    assert [i.kind for i in new] == [InvoiceKind.SETTLEMENT]
    settlement = await backend.get_invoice(token, new[0].ref)
    # DEBIT-4: the 11 instalments are deducted after tax; the balance is debited or refunded.
    assert (settlement.instalments_paid, len(debited)) == (11, 11)
    assert settlement.already_paid == sum(
        amount for _, amount in debited_amounts(backend, elec.ref, debited)
    )
    assert settlement.balance == settlement.total - settlement.already_paid
    if settlement.balance > 0:
        assert settlement.status in (InvoiceStatus.DEBIT_SCHEDULED, InvoiceStatus.DEBITED)
    else:  # the demo's seed makes this one a credit
        assert settlement.status in (InvoiceStatus.REFUND_DUE, InvoiceStatus.REFUNDED)

    mails = admin.read_outbox(backend, email)[outbox_before:]
    subjects = Counter(m.subject for m in mails)
    # EINV-1 mail and the « nouvelle facture » alert: once each for the settlement.
    assert sum(1 for m in mails if settlement.ref in m.body and "disponible" in m.subject) == 2
    page = await backend.list_invoices(token, year=None)
    issued = sum(1 for i in page.invoices if i.issue_date > start.date())
    assert (
        subjects["Alerte GEG : nouvelle facture disponible"] == issued
    )  # one per invoice, gas too
    einvoice = [
        m
        for m in mails
        if m.subject == "Votre facture GEG est disponible" and settlement.ref in m.body
    ]
    assert len(einvoice) == 1
    if settlement.balance > 0:  # EINV-1: the debit date and amount
        assert "prélevée le" in einvoice[0].body
    else:
        assert "Solde en votre faveur" in einvoice[0].body and "prélevée le" not in einvoice[0].body
        assert "déjà réglé : 11 mensualités prélevées" in einvoice[0].body
    debit_alerts = [m for m in mails if "prélèvement à venir" in m.subject]
    keys = [m.body for m in debit_alerts]
    assert len(keys) == len(set(keys))  # each debit announced once
    assert len(debit_alerts) >= 11
    assert [m.deliver_at for m in mails] == sorted(m.deliver_at for m in mails)  # in time order

    # Advancing again by zero changes nothing: every event happened once.
    count = len(admin.read_outbox(backend, email))
    admin.advance(backend, timedelta(0))
    assert len(admin.read_outbox(backend, email)) == count


async def test_sim_2_invoices_turn_overdue_and_delayed_mail_arrives(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    with backend.store.transaction() as db:
        row = db.one(
            "SELECT ref, due_date FROM invoices WHERE status = 'a_payer' ORDER BY due_date LIMIT 1"
        )
    admin.advance(backend, timedelta(days=30))
    with backend.store.transaction() as db:
        assert db.scalar("SELECT status FROM invoices WHERE ref = ?", (row["ref"],)) == "en_retard"


async def test_sim_2_new_invoices_and_meter_reading_used(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """METER-5 through the world: the next gas invoice uses the customer's reading (« client »)."""
    from geg_tui.api.models import ReadingKind, Register

    email = demo_credentials["email"]
    token = (await backend.login(email, demo_credentials["password"])).token
    gas = next(c for c in (await backend.account(token)).contracts if c.energy.value == "gaz")
    status = await backend.meter_status(token, gas.ref)
    last = status.last_reading.indexes[Register.GAS]
    admin.advance(backend, timedelta(days=(status.window_start - backend.clock.today()).days + 1))
    token = (await backend.login(email, demo_credentials["password"])).token
    result = await backend.submit_reading(
        token, gas.ref, {Register.GAS: last + 40}, confirm_implausible=True
    )
    assert result.reading is not None
    admin.advance(backend, timedelta(days=12))
    token = (await backend.login(email, demo_credentials["password"])).token
    newest = (await backend.list_invoices(token, contract_ref=gas.ref)).invoices[0]
    detail = await backend.get_invoice(token, newest.ref)
    assert detail.readings[0].kind is ReadingKind.CUSTOMER
    assert detail.readings[0].current_index == last + 40
    assert detail.total == sum(line.amount for line in detail.lines) + detail.vat  # INV-2


async def test_sim_5_faults_latency_and_errors(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    admin.set_fault(backend, "login", 0, 1.0)
    with pytest.raises(BackendUnavailable) as err:
        await backend.login(demo_credentials["email"], demo_credentials["password"])
    assert "réessayez" in err.value.message
    await backend.support_info()  # other operations unaffected
    admin.set_fault(backend, "*", 150, 0.0)
    admin.clear_faults(backend)
    assert admin.list_faults(backend) == []
    admin.set_fault(backend, "support_info", 150, 0.0)
    began = time.perf_counter()
    await backend.support_info()
    assert (
        time.perf_counter() - began >= 0.15
    )  # the injected latency is there (a floor, not a timing race)
    with pytest.raises(ValueError, match="Opération inconnue"):
        admin.set_fault(backend, "voler", 0, 0.5)
    with pytest.raises(ValueError):
        admin.set_fault(backend, "login", 0, 1.5)


def test_sim_1_clock_never_goes_back_to_a_day_the_world_has_lived(backend: FakeBackend) -> None:
    """A clock put back before the world's last day would show debits of the future with no
    invoice behind them; a later time, or another hour of the last day, is accepted."""
    from geg_tui.api.errors import Conflict

    admin.advance(backend, timedelta(days=3))
    lived = backend.clock.now()
    with pytest.raises(Conflict) as refused:
        admin.set_clock(backend, lived - timedelta(days=1))
    assert refused.value.code == "horloge_deja_passee"
    assert "fake reset --start" in refused.value.message
    assert backend.clock.now() == lived
    same_day = lived.replace(hour=lived.hour - 1)
    assert admin.set_clock(backend, same_day) == same_day
    later = lived + timedelta(days=10)
    assert admin.set_clock(backend, later) == later

"""Alerts and referral: ALERT-1…3, REF-1…6."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geg_tui.api.errors import Conflict, ValidationError
from geg_tui.api.models import AlertKind, AlertSetting, InvitationStatus
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from tests.conftest import signup_request, unregistered_customer

IBAN = "FR76 3000 6000 0112 3456 7890 189"
OVERDUE_PARAMS = {"ref": "968320100013", "amount": 4216}


async def login_demo(backend: FakeBackend, demo: dict[str, str]) -> str:
    return (await backend.login(demo["email"], demo["password"])).token


async def test_alert_1_every_kind_listed(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    settings = {s.kind: s for s in await backend.list_alerts(token)}
    assert set(settings) == set(AlertKind)
    assert settings[AlertKind.NEW_INVOICE].enabled  # the demo account switched some on
    assert settings[AlertKind.PAYMENT_DUE].parameter == 3


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        (AlertSetting(AlertKind.PAYMENT_DUE, True, True, False, 0, "jours"), "parameter"),
        (AlertSetting(AlertKind.PAYMENT_DUE, True, True, False, 16, "jours"), "parameter"),
        (AlertSetting(AlertKind.DEBIT_SOON, True, True, False, None, "jours"), "parameter"),
        (AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, True, True, False, 300, "litres"), "unit"),
        (AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, True, True, False, -5, "kwh"), "parameter"),
        (AlertSetting(AlertKind.OVERDUE, True, False, False), "by_email"),
    ],
)
async def test_alert_2_parameters_checked(
    backend: FakeBackend, demo_credentials: dict[str, str], setting: AlertSetting, field: str
) -> None:
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.set_alert(token, setting)
    assert field in err.value.fields


async def test_alert_2_sms_needs_a_mobile(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    sms = AlertSetting(AlertKind.OVERDUE, True, False, True)
    assert (await backend.set_alert(token, sms)).by_sms  # Claire has a mobile
    await backend.update_contact_details(token, mobile="")
    with pytest.raises(ValidationError) as err:
        await backend.set_alert(token, sms)
    assert "06 ou 07" in err.value.fields["by_sms"]


async def test_alert_3_delivered_once_and_only_when_on(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """ALERT-3: one event alerts once (e-mail and SMS as chosen); switched off, it does not."""
    from geg_tui.fake_backend import alerts

    token = await login_demo(backend, demo_credentials)
    await backend.set_alert(token, AlertSetting(AlertKind.OVERDUE, True, True, True))
    with backend.store.transaction() as db:
        account_id = db.scalar(
            "SELECT id FROM accounts WHERE email = ?", (demo_credentials["email"],)
        )
        now = backend.clock.now()
        assert alerts.trigger(
            db, now, account_id, AlertKind.OVERDUE, "facture-1", "alert_overdue", OVERDUE_PARAMS
        )
        assert not alerts.trigger(
            db, now, account_id, AlertKind.OVERDUE, "facture-1", "alert_overdue", OVERDUE_PARAMS
        )
    channels = sorted(m.channel.value for m in admin.read_outbox(backend) if "retard" in m.subject)
    assert channels == ["email", "sms"]
    await backend.set_alert(token, AlertSetting(AlertKind.OVERDUE, False, True, False))
    with backend.store.transaction() as db:
        assert not alerts.trigger(
            db, now, account_id, AlertKind.OVERDUE, "facture-2", "alert_overdue", OVERDUE_PARAMS
        )


async def test_ref_1_invite_any_number(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    for n in range(3):
        invitation = await backend.invite(token, "Léa", f"Ami{n}", f"ami{n}@exemple.fr", "38500")
        assert invitation.status is InvitationStatus.SENT
    summary = await backend.referral(token)
    assert len(summary.invitations) == 3
    assert len([m for m in admin.read_outbox(backend) if "vous invite" in m.subject]) == 3


@pytest.mark.parametrize("postcode", ["38000", "38100", " 38 100 "])
async def test_ref_2_grenoble_refused_with_reason(
    backend: FakeBackend, demo_credentials: dict[str, str], postcode: str
) -> None:
    token = await login_demo(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.invite(token, "Léa", "Voisine", "lea@exemple.fr", postcode)
    assert "Grenoble" in err.value.fields["postcode"]


async def test_ref_3_thirty_days_then_expired(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    invitation = await backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003")
    assert invitation.expires_at - invitation.sent_at == timedelta(days=30)
    backend.clock.advance(timedelta(days=29, hours=23))
    token = await login_demo(backend, demo_credentials)
    assert (await backend.referral(token)).invitations[0].status is InvitationStatus.SENT
    backend.clock.advance(timedelta(hours=1))
    token = await login_demo(backend, demo_credentials)
    assert (await backend.referral(token)).invitations[0].status is InvitationStatus.EXPIRED
    with pytest.raises(Exception, match="expirée"):
        admin.referee(backend, "lea@exemple.fr", "elec")
    # Expired: the same person may be invited again (REF-4 counts pending or accepted only).
    assert (
        await backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003")
    ).status is InvitationStatus.SENT


async def test_ref_4_duplicates_self_and_customers_refused(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    await backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003")
    with pytest.raises(Conflict):
        await backend.invite(token, "Léa", "Martin", "LEA@exemple.fr", "69003")
    admin.referee(backend, "lea@exemple.fr", "elec")
    with pytest.raises(Conflict):
        await backend.invite(token, "Léa", "Martin", "lea@exemple.fr", "69003")  # accepted
    with pytest.raises(ValidationError) as err:
        await backend.invite(token, "Claire", "Martin", demo_credentials["email"], "69003")
    assert "vous-même" in err.value.fields["email"]
    other = signup_request(unregistered_customer(backend))
    await backend.signup_confirm(other)
    with pytest.raises(ValidationError) as err:
        await backend.invite(token, "Déjà", "Cliente", other.email, "69003")
    assert "déjà cliente" in err.value.fields["email"]


async def test_ref_5_bonus_20_or_40(backend: FakeBackend, demo_credentials: dict[str, str]) -> None:
    token = await login_demo(backend, demo_credentials)
    for name, energy in (("un", "elec"), ("deux", "gas"), ("trois", "dual")):
        await backend.invite(token, "Ami", name, f"{name}@exemple.fr", "73000")
        admin.referee(backend, f"{name}@exemple.fr", energy)
    bonuses = sorted(i.bonus for i in (await backend.referral(token)).invitations)
    assert bonuses == [2000, 2000, 4000]
    assert (await backend.referral(token)).total_earned == 8000


async def test_ref_6_follow_up_and_bonus_waits_for_iban(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login_demo(backend, demo_credentials)
    await backend.invite(token, "Ami", "Oui", "oui@exemple.fr", "73000")
    await backend.invite(token, "Ami", "Non", "non@exemple.fr", "73000")
    admin.referee(backend, "oui@exemple.fr", "dual")
    admin.referee(backend, "non@exemple.fr", None)
    summary = await backend.referral(token)
    statuses = {i.email: i.status for i in summary.invitations}
    assert statuses == {
        "oui@exemple.fr": InvitationStatus.SUBSCRIBED,
        "non@exemple.fr": InvitationStatus.REFUSED,
    }
    assert summary.total_earned == 4000 and summary.paid == 0 and summary.waiting_bank_details
    with pytest.raises(ValidationError):
        await backend.set_referral_bank_details(token, "FR00 1234", "Claire Martin")
    summary = await backend.set_referral_bank_details(token, IBAN, "Claire Martin")
    assert summary.paid == 4000 and not summary.waiting_bank_details
    assert summary.iban_masked and summary.iban_masked.endswith("0189")
    # The programme's IBAN is separate from the direct-debit mandate.
    assert (await backend.bank_details(token)).iban_masked.endswith("0143")

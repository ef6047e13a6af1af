"""Notifications (ALERT-3 in the terminal): each alert sent is kept once, in the reader's
language, read or unread; one mail per event; a version 3 data file gains the table."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from geg_tui import i18n
from geg_tui.api.errors import ValidationError
from geg_tui.api.models import AlertKind, AlertSetting, Channel
from geg_tui.api.texts import notification_text
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.store import Store

THRESHOLD = AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, True, True, False, 1, "kwh")


async def login(backend: FakeBackend, demo: dict[str, str]) -> str:
    return (await backend.login(demo["email"], demo["password"])).token


async def test_alert_3_threshold_crossed_one_notification_and_one_mail_per_event(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """A 1 kWh threshold is crossed by each contract in November: on 1 December, one mail and
    one notification per contract, the same words; days later, nothing again."""
    token = await login(backend, demo_credentials)
    await backend.set_alert(token, THRESHOLD)
    assert [n for n in await backend.list_notifications(token) if n.kind is THRESHOLD.kind] == []
    contracts = (await backend.account(token)).contracts

    admin.advance(backend, timedelta(days=5))  # Friday 27 → Wednesday 2 December
    token = await login(backend, demo_credentials)
    mails = [m for m in admin.read_outbox(backend) if "consommation élevée" in m.subject]
    notices = [n for n in await backend.list_notifications(token) if n.kind is THRESHOLD.kind]
    assert len(mails) == len(notices) == len(contracts) == 2
    assert {c.ref for c in contracts} == {n.params["contract"] for n in notices}
    for notice in notices:
        assert notice.channels == (Channel.EMAIL,) and not notice.read
        assert notice.code == "alert_consumption_threshold"
        assert notice.text.startswith("En novembre 2026, le contrat ")
        assert any(m.body.startswith(notice.text) for m in mails)  # the mail says the same
        assert notification_text(notice) == notice.text  # French: the sentence sent
        i18n.set_language("en")
        try:
            english = notification_text(notice)
        finally:
            i18n.set_language("fr")
        assert english.startswith("In November 2026, contract ") and "kWh" in english

    admin.advance(backend, timedelta(days=3))
    token = await login(backend, demo_credentials)
    assert len([m for m in admin.read_outbox(backend) if "consommation élevée" in m.subject]) == 2
    everything = await backend.list_notifications(token)
    assert [n for n in everything if n.kind is THRESHOLD.kind] == notices
    assert everything == sorted(everything, key=lambda n: (n.at, n.id), reverse=True)


async def test_alert_3_switched_off_nothing_sent_nothing_notified(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login(backend, demo_credentials)
    await backend.set_alert(
        token, AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, False, True, False, 1, "kwh")
    )
    admin.advance(backend, timedelta(days=5))
    token = await login(backend, demo_credentials)
    notices = await backend.list_notifications(token)
    assert all(n.kind is not AlertKind.CONSUMPTION_THRESHOLD for n in notices)
    assert not [m for m in admin.read_outbox(backend) if "consommation élevée" in m.subject]


async def test_notifications_marked_read_only_the_accounts_own(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    token = await login(backend, demo_credentials)
    await backend.set_alert(token, THRESHOLD)
    admin.advance(backend, timedelta(days=5))
    token = await login(backend, demo_credentials)
    notices = await backend.list_notifications(token)
    unread = [n.id for n in notices if not n.read]
    assert len(unread) >= 2
    left = await backend.mark_notifications_read(token, [unread[0], 999_999])
    assert left == len(unread) - 1
    assert [n.id for n in await backend.list_notifications(token) if n.read] == [unread[0]]
    assert await backend.mark_notifications_read(token, [unread[0]]) == left  # twice: the same
    assert await backend.mark_notifications_read(token, unread) == 0


@pytest.mark.parametrize(
    "ids", [None, "1,2", [1, "2"], [True], [1.5], list(range(1001)), {"id": 1}]
)
async def test_notifications_bad_ids_refused_with_a_reason(
    backend: FakeBackend, demo_credentials: dict[str, str], ids: object
) -> None:
    token = await login(backend, demo_credentials)
    with pytest.raises(ValidationError) as err:
        await backend.mark_notifications_read(token, ids)  # type: ignore[arg-type]
    assert "1000" in err.value.fields["ids"] or "1 000" in err.value.fields["ids"]


def test_sim_4_a_version_4_data_file_gains_the_notifications(tmp_path: Path) -> None:
    """Version 4 kept no notifications: opened by this version, the file has an empty list."""
    from tests.schema_history import downgrade_to_v4

    store = Store.in_dir(tmp_path)
    with store.transaction() as db:
        downgrade_to_v4(db)
    store.close()
    upgraded = Store.in_dir(tmp_path)
    with upgraded.transaction() as db:
        assert db.get_meta("schema_version") == "5"
        assert db.scalar("SELECT COUNT(*) FROM notifications") == 0
    upgraded.close()

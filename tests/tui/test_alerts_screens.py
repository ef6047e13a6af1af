"""« Mes alertes » and « Notifications » as a customer uses them (ALERT-1…3), and their
snapshots at 80×24 (French; English with errors).

The demo account (Claire Martin, mobile 06 12 34 56 78) has every alert but the consumption
threshold switched on by e-mail. The clock is frozen on Friday 27/11/2026 at 09:00 (Paris):
five days later, on 1 December at 06:00, November's consumption is checked against the
threshold, once per contract (electricity and gas).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from geg_tui.api.models import AlertKind, AlertSetting
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.screens.home import HomeScreen
from geg_tui.widgets.fields import CheckField, Field, FormError
from tests.tui.pilot_helpers import open_area, settle

SIZE = (80, 24)
THRESHOLD = AlertKind.CONSUMPTION_THRESHOLD.value
OVERDUE = AlertKind.OVERDUE.value


def text_of(widget: Any) -> str:
    return str(widget.render()).replace("\xa0", " ")


def form_of(pilot: Pilot, kind: str) -> Any:
    return pilot.app.screen.query_one(f"#alert-{kind}")


async def save(pilot: Pilot, kind: str) -> None:
    await pilot.click(f"#save-{kind}")
    await settle(pilot)


async def five_days_later(pilot: Pilot, backend: FakeBackend, credentials: dict[str, str]) -> None:
    """The tester moves the clock past 1 December; the customer logs in again (the session
    did not survive five days: the login has its own tests)."""
    admin.advance(backend, timedelta(days=5))
    pilot.app.session = await backend.login(credentials["email"], credentials["password"])  # type: ignore[attr-defined]


async def test_alert_1_2_3_threshold_set_refused_then_fired_and_read(
    make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """Set a threshold alert (a wrong value explained under its field, kept as typed), SMS
    refused without a mobile number with the way to add one, then five days later read the
    notification of each contract, one mail each, and mark them read."""
    from geg_tui.screens.alerts import AlertsScreen
    from geg_tui.screens.notifications import NotificationsScreen, unread_notifications

    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "alertes")
        assert isinstance(screen, AlertsScreen)
        assert "06 12 34 56 78" in text_of(screen.query_one("#sms-note", Static))
        threshold = form_of(pilot, THRESHOLD)
        assert not threshold.query_one("#field-enabled", CheckField).value
        assert threshold.query_one("#field-parameter", Field).value == "500"

        # ALERT-2: a threshold that is not a whole number, refused under its field, kept.
        threshold.query_one("#field-enabled", CheckField).value = True
        threshold.query_one("#field-parameter", Field).value = "1,5 kWh"
        await save(pilot, THRESHOLD)
        parameter = threshold.query_one("#field-parameter", Field)
        assert parameter.invalid and "entre 1 et 100 000" in text_of(
            parameter.query_one(".field-error")
        )
        assert parameter.value == "1,5 kWh"
        assert pilot.app.focused is parameter.input

        parameter.value = "1"
        await save(pilot, THRESHOLD)
        assert not parameter.invalid
        assert "Enregistré : alerte activée, par e-mail." in text_of(threshold.query_one(FormError))
        token = pilot.app.session.token  # type: ignore[attr-defined]
        saved = {s.kind: s for s in await backend.list_alerts(token)}
        assert saved[AlertKind.CONSUMPTION_THRESHOLD] == AlertSetting(
            AlertKind.CONSUMPTION_THRESHOLD, True, True, False, 1, "kwh"
        )

        # ALERT-2: no mobile number, no SMS — said before trying, and on the field when tried.
        await backend.update_contact_details(token, mobile="")
        await pilot.press("f5")
        await settle(pilot)
        assert "Aucun numéro de mobile" in text_of(screen.query_one("#sms-note", Static))
        overdue = form_of(pilot, OVERDUE)
        overdue.query_one("#field-by_sms", CheckField).value = True
        await save(pilot, OVERDUE)
        sms = overdue.query_one("#field-by_sms", CheckField)
        assert sms.invalid and "06 ou 07" in text_of(overdue.query_one(FormError))
        assert sms.value  # the choice stays as made
        now = {s.kind: s for s in await backend.list_alerts(token)}
        assert not now[AlertKind.OVERDUE].by_sms  # and nothing was saved

        # ALERT-3: five days later, one notification and one mail per contract.
        await five_days_later(pilot, backend, demo_credentials)
        await pilot.press("escape")  # home says how many wait, and under which key (issue 14)
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        key = home.key_of("notifications")
        waiting = await unread_notifications(backend, pilot.app.session.token)  # type: ignore[attr-defined]
        assert waiting >= 2
        assert f"● {waiting} notifications non lues (touche {key})" in text_of(
            home.query_one("#news", Static)
        )
        assert str(home.query_one("#open-notifications", Button).label).endswith(f"({waiting})")
        await pilot.press(str(key))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, NotificationsScreen)
        crossed = [n for n in screen.notices if n.kind is AlertKind.CONSUMPTION_THRESHOLD]
        assert len(crossed) == 2 and all(not n.read for n in crossed)
        mails = [m for m in admin.read_outbox(backend) if "consommation élevée" in m.subject]
        assert len(mails) == 2
        unread = sum(not n.read for n in screen.notices)
        assert text_of(screen.query_one("#summary")) == f"{unread} non lues sur {unread}."
        first = screen.query("NotificationItem").first()
        assert "● Non lue" in text_of(first.query_one(".notice-head"))
        assert "au-dessus de votre seuil" in text_of(first.query_one(".notice-text"))
        assert "Envoyée par e-mail le 01/12/2026 à 06h00" in text_of(
            first.query_one(".notice-sent")
        )

        await pilot.press("enter")  # the highlighted one (the newest) is read
        await settle(pilot)
        assert screen.notices[0].read and not screen.notices[1].read
        assert text_of(screen.query("NotificationItem").first().query_one(".notice-head")) == (
            "Lue · " + "Consommation mensuelle au-dessus d'un seuil"
        )
        token = pilot.app.session.token  # type: ignore[attr-defined]
        assert await unread_notifications(backend, token) == unread - 1
        await pilot.press("t")
        await settle(pilot)
        assert await unread_notifications(backend, token) == 0
        assert text_of(screen.query_one("#summary")) == f"0 non lue sur {unread}."
        await pilot.press("escape")  # all read: nothing waits on home any more
        await settle(pilot)
        assert not home.query_one("#news").display


# --- snapshots ----------------------------------------------------------------------------------


async def _threshold_fired(pilot: Pilot, backend: FakeBackend, credentials: dict[str, str]) -> None:
    token = pilot.app.session.token  # type: ignore[attr-defined]
    await backend.set_alert(
        token, AlertSetting(AlertKind.CONSUMPTION_THRESHOLD, True, True, True, 1, "kwh")
    )
    await five_days_later(pilot, backend, credentials)


def test_snapshot_alerts(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "alertes")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_alerts_with_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "alertes")
        threshold = form_of(pilot, THRESHOLD)
        threshold.query_one("#field-enabled", CheckField).value = True
        threshold.query_one("#field-by_email", CheckField).value = False
        parameter = threshold.query_one("#field-parameter", Field)
        parameter.value = "0"
        parameter.input.focus()
        await pilot.press("ctrl+s")  # not a click: a pressed button's highlight is timed
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_notifications(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _threshold_fired(pilot, backend, demo_credentials)
        pilot.app.open_screen("notifications")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_notifications_with_errors_english(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """The notifications in English, and a failure to mark them read, said in the banner."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _threshold_fired(pilot, backend, demo_credentials)
        pilot.app.open_screen("notifications")  # type: ignore[attr-defined]
        await settle(pilot)
        admin.plan_fault(backend, "mark_notifications_read", "unavailable", 1)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

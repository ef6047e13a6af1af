"""Snapshots at 80×24 in English (issue 12): the screens a new customer sees first, the same
runs as their French snapshots (which stay as they were) with the interface in English."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from geg_tui.cli import demo_hint
from geg_tui.widgets.fields import Field
from tests.tui.pilot_helpers import open_area, settle
from tests.tui.test_invoices_payment import (
    OVERDUE_GAS,
    open_invoices,
    pay_with_a_bad_card,
    select_row,
)
from tests.tui.test_login_home import log_in

pytestmark = pytest.mark.usefixtures("english")
SIZE = (80, 24)


def test_snapshot_login_english(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_app(demo_hint=demo_hint()), terminal_size=SIZE, run_before=run_before)


def test_snapshot_login_error_english(
    snap_compare: Any, make_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "wrong")

    assert snap_compare(make_app(demo_hint=demo_hint()), terminal_size=SIZE, run_before=run_before)


def test_snapshot_home_english(snap_compare: Any, make_home_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_invoice_list_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_payment_form_with_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pay_with_a_bad_card(pilot, demo_credentials)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_meter_entry_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "releve")
        pilot.app.screen.query_one("#field-gaz", Field).value = "24900"
        await pilot.pause()

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_consumption_month_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "consommation")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

"""Nothing told by colour alone (WCAG 2.2 SC 1.4.1; issue 11, item 4): HP and HC differ by their
fill in the consumption chart and its legend, and the table names them; under ``NO_COLOR=1`` the
focus and the selected row are shown by a text style (underline, reverse video)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from geg_tui.screens.consumption import ConsumptionChart
from tests.tui.pilot_helpers import open_area, settle
from tests.tui.test_login_home import log_in

ELEC = "5092891721"  # the demo's HP/HC electricity contract


async def test_hp_and_hc_differ_by_fill_not_only_by_colour(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        screen.query_one("#contract").value = ELEC
        await settle(pilot)
        legend = str(screen.query_one("#summary").render())
        assert "██ Heures pleines" in legend and "▒▒ Heures creuses" in legend
        chart = str(screen.query_one(ConsumptionChart).render())
        assert "█" in chart and "▒" in chart  # both fills drawn, as in the legend
        await pilot.press("c")  # against the year before: its bars are light
        await settle(pilot)
        assert "░░ un an avant" in str(screen.query_one("#summary").render())
        assert "░" in str(screen.query_one(ConsumptionChart).render())
        await pilot.press("t")
        await settle(pilot)
        labels = [str(c.label) for c in screen.query_one(DataTable).columns.values()]
        assert "Heures pleines (kWh)" in labels and "Heures creuses (kWh)" in labels


# --- NO_COLOR=1 (no-color.org): Textual draws in greys; a text style shows what colour did ---


async def test_no_color_focus_and_selected_row_by_text_style(
    make_app: Any, demo_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        focused = app.screen.focused
        assert isinstance(focused, Input) and focused.styles.text_style.underline
        others = [i for i in app.screen.query(Input) if i is not focused]
        assert others and not any(i.styles.text_style.underline for i in others)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        app.open_screen("factures")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        cursor = table.get_component_styles("datatable--cursor").text_style
        assert cursor.reverse and cursor.bold


async def test_with_colour_the_cursor_row_keeps_textuals_look(
    make_app: Any, demo_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.focused.styles.text_style.underline
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        app.open_screen("factures")
        await settle(pilot)
        cursor = app.screen.query_one(DataTable).get_component_styles("datatable--cursor")
        assert not cursor.text_style.reverse


def test_snapshot_invoice_list_no_color_80x24(
    snap_compare: Any,
    make_home_app: Any,
    demo_credentials: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The selected row in reverse video, each status in words, in greys."""
    from tests.tui.test_invoices_payment import OVERDUE_GAS, open_invoices, select_row

    async def run_before(pilot: Pilot) -> None:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await settle(pilot)

    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_home_app(), terminal_size=(80, 24), run_before=run_before)


def test_a_radio_button_shows_its_dot_only_when_chosen() -> None:
    """Textual's radio buttons draw « ● » chosen or not (colour alone tells them apart): the
    language choice and signup's phone choice read as both chosen with NO_COLOR."""
    from geg_tui.widgets.fields import MarkedRadioButton

    assert MarkedRadioButton("English", value=True).BUTTON_INNER == "●"
    assert MarkedRadioButton("Français", value=False).BUTTON_INNER == " "

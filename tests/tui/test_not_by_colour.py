"""Nothing told by colour alone (WCAG 2.2 SC 1.4.1; issue 11, item 4): HP and HC differ by their
fill in the consumption chart and its legend, and the table names them."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from geg_tui.screens.consumption import ConsumptionChart
from tests.tui.pilot_helpers import settle
from tests.tui.test_login_home import log_in

ELEC = "5092891721"  # the demo's HP/HC electricity contract


async def test_hp_and_hc_differ_by_fill_not_only_by_colour(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        app.open_screen("consommation")
        await settle(pilot)
        screen = app.screen
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

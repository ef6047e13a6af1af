"""The invoice list at 80 columns (issue 11, item 4)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tests.tui.pilot_helpers import settle
from tests.tui.test_login_home import log_in


async def test_invoice_list_shows_its_due_date_whole_at_80_columns(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        app.open_screen("factures")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        x = 0
        for key, column in table.columns.items():
            right = x + column.get_render_width(table)
            if key.value == "due":
                assert right <= table.scrollable_content_region.width, (right, table.size)
                break
            x = right
        else:
            raise AssertionError("no due-date column")

"""The invoice list at 80 columns and « Retour aux factures » (issue 11, item 4)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from geg_tui.screens.home import HomeScreen
from geg_tui.screens.invoices import InvoicesScreen
from geg_tui.screens.payment import PaymentScreen
from tests.tui.pilot_helpers import settle
from tests.tui.test_invoices_payment import (
    OVERDUE_GAS,
    VALID_CARD,
    open_detail,
    open_invoices,
    type_card,
)


async def test_invoice_list_shows_its_due_date_whole_at_80_columns(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = (await open_invoices(pilot, demo_credentials)).query_one(DataTable)
        x = 0
        for key, column in table.columns.items():
            right = x + column.get_render_width(table)
            if key.value == "due":
                assert right <= table.scrollable_content_region.width, (right, table.size)
                break
            x = right
        else:
            raise AssertionError("no due-date column")


async def test_back_to_invoices_after_paying_from_the_detail_goes_to_the_list(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await open_invoices(pilot, demo_credentials)
        await open_detail(pilot, OVERDUE_GAS)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        await type_card(pilot, VALID_CARD)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.payment is not None
        await pilot.click("#done")  # « Retour aux factures »
        await settle(pilot)
        assert app.screen is listing  # not the detail it was opened from
        assert [type(s) for s in app.screen_stack[-2:]] == [HomeScreen, InvoicesScreen]

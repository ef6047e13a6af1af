"""F1 (issue 11, item 4): the keys that work on this screen and only those, in a frame that
scrolls at 80×24 (the consumption screen's help is longer than the terminal)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from geg_tui.screens.help import HelpScreen
from geg_tui.screens.invoice_detail import InvoiceDetailScreen
from geg_tui.screens.invoices import InvoicesScreen
from tests.tui.pilot_helpers import settle
from tests.tui.test_invoices_payment import select_row
from tests.tui.test_login_home import log_in


def help_text(app: Any) -> str:
    from textual.widgets import Static

    assert isinstance(app.screen, HelpScreen)
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


async def test_help_lists_what_the_bar_left_out_and_not_what_does_nothing(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(app)
        assert "Se déconnecter" in text and "Ctrl+Q" in text and "Retour" not in text
        await pilot.press("escape")
        app.open_screen("factures")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoicesScreen)
        paid = next(r for r, i in screen._invoices.items() if i.status.value == "payee")
        await select_row(pilot, paid)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(app)
        assert "Télécharger le PDF" in text and "Échap" in text
        assert "Payer" not in text  # a paid invoice: P does nothing here


async def test_f1_on_consumption_scrolls_at_80x24(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        app.open_screen("consommation")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        frame = app.screen.query_one("#help-frame")
        assert frame.max_scroll_y > 0 and frame.outer_size.height <= 24  # longer than the screen
        assert "Export CSV" in help_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert frame.scroll_y == frame.max_scroll_y
        end = app.screen.query_one("#help-end")
        assert frame.region.contains_region(end.region)  # its last line can be read


def test_snapshot_help_on_consumption_80x24(
    snap_compare: Any, make_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        pilot.app.open_screen("consommation")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)

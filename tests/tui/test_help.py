"""F1 (issue 11, item 4): the keys that work on this screen and only those, in a frame that
scrolls at 80×24 (the consumption screen's help is longer than the terminal)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from geg_tui.screens.help import HelpScreen
from tests.tui.pilot_helpers import on_home, open_area, settle
from tests.tui.test_invoices_payment import open_detail, open_invoices


def help_text(app: Any) -> str:
    from textual.widgets import Static

    assert isinstance(app.screen, HelpScreen)
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


async def test_help_lists_what_the_bar_left_out_and_not_what_does_nothing(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_home(pilot, demo_credentials)
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(app)
        assert "Se déconnecter" in text and "Ctrl+Q" in text and "Retour" not in text
        # each key of the menu with the area it opens, not only « l'espace n° 4 »
        assert "1 : Mes factures — Consulter, télécharger et payer mes factures" in text
        assert "e : Mes demandes — " in text  # « d » logs out: the letters skip it
        await pilot.press("escape")
        screen = await open_invoices(pilot, demo_credentials)
        paid = next(r for r, i in screen._invoices.items() if i.status.value == "payee")
        await open_detail(pilot, paid)
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(app)
        assert "Télécharger le PDF" in text and "Échap" in text
        assert "Payer" not in text  # a paid invoice: P does nothing here


async def test_f1_on_consumption_scrolls_at_80x24(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_area(pilot, demo_credentials, "consommation")
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
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "consommation")
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=(80, 24), run_before=run_before)

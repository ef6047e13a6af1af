"""The key bar at 80 and 120 columns (issue 11, item 4): whole keys only, the screen's
essential ones first, « … » when some are behind F1 — on every screen."""

from __future__ import annotations

from typing import Any

import pytest

from geg_tui.screens import registry
from geg_tui.screens.help import HelpScreen
from geg_tui.widgets.keybar import MORE, KeyBar
from tests.tui.pilot_helpers import settle
from tests.tui.test_invoices_payment import OVERDUE_GAS, select_row
from tests.tui.test_login_home import log_in

LOGGED_OUT = ("inscription", "mot_de_passe_oublie", "identifiant_oublie", "question_oubliee")
# Every logged-in area at 80 columns, where keys are cut first; at 120 the first areas only (a
# bar that fits in 80 fits in 120: the wide run checks the other branch, the keys all shown).
LOGGED_IN = tuple(e.name for e in registry.entries(logged_in=True) if e.name != "accueil")
LOGGED_IN_WIDE = ("factures", "releve", "consommation")


def bar(app: Any) -> str:
    return str(app.screen.query_one(KeyBar).render())


def help_text(app: Any) -> str:
    from textual.widgets import Static

    assert isinstance(app.screen, HelpScreen)
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


def check_whole_keys(app: Any, width: int, seen: dict[str, str]) -> None:
    """Each key the screen shows is in the bar whole (« f6 Mot de passe oublié ») or not at all
    (not even its key); when one is left out, « … » says so and F1 is there."""
    keybar = app.screen.query_one(KeyBar)
    text = bar(app)
    assert len(text) == width
    keys, palette = keybar._keys()
    assert palette is not None and text.endswith(f" {palette.shown} Palette ")
    left_out = []
    for entry in keys:
        whole = f" {entry.shown} {entry.binding.description} "
        if whole in text:
            continue
        assert f" {entry.shown} " not in text, f"{whole!r} cut in {text!r}"
        left_out.append(entry)
    assert " f1 Aide " in text
    assert (MORE in text) == bool(left_out), text
    seen[type(app.screen).__name__] = text


@pytest.mark.parametrize("width", [80, 120])
async def test_key_bar_never_cuts_a_key_on_any_screen(
    make_app: Any, demo_credentials: dict[str, str], width: int
) -> None:
    app = make_app()
    seen: dict[str, str] = {}
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        check_whole_keys(app, width, seen)
        for name in LOGGED_OUT:
            app.open_screen(name)
            await settle(pilot)
            check_whole_keys(app, width, seen)
            app.pop_screen()
            await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        check_whole_keys(app, width, seen)
        for name in LOGGED_IN if width == 80 else LOGGED_IN_WIDE:
            app.open_screen(name)
            await settle(pilot)
            check_whole_keys(app, width, seen)
            if name == "factures":
                await select_row(pilot, OVERDUE_GAS)
                await pilot.press("enter")
                await settle(pilot)
                check_whole_keys(app, width, seen)
                await pilot.press("p")
                await settle(pilot)
                check_whole_keys(app, width, seen)
                app.pop_screen()
                app.pop_screen()
                await settle(pilot)
            app.pop_screen()
            await settle(pilot)
    areas = len(LOGGED_IN if width == 80 else LOGGED_IN_WIDE)
    assert len(seen) == 1 + len(LOGGED_OUT) + 1 + areas + 2  # login, home, detail, payment
    if width == 80:
        # The login's essential keys first: « Mot de passe oublié » whole, F2 behind F1.
        assert " f5 Créer un compte  f6 Mot de passe oublié " in seen["LoginScreen"]
        assert MORE in seen["LoginScreen"] and "f2" not in seen["LoginScreen"]
    else:
        assert "f7 Identifiant oublié" in seen["LoginScreen"]


async def test_the_more_mark_opens_the_help(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = bar(app)
        assert await pilot.click(KeyBar, offset=(text.index(MORE) + 1, 0))
        await settle(pilot)
        assert "Afficher/masquer" in help_text(app)  # a key the bar had no room for

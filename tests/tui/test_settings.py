"""The settings screen (issue 12, item 2): the language switch as a person uses it (Pilot),
reached logged out and logged in, kept in config.toml, and its snapshots at 80×24."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import RadioButton, RadioSet, Static

from geg_tui import i18n
from geg_tui.config import Settings
from geg_tui.screens import registry
from geg_tui.screens.help import HelpScreen
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.screens.settings import SettingsScreen
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar
from tests.tui.pilot_helpers import settle


def command(app: Any, title: str) -> Any:
    """The palette's command called ``title`` (what choosing it in the palette runs)."""
    commands = {c.title: c for c in app.get_system_commands(app.screen)}
    assert title in commands, sorted(commands)
    return commands[title]


async def open_settings(pilot: Pilot, title: str = "Paramètres") -> SettingsScreen:
    command(pilot.app, title).callback()
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def text_of(screen: Any) -> str:
    """Every Static, radio button, key bar and title bar of ``screen``, as rendered text."""
    parts = [str(w.render()) for w in screen.query(Static)]
    parts += [str(w.label) for w in screen.query(RadioButton)]
    parts += [str(w.render()) for w in screen.query(KeyBar)]
    parts += [w.title_text for w in screen.query(TitleBar)]
    return "\n".join(parts)


def test_settings_is_reachable_logged_in_and_out_but_not_in_home_menu() -> None:
    logged_out = [e.name for e in registry.entries(logged_in=False)]
    logged_in = [e.name for e in registry.entries(logged_in=True)]
    assert "parametres" in logged_out and "parametres" in logged_in
    assert "parametres" not in [e.name for e in HomeScreen.areas()]  # home's menu is unchanged
    assert registry.build("parametres", logged_in=False).__class__ is SettingsScreen


async def test_switch_to_english_from_login_then_back_to_french(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        settings = app.settings
        screen = await open_settings(pilot)
        assert app.screen.query_one(RadioSet).pressed_button.id == "language-fr"
        assert "s'applique aux écrans affichés ensuite" in text_of(screen)

        await pilot.press("down")  # from Français to English
        await pilot.press("enter")
        await settle(pilot)

        # The switch is made, kept, and the settings screen is shown again in English.
        assert i18n.current_language() == "en"
        assert settings.language() == "en"
        assert 'language = "en"' in settings.path.read_text(encoding="utf-8")
        shown = app.screen
        assert isinstance(shown, SettingsScreen) and shown is not screen
        words = text_of(shown)
        assert "Interface language" in words and "applies to the screens shown next" in words
        assert "Language chosen: English. Kept for the next start." in words
        assert "f1 Help" in words and "esc Back" in words, words
        assert "Paramètres" not in words and "Langue" not in words
        assert shown.query_one(RadioSet).pressed_button.id == "language-en"
        assert app.title == "GEG My Account"
        assert shown.title == "Settings"

        # F1 in English, then back to the login screen below: one settings screen only.
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert [type(s) for s in app.screen_stack].count(SettingsScreen) == 0
        assert "Help" in str(app.screen.query_one(KeyBar).render())

        # And back to French, through the English palette.
        await open_settings(pilot, "Settings")
        await pilot.press("up")
        await pilot.press("enter")
        await settle(pilot)
        assert i18n.current_language() == "fr"
        assert settings.language() == "fr"
        assert app.title == "GEG Mon Compte"
        words = text_of(app.screen)
        assert "Langue choisie : Français. Gardée pour le prochain démarrage." in words
        assert "f1 Aide" in words


async def test_choosing_the_current_language_changes_nothing(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_settings(pilot)
        screen.choose("fr")
        await settle(pilot)
        assert app.screen is screen
        assert app.settings.language() is None  # nothing written
        assert str(screen.query_one("#notice", Static).render()) == ""


async def test_switch_from_english_to_french_when_logged_in(
    make_home_app: Any, english: None
) -> None:
    """Started in English (``--lang en``), switched to French from home: what is built after
    the switch (the palette here) is French, the language being read when it is shown."""
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        screen = await open_settings(pilot, "Settings")
        screen.choose("fr")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        command(app, "Mes factures")  # the palette, built now, is French
        assert app.title == "GEG Mon Compte"
        assert app.settings.language() == "fr"


async def test_a_config_file_that_cannot_be_written_is_said(
    make_app: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    app = make_app()

    def refuse(self: Settings, language: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Settings, "save_language", refuse)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_settings(pilot)
        screen.choose("en")
        await settle(pilot)
        assert i18n.current_language() == "en"  # changed for this run all the same
        notice = str(app.screen.query_one("#notice", Static).render())
        assert notice == (
            "Language changed for this session, but not kept for the next start: Permission denied"
        )


# --- snapshots (80×24) ------------------------------------------------------------------------


def test_snapshot_settings_french(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_settings(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_settings_english_after_switch(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_settings(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


async def test_screens_below_are_composed_again_in_the_new_language_keeping_what_was_typed(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """French, then English from the payment form (palette → settings): back on the form it
    is English and the holder typed is still there; back on home, its menu is English."""
    from textual.widgets import Input

    from tests.tui.test_invoices_payment import OVERDUE_GAS, open_invoices, select_row

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#holder", Input).value = "Claire Martin"
        screen = await open_settings(pilot)
        screen.choose("en")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        payment = app.screen
        assert "Pay an invoice by card" in text_of(payment)
        assert payment.query_one("#holder", Input).value == "Claire Martin"
        await pilot.press("escape")  # the invoice list
        await settle(pilot)
        assert "My invoices" in text_of(app.screen)
        await pilot.press("escape")  # home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        menu = " ".join(str(b.label) for b in app.screen.query("Button"))
        assert "My invoices" in menu and "Mes factures" not in menu
        assert "Total to pay" in text_of(app.screen)

"""The chrome and the access screens in English (issue 12, item 5): login (labels, buttons, key
bar, title bar), F1's help, the command palette (placeholder, « no results », system commands),
signup step 1, reset step 1, the blocked screen and the logged-out contact forms — read as the
terminal receives them at 80×24, with no French word left.

The French tests are unchanged: the ``french_by_default`` fixture puts every other test back in
French, and these ones ask for English with the ``english`` fixture.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.command import CommandInput

from geg_tui import failures
from geg_tui.cli import demo_hint
from geg_tui.keymap import parse_keymap
from geg_tui.screens.blocked import BlockedScreen
from geg_tui.screens.contact import (
    AccessRequestScreen,
    ForgottenIdentifierScreen,
    ForgottenQuestionScreen,
)
from geg_tui.screens.help import HelpScreen, key_label
from geg_tui.screens.reset import ResetPasswordScreen
from geg_tui.screens.signup import SignupScreen
from tests.tui.english_text import french_left, screen_text
from tests.tui.pilot_helpers import settle
from tests.tui.test_textual_french import palette_searching_nothing

pytestmark = pytest.mark.usefixtures("english")


async def test_login_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=demo_hint())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for words in (
            "GEG My Account",
            "Log in to my customer account",
            "Login (e-mail address)",
            "Password",
            "Remember me",
            "Log in",
            "Show password",
            "Create my account",
            "Forgotten password",
            "Forgotten login",
            "Demo mode — test account:",
            "f1 Help",  # the key bar (Textual's key names, as in French)
            "f5 Create account",
        ):
            assert words in text, (words, text)
        assert not french_left(text), (french_left(text), text)


async def test_login_wrong_password_in_english(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#field-email").value = demo_credentials["email"]
        app.screen.query_one("#field-password").value = "not-the-right-one-1"
        await pilot.click("#login")
        await settle(pilot)
        text = screen_text(app)
        assert "✗ Error: Incorrect login or password." in text, text  # the backend's, by code
        assert not french_left(text), (french_left(text), text)


async def test_f1_help_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Help — keys of this screen", "Log in with your GEG account", "Esc"):
            assert words in text, (words, text)
        assert "Show/hide — Show password" in text
        assert not french_left(text), (french_left(text), text)
    assert key_label("shift+escape") == "Shift+Esc"


async def test_palette_and_system_commands_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Keys and help", "Theme", "Quit"} <= set(commands)
        assert not french_left(" ".join(f"{c.title} {c.help}" for c in commands.values()))
        placeholder, shown = await palette_searching_nothing(pilot)
        assert placeholder == "Search for a command or a screen…"
        assert shown == ["No results"]
        await pilot.press("escape")
        await settle(pilot)
        commands["Theme"].callback()
        await settle(pilot)
        assert app.screen.query_one(CommandInput).placeholder == "Search for a theme…"


async def test_signup_step_1_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SignupScreen)
        text = screen_text(app)
        for words in (
            "Step 1 of 5 — Login and password",
            "Login (your e-mail address)",
            "Confirm the password",
            "◀ Cancel",
            "Next ▶",
        ):
            assert words in text, (words, text)
        assert not french_left(text), (french_left(text), text)


async def test_reset_step_1_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ResetPasswordScreen)
        text = screen_text(app)
        for words in ("Forgotten password — step 1 of 3", "Date of birth (DD/MM/YYYY)", "Continue"):
            assert words in text, (words, text)
        assert not french_left(text), text
        # F1: the help's text has the password's limits filled in, in English.
        assert "(8 to 25 characters)" in app.screen.help_text()


async def test_blocked_in_english(make_app: Any) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        until = datetime(2026, 11, 27, 12, 0).astimezone() + timedelta(hours=3)
        await app.push_screen(BlockedScreen(until, "claire@example.com"))
        await settle(pilot)
        text = screen_text(app)
        for words in ("Access blocked", "Request account access", "Back to login", "f4 Request"):
            assert words in text, (words, text)
        assert not french_left(text.replace("Access blocked", "")), text


@pytest.mark.parametrize(
    ("screen_class", "title"),
    [
        (AccessRequestScreen, "Request account access"),
        (ForgottenQuestionScreen, "Forgotten secret question"),
        (ForgottenIdentifierScreen, "Forgotten login"),
    ],
)
async def test_contact_forms_in_english(make_app: Any, screen_class: type, title: str) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(screen_class(email="claire@example.com"))
        await settle(pilot)
        text = screen_text(app)
        for words in (title, "Full name", "Send", "Cancel"):
            assert words in text, (words, text)
        assert app.screen.query_one("#field-subject").value == str(screen_class.SUBJECT)
        assert not french_left(text), (french_left(text), text)


def test_keymap_problems_and_failure_notice_in_english(tmp_path: Any) -> None:
    problems = parse_keymap({"nope": "f5", "refresh": "ctrl+zz", "pay": 3}).problems
    assert problems[0] == "[keymap] “nope”: unknown id, line ignored (see the README)."
    assert "is not a known key name" in problems[1] and "original key kept" in problems[1]
    assert "the value must be text in quotes" in problems[2]
    notice = failures.notice("Loading your invoices…", tmp_path / "geg-tui.log")
    assert notice.startswith("Unexpected failure — Loading your invoices. Nothing you typed")
    assert notice.endswith(f"The details are saved in {tmp_path / 'geg-tui.log'}.")


def test_binding_descriptions_follow_the_language() -> None:
    """Class attributes are read in the language of the moment, not of the import."""
    from geg_tui.i18n import set_language
    from geg_tui.keymap import BINDING_IDS
    from geg_tui.screens.login import LoginScreen

    assert str(LoginScreen.HELP).startswith("Log in with")
    assert str(BINDING_IDS["home-area-3"]) == "Home: open menu area no. 3"
    set_language("fr")
    assert str(LoginScreen.HELP).startswith("Connectez-vous")
    assert str(BINDING_IDS["home-area-3"]) == "Accueil : ouvrir l'espace n° 3 du menu"


async def test_a_language_switch_shows_on_the_next_screen(make_app: Any) -> None:
    """Started in French, switched to English (as the settings screen does): the next screen,
    its key bar and the app's title in the title bar are in English."""
    from geg_tui.i18n import set_language

    set_language("fr")
    app = make_app(demo_hint=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Connexion à mon espace client" in screen_text(app)
        set_language("en")
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(app)
        assert "GEG My Account" in text and "Step 1 of 5" in text, text
        assert not french_left(text), (french_left(text), text)

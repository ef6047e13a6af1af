"""Every screen in English, read as a person sees it: no French word left (issue 12).

One walk per area through the real app with ``--lang en`` (``i18n.set_language("en")``): each
screen is painted at 120×40, its text read back from the screenshot (what the terminal shows,
not what the code meant to show), then its F1 help too. The list of French words is the issue's
and the words our screens use most; a word that is the same in both languages (« Total »,
« Base », « Date ») is not in it. Data of the demo world (names, street names) is not text of the
interface and is not in the list either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from geg_tui.screens import registry
from tests.tui.english_text import french_left, screen_text
from tests.tui.pilot_helpers import on_home, settle, type_keys

pytestmark = pytest.mark.usefixtures("english")


async def assert_english(pilot: Pilot, where: str) -> None:
    await settle(pilot)
    text = screen_text(pilot.app)
    left = french_left(text)
    assert not left, f"French on {where}:\n" + "\n".join(left) + "\n--- screen ---\n" + text


async def assert_english_with_help(pilot: Pilot, where: str) -> None:
    await assert_english(pilot, where)
    await pilot.press("f1")
    await assert_english(pilot, f"the F1 help of {where}")
    await pilot.press("escape")
    await settle(pilot)


def test_the_word_list_finds_french_and_spares_english() -> None:
    assert french_left("Mot de passe : ******") and french_left("Mes factures")
    assert french_left("Retour") and french_left("payée le 27/11 à 14h05")
    assert not french_left("Password · My invoices · Back · Help · Quit · Total 12.00")
    assert not french_left("GEG My Account — demo: claire.martin@example.org")
    assert not french_left('the "votre\ncontrat" (your contract) box')


async def test_logged_out_screens_in_english(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app(demo_hint=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await assert_english_with_help(pilot, "the login screen")
        await pilot.press("ctrl+p")
        await assert_english(pilot, "the command palette")
        await type_keys(pilot, "zzzzqqq")
        await pilot.pause(0.4)
        await assert_english(pilot, "the command palette with nothing found")
        await pilot.press("escape")
        await settle(pilot)
        for entry in registry.entries(logged_in=False):
            screen = registry.build(entry.name, logged_in=False)
            assert screen is not None
            await app.push_screen(screen)
            await assert_english_with_help(pilot, f"« {entry.name} »")
            app.pop_screen()
            await settle(pilot)
        from geg_tui.screens.blocked import BlockedScreen

        until = datetime.now(UTC) + timedelta(hours=2)
        await app.push_screen(BlockedScreen(until, demo_credentials["email"]))
        await assert_english_with_help(pilot, "the blocked screen")
        app.pop_screen()
        await settle(pilot)
        # A wrong password: the refusal in English, then the right one.
        await type_keys(pilot, demo_credentials["email"])
        await pilot.press("tab")
        await type_keys(pilot, "not-the-password")
        await pilot.press("enter")
        await assert_english(pilot, "the login refused")


async def test_account_screens_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app(demo_hint=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_home(pilot, demo_credentials)
        await assert_english_with_help(pilot, "home")
        await pilot.press("ctrl+p")
        await assert_english(pilot, "the command palette, logged in")
        await pilot.press("escape")
        for entry in registry.entries(logged_in=True):
            if entry.name == "accueil":
                continue
            app.open_screen(entry.name)
            await assert_english_with_help(pilot, f"« {entry.name} »")
            app.pop_screen()
            await settle(pilot)


async def test_invoice_detail_and_payment_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    from tests.tui.test_invoices_payment import OVERDUE_GAS, open_detail

    app = make_home_app(demo_hint=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_home(pilot, demo_credentials)
        app.open_screen("factures")
        await settle(pilot)
        await open_detail(pilot, OVERDUE_GAS)
        await assert_english_with_help(pilot, "the invoice detail")
        await pilot.press("p")
        await settle(pilot)
        await assert_english_with_help(pilot, "the payment form")
        await pilot.press("f9")
        await assert_english(pilot, "the payment form with errors")


async def test_consumption_views_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app(demo_hint=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_home(pilot, demo_credentials)
        app.open_screen("consommation")
        await assert_english(pilot, "the consumption chart")
        for key, view in (("t", "table"), ("u", "euros"), ("c", "comparison"), ("j", "days")):
            await pilot.press(key)
            await assert_english(pilot, f"the consumption {view}")
        await pilot.press("x")
        await assert_english(pilot, "the CSV export dialog")


async def test_every_signup_step_in_english(make_app: Any, backend: Any) -> None:
    """The five steps of signup, each read in English once it is shown with valid data."""
    from textual.widgets import Select

    from tests.tui.test_signup import PASSWORD, customer_data, fill, next_step, open_signup

    data = customer_data(backend)
    app = make_app(demo_hint=None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_signup(pilot)
        await assert_english_with_help(pilot, "signup step 1")
        await fill(pilot, email=data["email"], password=PASSWORD, password_confirm=PASSWORD)
        await next_step(pilot)
        await assert_english(pilot, "signup step 2")
        await fill(
            pilot,
            contract_ref=data["contract_ref"],
            invoice_ref=data["invoice_ref"],
            invoice_amount=data["invoice_amount"],
        )
        await next_step(pilot)
        await assert_english(pilot, "signup step 3")
        await fill(pilot, birth_date=data["birth_date"])
        await next_step(pilot)
        await assert_english(pilot, "signup step 4")
        screen.query_one("#secret_question_id", Select).value = 2
        await fill(pilot, secret_answer="Grenoble")
        await next_step(pilot)
        assert screen.step == 5
        await assert_english(pilot, "signup step 5, the summary")

"""« Coordonnées bancaires » and « Mes informations » (issue 13, items 3 and 4), used as a
customer does: each refusal shown where it belongs with what was typed kept, then the success,
checked in the backend and in the fake's outbox. One app per test, several steps each (an app
start is the costly part). The recovery with a new secret question goes through the backend."""

from __future__ import annotations

import re
from typing import Any

from stdnum import iban as stdnum_iban
from textual.pilot import Pilot
from textual.widgets import Button, Static, TabbedContent

from geg_tui.fake_backend import admin
from geg_tui.screens.bank import (
    BankScreen,
    applies_text,
    country_length,
    details_text,
    iban_hint,
)
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.screens.profile import ProfileScreen
from geg_tui.widgets.fields import Field, FormError, FormField, SelectField
from geg_tui.widgets.password_rules import PasswordRules
from tests.tui.english_text import screen_text
from tests.tui.pilot_helpers import open_area, settle, type_keys
from tests.tui.test_login_home import log_in
from tests.tui.test_reset_blocked import birth_of, open_reset
from tests.tui.test_reset_blocked import click as reset_click
from tests.tui.test_reset_blocked import fill as reset_fill
from tests.tui.test_reset_blocked import text as reset_text

SIZE = (80, 24)
NEW_IBAN = "FR14 2004 1010 0505 0001 3M02 606"  # valid (mod 97), SEPA (not the example)
BAD_CHECK_IBAN = "FR14 2004 1010 0505 0001 3M02 605"  # one character wrong: mod 97 fails
NEW_EMAIL = "claire.nouvelle@exemple.fr"
NEW_PASSWORD = "Grenoble-2027!"


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def error_of(screen: Any, name: str) -> str:
    return text_of(screen.query_one(f"#field-{name}", FormField), ".field-error")


async def press(pilot: Pilot, button_id: str) -> None:
    pilot.app.screen.query_one(f"#{button_id}", Button).press()
    await settle(pilot)


def fill(screen: Any, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#field-{name}", Field).value = value


def code_in(body: str) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", body)
    assert match, body
    return match.group(1)


def test_bank_1_iban_hint_as_typed_and_nothing_on_file() -> None:
    """The live hint (python-stdnum): still typing, a wrong key, a wrong length, a valid one;
    never the IBAN itself. Without bank details, the screen says so and what to do."""
    assert "Aucune coordonnée bancaire enregistrée" in details_text(None)
    assert "saisissez ci-dessous l'IBAN" in details_text(None)
    assert "Aucun prélèvement n'est prévu" in applies_text(None)
    assert country_length("FR") == 27 and country_length("DE") == 22
    assert iban_hint("")[1] is None
    assert iban_hint("F")[1] is None
    assert iban_hint("FR76 3000")[1] is None and "8 caractères sur 27" in iban_hint("FR76 3000")[0]
    assert iban_hint(BAD_CHECK_IBAN)[1] is False
    assert iban_hint(NEW_IBAN + "12")[1] is False
    assert iban_hint("ZZ12")[1] is False
    text, valid = iban_hint(NEW_IBAN)
    assert valid is True and text.startswith("✓") and "2606" not in text and "2004" not in text


async def test_bank_2_3_4_change_iban_wrong_password_invalid_then_valid(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any
) -> None:
    email = demo_credentials["email"]
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "banque")
        assert isinstance(screen, BankScreen)
        before = await backend.bank_details(pilot.app.session.token)
        on_file = text_of(screen, "#on-file")
        # BANK-4: the IBAN masked as the backend sends it, the mandate (RUM, date), the holder.
        assert before.iban_masked in on_file and "0143" in on_file
        assert before.mandate_ref in on_file and "10/06/2024" in on_file
        assert "Claire Martin" in on_file
        assert "prochain prélèvement, le 08/12/2026" in text_of(screen, "#applies")
        assert screen.query_one("#field-holder", Field).value == "Claire Martin"

        # The hint follows the typing; BANK-2: a wrong password refuses, nothing typed is lost.
        await type_keys(pilot, NEW_IBAN)
        assert text_of(screen, "#iban-hint").startswith("✓ IBAN valide")
        fill(screen, password="pas-le-bon-1")
        await press(pilot, "save")
        assert "Mot de passe incorrect" in error_of(screen, "password")
        assert screen.query_one("#field-iban", Field).value == NEW_IBAN
        assert screen.focused is screen.query_one("#field-password", Field).input
        assert (await backend.bank_details(pilot.app.session.token)) == before

        # BANK-1: an IBAN whose check fails, with the right password: under the IBAN field.
        fill(screen, iban=BAD_CHECK_IBAN, password=demo_credentials["password"])
        await pilot.pause()
        assert text_of(screen, "#iban-hint").startswith("✗ Clé de contrôle")
        await press(pilot, "save")
        assert "IBAN invalide" in error_of(screen, "iban")
        assert error_of(screen, "password") == ""
        assert screen.focused is screen.query_one("#field-iban", Field).input

        # BANK-3: a valid one: a new mandate, its RUM shown, the mail sent, the form emptied.
        mails_before = len(admin.read_outbox(backend, email))
        fill(screen, iban=NEW_IBAN, password=demo_credentials["password"])
        await press(pilot, "save")
        after = await backend.bank_details(pilot.app.session.token)
        assert after.mandate_ref != before.mandate_ref and after.iban_masked.endswith("2606")
        banner = str(screen.query_one("#bank-error", FormError).render())
        assert after.mandate_ref in banner and after.iban_masked in banner
        assert after.mandate_ref in text_of(screen, "#on-file")
        assert screen.query_one("#field-iban", Field).value == ""
        assert screen.query_one("#field-password", Field).value == ""
        mails = admin.read_outbox(backend, email)[mails_before:]
        assert [m.subject for m in mails] == ["Vos coordonnées bancaires ont été modifiées"]
        assert after.mandate_ref in mails[0].body
        # Never the full IBAN on screen, in a notice or in the mail (BANK-4, SEC-3).
        compact = stdnum_iban.compact(NEW_IBAN)
        shown = screen_text(pilot) + " ".join(n.message for n in app._notifications)
        for text in (shown, mails[0].body):
            assert compact not in stdnum_iban.compact(text)


async def test_profile_2_email_change_with_the_mailed_code(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any
) -> None:
    old = demo_credentials["email"]
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "informations")
        assert isinstance(screen, ProfileScreen)
        await pilot.press("f6")  # the next tab, the cursor in its first field
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-email"
        assert screen.focused is screen.query_one("#field-new_email", Field).input
        assert f"Identifiant actuel : {old}" in text_of(screen, "#email-now")
        assert not screen.query_one("#code-form").display  # no code awaited yet

        # PROFILE-2: the password first.
        fill(screen, new_email=NEW_EMAIL, password="pas-le-bon-1")
        await press(pilot, "send-code")
        assert "Mot de passe incorrect" in error_of(screen, "password")
        assert not admin.read_outbox(backend, NEW_EMAIL)

        fill(screen, password=demo_credentials["password"])
        await press(pilot, "send-code")
        assert screen.query_one("#code-form").display
        assert f"En attente : {NEW_EMAIL}" in text_of(screen, "#email-now")
        assert screen.focused is screen.query_one("#field-code", Field).input
        assert screen.query_one("#field-password", Field).value == ""
        code = code_in(admin.read_outbox(backend, NEW_EMAIL)[-1].body)

        # A wrong code: refused under the field; still the old identifier.
        fill(screen, code="AAAA-AAAA-AAAA")
        await press(pilot, "confirm-code")
        assert error_of(screen, "code")
        assert (await backend.profile(pilot.app.session.token)).email == old

        fill(screen, code=code)
        await pilot.press("ctrl+s")  # Ctrl+S sends the code once one is awaited
        await settle(pilot)
        assert (await backend.profile(pilot.app.session.token)).email == NEW_EMAIL
        assert pilot.app.session.email == NEW_EMAIL
        assert f"Identifiant actuel : {NEW_EMAIL}" in text_of(screen, "#email-now")
        assert not screen.query_one("#code-form").display
        assert "Votre identifiant GEG a changé" in [
            m.subject for m in admin.read_outbox(backend, old)
        ]
    session = await backend.login(NEW_EMAIL, demo_credentials["password"])
    assert session.email == NEW_EMAIL


async def test_auth_5_password_change_then_login_with_the_new_one_and_forget_me(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any, memory_keyring: Any
) -> None:
    email = demo_credentials["email"]
    app = make_home_app()
    app.settings.remember(email, demo_credentials["password"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "informations")
        screen.query_one(TabbedContent).active = "tab-password"
        await settle(pilot)
        assert f"actif sur cet appareil pour {email}" in text_of(screen, "#remember-text")

        # The live rules while typing (AUTH-5 with SIGNUP-2), then the backend's refusals.
        fill(screen, current_password="pas-le-bon-1", new_password="court")
        await pilot.pause()
        rules = dict(screen.query_one(PasswordRules).checks)
        assert rules["Au moins 8 caractères"] is False
        await press(pilot, "save-password")
        assert error_of(screen, "current_password")
        assert error_of(screen, "new_password")
        assert screen.focused is screen.query_one("#field-current_password", Field).input

        fill(
            screen,
            current_password=demo_credentials["password"],
            new_password=NEW_PASSWORD,
            new_password_confirm=NEW_PASSWORD,
        )
        await pilot.pause()
        assert screen.query_one(PasswordRules).all_met
        await press(pilot, "save-password")
        banner = str(screen.query_one("#password-error", FormError).render())
        assert "Mot de passe changé" in banner and "mis à jour" in banner
        assert all(
            screen.query_one(f"#field-{n}", Field).value == ""
            for n in ("current_password", "new_password", "new_password_confirm")
        )
        # The password kept for « se souvenir de moi » follows, then is forgotten here.
        assert app.settings.remembered_password(email) == NEW_PASSWORD
        await press(pilot, "forget")
        assert app.settings.remembered_email() is None
        assert app.settings.remembered_password(email) is None
        assert "n'est pas actif" in text_of(screen, "#remember-text")
        assert not screen.query_one("#forget").display

        # Log out, then in through the login screen: the old password refused, the new one in.
        app.back_to(HomeScreen)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, email, demo_credentials["password"])
        assert isinstance(app.screen, LoginScreen)  # the old one: refused
        await log_in(pilot, email, NEW_PASSWORD)
        assert isinstance(app.screen, HomeScreen) and app.session.email == email


async def test_reset_7_profile_3_secret_question_change_and_recover_with_it(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any
) -> None:
    email = demo_credentials["email"]
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "informations")
        # PROFILE-1: identity read-only, with how to have it corrected.
        identity = text_of(screen, "#identity")
        assert "Claire Martin" in identity and "17/04/1986" in identity
        assert "service client" in identity
        # PROFILE-3: a bad postcode is refused under its field, nothing typed lost.
        fill(screen, postcode="381", city="Échirolles", mobile="")
        await press(pilot, "save-contact")
        assert error_of(screen, "postcode")
        assert screen.query_one("#field-city", Field).value == "Échirolles"
        fill(screen, postcode="38130")
        await press(pilot, "save-contact")
        profile = await backend.profile(pilot.app.session.token)
        assert profile.postal_address.city == "Échirolles" and profile.mobile is None

        screen.query_one(TabbedContent).active = "tab-question"
        await settle(pilot)
        await press(pilot, "save-question")  # no question chosen: said under the list
        assert error_of(screen, "secret_question_id")
        screen.query_one("#field-secret_question_id", SelectField).select.value = 4
        fill(screen, secret_answer="Jules Ferry", question_password="pas-le-bon-1")
        await press(pilot, "save-question")
        assert "Mot de passe incorrect" in error_of(screen, "question_password")
        fill(screen, question_password=demo_credentials["password"])
        await press(pilot, "save-question")
        assert "école primaire" in text_of(screen, "#question-now")
        assert "Question secrète changée" in str(
            screen.query_one("#question-error", FormError).render()
        )
        # Logged out, the recovery asks the new question and takes the new answer (RESET-1…3),
        # through the reset screen.
        app.back_to(HomeScreen)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        reset = await open_reset(pilot)
        await reset_fill(pilot, email=email, birth_date=birth_of(backend, email))
        await reset_click(pilot, "#start")
        assert reset.step == "step-question"
        assert "école primaire" in reset_text(reset, "#question-text")
        await reset_fill(pilot, secret_answer="Jules Ferry")
        await reset_click(pilot, "#answer")
        assert reset.step == "step-code"


# --- snapshots: French, and English with errors ----------------------------------------------
def test_snapshot_bank_french(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "banque")
        await type_keys(pilot, "FR76 3000 6000 0112 3456 7890 1")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_bank_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], english: None
) -> None:
    async def run_before(pilot: Pilot) -> None:
        screen = await open_area(pilot, demo_credentials, "banque")
        await type_keys(pilot, BAD_CHECK_IBAN)
        fill(screen, holder="", password=demo_credentials["password"])
        await press(pilot, "save")
        screen.query_one("#bank").scroll_home(animate=False)
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_profile_french(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "informations")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_profile_password_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], english: None
) -> None:
    async def run_before(pilot: Pilot) -> None:
        screen = await open_area(pilot, demo_credentials, "informations")
        screen.query_one(TabbedContent).active = "tab-password"
        await settle(pilot)
        fill(
            screen,
            current_password="wrong-one",
            new_password="short",
            new_password_confirm="shorter",
        )
        await press(pilot, "save-password")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

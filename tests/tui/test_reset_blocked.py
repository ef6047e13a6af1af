"""Blocked access (LOCK-1…5) and recovery (RESET-1…7) as a person uses them (Pilot), and the
snapshots of their screens at 80×24 (theme and clock fixed, cursor blink off, workers awaited)."""

from __future__ import annotations

import re
from datetime import timedelta

from textual.widgets import Select, Static, TextArea

from geg_tui.fake_backend import admin
from geg_tui.screens.blocked import BlockedScreen
from geg_tui.screens.contact import (
    AccessRequestScreen,
    ForgottenIdentifierScreen,
    ForgottenQuestionScreen,
)
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.screens.reset import ResetPasswordScreen
from geg_tui.widgets.fields import Field, FormError, error_text
from tests.tui.pilot_helpers import settle

GENERIC = "Les informations saisies ne permettent pas de retrouver votre compte."
NEW = "Nouveau-2026"


# --- helpers ----------------------------------------------------------------------------------


async def fill(pilot, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Field).value = value
    await pilot.pause()


async def click(pilot, selector: str) -> None:
    await pilot.click(selector)
    await settle(pilot)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def banner(screen) -> str:
    return str(screen.step_widget().query_one(FormError).render())


def birth_of(backend, email: str) -> str:
    return next(c for c in admin.customers(backend) if c["email"] == email)["birth_date"]


def last_code(backend, email: str) -> str:
    bodies = [m.body for m in admin.read_outbox(backend, email) if "Réinitialisation" in m.subject]
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", bodies[-1])
    assert match, bodies[-1]
    return match.group(1)


async def three_wrong_logins(pilot, email: str) -> None:
    for _ in range(3):
        await fill(pilot, email=email, password="pas-le-bon-1")
        await click(pilot, "#login")


async def open_reset(pilot) -> ResetPasswordScreen:
    await pilot.pause()
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResetPasswordScreen)
    return screen


async def reset_until_code_step(pilot, backend, email: str) -> ResetPasswordScreen:
    screen = await open_reset(pilot)
    await fill(pilot, email=email, birth_date=birth_of(backend, email))
    await click(pilot, "#start")
    assert screen.step == "step-question"
    await fill(pilot, secret_answer="Grenoble")
    await click(pilot, "#answer")
    assert screen.step == "step-code"
    return screen


async def send_contact(pilot, name: str, message: str) -> None:
    await fill(pilot, name=name)
    pilot.app.screen.query_one("#message", TextArea).text = message
    await pilot.pause()
    await click(pilot, "#send")


# --- LOCK ---------------------------------------------------------------------------------------
async def test_lock_1_three_wrong_passwords_show_blocked_screen_in_local_time(
    make_app, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await three_wrong_logins(pilot, demo_credentials["email"])
        assert isinstance(app.screen, BlockedScreen)
        # 09:00 Paris + 3 h (LOCK-1), shown in local time
        assert "débloqué le 27/11/2026 à 12h00" in text(app.screen, "#until")


async def test_lock_3_after_three_hours_login_works_again(
    make_app, backend, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        email = demo_credentials["email"]
        await three_wrong_logins(pilot, email)
        assert isinstance(app.screen, BlockedScreen)
        await pilot.press("escape")  # LOCK-2: still blocked with the right password
        await fill(pilot, email=email, password=demo_credentials["password"])
        await click(pilot, "#login")
        assert isinstance(app.screen, BlockedScreen)
        await pilot.press("escape")
        backend.clock.advance(timedelta(hours=3))  # LOCK-3
        assert isinstance(app.screen, LoginScreen)
        await fill(pilot, email=email, password=demo_credentials["password"])
        await click(pilot, "#login")
        assert isinstance(app.screen, HomeScreen)


async def test_lock_5_request_access_from_the_blocked_screen(
    make_app, backend, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        email = demo_credentials["email"]
        await three_wrong_logins(pilot, email)
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AccessRequestScreen)
        assert screen.query_one("#field-email", Field).value == email  # prefilled
        await send_contact(pilot, "Claire Martin", "court")  # REQ-1: 10 characters at least
        assert "10 caractères" in text(screen, "#field-message .field-error")
        assert screen.query_one("#field-name", Field).value == "Claire Martin"  # kept
        await send_contact(pilot, "Claire Martin", "Mon compte est bloqué, merci de le débloquer.")
        (request,) = admin.list_requests(backend)
        assert request["category"] == "acces_compte" and request["email"] == email
        assert request["ref"] in str(screen.query_one("#form-error", FormError).render())
        assert admin.resolve(backend, request["ref"]) == "compte débloqué"
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, LoginScreen)
        await fill(pilot, password=demo_credentials["password"])
        await click(pilot, "#login")
        assert isinstance(app.screen, HomeScreen)


# --- RESET --------------------------------------------------------------------------------------
async def test_reset_1_to_5_forgotten_password_end_to_end(
    make_app, backend, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        email = demo_credentials["email"]
        screen = await open_reset(pilot)
        await fill(pilot, email=email, birth_date=birth_of(backend, email))
        await click(pilot, "#start")
        assert screen.step == "step-question"  # RESET-1: the chosen question
        assert text(screen, "#question-text") == "Dans quelle ville êtes-vous né(e) ?"
        await fill(pilot, secret_answer=" grenoble ")
        await click(pilot, "#answer")
        assert screen.step == "step-code"  # RESET-3: arrives within 24 hours
        queued = text(screen, "#queued")
        assert "sous 24 h" in queued and "28/11/2026 à 09h00" in queued
        code = last_code(backend, email)  # RESET-4: the code from the outbox
        await fill(pilot, code=code, new_password="court", new_password_confirm="court")
        assert "encore 3" in text(screen, "#password-hint")  # live 8–25 hint
        await click(pilot, "#complete")
        assert screen.query_one("#field-new_password", Field).has_class("-invalid")
        assert screen.query_one("#field-code", Field).value == code  # kept on error
        await fill(pilot, new_password=NEW, new_password_confirm=NEW)
        assert "✓" in text(screen, "#password-hint")
        await click(pilot, "#complete")
        login = app.screen  # RESET-5: no automatic login, e-mail prefilled
        assert isinstance(login, LoginScreen)
        assert login.query_one("#field-email", Field).value == email
        assert "modifié" in str(login.query_one(FormError).render())
        await fill(pilot, password=NEW)
        await click(pilot, "#login")
        assert isinstance(app.screen, HomeScreen)


async def test_reset_1_wrong_birth_date_is_generic_and_keeps_the_input(
    make_app, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reset(pilot)
        await fill(pilot, email=demo_credentials["email"], birth_date="01/01/1950")
        screen.query_one("#birth_date").focus()
        await pilot.press("enter")  # Enter in the last field sends the step
        await settle(pilot)
        assert screen.step == "step-identity"
        assert banner(screen) == error_text(GENERIC)
        assert screen.query_one("#field-email", Field).value == demo_credentials["email"]
        assert screen.query_one("#field-birth_date", Field).value == "01/01/1950"
        assert app.focused is screen.query_one("#birth_date")  # focus back, retype at once
        await fill(pilot, email="personne@exemple.fr", birth_date="17/04/1986")
        await click(pilot, "#start")
        assert banner(screen) == error_text(GENERIC)  # an unknown e-mail gets the same message


async def test_reset_2_failed_steps_block_the_account(make_app, backend, demo_credentials) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        email = demo_credentials["email"]
        screen = await open_reset(pilot)
        await fill(pilot, email=email, birth_date=birth_of(backend, email))
        await click(pilot, "#start")
        for _ in range(3):
            await fill(pilot, secret_answer="Paris")
            await click(pilot, "#answer")
        assert isinstance(app.screen, BlockedScreen)  # LOCK-6: they count as failed logins
        assert "12h00" in text(app.screen, "#until")
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")  # back to step 1, then a blocked account cannot start
        await click(pilot, "#start")
        assert isinstance(app.screen, BlockedScreen)


async def test_reset_6_forgotten_identifier_shows_the_advisor_and_sends_the_form(
    make_app, backend
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ForgottenIdentifierScreen)
        support = text(screen, "#support")
        info = await backend.support_info()
        assert info.phone in support and info.hours in support
        await fill(pilot, email="bernard@exemple.fr")
        await send_contact(pilot, "Bernard Dupont", "J'ai oublié l'adresse de mon compte.")
        (request,) = admin.list_requests(backend)
        assert request["category"] == "identifiant_oublie"
        assert request["ref"] in str(screen.query_one("#form-error", FormError).render())


async def test_reset_7_forgotten_question_form_then_code_sets_a_new_question(
    make_app, backend, demo_credentials
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        email = demo_credentials["email"]
        screen = await open_reset(pilot)
        await fill(pilot, email=email, birth_date=birth_of(backend, email))
        await click(pilot, "#start")
        await click(pilot, "#forgot-question")
        form = app.screen
        assert isinstance(form, ForgottenQuestionScreen)
        assert form.query_one("#field-email", Field).value == email
        await send_contact(pilot, "Claire Martin", "Je ne me souviens plus de ma question.")
        (request,) = admin.list_requests(backend)
        assert request["category"] == "question_secrete_oubliee"
        admin.resolve(backend, request["ref"])  # customer service sends a code
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")  # step 1 again: « j'ai déjà un code »
        await click(pilot, "#have-code")
        assert screen.step == "step-code"
        await fill(
            pilot, code=last_code(backend, email), new_password=NEW, new_password_confirm=NEW
        )
        await click(pilot, "#complete")
        assert screen.asks_question  # the backend asked for a new secret question
        assert screen.query_one("#field-secret_question_id").has_class("-invalid")
        assert screen.query_one("#field-new_password", Field).value == NEW  # kept
        screen.query_one("#secret_question_id", Select).value = 4
        await fill(pilot, new_secret_answer="École Jean Jaurès")
        await click(pilot, "#complete")
        assert isinstance(app.screen, LoginScreen)
        challenge = await backend.reset_start(email, birth_of(backend, email))
        assert challenge.question.id == 4


# --- snapshots at 80×24 -------------------------------------------------------------------------
def snap(snap_compare, app, run_before) -> bool:
    async def before(pilot) -> None:
        await pilot.pause()
        await run_before(pilot)
        await settle(pilot)

    return snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_snapshot_reset_step_1(snap_compare, make_app, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        await open_reset(pilot)
        await fill(pilot, email=demo_credentials["email"])

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_reset_step_1_error(snap_compare, make_app, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        await open_reset(pilot)
        await fill(pilot, email=demo_credentials["email"], birth_date="01/01/1950")
        await click(pilot, "#start")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_reset_step_2_question(snap_compare, make_app, backend, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        email = demo_credentials["email"]
        await open_reset(pilot)
        await fill(pilot, email=email, birth_date=birth_of(backend, email))
        await click(pilot, "#start")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_reset_step_3_code_with_errors(
    snap_compare, make_app, backend, demo_credentials
) -> None:
    async def run_before(pilot) -> None:
        await reset_until_code_step(pilot, backend, demo_credentials["email"])
        await fill(pilot, code="ABCD-EFGH-JKLM", new_password="court", new_password_confirm="x")
        await click(pilot, "#complete")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_reset_done_back_to_login(
    snap_compare, make_app, backend, demo_credentials
) -> None:
    async def run_before(pilot) -> None:
        email = demo_credentials["email"]
        await reset_until_code_step(pilot, backend, email)
        await fill(pilot, code=last_code(backend, email), new_password=NEW)
        await fill(pilot, new_password_confirm=NEW)
        await click(pilot, "#complete")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_blocked(snap_compare, make_app, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        await three_wrong_logins(pilot, demo_credentials["email"])

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_access_request_error(snap_compare, make_app, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        await three_wrong_logins(pilot, demo_credentials["email"])
        await pilot.press("f4")
        await pilot.pause()
        await fill(pilot, contract_ref="12")
        await send_contact(pilot, "Claire Martin", "court")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_forgotten_identifier(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("f7")

    assert snap(snap_compare, make_app(), run_before)


def test_snapshot_forgotten_question(snap_compare, make_app, demo_credentials) -> None:
    async def run_before(pilot) -> None:
        await pilot.app.push_screen(ForgottenQuestionScreen(email=demo_credentials["email"]))

    assert snap(snap_compare, make_app(), run_before)

"""The signup wizard as a person uses it (Pilot), and a snapshot of each step at 80×24.

The data typed is exactly what ``geg-tui fake customers`` prints for an unregistered demo customer
(``unregistered_customer``): contract ref, last invoice ref, amount and birth date.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import RadioButton, Select, Static

from geg_tui.fake_backend import admin
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.screens.signup import SignupScreen
from geg_tui.widgets.fields import Field, FormError, FormField
from geg_tui.widgets.password_rules import PasswordRules
from geg_tui.widgets.steps import StepIndicator
from tests.conftest import unregistered_customer
from tests.tui.pilot_helpers import settle, type_keys

PASSWORD = "Mon-Mot2Passe"
SIZE = (80, 24)


# --- helpers ---------------------------------------------------------------------------------


async def open_signup(pilot) -> SignupScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await pilot.press("f5")  # the login screen's « Créer un compte »
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SignupScreen)
    return screen


async def fill(pilot, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Field).value = value
    await pilot.pause()


async def next_step(pilot) -> None:
    assert await pilot.click("#next")  # a click lost on something else would skip an attempt
    await settle(pilot)


def field(screen, name: str) -> FormField:
    return screen.query_one(f"#field-{name}", FormField)


def error_of(screen, name: str) -> str:
    f = field(screen, name)
    return str(f.query_one(".field-error", Static).render()) if f.has_class("-invalid") else ""


def banner(screen) -> str:
    b = screen.query_one(FormError)
    return str(b.render()) if b.has_class("-shown") else ""


def customer_data(backend) -> dict[str, Any]:
    customer = unregistered_customer(backend)
    contract = customer["contract"]
    return {
        "email": f"{customer['first_name'].lower()}.nouveau@exemple.fr",
        "contract_ref": contract["contract_ref"],
        "invoice_ref": contract["last_invoice_ref"],
        "invoice_amount": contract["last_invoice_amount"],
        "birth_date": customer["birth_date"],
        "first_name": customer["first_name"],
        "last_name": customer["last_name"],
    }


async def to_step(pilot, data: dict[str, Any], step: int) -> SignupScreen:
    """From the login screen to ``step`` with valid data."""
    screen = await open_signup(pilot)
    if step > 1:
        await fill(pilot, email=data["email"], password=PASSWORD, password_confirm=PASSWORD)
        await next_step(pilot)
    if step > 2:
        await fill(
            pilot,
            contract_ref=data["contract_ref"],
            invoice_ref=data["invoice_ref"],
            invoice_amount=data["invoice_amount"],
        )
        await next_step(pilot)
    if step > 3:
        await fill(pilot, birth_date=data["birth_date"])
        await next_step(pilot)
    if step > 4:
        screen.query_one("#secret_question_id", Select).value = 2
        await fill(pilot, secret_answer="Grenoble")
        await next_step(pilot)
    assert screen.step == step, banner(screen)
    return screen


# --- behaviour -------------------------------------------------------------------------------


async def test_full_signup_then_login(make_app, backend) -> None:
    """SIGNUP-3, SIGNUP-7, SIGNUP-9, SIGNUP-10: the five steps with the data `geg-tui fake
    customers` prints, then the new account logs in at once through the login screen."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_signup(pilot)
        steps = screen.query_one(StepIndicator)
        assert steps.headline() == "Étape 1 sur 5 — Identifiant et mot de passe"

        # Step 1, typed key by key so the live rules follow (SIGNUP-2).
        await pilot.click("#email")
        await type_keys(pilot, data["email"])
        await pilot.press("tab")
        await type_keys(pilot, PASSWORD)
        rules = screen.query_one(PasswordRules)
        assert dict(rules.checks)["Au moins 8 caractères"] is True
        assert dict(rules.checks)["Confirmation identique"] is False
        await pilot.press("tab")
        await type_keys(pilot, PASSWORD)
        assert rules.all_met
        await pilot.press("enter")  # Enter in an input = Suivant
        await settle(pilot)
        assert screen.step == 2
        assert steps.headline() == "Étape 2 sur 5 — Contrat"

        # Step 2: exactly what the tester's list prints (SIGNUP-3).
        await fill(
            pilot,
            contract_ref=data["contract_ref"],
            invoice_ref=data["invoice_ref"],
            invoice_amount=data["invoice_amount"],
        )
        await next_step(pilot)
        assert screen.step == 3, banner(screen)

        # Step 3: the identity on record is shown, the phone masked (SIGNUP-7).
        identity = str(screen.query_one("#identity", Static).render())
        assert data["first_name"] in identity and data["last_name"] in identity
        assert "••" in str(screen.query_one("#phone-on-record", Static).render())
        assert screen.query_one("#phone-keep", RadioButton).value
        support = str(screen.query_one("#support", Static).render())
        assert "Contactez le service client" in support and "☎ 04 76 84 20 00" in support
        await fill(pilot, birth_date=data["birth_date"])
        await pilot.press("enter")
        await settle(pilot)
        assert screen.step == 4, banner(screen)

        # Step 4: a question of the fixed list and an answer (SIGNUP-8).
        select = screen.query_one("#secret_question_id", Select)
        assert len(select._options) >= 5
        select.value = 1
        await fill(pilot, secret_answer="Médor")
        await next_step(pilot)
        assert screen.step == 5

        # Step 5: the summary, password masked.
        text = " ".join(f"{label} {value}" for label, value in screen.summary_rows)
        assert data["email"] in text and data["contract_ref"] in text
        assert PASSWORD not in text and "••••••••" in text
        assert "Médor" in text
        await next_step(pilot)  # « Créer mon compte »

        # Back on login, e-mail filled in, a confirmation shown; the account logs in at once.
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert login.query_one("#field-email", Field).value == data["email"]
        assert "Votre compte est créé" in banner(login)
        await fill(pilot, password=PASSWORD)
        await pilot.click("#login")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)
        greeting = str(app.screen.query_one("#greeting").render())
        assert data["last_name"] in greeting


async def test_step1_field_errors_keep_input(make_app) -> None:
    """SIGNUP-1, SIGNUP-2: each message next to its field; nothing typed is lost."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_signup(pilot)
        await fill(pilot, email="pas-une-adresse", password="court", password_confirm="autre")
        await next_step(pilot)
        assert screen.step == 1
        assert "Adresse e-mail invalide" in error_of(screen, "email")
        assert "au moins 8 caractères" in error_of(screen, "password")
        assert "ne sont pas identiques" in error_of(screen, "password_confirm")
        assert field(screen, "email").value == "pas-une-adresse"
        assert field(screen, "password").value == "court"
        assert field(screen, "password_confirm").value == "autre"
        assert banner(screen) == ""

        # Password equal to the identifier (SIGNUP-2); the earlier errors are cleared.
        await fill(pilot, email="a.b@exemple.fr", password="A.B@exemple.fr")
        await fill(pilot, password_confirm="A.B@exemple.fr")
        rules = dict(screen.query_one(PasswordRules).checks)
        assert rules["Différent de l'identifiant"] is False
        await next_step(pilot)
        assert error_of(screen, "email") == ""
        assert "différent de l'identifiant" in error_of(screen, "password")


async def test_used_email_is_refused_neutrally(make_app, demo_credentials) -> None:
    """SIGNUP-1: an address already used gets the neutral message, next to the e-mail."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_signup(pilot)
        await fill(
            pilot, email=demo_credentials["email"], password=PASSWORD, password_confirm=PASSWORD
        )
        await next_step(pilot)
        assert screen.step == 1
        assert "mot de passe oublié" in error_of(screen, "email")


async def test_contract_mismatch_is_one_generic_banner(make_app, backend) -> None:
    """SIGNUP-4: a wrong amount is one generic message in the banner, the fields kept."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 2)
        await fill(
            pilot,
            contract_ref=data["contract_ref"],
            invoice_ref=data["invoice_ref"],
            invoice_amount="1,00",
        )
        await next_step(pilot)
        assert screen.step == 2
        assert "ne correspondent pas à un contrat GEG" in banner(screen)
        for name in ("contract_ref", "invoice_ref", "invoice_amount"):
            assert error_of(screen, name) == ""
        assert field(screen, "invoice_amount").value == "1,00"
        assert field(screen, "contract_ref").value == data["contract_ref"]

        # A malformed reference is a field error (SIGNUP-3).
        await fill(pilot, contract_ref="12345")
        await next_step(pilot)
        assert "10 chiffres" in error_of(screen, "contract_ref")
        assert banner(screen) == ""


async def test_amount_formats_and_spaces_are_accepted(make_app, backend) -> None:
    """SIGNUP-3: spaces ignored, « 1 234,56 € » style accepted."""
    data = customer_data(backend)
    cents = unregistered_customer(backend)["contract"]["last_invoice_amount_cents"]
    euros, rest = divmod(cents, 100)
    spaced = f"{euros:,}".replace(",", " ") + f",{rest:02d} €"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 2)
        ref = data["contract_ref"]
        await fill(
            pilot,
            contract_ref=f"{ref[:5]} {ref[5:]}",
            invoice_ref=data["invoice_ref"],
            invoice_amount=spaced,
        )
        await next_step(pilot)
        assert screen.step == 3, banner(screen)


async def test_rate_limit_after_five_failures(make_app, backend) -> None:
    """SIGNUP-5: the sixth attempt is refused with a hint to call customer service."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 2)
        await fill(
            pilot,
            contract_ref=data["contract_ref"],
            invoice_ref=data["invoice_ref"],
            invoice_amount="1,00",
        )
        for _ in range(5):
            await next_step(pilot)
        assert "ne correspondent pas" in banner(screen)
        await fill(pilot, invoice_amount=data["invoice_amount"])
        await next_step(pilot)
        assert screen.step == 2
        assert "Trop de tentatives" in banner(screen)
        assert "04 76 84 20 00" in banner(screen)


async def test_contract_already_attached(make_app, backend) -> None:
    """SIGNUP-6: a contract with an online account points to login and « mot de passe oublié »."""
    registered = next(c for c in admin.customers(backend) if c["registered"])
    contract = registered["contracts"][0]
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 2)
        await fill(
            pilot,
            contract_ref=contract["contract_ref"],
            invoice_ref=contract["last_invoice_ref"],
            invoice_amount=contract["last_invoice_amount"],
        )
        await next_step(pilot)
        assert screen.step == 2
        message = banner(screen)
        assert "déjà rattaché" in message and "mot de passe oublié" in message


async def test_wrong_birth_date_next_to_field(make_app, backend) -> None:
    """SIGNUP-7: a birth date that does not match is shown next to it, with customer service's
    number; a badly written one too; the value typed stays."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 3)
        await fill(pilot, birth_date="01/01/1950")
        await next_step(pilot)
        assert screen.step == 3
        message = error_of(screen, "birth_date")
        assert "ne correspond pas" in message and "04 76 84 20 00" in message
        assert field(screen, "birth_date").value == "01/01/1950"
        assert banner(screen) == ""

        await fill(pilot, birth_date="31/02/1980")
        await next_step(pilot)
        assert "JJ/MM/AAAA" in error_of(screen, "birth_date")

        # A new phone, badly written, is refused next to its field (SIGNUP-7).
        await pilot.click("#phone-new")
        await pilot.pause()
        assert field(screen, "phone").display
        await fill(pilot, birth_date=data["birth_date"], phone="12 34")
        await next_step(pilot)
        assert screen.step == 3
        assert "Numéro invalide" in error_of(screen, "phone")
        await fill(pilot, phone="+33 6 12 34 56 78")
        await next_step(pilot)
        assert screen.step == 4, banner(screen)


async def test_secret_question_checked_before_summary(make_app, backend) -> None:
    """SIGNUP-8: a question must be chosen and the answer have 3 to 50 characters."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 4)
        await fill(pilot, secret_answer=" a ")
        await next_step(pilot)
        assert screen.step == 4
        assert "Choisissez une question" in error_of(screen, "secret_question_id")
        assert "au moins 3 caractères" in error_of(screen, "secret_answer")


async def test_back_keeps_input_except_passwords(make_app, backend) -> None:
    """SIGNUP-9: « Précédent » and Escape go back one step keeping what was typed, except the two
    passwords; they are asked again before the summary, then the wizard resumes."""
    data = customer_data(backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_step(pilot, data, 4)
        screen.query_one("#secret_question_id", Select).value = 3
        await fill(pilot, secret_answer="Dupont")

        await pilot.click("#prev")
        await settle(pilot)
        assert screen.step == 3
        assert field(screen, "birth_date").value == data["birth_date"]
        await pilot.press("escape")
        await settle(pilot)
        assert screen.step == 2
        assert field(screen, "contract_ref").value == data["contract_ref"]
        assert field(screen, "invoice_ref").value == data["invoice_ref"]
        assert field(screen, "invoice_amount").value == data["invoice_amount"]
        await pilot.press("escape")
        await settle(pilot)
        assert screen.step == 1
        assert field(screen, "email").value == data["email"]
        assert field(screen, "password").value == ""
        assert field(screen, "password_confirm").value == ""
        assert "saisissez à nouveau votre mot de passe" in banner(screen)
        assert screen.query_one("#secret_question_id", Select).value == 3
        assert field(screen, "secret_answer").value == "Dupont"

        # Forward again: after the passwords, steps 2 and 3 are unchanged since the backend
        # accepted them → on to step 4 (never validated), then the summary.
        await fill(pilot, password=PASSWORD, password_confirm=PASSWORD)
        await next_step(pilot)
        assert screen.step == 4, banner(screen)
        await next_step(pilot)
        assert screen.step == 5, banner(screen)

        # Back from the summary to step 2 and forward: the passwords are asked before the end.
        for _ in range(3):
            await pilot.press("escape")
            await settle(pilot)
        assert screen.step == 2
        for expected in (3, 4):
            await next_step(pilot)
            assert screen.step == expected, banner(screen)
        await next_step(pilot)
        assert screen.step == 1
        assert "Saisissez à nouveau votre mot de passe" in banner(screen)
        await fill(pilot, password=PASSWORD, password_confirm=PASSWORD)
        await next_step(pilot)
        assert screen.step == 5

        # Escape on step 1 goes back to login.
        for _ in range(5):
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_show_password_key(make_app) -> None:
    """F2 shows then hides both passwords (step 1 only)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_signup(pilot)
        assert field(screen, "password").input.password
        await pilot.press("f2")
        assert not field(screen, "password").input.password
        assert not field(screen, "password_confirm").input.password
        await pilot.press("f2")
        assert field(screen, "password").input.password


async def test_help_lists_the_keys(make_app) -> None:
    """F1 lists the wizard's keys in French."""
    from geg_tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_signup(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        for words in ("Précédent", "Suivant", "Afficher/masquer", "Aide"):
            assert words in text


# --- snapshots (80×24, dark theme, cursor not blinking, workers awaited) ---------------------


def _snapshot_steps(backend, step: int, *, error: str | None = None):
    data = customer_data(backend)

    async def run_before(pilot) -> None:
        screen = await to_step(pilot, data, step)
        if step == 1 and error is None:
            await fill(pilot, email=data["email"], password=PASSWORD, password_confirm="Mon-Mot")
        if step == 1 and error == "fields":
            await fill(pilot, email="jean.dupont@", password="court", password_confirm="autre")
            await next_step(pilot)
        if step == 2:
            amount = "1,00" if error == "mismatch" else data["invoice_amount"]
            await fill(
                pilot,
                contract_ref=data["contract_ref"],
                invoice_ref=data["invoice_ref"],
                invoice_amount=amount,
            )
            if error == "mismatch":
                await next_step(pilot)
        if step == 3:
            await fill(pilot, birth_date=data["birth_date"])
        if step == 4:
            screen.query_one("#secret_question_id", Select).value = 1
            await fill(pilot, secret_answer="Médor")
        await settle(pilot)

    return run_before


@pytest.mark.parametrize(
    ("step", "error"),
    [(1, None), (1, "fields"), (2, None), (2, "mismatch"), (3, None), (4, None), (5, None)],
    ids=["step1", "step1_errors", "step2", "step2_mismatch", "step3", "step4", "step5"],
)
def test_snapshot(snap_compare, make_app, backend, step: int, error: str | None) -> None:
    app = make_app()
    assert snap_compare(
        app, terminal_size=SIZE, run_before=_snapshot_steps(backend, step, error=error)
    )

"""The form abstraction on its own (widgets/form.py, widgets/wizard.py, widgets/fields.py):
where each error lands, what keeps its value, where the focus goes — in a bare Textual app, so
that every screen's form can rely on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from geg_tui.api.errors import AuthError, ValidationError
from geg_tui.widgets.fields import (
    CheckField,
    Field,
    FormError,
    FormField,
    SelectField,
    TextAreaField,
    error_text,
)
from geg_tui.widgets.form import Form
from geg_tui.widgets.wizard import Wizard, WizardStep, WizardSteps


class FormApp(App[None]):
    """One form: e-mail, password, a question to choose, a hidden phone, a message, a banner."""

    def compose(self) -> ComposeResult:
        with Form(id="form"):
            yield Field("E-mail", "email")
            yield Field("Mot de passe", "password", password=True)
            yield SelectField("Question", "question", prompt="Choisissez")
            yield Field("Téléphone", "phone")
            yield Field("Début", "start", error_below=False)
            yield TextAreaField("Message", "message", min_length=10, max_length=20)
            yield CheckField("Se souvenir de moi", "remember")
            yield FormError(id="banner")

    def on_mount(self) -> None:
        self.query_one("#field-phone").display = False


def banner(app: App[Any]) -> str:
    item = app.query_one(FormError)
    return str(item.render()) if item.has_class("-shown") else ""


def error_of(app: App[Any], name: str) -> str:
    item = app.query_one(f"#field-{name}", FormField)
    return str(item.query_one(".field-error", Static).render()) if item.invalid else ""


async def test_each_message_under_its_field_the_rest_in_the_banner_values_kept() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        app.query_one("#field-email", Field).value = "claire@"
        app.query_one("#field-password", Field).value = "court"
        await pilot.pause()
        error = ValidationError(
            fields={
                "password": "Trop court.",
                "email": "Adresse invalide.",
                "phone": "Numéro invalide.",  # hidden field: the banner says it
                "unknown": "Autre chose.",  # no such field: the banner says it
            }
        )
        assert form.show_error(error)
        await pilot.pause()
        assert error_of(app, "email") == error_text("Adresse invalide.")
        assert error_of(app, "password") == error_text("Trop court.")
        assert error_of(app, "phone") == ""
        assert banner(app) == error_text("Numéro invalide. Autre chose.")
        # The first field to correct in the order of the form, not of the message.
        assert app.focused is app.query_one("#email")
        assert app.query_one("#field-email", Field).value == "claire@"
        assert app.query_one("#field-password", Field).value == "court"


async def test_a_general_refusal_goes_to_the_banner_and_a_new_one_clears_the_old() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        form.show_error(ValidationError(fields={"email": "Adresse invalide."}))
        assert not form.show_error(AuthError())
        await pilot.pause()
        assert error_of(app, "email") == ""
        assert banner(app) == error_text(AuthError.default_message)


async def test_a_field_without_an_error_line_is_marked_and_told_in_the_banner() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        app.query_one(Form).show_error(ValidationError(fields={"start": "Date invalide."}))
        await pilot.pause()
        field = app.query_one("#field-start", Field)
        assert field.invalid and not field.query_one(".field-error").display
        assert banner(app) == error_text("Date invalide.")


async def test_the_forms_own_checks_and_every_kind_of_field() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        form = app.query_one(Form)
        app.query_one("#field-question", SelectField).set_options([("Ville ?", 1)])
        form.show_error(
            {"message": "Trop court.", "question": "Choisissez une question."},
            general="Rien n'a été envoyé.",
        )
        await pilot.pause()
        assert error_of(app, "question") == error_text("Choisissez une question.")
        assert error_of(app, "message") == error_text("Trop court.")
        assert banner(app) == error_text("Rien n'a été envoyé.")
        assert app.focused is app.query_one("#question")
        assert form.values() == {
            "email": "",
            "password": "",
            "question": None,
            "phone": "",
            "start": "",
            "message": "",
            "remember": False,
        }


async def test_the_message_counter_says_too_short_or_too_long_in_words() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        area = app.query_one("#field-message", TextAreaField)
        counter = app.query_one("#message-count", Static)
        assert "trop court" in str(counter.render())
        area.value = "Un message juste"
        await pilot.pause()
        assert str(counter.render()) == "16/20"
        area.value = "x" * 21
        await pilot.pause()
        assert "trop long" in str(counter.render())


async def test_a_checkbox_on_and_off_differ_without_colour() -> None:
    """WCAG 1.4.1: Textual's box shows « X » in both states; ours ✓ when on, blank when off."""
    app = FormApp()
    async with app.run_test() as pilot:
        box = app.query_one("#field-remember", CheckField).checkbox
        off = box.render().plain
        box.value = True
        await pilot.pause()
        on = box.render().plain
        assert "✓" in on and "✓" not in off and "X" not in off
        assert on != off


def _question_check(values: Mapping[str, Any]) -> dict[str, str]:
    return {} if len(str(values["answer"])) >= 3 else {"answer": "Au moins 3 caractères."}


class WizardApp(App[None]):
    def __init__(self, *, reveal: bool = True, check: Callable[..., Any] | None = None) -> None:
        super().__init__()
        self.reveal, self.check = reveal, check

    def compose(self) -> ComposeResult:
        with Wizard(id="wizard", reveal_other_steps=self.reveal):
            with WizardSteps(initial="one"):
                with WizardStep(id="one"):
                    yield Field("E-mail", "email")
                with WizardStep(id="two", check=self.check):
                    yield Field("Réponse", "answer")
                    yield Field("Nouvelle réponse", "new_answer", also=("email",))
            yield FormError()


async def test_an_error_on_another_step_brings_that_step_back() -> None:
    app = WizardApp()
    async with app.run_test() as pilot:
        wizard = app.query_one(Wizard)
        wizard.go("two")
        app.query_one("#field-answer", Field).value = "Grenoble"
        await pilot.pause()
        wizard.show_error(ValidationError(fields={"email": "Déjà utilisée."}))
        await pilot.pause()
        # « email » is also a name of a field of the step in view: it goes there.
        assert wizard.step == "two"
        assert error_of(app, "new_answer") == error_text("Déjà utilisée.")
        wizard.go("one")
        wizard.go("two")
        wizard.show_error(ValidationError(fields={"answer": "Non."}))
        assert wizard.step == "two"
        wizard.go("one")
        wizard.show_error(ValidationError(fields={"answer": "Non."}))
        await pilot.pause()
        assert wizard.step == "two" and error_of(app, "answer") == error_text("Non.")
        assert app.focused is app.query_one("#answer")
        assert app.query_one("#field-answer", Field).value == "Grenoble"  # kept


async def test_back_follows_the_steps_visited() -> None:
    app = WizardApp()
    async with app.run_test():
        wizard = app.query_one(Wizard)
        wizard.go("two")
        assert wizard.index() == 2
        assert wizard.back() and wizard.step == "one"
        assert not wizard.back()


async def test_a_wizard_that_keeps_errors_on_the_step_in_view() -> None:
    app = WizardApp(reveal=False)
    async with app.run_test() as pilot:
        wizard = app.query_one(Wizard)
        wizard.show_error(ValidationError(fields={"answer": "Non."}))
        await pilot.pause()
        assert wizard.step == "one"
        assert banner(app) == error_text("Non.")


async def test_each_step_has_its_own_check() -> None:
    app = WizardApp(check=_question_check)
    async with app.run_test() as pilot:
        wizard = app.query_one(Wizard)
        assert wizard.check_step()  # step one has no check of its own
        wizard.go("two")
        app.query_one("#field-answer", Field).value = "a"
        await pilot.pause()
        assert not wizard.check_step()
        await pilot.pause()
        assert error_of(app, "answer") == error_text("Au moins 3 caractères.")
        app.query_one("#field-answer", Field).value = "abc"
        assert wizard.check_step()


async def test_a_refused_key_is_said_under_its_field_and_the_typing_kept() -> None:
    """Textual only rings the bell for a key a field refuses (many terminals are silent): the
    field says it, keeps what was typed, and the message goes with the next change."""

    class DigitsApp(App[None]):
        def compose(self) -> ComposeResult:
            with Form():
                yield Field("Code postal", "postcode", max_length=5, restrict=r"[0-9]*")

    app = DigitsApp()
    async with app.run_test() as pilot:
        app.query_one("#postcode").focus()
        await pilot.press("3", "8", "x")
        field = app.query_one("#field-postcode", Field)
        assert field.value == "38" and "Caractère refusé" in error_of(app, "postcode")
        await pilot.press("1", "0", "0")
        assert field.value == "38100" and error_of(app, "postcode") == ""
        await pilot.press("0")
        assert field.value == "38100" and "5 caractères au plus" in error_of(app, "postcode")

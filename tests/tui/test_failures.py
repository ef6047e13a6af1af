"""Failures are never silent (issue 11, item 2): an unexpected exception in a worker or a handler
shows a French notice and goes to the log (scrubbed), the app keeps what was typed and goes on;
loading indicators say what is loading; a service error is never shown as « no data »."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from rich.console import Group
from textual.pilot import Pilot

from geg_tui import failures
from geg_tui.api.backend import backend_methods
from geg_tui.fake_backend import faults
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.widgets.fields import Field
from geg_tui.widgets.loading import LabelledLoading
from tests.conftest import assert_no_failure
from tests.tui.pilot_helpers import on_home, open_area, settle
from tests.tui.test_login_home import fill

SCREENS = Path(__file__).parents[2] / "geg_tui" / "screens"


def notices(app: Any) -> list[str]:
    return [f"{n.title} | {n.message}" for n in app._notifications]


def set_fault(
    backend: Any, operation: str, *, latency_ms: int = 0, error_rate: float = 0.0
) -> None:
    with backend.store.transaction() as db:
        faults.set_fault(db, operation, latency_ms, error_rate, backend_methods())


@pytest.mark.expects_failure
async def test_a_worker_that_raises_shows_a_notice_logs_it_and_keeps_the_form(
    make_app: Any, backend: Any, demo_credentials: dict[str, str], monkeypatch: Any
) -> None:
    """A bug in the login call (a ``RuntimeError`` whose message even carries the password):
    the person reads what failed and that nothing is lost; the log has the traceback, the screen
    and the worker, but neither the password nor the e-mail typed; the retry works."""
    password = demo_credentials["password"]
    real_login = backend.login

    async def broken_login(email: str, typed: str) -> Any:
        raise RuntimeError(f"bogue : comparaison impossible avec {typed} pour {email}")

    monkeypatch.setattr(backend, "login", broken_login)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, email=demo_credentials["email"], password=password)
        await pilot.click("#login")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.is_running
        [notice] = notices(app)
        assert notice.startswith("Erreur inattendue | Échec inattendu — Connexion. ")
        assert "Rien de ce que vous avez saisi n'est perdu" in notice and "réessayez" in notice
        log = app.failure_log.path
        assert str(log) in notice and log.is_file()
        text = log.read_text(encoding="utf-8")
        assert "RuntimeError: bogue : comparaison impossible avec •••" in text
        assert "écran : LoginScreen ; action : Connexion… ; worker : login" in text
        assert 'File "' in text and "broken_login" in text  # the traceback, for a developer
        assert password not in text and demo_credentials["email"] not in text
        [failure] = failures.REPORTED
        assert isinstance(failure.error, RuntimeError) and failure.screen == "LoginScreen"
        # Nothing typed was lost, and trying again works once the bug is gone.
        assert app.screen.query_one("#field-email", Field).value == demo_credentials["email"]
        assert app.screen.query_one("#field-password", Field).value == password
        monkeypatch.setattr(backend, "login", real_login)
        app.screen.query_one("#field-password", Field).input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.expects_failure
async def test_a_key_action_that_raises_is_reported_and_the_app_goes_on(
    make_app: Any, monkeypatch: Any
) -> None:
    """Textual would close the app on an exception in a key binding's action (losing what was
    typed); it is reported instead and the screen still takes keys."""

    def broken_help(self: BaseScreen) -> None:
        raise ValueError("aide introuvable")

    monkeypatch.setattr(BaseScreen, "action_help", broken_help)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, email="quelqu.un@exemple.fr")
        await pilot.press("f1")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LoginScreen)
        [notice] = notices(app)
        assert "Échec inattendu — écran « GEG Mon Compte »" in notice
        assert [type(f.error) for f in failures.REPORTED] == [ValueError]
        app.screen.query_one("#field-email", Field).input.focus()
        await pilot.press("x")
        assert app.screen.query_one("#field-email", Field).value.endswith("x")
        text = app.failure_log.path.read_text(encoding="utf-8")
        assert "ValueError: aide introuvable" in text and "quelqu.un@exemple.fr" not in text


def test_the_suite_fails_a_test_on_an_unexpected_failure() -> None:
    """What the autouse fixture of tests/conftest.py runs after each test not marked
    ``expects_failure``: it passes on nothing reported, and fails on anything."""
    assert_no_failure([])
    failure = failures.Failure(RuntimeError("bogue"), "Chargement des factures…", "X", "reload")
    with pytest.raises(AssertionError, match="bogue"):
        assert_no_failure([failure])


def test_scrub_removes_typed_values_card_numbers_and_ibans() -> None:
    text = "carte 4242 4242 4242 4242, iban FR76 3000 6000 0112 3456 7890 189, mot Secret-42"
    clean = failures.scrub(text, ["Secret-42", "", "ab"])
    assert "4242" not in clean and "FR76" not in clean and "Secret-42" not in clean
    assert clean.count(failures.MASK) == 3


def test_every_backend_call_says_what_it_loads() -> None:
    """``backend_call`` and ``busy`` take a ``label`` (required): every call site in the screens
    names what it loads or sends, in French, through ``_()``."""
    calls = 0
    for path in SCREENS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            wrappers = ("call",) if path.name == "reset.py" else ()  # its own backend_call
            if node.func.attr not in ("backend_call", "busy", *wrappers):
                continue
            calls += 1
            label = next((k.value for k in node.keywords if k.arg == "label"), None)
            where = f"{path.name}:{node.lineno}"
            assert label is not None, f"{where}: no label"
            if isinstance(label, ast.Name):  # a wrapper passing its caller's label on
                assert label.id == "label", where
            else:
                assert isinstance(label, ast.Call) and getattr(label.func, "id", "") == "_", where
    assert calls >= 20


async def test_the_loading_indicator_says_what_is_loading(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_home(pilot, demo_credentials)
        set_fault(backend, "list_invoices", latency_ms=600)
        app.open_screen("factures")
        label = await shown_loading(pilot)
        assert label == "Chargement des factures…"
        await settle(pilot)


async def shown_loading(pilot: Pilot) -> str:
    for _ in range(100):
        await pilot.pause(0.02)
        covers = [getattr(w, "_cover_widget", None) for w in pilot.app.screen.query("*")]
        shown = [c for c in covers if isinstance(c, LabelledLoading)]  # (covers are not children)
        if shown and shown[0].label != "Chargement de vos contrats…":
            rendered = shown[0].render()  # the dots above the label, or the label alone
            text = rendered.renderables[-1] if isinstance(rendered, Group) else rendered
            assert str(text) == shown[0].label
            return shown[0].label
    raise AssertionError("no labelled loading indicator shown")


async def test_a_service_outage_is_not_shown_as_no_consumption(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    """SIM-5 on the consumption calls: the screen says the service did not answer — never
    « Aucune donnée », which would tell the person they consumed nothing. F5 once it is back."""
    set_fault(backend, "consumption", error_rate=1.0)
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        shown = " ".join(
            str(screen.query_one(selector).render()) for selector in ("#form-error", "#summary")
        )
        chart = str(screen.query_one("#chart").render())
        assert "indisponible" in shown and "n'ont pas pu être chargées" in shown
        assert "pas une consommation nulle" in chart
        assert "Aucune" not in shown + chart
        assert screen.series is None
        with backend.store.transaction() as db:
            faults.clear(db)
        await pilot.press("f5")
        await settle(pilot)
        assert screen.series is not None and screen.series.size == 12
        assert "Du 01/12/2025" in str(screen.query_one("#summary").render())


@pytest.mark.expects_failure
async def test_a_screen_that_cannot_be_built_is_logged_and_its_locals_never_printed(
    make_app: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    """Textual's crash path (a screen whose compose raises) still closes the app, as it should
    for a screen that cannot exist; the details are in the log too, and neither the log nor
    the crash report printed on exit shows the locals (Textual prints them by default)."""
    from textual.screen import Screen

    class Broken(Screen[None]):
        def compose(self) -> Any:
            typed = "-".join(("Mot", "De", "Passe", "9"))  # a local, as a password would be
            raise RuntimeError("écran impossible à construire " + typed[:0])

    app = make_app()
    with pytest.raises(RuntimeError, match="écran impossible"):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await app.push_screen(Broken())
            await pilot.pause()
    text = app.failure_log.path.read_text(encoding="utf-8")
    assert "RuntimeError: écran impossible à construire" in text
    printed = capfd.readouterr().err  # what Textual printed on exit
    assert "écran impossible" in printed
    assert "Mot-De-Passe-9" not in text + printed
    assert [type(f.error) for f in failures.REPORTED] == [RuntimeError]


def shown_text(screen: Any) -> str:
    from textual.widgets import Static

    return " ".join(str(w.render()) for w in screen.query(Static) if w.display)


@pytest.mark.parametrize(
    ("area", "operation"),
    [
        ("accueil", "home"),
        ("factures", "list_invoices"),
        ("releve", "meter_status"),
        ("consommation", "consumption_range"),
        ("detail", "get_invoice"),
    ],
)
async def test_no_screen_shows_an_outage_as_no_data(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str], area: str, operation: str
) -> None:
    """Home, invoices, invoice detail, meter and consumption with their load failing (SIM-5):
    the service's message is on screen, and nothing reads « aucun(e) … »."""
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_home(pilot, demo_credentials)
        set_fault(backend, operation, error_rate=1.0)
        if area == "detail":
            app.open_screen("factures")
            await settle(pilot)
            await pilot.press("enter")
        else:
            app.open_screen(area)
        await settle(pilot)
        text = shown_text(app.screen)
        assert "indisponible" in text, text
        assert "aucun" not in text.lower(), text


async def test_invoices_of_other_filters_are_not_left_on_screen_during_an_outage(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    """A filter changed while the service is down: the list of the old filters goes (it would
    read as this year's invoices), the count says the list is unavailable — not « aucune
    facture »; a refresh that fails keeps the list it refreshes; R once the service is back."""
    from textual.widgets import DataTable, Select

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "factures")
        table = screen.query_one(DataTable)
        listed = table.row_count
        assert listed > 0
        set_fault(backend, "list_invoices", error_rate=1.0)
        await pilot.press("r")  # the same filters: the list stays, the banner says why
        await settle(pilot)
        assert table.row_count == listed
        assert "indisponible" in str(screen.query_one("#form-error").render())
        screen.query_one("#filter-year", Select).value = "2025"
        await settle(pilot)
        text = shown_text(screen)
        assert table.row_count == 0 and "Factures indisponibles" in text
        assert "aucune" not in text.lower()
        with backend.store.transaction() as db:
            faults.clear(db)
        await pilot.press("r")
        await settle(pilot)
        assert table.row_count > 0
        assert all(i.issue_date.year == 2025 for i in screen._invoices.values())
        assert "indisponible" not in shown_text(screen)


def test_scrub_removes_secrets_as_a_traceback_prints_them() -> None:
    """A typed value may reach a message escaped (``repr``, JSON, a URL); an IBAN in lower case
    or with dashes, a card number with dots: all masked too."""
    secret = "Ab\\cd-é'12"
    text = (
        f"ValueError: {secret!r} / {{'p': {__import__('json').dumps(secret)}}} / ?p=Ab%5Ccd"
        "-%C3%A9%2712 / fr7630006000011234567890189 / FR76-3000-6000-0112-3456-7890-189 / "
        "4242.4242.4242.4242"
    )
    clean = failures.scrub(text, [secret])
    assert "cd-" not in clean.replace("FR76", "") and "4242" not in clean, clean
    assert "7630006" not in clean and "3456" not in clean and "189" not in clean, clean


@pytest.mark.expects_failure
async def test_the_keyrings_password_of_an_automatic_login_never_reaches_the_log(
    make_app: Any, backend: Any, demo_credentials: dict[str, str], monkeypatch: Any
) -> None:
    """The remembered password is in no field during an automatic login: the log is told of it
    all the same (it was written there in clear)."""
    email, password = demo_credentials["email"], demo_credentials["password"]

    async def broken_login(typed_email: str, typed: str) -> Any:
        raise RuntimeError(f"bogue avec {typed!r} et {typed}")

    monkeypatch.setattr(backend, "login", broken_login)
    app = make_app()
    app.settings.remember(email, password)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert [type(f.error) for f in failures.REPORTED] == [RuntimeError]
        logged = app.failure_log.path.read_text(encoding="utf-8")
        assert "bogue avec" in logged and password not in logged


async def test_an_export_folder_that_cannot_be_used_is_said_not_a_crash(
    make_app: Any,
) -> None:
    """« ~inconnu/x » makes ``Path.expanduser`` raise: a field error, the folder kept as typed,
    the app still running."""
    from geg_tui.screens.consumption import ExportDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ExportDialog(Path("/tmp")))
        await settle(pilot)
        field = app.screen.query_one("#field-folder", Field)
        field.value = "~personne-de-ce-nom/x"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and app.is_running
        assert field.value == "~personne-de-ce-nom/x"
        assert "ne peut pas être utilisé" in str(field.query_one(".field-error").render())


def test_a_log_that_cannot_be_written_is_not_named_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``logging`` swallowed its write errors (printing them on the TUI's terminal) and the
    notice named a file that was never written: now no file is named, nothing is printed."""
    (tmp_path / failures.LOG_NAME).mkdir()  # where the file should be: cannot be opened
    assert failures.FailureLog(tmp_path).write("échec") is None
    assert capsys.readouterr().err == ""
    written = failures.FailureLog(tmp_path / "ok")
    assert written.write("échec") == tmp_path / "ok" / failures.LOG_NAME
    assert oct(written.path.stat().st_mode & 0o777) == oct(0o600)


async def test_overlapping_loads_each_end_their_own_label(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """Two calls under way on one screen (the invoice list's « more » and « years »), the first
    ending first: the label left is the second's, and none once both are done (the first's
    used to come back, stale, and name a load no longer running in a failure notice)."""
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_home(pilot, demo_credentials)
        screen = app.screen
        first, second = screen.busy(label="A"), screen.busy(label="B")
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        assert screen.activity == "B"
        second.__exit__(None, None, None)
        assert screen.activity is None

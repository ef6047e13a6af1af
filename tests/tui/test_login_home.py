"""Login and home as a person uses them (Pilot), remember-me (SEC-5), session expiry, F1 help,
the command palette, and the snapshots of these screens at 80×24."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widgets import Checkbox

from geg_tui.config import SERVICE, Settings
from geg_tui.screens.help import HelpScreen
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.widgets.fields import Field, FormError
from tests.tui.pilot_helpers import settle


async def fill(pilot: Pilot, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Field).value = value
    await pilot.pause()


async def log_in(pilot: Pilot, email: str, password: str, *, remember: bool = False) -> None:
    await fill(pilot, email=email, password=password)
    pilot.app.screen.query_one("#remember", Checkbox).value = remember
    await pilot.click("#login")
    await settle(pilot)


def banner(app: Any) -> str:
    return str(app.screen.query_one(FormError).render())


async def test_auth_1_login_then_home(make_app: Any, demo_credentials: dict[str, str]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        assert isinstance(app.screen, HomeScreen)
        assert "Claire Martin" in str(app.screen.query_one("#greeting").render())
        assert "145,00" in str(app.screen.query_one("#to-pay").render())


async def test_auth_2_wrong_password_message_and_nothing_lost(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "mauvais-mot-de-passe")
        assert isinstance(app.screen, LoginScreen)
        assert "Identifiant ou mot de passe incorrect" in banner(app)
        assert app.screen.query_one("#field-email", Field).value == demo_credentials["email"]
        assert app.screen.query_one("#field-password", Field).value == "mauvais-mot-de-passe"


async def test_f2_shows_and_hides_the_password(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#field-password", Field)
        assert field.input.password
        await pilot.press("f2")
        assert not field.input.password
        await pilot.press("f2")
        assert field.input.password


async def test_sec_5_remember_me_next_start_logs_in_and_logout_forgets(
    make_app: Any, demo_credentials: dict[str, str], memory_keyring: Any, tmp_path: Any
) -> None:
    settings = Settings(tmp_path)
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#remember", Checkbox).disabled
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"], remember=True)
        assert isinstance(app.screen, HomeScreen)
    config = (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert demo_credentials["email"] in config
    assert demo_credentials["password"] not in config  # only in the keyring
    assert (
        memory_keyring.get_password(SERVICE, demo_credentials["email"])
        == demo_credentials["password"]
    )

    again = make_app(settings=Settings(tmp_path))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, HomeScreen)  # logged in by itself
        await pilot.press("d")  # log out
        await settle(pilot)
        assert isinstance(again.screen, LoginScreen)
        assert "déconnecté" in banner(again)
    assert memory_keyring.get_password(SERVICE, demo_credentials["email"]) is None
    assert demo_credentials["email"] not in (tmp_path / "config.toml").read_text(encoding="utf-8")


async def test_sec_5_remember_me_disabled_with_the_fail_keyring(
    make_app: Any, demo_credentials: dict[str, str], tmp_path: Any
) -> None:
    keyring.set_keyring(fail.Keyring())
    settings = Settings(tmp_path)
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#remember", Checkbox)
        assert box.disabled
        assert "trousseau" in str(app.screen.query_one("#remember-reason").render())
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"], remember=True)
        assert isinstance(app.screen, HomeScreen)
    assert settings.remembered_email() is None
    assert not settings.remember(demo_credentials["email"], demo_credentials["password"])


def test_sec_5_insecure_keyrings_are_refused() -> None:
    from keyring.backends import null

    from geg_tui.config import keyring_status

    for ring in (fail.Keyring(), null.Keyring()):
        keyring.set_keyring(ring)
        status = keyring_status()
        assert not status.secure and status.reason

    class PlainFile(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("never written")

        def delete_password(self, service: str, username: str) -> None:
            return None

    PlainFile.__module__ = "keyrings.alt.file"
    keyring.set_keyring(PlainFile())
    assert not keyring_status().secure

    class LowPriority(PlainFile):
        priority = 0.5  # type: ignore[assignment]

    LowPriority.__module__ = "some.keyring"
    keyring.set_keyring(LowPriority())
    assert not keyring_status().secure


async def test_auth_3_expired_session_returns_to_login_then_back(
    make_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        home = app.screen
        assert isinstance(home, HomeScreen)
        backend.clock.advance(timedelta(minutes=31))
        await pilot.press("r")  # refresh: the session has expired
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.screen.relogin
        assert "session a expiré" in banner(app)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        assert app.screen is home  # back where the person was, reloaded
        assert "Claire Martin" in str(home.query_one("#greeting").render())


async def test_auth_3_after_an_expiry_the_email_is_filled_in(
    make_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    """Safer default: the login over an expired session has the e-mail filled in and the
    focus in the password; typing it and Enter is enough."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        home = app.screen
        backend.clock.advance(timedelta(minutes=31))
        await pilot.press("r")
        await settle(pilot)
        login = app.screen
        assert isinstance(login, LoginScreen) and login.relogin
        assert login.query_one("#field-email", Field).value == demo_credentials["email"]
        assert login.query_one("#field-password", Field).value == ""
        assert app.focused is login.query_one("#password")
        await pilot.press(*demo_credentials["password"], "enter")
        await settle(pilot)
        assert app.screen is home


async def test_errors_say_so_with_a_marker_and_a_word(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    """WCAG 1.4.1: an error is not told by its red alone."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "mauvais-mot-de-passe")
        assert banner(app).startswith("✗ Erreur : Identifiant ou mot de passe incorrect")


async def test_remember_me_on_and_off_differ_without_colour(make_app: Any) -> None:
    """WCAG 1.4.1: « Se souvenir de moi » showed ▐X▌ on and off, only its colour changed."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#remember", Checkbox)
        box.value = False
        await pilot.pause()
        off = box.render().plain
        box.value = True
        await pilot.pause()
        on = box.render().plain
        assert "✓" in on and "✓" not in off
        assert on.replace("✓", " ") == off  # the same box and label, only the mark differs


def _burst(app: Any, keys: str) -> None:
    """Keys as a fast typist's terminal sends them: all at once, no pause between them (Pilot's
    ``press`` waits for the app after each key, which hides the problem)."""
    for char in keys:
        key = {"\t": "tab", "\r": "enter"}.get(char, char)
        event = events.Key(key, None if key == "enter" else char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_a_burst_after_tab_goes_to_the_password_not_the_email_in_clear(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    """``abc<Tab>secret`` typed fast: Textual moves the focus on Tab only once the key has gone
    up to the screen, and the characters after it used to land in the e-mail field, in clear."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        login = app.screen
        login.query_one("#email").focus()
        await pilot.pause()
        _burst(app, "abc\tsecret")
        await settle(pilot)
        assert login.query_one("#field-email", Field).value == "abc"
        assert login.query_one("#field-password", Field).value == "secret"
        login.query_one("#field-email", Field).value = ""
        login.query_one("#field-password", Field).value = ""
        login.query_one("#email").focus()
        await pilot.pause()
        _burst(app, f"{demo_credentials['email']}\t{demo_credentials['password']}\r")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_f1_lists_the_keys_of_the_screen(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for words in ("Créer un compte", "Mot de passe oublié", "Afficher/masquer", "Aide"):
            assert words in text
        assert "Retour" not in text  # Escape leads nowhere from login
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_command_palette_offers_every_screen(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Créer mon compte", "Mot de passe oublié", "Identifiant oublié"} <= set(titles)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Accueil" in titles and "Se déconnecter" in titles
        assert "Créer mon compte" not in titles


# --- snapshots (80×24, theme and clock fixed, cursor blink off, workers awaited) ----------------


def test_snapshot_login(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_login_error(
    snap_compare: Any, make_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "mauvais")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def _screen_text_and_colours(app: Any) -> tuple[str, set[tuple[int, int, int]]]:
    """What the terminal receives for the whole screen: its text, and every colour used."""
    console = Console(
        width=80,
        height=24,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
    )
    console.print(app.screen._compositor.render_update(full=True))
    ansi = console.export_text(styles=True, clear=False)
    colours = {
        (int(r), int(g), int(b)) for r, g, b in re.findall(r"[34]8;2;(\d+);(\d+);(\d+)", ansi)
    }
    return console.export_text(), colours


async def test_no_color_the_login_error_is_in_greys_and_still_says_error(
    make_app: Any, demo_credentials: dict[str, str], monkeypatch: Any
) -> None:
    """NO_COLOR=1 (read by Textual when the app is created): no colour at all on screen, and
    the error still reads as one (« ✗ Erreur : »)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "mauvais")
        text, colours = _screen_text_and_colours(app)
    assert colours, "no colour found at all: the check would prove nothing"
    assert {c for c in colours if len(set(c)) > 1} == set()  # greys only
    assert "✗ Erreur : Identifiant ou mot de passe incorrect" in text.replace("\xa0", " ")


def test_snapshot_login_error_no_color(
    snap_compare: Any, make_app: Any, demo_credentials: dict[str, str], monkeypatch: Any
) -> None:
    """The same error as ``test_snapshot_login_error``, as a person with NO_COLOR=1 sees it."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], "mauvais")

    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_login_without_secure_keyring(snap_compare: Any, make_app: Any) -> None:
    keyring.set_keyring(fail.Keyring())

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_home(snap_compare: Any, make_app: Any, demo_credentials: dict[str, str]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_help(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40)])
def test_snapshot_home_large(
    snap_compare: Any, make_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def test_server_down_gives_a_french_message_and_keeps_the_form(tmp_path: Any) -> None:
    """Issue 5: with ``--backend http`` and no server, login says so in French; nothing is lost."""
    import socket

    from geg_tui.api.http import HttpBackend
    from geg_tui.app import GegApp

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = GegApp(
        lambda: HttpBackend(f"http://127.0.0.1:{port}", retries=0),
        settings=Settings(tmp_path),
        cursor_blink=False,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, "claire.martin@exemple.fr", "Grenoble-2026")
        assert isinstance(app.screen, LoginScreen)
        assert "ne répond pas" in banner(app)
        assert app.screen.query_one("#field-email", Field).value == "claire.martin@exemple.fr"


async def test_sec_5_a_stale_remembered_password_is_forgotten(
    make_app: Any, demo_credentials: dict[str, str], memory_keyring: Any, tmp_path: Any
) -> None:
    """LOCK-1 safety: a remembered password that changed is tried once, then forgotten."""
    settings = Settings(tmp_path)
    settings.remember(demo_credentials["email"], "ancien-mot-de-passe")
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "ne fonctionne plus" in banner(app)
    assert memory_keyring.get_password(SERVICE, demo_credentials["email"]) is None
    assert settings.remembered_email() is None


async def test_auth_3_another_person_logging_in_after_expiry_starts_at_home(
    make_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    from tests.conftest import signup_request, unregistered_customer

    other = signup_request(unregistered_customer(backend))
    await backend.signup_confirm(other)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        claire_home = app.screen
        backend.clock.advance(timedelta(minutes=31))
        await pilot.press("r")
        await settle(pilot)
        await log_in(pilot, other.email, other.password)
        assert isinstance(app.screen, HomeScreen) and app.screen is not claire_home
        assert claire_home not in app.screen_stack
        assert "Claire" not in str(app.screen.query_one("#greeting").render())

"""The app shell: the title bar and the key bar of every screen (``TitleBar``, ``KeyBar``, in
place of Textual's ``Header`` and ``Footer``) and the start-up's paused garbage collector."""

from __future__ import annotations

from typing import Any

import pytest

from geg_tui.screens.help import HelpScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.screens.signup import SignupScreen
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar
from tests.tui.test_login_home import settle


def bar_text(app: Any) -> str:
    return str(app.screen.query_one(KeyBar).render())


async def test_key_bar_lists_the_screen_keys_and_follows_the_screen(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        text = bar_text(app)
        assert "f1 Aide" in text and "f5 Créer un compte" in text
        assert "Retour" not in text  # nothing behind the login screen
        assert text.rstrip().endswith("^p Palette")  # the palette's key at the right end
        assert len(text) == 120
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SignupScreen)
        assert "esc Précédent" in bar_text(app) and "f5 Créer" not in bar_text(app)


async def test_key_bar_keeps_the_palette_key_when_cut(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        text = bar_text(app)
        assert "…" in text and text.rstrip().endswith("^p Palette") and len(text) == 60


async def test_key_bar_click_presses_the_key(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert await pilot.click(KeyBar, offset=(2, 0))  # on « f1 »
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_startup_pauses_the_garbage_collector_until_the_first_paint(make_app: Any) -> None:
    """``geg-tui`` starts with the collector paused (cli.run_tui); the app resumes it once the
    login screen is painted, what was built by then frozen out of its way."""
    import gc

    gc.disable()
    try:
        app = make_app(resume_gc=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


async def test_title_bar_shows_the_screen_title_and_opens_the_palette(make_app: Any) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one(TitleBar).render())
        assert line.startswith(" ⭘") and line.strip().endswith("GEG Mon Compte")
        assert line.index("GEG") == 8 + (80 - 18 - len("GEG Mon Compte")) // 2  # centred
        await pilot.press("f6")  # forgotten password: a screen with its own title
        await settle(pilot)
        assert "Mot de passe oublié" in str(app.screen.query_one(TitleBar).render())
        app.screen.sub_title = "étape 1"
        await pilot.pause()
        assert "Mot de passe oublié — étape 1" in str(app.screen.query_one(TitleBar).render())
        assert await pilot.click(TitleBar, offset=(1, 0))  # the icon
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


async def test_help_lists_only_the_keys_that_work_now(make_app: Any) -> None:
    """F1 on login: no « Retour » (Escape leads nowhere there), as in the key bar."""
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Créer un compte" in text and "Retour" not in text


async def test_the_app_ends_when_its_terminal_is_gone(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed terminal, no SIGHUP (``make run`` in a tmux killed): the app read a dead
    terminal at full CPU forever. Watching it (``geg-tui`` on a tty), the app ends."""
    import os

    def hung_up(fd: int) -> int:
        raise OSError(5, "Input/output error")

    app = make_app(watch_terminal=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        monkeypatch.setattr(os, "tcgetpgrp", lambda fd: 1)  # a terminal that answers
        app._terminal_gone()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        monkeypatch.setattr(os, "tcgetpgrp", hung_up)
        app._terminal_gone()
        await pilot.pause()
    assert app.return_code == 0

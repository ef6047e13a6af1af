"""Screen styles in ``.tcss`` files beside their screens (DESIGN.md; issue 11, item 6), read
only when their screen is first shown: the login screen loads none of the others'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geg_tui
from tests.tui.pilot_helpers import settle
from tests.tui.test_login_home import log_in

SCREENS = Path(geg_tui.__file__).parent / "screens"
MOVED = ("home", "invoices", "invoice_detail", "consumption", "blocked", "help")


def loaded(app: Any, name: str) -> bool:
    return app.stylesheet.has_source(str(SCREENS / f"{name}.tcss"))


async def test_login_loads_no_other_screens_styles_and_home_loads_its_own(
    make_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [name for name in MOVED if loaded(app, name)] == []
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        assert loaded(app, "home") and not loaded(app, "invoices")
        app.open_screen("factures")
        await settle(pilot)
        assert loaded(app, "invoices") and not loaded(app, "consumption")


def test_the_moved_screens_keep_no_inline_styles() -> None:
    """One place for a screen's style: its .tcss (the widgets' files are read by widget_css)."""
    import importlib

    from textual.screen import Screen

    for name in MOVED:
        module = importlib.import_module(f"geg_tui.screens.{name}")
        screens = [
            c
            for c in vars(module).values()
            if isinstance(c, type)
            and issubclass(c, Screen)
            and c.__module__ == module.__name__
            and vars(c).get("CSS_PATH") == f"{name}.tcss"
        ]
        assert len(screens) == 1, name
        assert "DEFAULT_CSS" not in vars(screens[0]), name
        assert (SCREENS / f"{name}.tcss").is_file()
    widgets = SCREENS.parent / "widgets"
    for name in ("keybar", "titlebar", "status_badge"):
        source = (widgets / f"{name}.py").read_text(encoding="utf-8")
        assert f'DEFAULT_CSS = widget_css(__file__, "{name}.tcss")' in source, name

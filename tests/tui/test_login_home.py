"""Login and home screens as a person uses them (Pilot), and their snapshots."""

from __future__ import annotations

from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.widgets.fields import Field


async def fill(pilot, screen, **values: str) -> None:  # noqa: ANN001
    for name, value in values.items():
        screen.query_one(f"#field-{name}", Field).value = value
    await pilot.pause()


async def test_login_then_home(make_app, demo_credentials) -> None:  # noqa: ANN001
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await fill(
            pilot,
            app.screen,
            email=demo_credentials["email"],
            password=demo_credentials["password"],
        )
        await pilot.click("#login")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#greeting").render())
        assert "Claire Martin" in text

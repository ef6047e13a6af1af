"""Textual's own words in French (issue 11, item 5): the command palette, its « no matches »,
the system commands, the keys panel (F1's help in its place) and the theme search."""

from __future__ import annotations

from typing import Any

from textual.command import CommandInput, CommandList, CommandPalette

from geg_tui.screens.help import HelpScreen
from tests.tui.pilot_helpers import settle


async def palette_searching_nothing(pilot: Any) -> tuple[str, list[str]]:
    """Opens the palette, searches for what nothing matches: its placeholder and what it
    lists once it has said that nothing was found (the palette stays open)."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    placeholder = str(palette.query_one(CommandInput).placeholder)
    await pilot.press(*"zzzzqx")
    await pilot.pause(0.8)  # Textual waits half a second before saying nothing was found
    options = palette.query_one(CommandList)
    shown = [
        str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)
    ]
    return placeholder, shown


ENGLISH = {"Theme", "Quit", "Keys", "Screenshot", "Maximize", "Minimize"}


async def test_the_palette_speaks_french(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        placeholder, shown = await palette_searching_nothing(pilot)
        assert placeholder == "Chercher une commande ou un écran…"
        assert shown == ["Aucun résultat"]


async def test_system_commands_are_french_and_keys_open_the_help(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert not ENGLISH & set(commands), commands
        assert {"Touches et aide", "Thème", "Quitter"} <= set(commands)
        assert all(c.help for c in commands.values())
        commands["Touches et aide"].callback()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        app.action_show_help_panel()  # Textual's keys panel (English): F1's help instead
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not app.screen.query("HelpPanel")
        await pilot.press("escape")
        commands["Thème"].callback()
        await settle(pilot)
        assert app.screen.query_one(CommandInput).placeholder == "Chercher un thème…"


async def test_an_open_list_says_how_to_close_it_in_french(make_home_app: Any) -> None:
    """A ``Select``'s open list brings Textual's own key, « esc Dismiss menu »: the key bar
    says it in our words, in the language of the moment."""
    from textual.widgets import Select

    from geg_tui.widgets.keybar import KeyBar

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_screen("paiement")
        await settle(pilot)
        app.screen.query_one("#field-mode").query_one(Select).focus()
        await pilot.press("enter")  # opens the list
        await settle(pilot)
        bar = str(app.screen.query_one(KeyBar).render())
        assert "esc Fermer la liste" in bar and "Dismiss" not in bar

"""Textual's command palette in the person's language: « Chercher une commande… », « Aucun
résultat » (« Search for a command… », « No results » in English).

Textual 8.2.8 takes the placeholder as an argument (``CommandPalette(placeholder=…)``) but
writes « No matches found » in the middle of ``_start_no_matches_countdown``: that method is
redone here with geg-tui's words, the rest (timer, list, flags) as Textual does it. Pinned by
tests/tui/test_textual_french.py, which fails if a Textual upgrade changes that path.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, ProviderSource
from textual.widgets.option_list import Option

from geg_tui.i18n import _


class GegCommandPalette(CommandPalette):
    """The palette with geg-tui's words."""

    def __init__(
        self,
        providers: ProviderSource | None = None,
        *,
        placeholder: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(
            providers, placeholder=placeholder or _("Chercher une commande ou un écran…"), id=id
        )

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """After a short wait with nothing found, « Aucun résultat » (not in discovery mode,
        where an empty list is not news)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("Aucun résultat"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

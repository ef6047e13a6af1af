"""The screen's keys on one line at the bottom: what Textual's ``Footer`` shows, as one widget.

Why not ``Footer``: it mounts one widget per key and composes them all again at every change of
focus; on the login screen that was about a sixth of the time to a usable first screen
(``benchmarks/bench_startup.py``). Here the keys are one line of text, rebuilt when the screen's
bindings change, still clickable (a click on a key presses it) and dimmed when unavailable. The
command palette key is shown at the right end, as ``Footer`` does.

At 80 columns not every key fits. ``Footer`` cuts the last one in two; here a key is shown whole
or not at all: F1 first, then the screen's essential keys (``ESSENTIAL_KEYS``: binding ids, most
needed first), then the others as bound, and « … » when some did not fit (F1 lists them all).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from geg_tui.i18n import LazyText, _l
from geg_tui.widgets.styles import widget_css

PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})

# The keys Textual's own widgets show, by action, in our words (theirs are English): the open
# list of a ``Select`` shows « esc Dismiss menu ». A shown key of a Textual widget that is not
# here is left out of the bar rather than shown in English (its widget still answers it).
FOREIGN_KEYS: dict[str, LazyText] = {"dismiss": _l("Fermer la liste")}
MORE = " …"  # after the keys shown when some are left out: the rest is behind F1


class KeyEntry(NamedTuple):
    """One key of the bar: the key pressed, how it is shown, its binding, whether it works now."""

    key: str
    shown: str
    binding: Binding
    enabled: bool


class KeyBar(Widget):
    """One line: « F1 Aide  Échap Retour … » for the bindings the screen shows."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = widget_css(__file__, "keybar.tcss")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def _keys(self) -> tuple[list[KeyEntry], KeyEntry | None]:
        """The bindings to show, once per action, essential ones first (see ``ESSENTIAL``);
        and the command palette's, apart."""
        palette = None
        seen: set[str] = set()
        keys: list[KeyEntry] = []
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            entry = KeyEntry(key, self.app.get_key_display(binding), binding, enabled)
            if binding.action in PALETTE_ACTIONS and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and binding.action not in seen:
                if binding.id is None:  # a Textual widget's own key (ours all have an id)
                    if binding.action not in FOREIGN_KEYS:
                        continue
                    words = str(FOREIGN_KEYS[binding.action])
                    entry = entry._replace(binding=replace(binding, description=words))
                seen.add(binding.action)
                keys.append(entry)
        order = essential_order(self.screen)
        keys.sort(key=lambda e: order.get(e.binding.id or "", len(order)))  # stable: else as bound
        return keys, palette

    def _text(self, entries: list[KeyEntry]) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        line = Text(no_wrap=True)
        for entry in entries:
            click = Style(
                meta={"@click": f"app.simulate_key({entry.key!r})"}, dim=not entry.enabled
            )
            line.append(f" {entry.shown} ", key_style + click)
            if entry.binding.description:
                line.append(f"{entry.binding.description} ", text_style + click)
        return line

    def fitting(self, keys: list[KeyEntry], room: int) -> tuple[list[KeyEntry], bool]:
        """The first keys that fit in ``room`` cells, whole; the first that does not fit and
        those after it are left out (F1 lists them), never cut. True when some were left out (« … » then says so and
        takes two cells). The help key stays whatever the width: it leads to the others."""
        widths = [self._text([entry]).cell_len for entry in keys]
        if sum(widths) <= room:
            return keys, False
        room -= len(MORE)
        kept: list[KeyEntry] = []
        used = 0
        for entry, width in zip(keys, widths, strict=True):
            if used + width > room and not (entry.binding.action == "help" and not kept):
                break  # in order: a less needed key never takes the place of a more needed one
            kept.append(entry)
            used += width
        return kept, True

    def render(self) -> RenderResult:
        """The keys from the left, the palette's at the right end (as with ``Footer``), and
        whole keys only: what does not fit is behind F1, and « … » says there is more."""
        keys, palette = self._keys()
        right = self._text([palette]) if palette is not None else Text()
        room = max(self.size.width - right.cell_len, 0)
        kept, more = self.fitting(keys, room)
        line = self._text(kept)
        if more:
            line.append(MORE, Style(meta={"@click": "screen.help"}))
        line.truncate(room)  # only narrower than the help key and « … » together
        line.pad_right(room - line.cell_len)
        return line + right


def essential_order(screen: Screen) -> dict[str, int]:
    """Rank of each binding id the screen puts first in its key bar: the help key, then the
    screen's ``ESSENTIAL_KEYS`` (ids, most needed first); the others follow in their order."""
    essential = ("help", *getattr(screen, "ESSENTIAL_KEYS", ()))
    return {binding_id: rank for rank, binding_id in enumerate(essential)}

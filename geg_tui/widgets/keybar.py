"""The screen's keys on one line at the bottom: what Textual's ``Footer`` shows, as one widget.

Why not ``Footer``: it mounts one widget per key and composes them all again at every change of
focus; on the login screen that was about a sixth of the time to a usable first screen
(``benchmarks/bench_startup.py``). Here the keys are one line of text, rebuilt when the screen's
bindings change, still clickable (a click on a key presses it) and dimmed when unavailable. The
command palette key is shown at the right end, as ``Footer`` does.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """One line: « F1 Aide  Échap Retour … » for the bindings the screen shows."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def _keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, how it is shown, description, enabled) of each binding to show, once per
        action; and the command palette's, apart."""
        palette = None
        seen: set[str] = set()
        keys = []
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            entry = (key, self.app.get_key_display(binding), binding.description, enabled)
            if key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append(entry)
        return keys, palette

    def _text(self, entries: list[tuple[str, str, str, bool]]) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        line = Text(no_wrap=True)
        for key, shown, description, enabled in entries:
            click = Style(meta={"@click": f"app.simulate_key({key!r})"}, dim=not enabled)
            line.append(f" {shown} ", key_style + click)
            if description:
                line.append(f"{description} ", text_style + click)
        return line

    def render(self) -> RenderResult:
        """The keys from the left, the palette's at the right end; the keys that do not fit
        end in « … » (the palette's stays, as with ``Footer``)."""
        keys, palette = self._keys()
        line = self._text(keys)
        if palette is None:
            return line
        right = self._text([palette])
        room = max(self.size.width - right.cell_len, 0)
        if line.cell_len > room:
            line.truncate(room, overflow="ellipsis")
        line.pad_right(room - line.cell_len)
        return line + right

"""The top line of every screen: what Textual's ``Header`` shows, as one widget.

``Header`` is four widgets (icon, title, clock space, and itself) composed in a pass of their
own; on the login screen that was a fiftieth of the time to a usable first screen
(``benchmarks/bench_startup.py``). This draws the same line — the palette icon at the left
(a click opens the command palette), the screen's title (else the app's) centred, and its
sub-title — and follows title changes as ``Header`` does.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from geg_tui.i18n import LazyText
from geg_tui.widgets.styles import widget_css

ICON = "⭘"
ICON_WIDTH = 8  # as Header's icon area
RIGHT_WIDTH = 10  # as Header's clock space, kept so that titles sit where they did


class TitleBar(Widget):
    """« ⭘   GEG Mon Compte » — the screen's title, centred."""

    ALLOW_SELECT = False
    DEFAULT_CSS = widget_css(__file__, "titlebar.tcss")

    def on_mount(self) -> None:
        # The app's title is made a str once, in the language of the start: each new screen
        # reads it again, so that a language chosen in the settings shows on the next screen.
        app_title = getattr(type(self.app), "TITLE", None)
        if isinstance(app_title, LazyText):
            self.app.title = str(app_title)
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self._title_changed, init=False)
            self.watch(owner, "sub_title", self._title_changed, init=False)

    def _title_changed(self, _value: object) -> None:
        self.refresh()

    @property
    def title_text(self) -> str:
        """The screen's title (else the app's), with its sub-title after « — »."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return f"{title} — {sub_title}" if sub_title else title

    def render(self) -> RenderResult:
        palette = Style(meta={"@click": "app.command_palette"})
        line = Text(no_wrap=True)
        line.append(f" {ICON}".ljust(ICON_WIDTH), palette)
        middle = max(self.size.width - ICON_WIDTH - RIGHT_WIDTH, 0)
        title = Text(self.title_text, no_wrap=True)
        title.truncate(middle, overflow="ellipsis")
        title.align("center", middle)
        line.append_text(title)
        return line

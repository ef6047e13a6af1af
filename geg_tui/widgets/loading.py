"""A loading indicator that says what is loading (« Chargement des factures… »).

Textual's ``LoadingIndicator`` is five animated dots, or « Loading... » without animation: it
tells neither what is awaited nor, in English, anything to a French reader. This one keeps the
dots and adds the label of the call under way, centred, on the line below (or alone, when
animations are off or the covered widget is one line high).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import LoadingIndicator


class LabelledLoading(LoadingIndicator):
    """Textual's loading indicator with a label in the person's language."""

    DEFAULT_CSS = """
    LabelledLoading { content-align: center middle; }
    """

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def render(self) -> RenderableType:
        label = Text(self.label, justify="center")
        if self.app.animation_level == "none" or self.size.height < 2:
            return label
        dots = super().render()
        if isinstance(dots, Text):
            dots.justify = "center"
        return Group(dots, label)

"""The wizard's progress: « Étape 2 sur 5 — Contrat » and the row of every step's name."""

from __future__ import annotations

from collections.abc import Sequence

from textual.reactive import reactive
from textual.widgets import Static

from geg_tui.i18n import _


class StepIndicator(Static):
    """Two lines: where the person is, then each step (done ✓, current ▶, to come ○)."""

    DEFAULT_CSS = """
    StepIndicator { height: 2; padding: 0 1; }
    """

    current: reactive[int] = reactive(1)

    def __init__(
        self,
        titles: Sequence[str],
        short_names: Sequence[str] | None = None,
        *,
        current: int = 1,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.titles = tuple(titles)
        self.short_names = tuple(short_names or titles)
        self.set_reactive(StepIndicator.current, current)

    @property
    def total(self) -> int:
        return len(self.titles)

    def headline(self) -> str:
        """« Étape 2 sur 5 — Contrat » (plain text, for tests and screen readers)."""
        return _("Étape {n} sur {total} — {title}").format(
            n=self.current, total=self.total, title=self.titles[self.current - 1]
        )

    def render(self) -> str:
        parts = []
        for index, name in enumerate(self.short_names, start=1):
            if index < self.current:
                parts.append(f"[$success]✓ {name}[/]")
            elif index == self.current:
                parts.append(f"[b $accent]▶ {name}[/]")
            else:
                parts.append(f"[$text-muted]○ {name}[/]")
        return f"[b]{self.headline()}[/b]\n" + " [$text-muted]›[/] ".join(parts)

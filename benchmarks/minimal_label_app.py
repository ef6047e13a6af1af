"""Started by bench_startup_pty.py: the smallest Textual app, one Label, as a baseline start."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

TEXT = "Application minimale prête"


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Label(TEXT)


if __name__ == "__main__":
    Minimal().run()

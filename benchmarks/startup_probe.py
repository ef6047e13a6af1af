"""Started by bench_startup.py: run one app headless and exit as soon as it is ready for input.

``geg``: the real ``geg-tui`` start path (``cli.run_tui`` on the fake backend), stopped when the
login screen has mounted, focused its first field and been painted once. ``minimal``: a Textual app with one Label,
stopped on mount. Prints the heavy modules already imported at that moment.
"""

from __future__ import annotations

import os
import sys
import time

HEAVY = ("fpdf", "plotext", "textual_plotext", "uvicorn", "starlette", "fastapi")


def loaded() -> str:
    return ",".join(name for name in HEAVY if name in sys.modules) or "none"


def report() -> None:
    """Seconds since the parent launched this process (the moment the app is ready)."""
    print(f"ready_s={time.time() - float(os.environ['GEG_PROBE_T0']):.6f}", flush=True)


def minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("GEG")

        def on_mount(self) -> None:
            self.call_after_refresh(self._probe_ready)

        def _probe_ready(self) -> None:
            report()
            self.exit()

    Minimal().run(headless=True)


def geg(data_dir: str) -> None:
    from textual.app import App

    from geg_tui import cli
    from geg_tui.screens.login import LoginScreen

    ready = LoginScreen.on_mount

    def on_mount(self: LoginScreen) -> None:
        ready(self)

        def at_first_paint() -> None:
            report()
            print(f"heavy modules at ready: {loaded()}", flush=True)
            self.app.exit()

        self.app.call_after_refresh(at_first_paint)

    LoginScreen.on_mount = on_mount  # type: ignore[method-assign]
    run = App.run
    App.run = lambda self, **kw: run(self, headless=True)  # type: ignore[method-assign]
    cli.main(["--data-dir", data_dir])


if __name__ == "__main__":
    if sys.argv[1] == "minimal":
        minimal()
    else:
        geg(sys.argv[2])

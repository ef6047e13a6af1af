"""Started by bench_startup.py: run one app headless and exit as soon as it is ready for input.

``geg``: the real ``geg-tui`` start path (``cli.main`` on the fake backend, the probe importing
nothing before it: its hooks are set as the modules are imported), stopped when the login
screen has mounted, focused its first field and been painted once. A third argument names the language (``fr`` by default, ``en``: the catalogue is read on the
way, which is what ``bench_startup_en`` measures). ``minimal``: a Textual app
with one Label, stopped on mount. Prints the heavy modules already imported at that moment.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

HEAVY = ("fpdf", "plotext", "textual_plotext", "uvicorn", "starlette", "fastapi", "babel")


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


def _after_import(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Run ``patch(module)`` as soon as ``name`` has been imported by the code under test, so
    that the probe itself imports nothing before ``geg-tui``'s own start path does."""

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: object, target: object = None) -> object:
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            assert spec is not None and spec.loader is not None
            run_module = spec.loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run_module(module)
                patch(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Hook())


def geg(data_dir: str, language: str = "fr") -> None:
    def patch_login(module: ModuleType) -> None:
        screen = module.LoginScreen
        ready = screen.on_mount

        def on_mount(self: Any) -> None:
            def at_first_paint() -> None:
                report()
                print(f"heavy modules at ready: {loaded()}", flush=True)
                self.app.exit()

            # Queued on the screen before its own on_mount runs, so that it is the first thing
            # done after the first paint — before what the screen queues for after it (the
            # keyring check's thread, the collector's resumption), not part of being ready.
            self.call_after_refresh(at_first_paint)
            ready(self)

        screen.on_mount = on_mount

    def patch_app(module: ModuleType) -> None:
        run = module.App.run
        module.App.run = lambda self, **kw: run(self, headless=True)

    _after_import("textual.app", patch_app)
    _after_import("geg_tui.screens.login", patch_login)
    from geg_tui import cli

    cli.main(["--data-dir", data_dir, "--lang", language])


if __name__ == "__main__":
    if sys.argv[1] == "minimal":
        minimal()
    else:
        geg(*sys.argv[2:])

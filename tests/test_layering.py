"""DESIGN.md layering: ``api``, ``fake_backend`` and ``insight`` (the arithmetic of issue 15)
never import Textual; screens and ``insight`` never import the fake backend (they reach it
through the ``Backend`` interface only). Run in a fresh interpreter so that nothing already imported hides a leak."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "geg_tui"


def test_api_and_fake_backend_load_no_textual() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import geg_tui.api, geg_tui.fake_backend, geg_tui.insight\n"
        "for pkg in (geg_tui.api, geg_tui.fake_backend, geg_tui.insight):\n"
        "    for mod in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(mod.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level
            names.add(prefix + (node.module or ""))
    return names


def test_ui_modules_do_not_import_the_fake_backend() -> None:
    ui_files = [p for d in ("screens", "widgets", "insight") for p in (PACKAGE / d).rglob("*.py")]
    for path in ui_files:
        leaks = {n for n in _imports(path) if "fake_backend" in n}
        assert not leaks, f"{path} imports {leaks}"


def test_lower_layers_have_no_textual_import_statement() -> None:
    for layer in ("api", "fake_backend", "insight"):
        for path in (PACKAGE / layer).rglob("*.py"):
            leaks = {n for n in _imports(path) if n.split(".")[0] in ("textual", "textual_plotext")}
            assert not leaks, f"{path} imports {leaks}"

"""geg-tui installs like any tool (``pipx install .``, ``uv tool install .``): the wheel built
from the tree, installed in a fresh virtual environment, gives a working ``geg-tui`` with its
styles, fonts and catalogue inside.

No network: the wheel is built without isolation (the venv's setuptools and Babel) and
installed with ``--no-deps --no-index``; the new environment finds the dependencies through a
``.pth`` naming this interpreter's site-packages (not a site directory of its own, so the
editable install of the checkout that lives there is not put on the path: ``geg_tui`` is the
wheel's). From there, ``geg-tui fake customers --json`` and ``geg-tui factures --json`` run
with the demo account.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from geg_tui import __version__
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _tree(target: Path) -> Path:
    """The checkout's files as git sees them (no build/ or .venv of the checkout's own)."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_runs_the_commands(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "src")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(wheels)],
        cwd=tree, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("geg_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for inside in (
        "geg_tui/app.tcss",
        "geg_tui/screens/login.tcss",
        "geg_tui/fake_backend/fonts/DejaVuSans-Latin.ttf",
        "geg_tui/locale/en/LC_MESSAGES/geg_tui.mo",
        "geg_tui/commands/invoices.py",
    ):
        assert inside in names, inside

    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    password = tmp_path / "password"
    password.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    password.chmod(0o600)  # readable by its owner only, as README asks
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LANG", "LC_ALL")},
        "GEG_TUI_DATA_DIR": str(tmp_path / "data"),
        "GEG_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GEG_TUI_EMAIL": DEMO_EMAIL,
        "GEG_TUI_PASSWORD_FILE": str(password),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # never the person's own
    }
    tool = venv / "bin" / "geg-tui"

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(tool), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [str(python), "-c", "import geg_tui; print(geg_tui.__file__)"],
        env=env, cwd=tmp_path, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert where.startswith(site)  # the wheel's package, not the checkout's
    assert run("--version").strip() == f"geg-tui {__version__}"
    customers = json.loads(run("fake", "customers", "--json"))
    assert any(c["email"] == DEMO_EMAIL for c in customers)
    page = json.loads(run("factures", "--json"))
    assert page["total_count"] == len(page["invoices"]) > 0
    assert {i["status"] for i in page["invoices"]} >= {"payee"}

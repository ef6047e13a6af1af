"""Benchmark: from process start to the login screen ready for input.

Each run is a fresh interpreter (``startup_probe.py``) started the same way for both apps, timed
from its launch to its first paint (the probe reports it; what runs after is not in the figure:
the keyring check in a background thread, and the garbage collector's resumption, a collection
of what the start left, ≈ 30–45 ms here, see ``GegApp.first_screen_painted``):
``geg-tui`` on an already seeded fake-backend data folder (the seeding of a first start is
measured by ``bench_seed``), and a minimal Textual app with one Label, both headless and exiting
as soon as they are ready. Best of 15 each, interleaved, in the same run. Target: ≤ 1.3 × minimal.
Also prints which heavy modules (fpdf, plotext, uvicorn…) were imported by then — none should be.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBE = HERE / "startup_probe.py"
REPEATS = 15
TARGET = 1.3


def timed(*args: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from launching the interpreter to the app's first paint, as the probe reports."""
    env = {**env, "GEG_PROBE_T0": repr(time.time())}
    out = subprocess.run(
        [sys.executable, str(PROBE), *args], capture_output=True, text=True, env=env, check=True
    )
    ready = next(line for line in out.stdout.splitlines() if line.startswith("ready_s="))
    return float(ready.split("=", 1)[1]), out.stdout


def main(language: str = "fr") -> None:
    # geg_tui's bytecode, as an installed package has it (see ``make bytecode``): without it,
    # where PYTHONDONTWRITEBYTECODE is set, every start would compile our sources again.
    compileall.compile_dir(HERE.parent / "geg_tui", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        data, conf = Path(tmp) / "data", Path(tmp) / "conf"
        env = {**os.environ, "GEG_TUI_CONFIG_DIR": str(conf), "PYTHONPATH": str(HERE.parent)}
        subprocess.run(
            [sys.executable, "-m", "geg_tui", "fake", "reset", "--data-dir", str(data)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        minimal, geg, heavy = [], [], ""
        for _ in range(REPEATS):
            minimal.append(timed("minimal", env=env)[0])
            seconds, out = timed("geg", str(data), language, env=env)
            geg.append(seconds)
            heavy = next((line for line in out.splitlines() if line.startswith("heavy")), "?")
    print(f"minimal Textual app: {min(minimal) * 1000:7.1f} ms (best of {REPEATS})")
    print(f"geg-tui login ready ({language}): {min(geg) * 1000:7.1f} ms (best of {REPEATS})")
    print(heavy)
    name = "startup" if language == "fr" else f"startup_{language}"
    print(f"BENCH {name} ratio={min(geg) / min(minimal):.2f} target={TARGET}")


if __name__ == "__main__":
    main()

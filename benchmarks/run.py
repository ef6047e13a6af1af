"""Run the benchmarks: ``python benchmarks/run.py [NAME ...]``.

Each ``bench_<name>.py`` is a script run in its own subprocess (a fresh interpreter, so imports,
caches and the allocator of one benchmark never flatter another). Its last printed line is
``BENCH <name> ratio=<x> target=<y>``, a ratio against a baseline measured in the same run.
The runner prints those lines and exits non-zero only when a benchmark crashes or prints no BENCH
line; missing a target is reported, not fatal, because timings vary between machines.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def discover(names: list[str]) -> list[Path]:
    """The scripts to run: all ``bench_*.py``, or the ones named on the command line."""
    if not names:
        return sorted(HERE.glob("bench_*.py"))
    scripts = []
    for name in names:
        script = HERE / f"bench_{name.removeprefix('bench_').removesuffix('.py')}.py"
        if not script.is_file():
            raise SystemExit(f"Benchmark inconnu : {name} ({script.name} introuvable)")
        scripts.append(script)
    return scripts


def run_one(script: Path) -> str | None:
    """Run one benchmark; its BENCH line, or None when it crashed or printed none."""
    result = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    sys.stderr.write(result.stderr)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(f"  {line}")
    if result.returncode != 0 or not lines or not lines[-1].startswith("BENCH "):
        print(f"FAILED {script.stem} (exit code {result.returncode})")
        return None
    return lines[-1]


def main(argv: list[str]) -> int:
    failures = 0
    for script in discover(argv):
        line = run_one(script)
        if line is None:
            failures += 1
        else:
            print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

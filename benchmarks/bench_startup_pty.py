"""Benchmark: the start as a person sees it, in a real pseudo-terminal (80×24).

``bench_startup`` times the first paint from inside a headless app. Here nothing is patched:
``python -m geg_tui`` runs as typed, on an already seeded fake-backend data folder, its output
going to a pseudo-terminal (stdlib ``pty``) that this script reads until the login screen's text
is on it — its title, the e-mail field's placeholder (shown once the form is laid out: a first
frame drawn too early had the labels without their fields) and the key bar — then kills it. The baseline is
a one-Label Textual app (``minimal_label_app.py``), read until its text is there. Rounds
interleaved, median of each. Target: ≤ 1.3 × the one-Label app.
"""

from __future__ import annotations

import compileall
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROUNDS = 21
TARGET = 1.3
TIMEOUT_S = 30.0
# What must be on the terminal: the login screen laid out (title, a field, the key bar).
# Searched with the escape sequences taken out: the text cursor's style splits the placeholder.
LOGIN_TEXTS = ("Connexion à mon espace client", "prenom.nom@exemple.fr", "Palette")
MINIMAL_TEXTS = ("Application minimale prête",)
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=$ ]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def time_to_text(argv: list[str], texts: tuple[str, ...], env: dict[str, str]) -> float:
    """Seconds from forking ``argv`` on a new 80×24 pseudo-terminal until every one of ``texts``
    has been written to it; the program is then killed."""
    wanted = [text.encode() for text in texts]
    began = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:  # the child: its terminal is the pseudo-terminal
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], TIMEOUT_S)
            if not ready or time.perf_counter() - began > TIMEOUT_S:
                raise RuntimeError(
                    f"{argv[1:]}: {texts} not all on the terminal after {TIMEOUT_S} s"
                )
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child ended (EIO) before showing the text
                chunk = b""
            if not chunk:
                raise RuntimeError(f"{argv[1:]} ended before showing {texts}: {seen[-300:]!r}")
            seen += chunk
            shown = ESCAPES.sub(b"", seen)
            if all(text in shown for text in wanted):
                return time.perf_counter() - began
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(master)


def main() -> None:
    # geg_tui's bytecode, as an installed package has it (see ``make bytecode``).
    compileall.compile_dir(HERE.parent / "geg_tui", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        data, conf = Path(tmp) / "data", Path(tmp) / "conf"
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "GEG_TUI_CONFIG_DIR": str(conf),
            "PYTHONPATH": str(HERE.parent),
        }
        env.pop("NO_COLOR", None)
        subprocess.run(
            [sys.executable, "-m", "geg_tui", "fake", "reset", "--data-dir", str(data)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        geg_argv = [sys.executable, "-m", "geg_tui", "--data-dir", str(data)]
        minimal_argv = [sys.executable, str(HERE / "minimal_label_app.py")]
        time_to_text(geg_argv, LOGIN_TEXTS, env)  # warm the disk cache for both
        time_to_text(minimal_argv, MINIMAL_TEXTS, env)
        minimal, geg = [], []
        for _ in range(ROUNDS):
            minimal.append(time_to_text(minimal_argv, MINIMAL_TEXTS, env))
            geg.append(time_to_text(geg_argv, LOGIN_TEXTS, env))
    low, high = statistics.median(minimal), statistics.median(geg)
    print(f"one-Label Textual app, text on the terminal: {low * 1000:7.1f} ms (median of {ROUNDS})")
    print(
        f"geg-tui, login screen on the terminal:       {high * 1000:7.1f} ms (median of {ROUNDS})"
    )
    print(f"BENCH startup_pty ratio={high / low:.2f} target={TARGET}")


if __name__ == "__main__":
    main()

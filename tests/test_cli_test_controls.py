"""``geg-tui serve --test-controls`` (SIM-7) and ``geg-tui fake faults next`` (SIM-6) on the
command line: the controls are refused off loopback unless the tester insists, and the planned
faults are set, listed and cleared like SIM-5's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli_fake import cli


def french(*args: str, data_dir: Path, check: bool = True) -> Any:
    return cli("--lang", "fr", *args, data_dir=data_dir, check=check)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """``serve`` replaced by a recorder: these tests are about whether it would start."""
    from geg_tui.fake_backend import server

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(server, "serve", lambda *args, **kwargs: calls.append((*args, kwargs)))
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "geg.example"])
def test_sim_7_test_controls_refused_off_loopback(
    host: str, tmp_path: Path, served: list[tuple[Any, ...]]
) -> None:
    result = french("serve", "--test-controls", "--host", host, data_dir=tmp_path, check=False)
    assert result.returncode == 2 and served == []
    assert "--test-controls n'est permis que sur la boucle locale" in result.stderr
    assert host in result.stderr and "--allow-remote-test-controls" in result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_sim_7_test_controls_on_loopback(
    host: str, tmp_path: Path, served: list[tuple[Any, ...]]
) -> None:
    french("serve", "--test-controls", "--host", host, data_dir=tmp_path)
    bare = host.strip("[]")  # « [::1] » is a URL's spelling: uvicorn is given ::1
    assert served == [
        (str(tmp_path), bare, 8787, {"test_controls": True, "remote_test_controls": False})
    ]


def test_sim_7_remote_test_controls_when_the_tester_insists(
    tmp_path: Path, served: list[tuple[Any, ...]]
) -> None:
    french(
        "serve",
        "--test-controls",
        "--allow-remote-test-controls",
        "--host",
        "0.0.0.0",
        data_dir=tmp_path,
    )
    assert served[0][3] == {"test_controls": True, "remote_test_controls": True}


def test_sim_7_serve_without_test_controls_anywhere(
    tmp_path: Path, served: list[tuple[Any, ...]]
) -> None:
    french("serve", "--host", "0.0.0.0", data_dir=tmp_path)
    assert served[0][3] == {"test_controls": False, "remote_test_controls": False}


def test_sim_6_faults_next_list_clear(tmp_path: Path) -> None:
    french("fake", "reset", "--start", "2026-11-27T09:00", data_dir=tmp_path)
    planned = json.loads(
        french(
            "fake", "faults", "next", "pay_invoice", "--count", "2", "--json", data_dir=tmp_path
        ).stdout
    )
    assert planned == {
        "operation": "pay_invoice",
        "kind": "unavailable",
        "remaining": 2,
        "latency_ms": 0,
    }
    line = french("fake", "faults", "next", "login", "--kind", "timeout", data_dir=tmp_path)
    assert line.stdout.strip() == "login : le prochain appel — délai dépassé, 20000 ms."
    text = french("fake", "faults", "list", data_dir=tmp_path).stdout.strip().splitlines()
    assert text == [
        "login : le prochain appel — délai dépassé, 20000 ms.",
        "pay_invoice : les 2 prochains appels — service indisponible (503), 0 ms.",
    ]
    french("fake", "faults", "clear", data_dir=tmp_path)
    assert french("fake", "faults", "list", data_dir=tmp_path).stdout.strip() == (
        "Aucune panne simulée."
    )
    bad = french("fake", "faults", "next", "voler", data_dir=tmp_path, check=False)
    assert bad.returncode == 2 and "Opération inconnue « voler »" in bad.stderr
    zero = french("fake", "faults", "next", "login", "--count", "0", data_dir=tmp_path, check=False)
    assert zero.returncode == 2 and "entre 1 et 1000" in zero.stderr
    missing = french("fake", "faults", "next", data_dir=tmp_path, check=False)
    assert missing.returncode == 2 and "attend une opération" in missing.stderr


def test_sim_7_served_by_the_command_with_test_controls(tmp_path: Path) -> None:
    """``geg-tui serve --test-controls`` as a tester starts it: the ``/_test/`` routes answer
    over its socket (and a protocol route beside them)."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "geg_tui", "--lang", "fr", "serve", "--test-controls"]
    command += ["--port", str(port), "--data-dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            while True:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                try:
                    clock = http.get("/_test/clock")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            assert clock.status_code == 200 and set(clock.json()) == {"now", "frozen", "paris"}
            advanced = http.post("/_test/clock/advance", json={"duration": "1d"})
            assert advanced.status_code == 200 and advanced.json()["days"] == 1
            assert http.get("/api/v1/ping").json() == {"ok": True}
    finally:
        server.terminate()
        server.wait(timeout=30)

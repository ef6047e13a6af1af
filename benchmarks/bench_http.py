"""Benchmark: the HTTP server over loopback — listing invoices vs a trivial endpoint, then load.

The fake backend (demo world in a temporary folder) is served by uvicorn in a subprocess on
127.0.0.1. Over one keep-alive httpx client, ``GET /invoices`` of the demo account and
``GET /ping`` of the same server are timed alternately, N times each after a warm-up; the ratios
of their p50 and p99 are computed and the larger is the BENCH ratio (target ≤ 3: serving a real
page costs at most 3 × the bare request/response round trip). Then 50 concurrent async clients do
mixed reads (home, invoices, meter, monthly consumption, requests) for 10 seconds; errors must be 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

N = 300
WARMUP = 30
CLIENTS = 50
DURATION = 10.0
TARGET = 3
SERVER = """
import sys, uvicorn
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.server import create_app
app = create_app(FakeBackend.open(sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"le serveur s'est arrêté (code {process.returncode})")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/ping", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise SystemExit("le serveur n'a pas démarré en 60 s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def latencies(base: str, headers: dict[str, str]) -> tuple[list[float], list[float]]:
    invoices, ping = [], []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for i in range(WARMUP + N):
            for path, out in (("/invoices", invoices), ("/ping", ping)):
                began = time.perf_counter()
                response = await client.get(path)
                elapsed = time.perf_counter() - began
                response.raise_for_status()
                if i >= WARMUP:
                    out.append(elapsed)
    return invoices, ping


async def load(base: str, headers: dict[str, str], contract: str) -> tuple[int, int, float]:
    end = date.today()
    month = {
        "start": (end - timedelta(days=365)).isoformat(),
        "end": end.isoformat(),
        "granularity": "mois",
    }
    reads = [
        ("/home", None),
        ("/invoices", None),
        (f"/contracts/{contract}/meter", None),
        (f"/contracts/{contract}/consumption", month),
        ("/requests", None),
    ]
    done = errors = 0
    stop = time.monotonic() + DURATION
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def one(seed: int) -> None:
        nonlocal done, errors
        rng = random.Random(seed)
        async with httpx.AsyncClient(
            base_url=base, headers=headers, timeout=30, limits=limits
        ) as client:
            while time.monotonic() < stop:
                path, params = rng.choice(reads)
                try:
                    response = await client.get(path, params=params)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                done += 1
                errors += not ok

    began = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(CLIENTS)))
    return done, errors, time.perf_counter() - began


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    with tempfile.TemporaryDirectory() as data:
        process = subprocess.Popen([sys.executable, "-c", SERVER, data, str(port)])
        try:
            wait_ready(base, process)
            token = httpx.post(
                base + "/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
            ).json()["token"]
            headers = {"authorization": f"Bearer {token}"}
            account = httpx.get(base + "/account", headers=headers).json()
            contract = next(c["ref"] for c in account["contracts"] if c["meter"]["communicating"])
            invoices, ping = asyncio.run(latencies(base, headers))
            done, errors, elapsed = asyncio.run(load(base, headers, contract))
        finally:
            process.terminate()
            process.wait(timeout=10)
    p50 = percentile(invoices, 50) / percentile(ping, 50)
    p99 = percentile(invoices, 99) / percentile(ping, 99)
    ms = 1000
    print(f"requests per endpoint: {N} (keep-alive, loopback, after {WARMUP} warm-up)")
    print(
        f"GET /ping      p50 {percentile(ping, 50) * ms:6.2f} ms  p99 {percentile(ping, 99) * ms:6.2f} ms"
    )
    print(
        f"GET /invoices  p50 {percentile(invoices, 50) * ms:6.2f} ms  "
        f"p99 {percentile(invoices, 99) * ms:6.2f} ms  (mean {statistics.mean(invoices) * ms:.2f} ms)"
    )
    print(f"ratio p50 {p50:.2f}  ratio p99 {p99:.2f}")
    print(
        f"load: {CLIENTS} clients, {elapsed:.1f} s, {done} mixed reads, "
        f"{done / elapsed:.0f} req/s, errors {errors}"
    )
    if errors:
        raise SystemExit(f"{errors} erreurs pendant la charge")
    print(f"BENCH http ratio={max(p50, p99):.2f} target={TARGET}")


if __name__ == "__main__":
    main()

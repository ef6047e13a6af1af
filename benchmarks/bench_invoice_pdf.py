"""Benchmark: one invoice PDF with the bundled DejaVu Sans vs the same page in a core font.

``pdf.invoice_pdf`` (the product path: the invoice read from the store, then drawn with DejaVu
Sans, subset and embedded) is compared with ``pdf.render(..., core_font="Helvetica")``: the same
layout and the same text (Windows-1252 safe: ``€``, ``–`` and accents exist there) with a PDF
core font, which needs no font parsing and embeds nothing — the floor for this page.

Both are timed best of 5 in the same run, each after one warm-up call. The warm-up of the
DejaVu side is the first PDF of a fresh process, what a customer who downloads one PDF waits
for: it includes the one-time ``import fpdf`` (about half a second on its own) and the first
load of the bundled font subsets. It is reported as ``first call``, on its own line before the
BENCH line, and is NOT in the ratio.
Target: a PDF costs at most 3 × the core-font page in a warm process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.formatting import PARIS

START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
REPEATS = 5
TARGET = 3


def best_of(call: Callable[[], bytes]) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        call()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    backend = FakeBackend.open(None, start=START)  # in memory, seeded; no login needed here
    from geg_tui.fake_backend import pdf

    with backend.store.transaction() as db:
        account_id, ref = db.one(
            "SELECT a.id, i.ref FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE i.issue_date <= ? "
            "ORDER BY (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) DESC, "
            "i.issue_date DESC LIMIT 1",
            (backend.clock.today().isoformat(),),
        )
    today = backend.clock.today()

    def dejavu() -> bytes:
        with backend.store.transaction() as db:
            return pdf.invoice_pdf(db, today, account_id, ref)

    def core() -> bytes:
        with backend.store.transaction() as db:
            data = pdf._load(db, today, account_id, ref)
        return pdf.render(data, core_font="Helvetica")

    began = time.perf_counter()
    first = dejavu()  # warm-up: the first PDF of the process, ``import fpdf`` included
    first_call = time.perf_counter() - began
    core()  # warm-up of fpdf2 itself for the baseline
    unicode_best = best_of(dejavu)
    core_best = best_of(core)
    print(f"invoice {ref}: {len(first)} bytes with DejaVu, {len(core())} bytes with Helvetica")
    print(f"first call (import fpdf included): {first_call * 1000:7.1f} ms")
    print(f"core font (Helvetica), best of {REPEATS}:  {core_best * 1000:7.1f} ms")
    print(f"invoice_pdf (DejaVu), best of {REPEATS}:   {unicode_best * 1000:7.1f} ms")
    print(f"BENCH invoice_pdf ratio={unicode_best / core_best:.2f} target={TARGET}")


if __name__ == "__main__":
    main()

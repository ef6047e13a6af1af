"""Benchmark: ``bench_startup`` with the interface in English (``--lang en``).

The same measure, the same target (≤ 1.3 × a minimal Textual app): reading the English
catalogue (a compiled ``.mo``, stdlib gettext) is on the way to the login screen, Babel (used
for English numbers and dates) must not be (it is in the probe's list of heavy modules).
"""

from __future__ import annotations

from bench_startup import main

if __name__ == "__main__":
    main("en")

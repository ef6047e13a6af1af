"""Benchmark: seeding the demo world vs a bare ``executemany`` of the same rows.

``seed_demo`` (generation + insert, through ``Store`` on a fresh file; the demo account's argon2id
hashes are shipped precomputed, see ``demo.DEMO_PASSWORD_HASH``)
is compared with inserting exactly the rows ``generate`` returns into an empty SQLite file with
the same schema and pragmas, in one transaction — the floor any seeding could reach. Timed in
turn, best of 15 each, in the same run. Target: seeding costs at most 3 × the bare insert.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geg_tui.fake_backend.demo import TABLES, generate, insert_sql, seed_demo
from geg_tui.fake_backend.schema import SCHEMA
from geg_tui.fake_backend.store import Store

SEED = 2026
START = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
REPEATS = 15
TARGET = 3


def bare_insert(tables: dict[str, list[tuple]], directory: Path) -> float:
    """Seconds to insert ``tables`` into a new file with the schema (not timed: the setup)."""
    conn = sqlite3.connect(directory / "bare.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    began = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        rows = tables[table]
        if rows:
            conn.executemany(insert_sql(table, len(rows[0])), rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def seeded(directory: Path) -> float:
    """Seconds for ``seed_demo`` on a fresh store (opening the store is setup, not timed)."""
    store = Store.in_dir(directory)
    began = time.perf_counter()
    seed_demo(store, seed=SEED, start=START)
    elapsed = time.perf_counter() - began
    store.close()
    return elapsed


def once(measure: Callable[[Path], float]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return measure(Path(tmp))


def main() -> None:
    tables = generate(SEED, START)
    rows = sum(len(table_rows) for table_rows in tables.values())
    bare = seed = float("inf")
    for _ in range(REPEATS):  # in turn, so that a slow moment of the machine hits both alike
        bare = min(bare, once(lambda directory: bare_insert(tables, directory)))
        seed = min(seed, once(seeded))
    print(f"rows: {rows}")
    print(f"bare executemany:                  {bare * 1000:7.1f} ms")
    print(f"seed_demo:                         {seed * 1000:7.1f} ms")
    print(f"BENCH seed ratio={seed / bare:.2f} target={TARGET}")


if __name__ == "__main__":
    main()

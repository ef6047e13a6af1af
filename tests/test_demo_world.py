"""The demo world (SIM-3) and what it must satisfy: INV-1, INV-2, CONSO-1, METER-1, DEBIT-4."""

from __future__ import annotations

import sqlite3
from array import array
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from geg_tui.api.models import Register, Tariff
from geg_tui.fake_backend.billing import compute_bill
from geg_tui.fake_backend.demo import (
    DEMO_ANSWER,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_QUESTION_ID,
    HC_SLOTS,
    generate,
    seed_demo,
)
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.fake_backend.validation import normalise_answer
from geg_tui.formatting import PARIS

START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
TODAY = START.date()
SEED = 2026


@pytest.fixture(scope="module")
def world() -> dict[str, list[tuple]]:
    return generate(SEED, START)


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    """The seeded store's connection, for SQL checks (read only)."""
    store = Store(":memory:")
    seed_demo(store, seed=SEED, start=START)
    return store._conn


def _contracts(db: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """Contracts keyed by ``firstname-energy`` (e.g. ``claire-gaz``)."""
    rows = db.execute(
        "SELECT c.*, lower(cu.first_name) AS who FROM contracts c "
        "JOIN customers cu ON cu.id = c.customer_id"
    ).fetchall()
    return {f"{row['who'].replace('é', 'e')}-{row['energy']}": row for row in rows}


def _invoices(db: sqlite3.Connection, contract_id: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT * FROM invoices WHERE contract_id = ? ORDER BY issue_date", (contract_id,)
    ).fetchall()


# --- SIM-3 ----------------------------------------------------------------------------------


def test_sim_3_same_seed_and_start_give_identical_rows(world: dict[str, list[tuple]]) -> None:
    assert generate(SEED, START) == world


def test_sim_3_different_seed_gives_different_refs(world: dict[str, list[tuple]]) -> None:
    other = generate(SEED + 1, START)
    assert {row[1] for row in other["contracts"]} != {row[1] for row in world["contracts"]}
    assert {row[1] for row in other["invoices"]} != {row[1] for row in world["invoices"]}
    # ...but the same people.
    assert [row[2:] for row in other["customers"]] == [row[2:] for row in world["customers"]]


def test_sim_3_required_customer_kinds_present(db: sqlite3.Connection) -> None:
    c = _contracts(db)
    claire_elec, claire_gas = c["claire-electricite"], c["claire-gaz"]
    assert (claire_elec["tariff"], claire_elec["power_kva"]) == (Tariff.BLUE_HPHC, 9)
    assert claire_elec["communicating"] == 1 and claire_elec["e_invoice"] == 1
    assert (claire_elec["payment_mode"], claire_elec["debit_day"]) == ("mensualisation", 10)
    assert claire_elec["postcode"] == "38100"
    assert claire_gas["payment_mode"] == "a_reception"
    bernard = c["bernard-electricite"]
    assert (bernard["tariff"], bernard["power_kva"], bernard["communicating"]) == (
        Tariff.BLUE_BASE, 6, 0
    )  # fmt: skip
    assert bernard["postcode"] == "38000"
    amelie = c["amelie-electricite"]
    assert amelie["tariff"] == Tariff.BLUE_HPHC and amelie["communicating"] == 1
    assert amelie["payment_mode"] == "prelevement_trimestriel" and amelie["billing_months"] == 3
    assert c["karim-electricite"]["tariff"] == Tariff.MARKET_ELEC
    assert c["sophie-gaz"]["tariff"] == Tariff.GAS and "sophie-electricite" not in c
    assert c["lucas-electricite"]["payment_mode"] == c["lucas-gaz"]["payment_mode"]
    assert c["lucas-gaz"]["payment_mode"] == "mensualisation"
    for row in c.values():
        assert len(row["ref"]) == 10 and row["ref"].isdigit()
        assert len(row["delivery_point"]) == 14 and row["delivery_point"].isdigit()
    assert len({row["ref"] for row in c.values()}) == len(c)


def test_sim_3_demo_account_is_registered(db: sqlite3.Connection) -> None:
    account = db.execute(
        "SELECT a.*, c.first_name FROM accounts a JOIN customers c ON c.id = a.customer_id"
    ).fetchall()
    assert len(account) == 1
    row = account[0]
    assert row["email"] == DEMO_EMAIL and row["first_name"] == "Claire"
    assert row["question_id"] == DEMO_QUESTION_ID
    hasher = Hasher(fast=True)
    assert hasher.verify(row["password_hash"], DEMO_PASSWORD)
    assert hasher.verify(row["answer_hash"], normalise_answer(" grenoble "))
    assert DEMO_PASSWORD not in row["password_hash"] and DEMO_ANSWER not in row["answer_hash"]
    # SEC-1: the shipped hashes are argon2id at the library's default cost.
    from argon2 import PasswordHasher

    defaults = PasswordHasher()
    params = (
        f"$argon2id$v=19$m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}$"
    )
    assert row["password_hash"].startswith(params) and row["answer_hash"].startswith(params)
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert meta["seed"] == str(SEED)
    assert datetime.fromisoformat(meta["seeded_at"]) == START


def test_sim_3_history_goes_back_six_years(db: sqlite3.Connection) -> None:
    first_invoice = date.fromisoformat(
        db.execute("SELECT min(issue_date) FROM invoices").fetchone()[0]
    )
    first_day = date.fromisoformat(
        db.execute("SELECT min(day) FROM daily_consumption").fetchone()[0]
    )
    assert first_day <= TODAY - timedelta(days=6 * 365)
    five_years_ago = TODAY.replace(year=TODAY.year - 5)
    older = db.execute(
        "SELECT count(*) FROM invoices WHERE issue_date < ?", (five_years_ago.isoformat(),)
    ).fetchone()[0]
    assert older > 0 and first_invoice < five_years_ago
    last_day = db.execute("SELECT max(day) FROM daily_consumption").fetchone()[0]
    assert last_day == (TODAY - timedelta(days=1)).isoformat()


# --- INV-1 / INV-2 --------------------------------------------------------------------------


def test_inv_1_refs_are_12_digits_unique_and_due_is_issue_plus_14(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT * FROM invoices").fetchall()
    assert len({row["ref"] for row in rows}) == len(rows)
    for row in rows:
        assert len(row["ref"]) == 12 and row["ref"].isdigit()
        issue = date.fromisoformat(row["issue_date"])
        assert issue == date.fromisoformat(row["period_end"]) + timedelta(days=1)
        assert date.fromisoformat(row["due_date"]) == issue + timedelta(days=14)
        assert issue <= TODAY


def test_inv_1_statuses(db: sqlite3.Connection) -> None:
    c = _contracts(db)
    claire_gas = _invoices(db, c["claire-gaz"]["id"])
    latest = claire_gas[-1]
    assert latest["status"] == "en_retard"
    assert date.fromisoformat(latest["issue_date"]) <= TODAY - timedelta(days=20)
    assert date.fromisoformat(latest["due_date"]) < TODAY
    assert {row["status"] for row in claire_gas[:-1]} == {"payee"}
    bernard = _invoices(db, c["bernard-electricite"]["id"])
    assert bernard[-1]["status"] == "a_payer"
    assert date.fromisoformat(bernard[-1]["due_date"]) >= TODAY
    for row in db.execute("SELECT * FROM invoices").fetchall():
        due = date.fromisoformat(row["due_date"])
        if row["status"] == "prelevee":
            assert row["debit_date"] and due < TODAY
        if row["status"] in ("a_payer", "prelevement_prevu", "a_rembourser"):
            assert due >= TODAY
        if row["status"] in ("payee", "prelevee", "remboursee"):
            assert row["settled_at"] is not None
        # DEBIT-4: a credit is refunded on its due date, never debited nor to pay.
        assert (row["balance"] < 0) == (row["status"] in ("a_rembourser", "remboursee"))
        if row["balance"] < 0:
            assert row["debit_date"] is None


def test_inv_2_every_invoice_total_is_sum_of_lines_plus_vat(db: sqlite3.Connection) -> None:
    sums = dict(db.execute("SELECT invoice_id, sum(amount) FROM invoice_lines GROUP BY invoice_id"))
    rows = db.execute("SELECT * FROM invoices").fetchall()
    for row in rows:
        assert sums[row["id"]] == row["amount_excl_tax"]
        assert row["total"] == row["amount_excl_tax"] + row["vat"]
        assert row["vat"] == (2 * row["amount_excl_tax"] * 20 + 100) // 200  # 20 %, half up
        assert row["balance"] == row["total"] - row["already_paid"]
    assert not db.execute("SELECT 1 FROM invoice_lines WHERE vat_rate_pct != 20").fetchall()


def test_inv_2_invoices_are_recomputed_from_daily_consumption(db: sqlite3.Connection) -> None:
    """Lines come from the daily rows of the period, at the prices of each period."""
    c = _contracts(db)
    for key in ("claire-gaz", "bernard-electricite", "amelie-electricite"):
        contract = c[key]
        invoice = _invoices(db, contract["id"])[-3]
        energy: dict[Register, dict[date, int]] = defaultdict(dict)
        for day, register, wh in db.execute(
            "SELECT day, register, wh FROM daily_consumption WHERE contract_id = ? "
            "AND day BETWEEN ? AND ?",
            (contract["id"], invoice["period_start"], invoice["period_end"]),
        ):
            energy[Register(register)][date.fromisoformat(day)] = wh
        bill = compute_bill(
            Tariff(contract["tariff"]),
            contract["power_kva"],
            date.fromisoformat(invoice["period_start"]),
            date.fromisoformat(invoice["period_end"]),
            energy,
        )
        assert bill.total == invoice["total"]


def test_debit_4_monthly_debit_has_annual_settlements(db: sqlite3.Connection) -> None:
    claire_elec = _contracts(db)["claire-electricite"]
    invoices = _invoices(db, claire_elec["id"])
    assert len(invoices) == 6 and {row["kind"] for row in invoices} == {"regularisation"}
    for row in invoices:
        assert row["instalments_paid"] == 11
        assert row["already_paid"] > 0 and row["already_paid"] % 1100 == 0  # 11 whole euros
        assert row["balance"] == row["total"] - row["already_paid"]


# --- CONSO-1 --------------------------------------------------------------------------------


def test_conso_1_load_curve_sums_equal_daily_rows(db: sqlite3.Connection) -> None:
    daily: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for cid, day, register, wh in db.execute(
        "SELECT d.contract_id, day, register, wh FROM daily_consumption d "
        "JOIN contracts c ON c.id = d.contract_id WHERE c.communicating = 1"
    ):
        daily[(cid, day)][register] = wh
    curves = db.execute("SELECT contract_id, day, slots FROM load_curve").fetchall()
    assert len(curves) == len(daily) > 3 * 5 * 365
    hc_slots = set(HC_SLOTS)
    for cid, day, blob in curves:
        slots = array("H")
        slots.frombytes(blob)  # uint16 little-endian (the test machine is little-endian)
        assert len(slots) == 48
        registers = daily[(cid, day)]
        if "base" in registers:
            assert sum(slots) == registers["base"]
        else:
            hc = sum(wh for i, wh in enumerate(slots) if i in hc_slots)
            assert (registers["hp"], registers["hc"]) == (sum(slots) - hc, hc)


def test_conso_1_daily_rows_cover_every_day_of_every_contract(db: sqlite3.Connection) -> None:
    for contract in _contracts(db).values():
        registers = 2 if contract["tariff"] == Tariff.BLUE_HPHC else 1
        start = date.fromisoformat(contract["start_date"])
        count = db.execute(
            "SELECT count(*) FROM daily_consumption WHERE contract_id = ?", (contract["id"],)
        ).fetchone()[0]
        assert count == registers * (TODAY - start).days


def test_conso_1_gas_about_80_percent_in_october_to_march(db: sqlite3.Connection) -> None:
    for cid, winter, total in db.execute(
        "SELECT contract_id, sum(CASE WHEN cast(substr(day, 6, 2) AS INTEGER) IN "
        "(10, 11, 12, 1, 2, 3) THEN wh ELSE 0 END), sum(wh) FROM daily_consumption "
        "WHERE register = 'gaz' AND day >= '2021-01-01' AND day < '2026-01-01' "
        "GROUP BY contract_id"
    ):
        assert 0.75 <= winter / total <= 0.85, cid


def test_conso_1_annual_electricity_is_plausible(db: sqlite3.Connection) -> None:
    for (total,) in db.execute(
        "SELECT sum(wh) FROM daily_consumption WHERE register != 'gaz' "
        "AND day >= '2025-01-01' AND day < '2026-01-01' GROUP BY contract_id"
    ):
        assert 2_500_000 <= total <= 7_500_000


# --- METER-1 --------------------------------------------------------------------------------


def test_meter_1_indexes_non_decreasing_within_digits(db: sqlite3.Connection) -> None:
    for contract in _contracts(db).values():
        by_register: dict[str, list[int]] = defaultdict(list)
        for register, idx in db.execute(
            "SELECT register, idx FROM readings WHERE contract_id = ? ORDER BY reading_date",
            (contract["id"],),
        ):
            by_register[register].append(idx)
        assert by_register
        for indexes in by_register.values():
            assert all(
                isinstance(i, int) and 0 <= i < 10 ** contract["meter_digits"] for i in indexes
            )
            assert all(a <= b for a, b in pairwise(indexes))


def test_meter_1_invoice_readings_follow_consumption(db: sqlite3.Connection) -> None:
    contract = _contracts(db)["bernard-electricite"]
    kinds = set()
    for invoice in _invoices(db, contract["id"]):
        reading = db.execute(
            "SELECT * FROM invoice_readings WHERE invoice_id = ?", (invoice["id"],)
        ).fetchone()
        kinds.add(reading["kind"])
        assert reading["current_date"] == invoice["period_end"]
        wh = db.execute(
            "SELECT sum(wh) FROM daily_consumption WHERE contract_id = ? AND day BETWEEN ? AND ?",
            (contract["id"], invoice["period_start"], invoice["period_end"]),
        ).fetchone()[0]
        delta = reading["current_index"] - reading["previous_index"]
        assert abs(delta - wh / 1000) <= 1
    assert kinds == {"reel", "estime"}
    linky = _contracts(db)["amelie-electricite"]["id"]
    assert {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT r.kind FROM invoice_readings r JOIN invoices i ON i.id = r.invoice_id "
            "WHERE i.contract_id = ?",
            (linky,),
        )
    } == {"reel"}

"""« Correctness first », billing: what an invoice adds up to and what it bills (INV-1, INV-2,
INV-4, INV-5, DEBIT-4, METER-5, PAY-1, SIGNUP-4, RESET-6).

1. An annual settlement bills the consumption (lines before tax, total before tax, VAT 20 %,
   total incl. tax), then deducts the instalments already debited, then shows the balance: to
   pay, or a credit refunded to the customer's account — never debited, never « à régler », never
   in the total still to pay.
2. An invoice bills readings up to the end of its period: after a customer's reading taken
   earlier, the rest of the period is an estimated index, said so on the lines and the PDF, and
   the next invoice starts from it.
3. The customer-service hours are one fact: the PDF prints what the app shows.

These tests use the backend's public interface (and the tester's controls) only.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from geg_tui.api.models import Invoice, InvoiceStatus, ReadingKind, Register
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.billing import round_half_up
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import WH_PER_M3, seed_demo
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.schema import SCHEMA_VERSION
from geg_tui.fake_backend.store import DB_FILENAME, Store
from geg_tui.formatting import PARIS, format_date, format_money
from tests.conftest import START
from tests.test_invoice_pdf import flat, pdf_text

PAYABLE = (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE)
DEBIT = (InvoiceStatus.DEBIT_SCHEDULED, InvoiceStatus.DEBITED)
CREDIT = ("a_rembourser", "remboursee")  # À rembourser, Remboursée (StrEnum values)


@pytest.fixture(scope="module")
def thirteen_months_later(seeded_template: Store) -> Iterator[Store]:
    """The demo world 13 months after ``START``: a whole monthly-debit cycle has been lived."""
    store = seeded_template.clone()
    backend = FakeBackend(store, hasher=Hasher(fast=True))
    admin.advance(backend, timedelta(days=395))
    yield store
    store.close()


@pytest.fixture
async def later(thirteen_months_later: Store, fast_hasher: Hasher) -> FakeBackend:
    return FakeBackend(thirteen_months_later.clone(), hasher=fast_hasher)


async def login(backend: FakeBackend, credentials: dict[str, str]) -> str:
    return (await backend.login(credentials["email"], credentials["password"])).token


def check_figures(invoice: Invoice) -> None:
    """INV-2 and DEBIT-4: the arithmetic of one invoice."""
    assert invoice.lines, invoice.ref
    # Each line is a whole number of cents (rounded once, on its own), all taxed at 20 %: the
    # instalments already paid are not a line.
    assert all(isinstance(line.amount, int) and line.vat_rate_pct == 20.0 for line in invoice.lines)
    assert sum(line.amount for line in invoice.lines) == invoice.amount_excl_tax, invoice.ref
    assert invoice.vat == round_half_up(invoice.amount_excl_tax * 20, 100), invoice.ref
    assert invoice.total == invoice.amount_excl_tax + invoice.vat, invoice.ref
    assert invoice.balance == invoice.total - invoice.already_paid, invoice.ref
    assert invoice.already_paid >= 0 and invoice.total > 0


# --- 1. settlements -------------------------------------------------------------------------------


async def test_debit_4_inv_2_every_invoice_adds_up_and_a_credit_is_never_debited(
    later: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """Every invoice of both of the demo account's contracts, 13 months on: lines = total before
    tax, VAT = 20 % of it, total = before tax + VAT, balance = total − already paid; a credit is
    neither « Prélevée » nor « À régler avant » (screen data and PDF) nor in the total to pay."""
    token = await login(later, demo_credentials)
    account = await later.account(token)
    assert {c.energy.value for c in account.contracts} == {"electricite", "gaz"}
    page = await later.list_invoices(token)
    seen = {"credit": 0, "settlement": 0}
    for contract in account.contracts:
        listed = await later.list_invoices(token, contract_ref=contract.ref)
        assert listed.total_count == len(listed.invoices) >= 5
        for summary in listed.invoices:
            invoice = await later.get_invoice(token, summary.ref)
            check_figures(invoice)
            assert (summary.balance, summary.already_paid) == (
                invoice.balance,
                invoice.already_paid,
            )
            text = pdf_text(await later.invoice_pdf(token, invoice.ref))
            flat_text = flat(text)
            for figure in (invoice.amount_excl_tax, invoice.vat, invoice.total):
                assert flat(format_money(figure)) in flat_text
            if invoice.already_paid:
                seen["settlement"] += 1
                assert invoice.instalments_paid == 11
                assert "11 mensualités prélevées" in text
                assert flat(format_money(-invoice.already_paid)) in flat_text
                assert flat(format_money(abs(invoice.balance))) in flat_text
            if invoice.is_credit:
                seen["credit"] += 1
                assert invoice.status in CREDIT and invoice.debit_date is None
                assert invoice.refund_date == invoice.due_date
                assert "Prélevée" not in text and "À régler" not in text
                assert "Prélèvement le" not in text and "Date d'échéance" not in text
                done = "remboursé" if invoice.status == "remboursee" else "à rembourser"
                assert (
                    f"Solde en votre faveur : {flat(format_money(-invoice.balance))} — {done} "
                    f"sur votre compte le {format_date(invoice.due_date)}"
                ) in flat_text
            else:
                assert invoice.status not in CREDIT and invoice.refund_date is None
            if invoice.status in DEBIT:
                assert invoice.balance > 0 and invoice.debit_date is not None
                debit = f"Prélèvement le {format_date(invoice.debit_date)} : "
                assert flat(debit + format_money(invoice.balance)) in flat_text
    assert seen["credit"] >= 2 and seen["settlement"] >= 5  # the demo's seed has both kinds
    # INV-5: what is still owed is the sum of the balances to pay, never a credit.
    owed = [i for i in page.invoices if i.status in PAYABLE]
    assert owed and all(i.balance > 0 for i in owed)
    assert page.total_to_pay == sum(i.balance for i in owed)
    home = await later.home(token)
    assert home.total_to_pay == page.total_to_pay
    if home.next_debit_amount is not None:
        assert home.next_debit_amount > 0


def test_debit_4_inv_2_every_invoice_of_the_demo_world_adds_up(
    thirteen_months_later: Store,
) -> None:
    """The same arithmetic for every invoice stored, every customer and year (SQL)."""
    with thirteen_months_later.transaction() as db:
        rows = db.all("SELECT * FROM invoices")
        lines = {
            r["invoice_id"]: (r["n"], r["ht"], r["untaxed"])
            for r in db.all(
                "SELECT invoice_id, COUNT(*) AS n, SUM(amount) AS ht, "
                "SUM(vat_rate_pct != 20) AS untaxed FROM invoice_lines GROUP BY invoice_id"
            )
        }
        instalments = db.scalar("SELECT COUNT(*) FROM instalments WHERE status = 'prelevee'")
    assert len(rows) > 200 and instalments > 11
    for row in rows:
        count, excl, untaxed = lines[row["id"]]
        assert count and untaxed == 0 and excl == row["amount_excl_tax"], row["ref"]
        assert row["vat"] == round_half_up(row["amount_excl_tax"] * 20, 100), row["ref"]
        assert row["total"] == row["amount_excl_tax"] + row["vat"], row["ref"]
        assert row["balance"] == row["total"] - row["already_paid"], row["ref"]
        if row["balance"] < 0:
            assert row["status"] in CREDIT and row["debit_date"] is None, row["ref"]


def test_inv_2_meter_5_the_world_bills_exactly_what_its_indexes_say(
    thirteen_months_later: Store,
) -> None:
    """Every invoice the world issued in 13 months for a meter that is read (not Linky) bills
    the kWh of its index differences, to the Wh: billing the measured days while the index moved
    by whole units billed the fraction left over twice (once now, again at the next real or
    customer reading). A Linky meter's invoice bills what it measured, to the Wh (the curve's
    quantity, issue 15), which its index follows in whole kWh."""
    start = START.date().isoformat()
    linky = 0
    with thirteen_months_later.transaction() as db:
        invoices = db.all(
            "SELECT i.id, i.ref, c.energy, c.communicating FROM invoices i "
            "JOIN contracts c ON c.id = i.contract_id WHERE i.issue_date > ?",
            (start,),
        )
        for invoice in invoices:
            unit_wh = WH_PER_M3 if invoice["energy"] == "gaz" else 1000
            moved = db.scalar(
                "SELECT SUM(current_index - previous_index) FROM invoice_readings "
                "WHERE invoice_id = ?",
                (invoice["id"],),
            )
            billed_kwh = db.scalar(
                "SELECT SUM(quantity) FROM invoice_lines WHERE invoice_id = ? AND unit = 'kWh'",
                (invoice["id"],),
            )
            registers = db.scalar(
                "SELECT COUNT(*) FROM invoice_readings WHERE invoice_id = ?", (invoice["id"],)
            )
            if invoice["communicating"]:
                linky += 1
                # the index moved by the whole kWh of what was billed, each register losing
                # less than 1 kWh of fraction
                assert 0 <= round(billed_kwh * 1000) - moved * unit_wh < registers * unit_wh
            else:
                assert round(billed_kwh * 1000) == moved * unit_wh, invoice["ref"]
    assert len(invoices) >= 30 and linky >= 10  # every contract, 13 months


async def test_signup_4_a_credit_is_typed_as_the_bill_shows_it(backend: FakeBackend) -> None:
    """SIGNUP-4 on a settlement in the customer's favour: the figure printed in large
    (« Solde en votre faveur : 4,16 € »), as `fake customers` prints it, or with a minus sign."""
    lucas = next(c for c in admin.customers(backend) if c["first_name"] == "Lucas")
    credit = next(k for k in lucas["contracts"] if k["last_invoice_amount_cents"] < 0)
    assert credit["last_invoice_amount_label"] == "solde en votre faveur"
    assert credit["last_invoice_amount"] == format_money(
        -credit["last_invoice_amount_cents"]
    ).replace("\u00a0", " ")
    assert not credit["last_invoice_amount"].startswith("-")
    for typed in (credit["last_invoice_amount"], "-" + credit["last_invoice_amount"]):
        identity = await backend.signup_check_contract(
            credit["contract_ref"], credit["last_invoice_ref"], typed
        )
        assert identity.identity.first_name == "Lucas"
    # The « Total TTC » printed on the same bill (the figure SIGNUP-4 names) proves it too.
    with backend.store.transaction() as db:
        total = db.scalar("SELECT total FROM invoices WHERE ref = ?", (credit["last_invoice_ref"],))
    assert total > 0
    typed = format_money(total).replace("\u00a0", " ")
    identity = await backend.signup_check_contract(
        credit["contract_ref"], credit["last_invoice_ref"], typed
    )
    assert identity.identity.first_name == "Lucas"


# --- 2. readings up to the end of the period ------------------------------------------------------


@pytest.fixture
async def issue_world() -> AsyncIterator[FakeBackend]:
    """The issue's world: seeded on 29/11/2026 at 09:00 (seed 2026)."""
    store = Store(":memory:")
    start = datetime(2026, 11, 29, 9, 0, tzinfo=PARIS)
    Clock(store).freeze(start)
    seed_demo(store, seed=2026, start=start)
    backend = FakeBackend(store, hasher=Hasher(fast=True))
    yield backend
    await backend.close()


async def test_meter_5_inv_1_readings_reach_the_end_of_the_period_the_rest_is_estimated(
    issue_world: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """A gas reading sent on 29/11, then 40 days: the invoice of 01/11–31/12 bills the customer's
    reading, then an estimated index up to 31/12, each on lines of their own, « estimé » on the
    screen data and the PDF; the next invoice starts from the estimated index."""
    backend = issue_world
    token = await login(backend, demo_credentials)
    gas = next(c for c in (await backend.account(token)).contracts if c.energy.value == "gaz")
    status = await backend.meter_status(token, gas.ref)
    assert status.last_reading is not None
    sent = status.last_reading.indexes[Register.GAS] + 30
    await backend.submit_reading(token, gas.ref, {Register.GAS: sent}, confirm_implausible=True)
    admin.advance(backend, timedelta(days=40))
    token = await login(backend, demo_credentials)
    newest = (await backend.list_invoices(token, contract_ref=gas.ref)).invoices[0]
    invoice = await backend.get_invoice(token, newest.ref)
    assert (invoice.period_start, invoice.period_end) == (date(2026, 11, 1), date(2026, 12, 31))
    # The issue: this invoice billed the readings 31/10 → 29/11 for a period ending on 31/12.
    assert max(r.current_date for r in invoice.readings) == invoice.period_end
    client, estimate = invoice.readings
    assert (client.kind, client.current_date, client.current_index) == (
        ReadingKind.CUSTOMER,
        date(2026, 11, 29),
        sent,
    )
    assert (estimate.kind, estimate.previous_date, estimate.previous_index) == (
        ReadingKind.ESTIMATED,
        client.current_date,
        client.current_index,
    )
    assert estimate.current_date == invoice.period_end and estimate.current_index > sent
    energy = [line for line in invoice.lines if line.unit == "kWh"]
    assert [("estimé" in line.label) for line in energy] == [False, True]
    assert "du 30/11/2026 au 31/12/2026" in energy[1].label
    # What the lines bill is what the indexes say, at 11,2 kWh per m³.
    for line, reading in zip(energy, invoice.readings, strict=True):
        used = reading.current_index - reading.previous_index
        assert line.quantity == pytest.approx(used * 11.2)
    check_figures(invoice)
    text = pdf_text(await backend.invoice_pdf(token, invoice.ref))
    assert flat(energy[1].label) in flat(text) and "Estimation" in text
    assert format_date(estimate.current_date) in text

    admin.advance(backend, timedelta(days=61))  # the next invoice, on 01/03/2027
    token = await login(backend, demo_credentials)
    following = (await backend.list_invoices(token, contract_ref=gas.ref)).invoices[0]
    following = await backend.get_invoice(token, following.ref)
    assert following.period_start == date(2027, 1, 1)
    first = following.readings[0]
    assert (first.previous_date, first.previous_index) == (
        date(2026, 12, 31),
        estimate.current_index,
    )
    for contract in (await backend.account(token)).contracts:
        for summary in (await backend.list_invoices(token, contract_ref=contract.ref)).invoices:
            detail = await backend.get_invoice(token, summary.ref)
            assert max(r.current_date for r in detail.readings) == detail.period_end, detail.ref


# --- 3. customer-service hours --------------------------------------------------------------------

HOURS = re.compile(r"\b\d{1,2}\s?h\s?(?:\d{2})?\s*(?:à|-|–)\s*\d{1,2}\s?h", re.IGNORECASE)


async def test_reset_6_support_hours_are_one_fact(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """The PDF prints the phone and hours the app shows (support_info), and no other source file
    of the product states opening hours of its own."""
    info = await backend.support_info()
    token = await login(backend, demo_credentials)
    ref = (await backend.list_invoices(token)).invoices[0].ref
    text = flat(pdf_text(await backend.invoice_pdf(token, ref)))
    assert f"Service client GEG : {info.phone}, {info.hours}." in text
    sources = Path(__file__).resolve().parents[1] / "geg_tui"
    stating = sorted(
        str(path.relative_to(sources))
        for path in sources.rglob("*.py")
        if HOURS.search(path.read_text(encoding="utf-8"))
    )
    # the hours are stated once, as a message of the translation table that support.py sends
    assert stating == ["api/texts.py"]


# --- the data files of version 2 ------------------------------------------------------------------


def test_sim_4_debit_4_a_version_2_data_file_is_upgraded_with_its_settlements_recomputed(
    thirteen_months_later: Store, tmp_path: Path
) -> None:
    """A tester's data file of version 2 (instalments as a negative line, credits « debited »)
    opens as the same world this version makes: every figure and status recomputed."""
    from tests.schema_history import downgrade_to_v2

    def snapshot(store: Store) -> dict[str, list[tuple]]:
        with store.transaction() as db:
            return {
                table: [tuple(r) for r in db.all(f"SELECT * FROM {table} ORDER BY 1, 2, 3")]
                for table in ("invoices", "invoice_lines", "invoice_readings")
            }

    expected = snapshot(thirteen_months_later)
    file_store = Store.in_dir(tmp_path)
    file_store.close()
    target = sqlite3.connect(tmp_path / DB_FILENAME)
    thirteen_months_later._conn.backup(target)  # the lived world, in a file
    target.close()
    old = Store.in_dir(tmp_path)
    with old.transaction() as db:
        downgrade_to_v2(db)
        assert db.scalar("SELECT COUNT(*) FROM invoice_lines WHERE amount < 0") >= 8
        assert db.scalar("SELECT COUNT(*) FROM invoices WHERE total < 0") >= 2
    old.close()

    upgraded = Store.in_dir(tmp_path)
    with upgraded.transaction() as db:
        assert db.get_meta("schema_version") == str(SCHEMA_VERSION) == "5"
    assert snapshot(upgraded) == expected
    upgraded.close()

"""The customer's commands (``geg-tui factures``, ``payer``, ``releve``, ``conso``,
``echeances``, ``deconnexion``) as a script runs them, over the fake backend of a data
directory and over HTTP (a fake served on a real socket, on the same data directory).

Each command runs in this process through ``geg_tui.cli.main`` (an interpreter per command
would be most of the time); the log-in comes from ``GEG_TUI_EMAIL`` and
``GEG_TUI_PASSWORD_FILE``, the session is kept in the in-memory keyring of
``tests/conftest.py``. ``--json`` is decoded back into the models with the HTTP codec, the
CSV read back with ``csv``, the calendar parsed back with ``icalendar``. Exit statuses:
0 done, 1 refused by GEG, 2 bad usage, 3 service unavailable.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geg_tui.api.codec import decode_dataclass
from geg_tui.api.models import (
    ConsumptionSeries,
    InvoicePage,
    InvoiceStatus,
    Payment,
    ReadingResult,
)
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

ELEC, GAS = "5092891721", "9600821651"  # the demo account's contracts (seed 2026)
OVERDUE = "968320100013"  # its gas invoice to pay


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world of seed 2026, its clock frozen on Friday 27 November 2026, 09:00."""
    data_dir = tmp_path_factory.mktemp("template")
    done = cli("fake", "reset", "--seed", "2026", "--start", "2026-11-27T09:00", "--data-dir",
               str(data_dir))  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The demo password at the tests' argon2 cost (a log-in per test, each over two backends).
    from geg_tui.fake_backend.hashing import Hasher
    from geg_tui.fake_backend.store import Store
    from tests.conftest import _rehash_demo_account

    store = Store.in_dir(data_dir)
    _rehash_demo_account(store, Hasher(fast=True))
    store.close()
    return data_dir


@pytest.fixture
def world(template: Path, tmp_path: Path) -> Path:
    """A copy of the template for one test (some pay or send readings)."""
    return Path(shutil.copytree(template, tmp_path / "world"))


@pytest.fixture(autouse=True)
def customer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """French, no config of the person's own, the demo account from the environment."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GEG_TUI_CONFIG_DIR", str(tmp_path / "config"))
    password = tmp_path / "password"
    password.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    password.chmod(0o600)  # readable by its owner only, as README asks
    monkeypatch.setenv("GEG_TUI_EMAIL", DEMO_EMAIL)
    monkeypatch.setenv("GEG_TUI_PASSWORD_FILE", str(password))
    return password


@pytest.fixture(params=["fake", "http"])
def on(request: pytest.FixtureRequest, world: Path) -> Iterator[list[str]]:
    """The options that point a command at the world: its data directory, or a server on it."""
    if request.param == "fake":
        yield ["--data-dir", str(world)]
        return
    from geg_tui.fake_backend.backend import FakeBackend
    from geg_tui.fake_backend.server import create_app
    from tests.contract.test_http_socket import ServerThread

    fake = FakeBackend.open(world)
    server = ServerThread(create_app(fake)).start()
    try:
        yield ["--backend", "http", "--url", server.url, "--data-dir", str(world)]
    finally:
        server.stop()
        fake.store.close()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``geg-tui ARGS`` in this process: exit status, stdout and stderr."""
    from geg_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def ok(*args: str) -> str:
    done = cli(*args)
    assert done.returncode == 0, (done.returncode, done.stderr)
    return done.stdout


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json"))


def test_invoices_list_json_csv_and_text(on: list[str]) -> None:
    page = decode_dataclass(InvoicePage, as_json("factures", *on))
    assert isinstance(page, InvoicePage) and page.total_count == len(page.invoices) > 20
    assert all(isinstance(i.status, InvoiceStatus) for i in page.invoices)
    assert [i.issue_date for i in page.invoices] == sorted(
        (i.issue_date for i in page.invoices), reverse=True
    )
    assert page.total_to_pay == 14500
    # Filters, by their French names and English aliases.
    overdue = as_json("factures", "--statut", "en_retard", *on)["invoices"]
    assert [i["ref"] for i in overdue] == [OVERDUE]
    assert as_json("invoices", "--status", "overdue", *on)["invoices"] == overdue
    gas_2025 = as_json("factures", "--contrat", GAS, "--annee", "2025", *on)["invoices"]
    assert gas_2025 and {(i["contract_ref"], i["issue_date"][:4]) for i in gas_2025} == {
        (GAS, "2025")
    }
    # The CSV read back: one row per invoice, amounts as a French spreadsheet reads them.
    rows = list(csv.reader(io.StringIO(ok("factures", "--csv", *on)), delimiter=";"))
    assert rows[0][0] == "N° facture" and len(rows) == page.total_count + 1
    row = next(r for r in rows if r[0] == OVERDUE)
    assert row[7] == "145,00" and row[8] == "11/11/2026" and row[10] == "en_retard"
    # The text: aligned columns, the total to pay.
    text = ok("factures", "--annee", "2026", *on).splitlines()
    assert text[0].split()[:2] == ["N°", "facture"]
    starts = {line.index("/2026") for line in text[1:] if "/2026" in line}
    assert len(starts) == 1  # every « Émise le » date in one column
    assert text[-1] == "Total restant à payer : 145,00 €"
    english = ok("invoices", "--status", "overdue", "--lang", "en", *on).splitlines()
    assert english[0].split() == ["Invoice", "no.", "Issued", "Contract", "Energy", "Amount",
                                  "Due", "date", "Status"]  # fmt: skip
    assert english[-1] == "Total left to pay: €145.00"
    # Bad usage: status 2 and the reason.
    bad = cli("factures", "--statut", "perdue", *on)
    assert bad.returncode == 2 and "statut inconnu : « perdue »" in bad.stderr
    assert cli("factures", "--json", "--csv", *on).returncode == 2


def test_invoices_download_twice_skips_identical_and_never_overwrites(
    on: list[str], tmp_path: Path
) -> None:
    """INV-3, INV-4: every PDF of the filter as AAAA-MM-JJ_<ref>.pdf; the second run skips
    them all; a different file of that name is kept, the PDF going to a new name."""
    folder = tmp_path / "pdf"
    args = ("factures", "telecharger", "--toutes", "--contrat", ELEC, "--annee", "2026",
            "--dossier", str(folder))  # fmt: skip
    first = json.loads(ok(*args, *on, "--json"))
    files = first["files"]
    assert files and {f["outcome"] for f in files} == {"saved"}
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{f['issue_date']}_{f['ref']}.pdf" for f in files)
    assert all((folder / n).read_bytes().startswith(b"%PDF") for n in names)
    again = cli(*args, *on)
    assert again.returncode == 0
    assert f"{len(files)} facture déjà présente, identique : ignorée." in again.stdout
    assert "enregistrée" not in again.stdout
    # A file of the same name, other bytes: kept as it is, the PDF under a new name, said so.
    mine = folder / f"2026-10-28_{OVERDUE}.pdf"
    mine.write_bytes(b"mes notes")
    one = cli("factures", "telecharger", OVERDUE, "--dossier", str(folder), *on)
    assert one.returncode == 0 and mine.read_bytes() == b"mes notes"
    renamed = folder / f"2026-10-28_{OVERDUE} (2).pdf"
    assert renamed.read_bytes().startswith(b"%PDF") and str(renamed) in one.stdout
    assert "existe déjà avec un autre contenu" in one.stdout
    # A reference GEG does not know: refused (1), the others downloaded all the same; neither
    # references nor --toutes: usage (2).
    other = tmp_path / "other"
    unknown = cli("factures", "telecharger", "123456789012", OVERDUE, "--dossier", str(other), *on)
    assert unknown.returncode == 1 and "introuvable" in unknown.stderr
    assert (other / f"2026-10-28_{OVERDUE}.pdf").read_bytes().startswith(b"%PDF")
    assert cli("factures", "telecharger", "--dossier", str(folder), *on).returncode == 2


class Keyboard:
    """What the person types at the prompts, in order (the card never comes from elsewhere)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        from geg_tui.commands import login

        self.answers = list(answers)
        self.prompts: list[str] = []
        monkeypatch.setattr(login, "interactive", lambda: True)
        monkeypatch.setattr(login, "ask_text", self.answer)
        monkeypatch.setattr(login, "ask_secret", self.answer)

    def answer(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


def payments_of(world: Path, ref: str) -> int:
    from geg_tui.fake_backend.backend import FakeBackend
    from tests.payment_helpers import payments_count

    fake = FakeBackend.open(world)
    try:
        return payments_count(fake, ref)
    finally:
        fake.store.close()


def test_pay_1_to_5_by_card_typed_at_the_keyboard(
    on: list[str], world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not at a terminal: refused before anything is asked (the card is never piped).
    refused = cli("payer", OVERDUE, *on)
    assert refused.returncode == 2 and "au clavier" in refused.stderr
    # PAY-2: a wrong number is asked again with its reason, the other fields kept.
    keys = Keyboard(
        monkeypatch, "4242 4242 4242 4241", "12/28", "987", "Claire Martin", "4242424242424242",
        "o",
    )  # fmt: skip
    done = cli("payer", OVERDUE, *on, "--json")
    assert done.returncode == 0, done.stderr
    assert "Numéro de carte invalide" in done.stderr and "4242" not in done.stderr.replace(
        "•••• 4242", ""
    )
    assert [p.split(" (")[0] for p in keys.prompts[:5]] == [
        "Numéro de carte",
        "Date d'expiration",
        "Cryptogramme",
        "Titulaire de la carte : ",
        "Numéro de carte",
    ]
    payment = decode_dataclass(Payment, json.loads(done.stdout))
    assert (payment.invoice_ref, payment.amount, payment.last4) == (OVERDUE, 14500, "4242")
    assert payments_of(world, OVERDUE) == 1
    # Paid: nothing more to pay (1), nothing asked.
    Keyboard(monkeypatch)
    again = cli("payer", OVERDUE, *on)
    assert again.returncode == 1 and "déjà payée" in again.stderr


def test_pay_4_lost_answer_is_sent_again_with_the_same_key_and_charged_once(
    on: list[str], world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geg_tui.commands import pay

    monkeypatch.setattr(pay, "RESEND_AFTER", (0.0, 0.0))
    # PAY-5: a card the bank declines is GEG's refusal (1), in its words.
    Keyboard(monkeypatch, "4000000000000002", "12/28", "987", "Claire Martin", "o")
    declined = cli("payer", OVERDUE, *on)
    assert declined.returncode == 1 and "votre banque a refusé la carte" in declined.stderr
    # Not confirmed: nothing sent.
    Keyboard(monkeypatch, "4242424242424242", "12/28", "987", "Claire Martin", "n")
    cancelled = cli("payer", OVERDUE, *on)
    assert cancelled.returncode == 0 and "rien n'a été envoyé" in cancelled.stderr
    # PAY-1: a direct debit to come is not paid by card; said before any card is asked.
    Keyboard(monkeypatch)
    debit = cli("payer", "275928246893", *on)
    assert debit.returncode == 1 and "prélevée automatiquement le 08/12/2026" in debit.stderr
    assert payments_of(world, OVERDUE) == 0
    # PAY-4: the answers of the first send and of the two sent again (same key) are lost after
    # the payment was recorded: the invoice, read, shows it paid by this card: the receipt.
    ok("fake", "faults", "next", "pay_invoice", "--kind", "drop", "--count", "3",
       "--data-dir", str(on[-1]))  # fmt: skip
    Keyboard(monkeypatch, "4242424242424242", "1228", "987", "Claire Martin", "oui")
    done = cli("payer", OVERDUE, *on)
    assert done.returncode == 0, done.stderr
    assert "Paiement accepté." in done.stdout and "145,00 €" in done.stdout
    assert payments_of(world, OVERDUE) == 1
    if "http" not in on:  # in-process, every one of the three answers was lost
        assert "La réponse du service s'est perdue" in done.stderr


def test_meter_readings_refused_confirmed_and_recorded(on: list[str]) -> None:
    # METER-7: the Linky is read by itself; the reason, status 1.
    linky = cli("releve", ELEC, "--hp", "50000", "--hc", "50000", *on)
    assert linky.returncode == 1 and "Linky est communicant" in linky.stderr
    # METER-1: the options must fit the registers (usage, 2).
    assert cli("releve", GAS, "--hp", "3", "--hc", "4", *on).returncode == 2
    assert cli("releve", GAS, "--index", "12,5", *on).returncode == 2
    # METER-2: lower than the last known index.
    lower = cli("releve", GAS, "--index", "3", *on)
    assert lower.returncode == 1 and "inférieur au dernier index connu" in lower.stderr
    # METER-3: far above the usual: not recorded until confirmed.
    high = cli("reading", GAS, "--index", "99999", *on, "--json")
    assert high.returncode == 1
    result = decode_dataclass(ReadingResult, json.loads(high.stdout))
    assert result.needs_confirmation and result.reading is None
    confirmed = decode_dataclass(
        ReadingResult, as_json("releve", GAS, "--index", "99999", "--confirmer", *on)
    )
    assert confirmed.reading is not None and confirmed.reading.indexes
    again = cli("releve", GAS, "--index", "99999", "--confirmer", *on)  # replaces it (METER-4)
    assert again.returncode == 0, again.stderr
    assert "Relevé enregistré le 27/11/2026 : Gaz 99 999 m³." in again.stdout


def test_consumption_csv_read_back_json_and_text(on: list[str]) -> None:
    args = ("conso", ELEC, "--du", "2026-01-01", "--au", "2026-10-31", "--pas", "mois")
    series = decode_dataclass(ConsumptionSeries, as_json(*args, *on))
    assert isinstance(series, ConsumptionSeries) and len(series.starts) == 10
    rows = list(csv.reader(io.StringIO(ok(*args, *on, "--csv")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Période", "Début", "Fin"] and len(body) == 10
    total = header.index("Total (kWh)")
    kwh = sum(float(r[total].replace(",", ".")) for r in body)
    assert round(kwh * 1000) == series.total_wh
    # In English: the same figures, comma-separated, ISO dates.
    english = ok("consumption", ELEC, "--from", "2026-01-01", "--to", "2026-01-03", "--step",
                 "day", "--csv", "--lang", "en", *on)  # fmt: skip
    rows = list(csv.reader(io.StringIO(english)))
    assert [r[1] for r in rows[1:]] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    text = ok(*args, *on).splitlines()
    assert text[0].split()[0] == "Période" and text[-1].startswith("Total")
    assert len({len(line) for line in text}) == 1  # right-aligned figures: one width
    bad = cli("conso", ELEC, "--du", "2026-02-30", "--au", "2026-03-01", *on)
    assert bad.returncode == 2 and "date invalide" in bad.stderr
    backwards = cli("conso", ELEC, "--du", "2026-03-01", "--au", "2026-02-01", *on)
    assert backwards.returncode == 2 and "avant --du" in backwards.stderr
    mine = cli("conso", "1234567890", "--du", "2026-03-01", "--au", "2026-03-02", *on)
    assert mine.returncode == 1  # not the customer's contract (AUTH-6)


def test_calendar_ics_parsed_back_by_icalendar(on: list[str], tmp_path: Path) -> None:
    from datetime import date, timedelta

    from icalendar import Calendar

    listed = as_json("echeances", *on)["events"]
    kinds = {e["kind"] for e in listed}
    assert kinds == {"due", "debit", "instalment", "reading"}
    written = as_json("echeances", "--ics", "--dossier", str(tmp_path), *on)
    assert written["outcome"] == "saved" and written["events"] == listed
    path = Path(written["path"])
    assert path.name == "geg-echeances_2026-11-27.ics"
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == len(listed)
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event, item in zip(events, listed, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == date.fromisoformat(item["start"])
        assert end == date.fromisoformat(item["end"]) + timedelta(days=1)
        assert str(event["SUMMARY"]).startswith("GEG : ") and event.get("DTSTAMP")
    due = next(e for e in events if str(e["UID"]).startswith("due-"))
    assert "145,00 €" in str(due["SUMMARY"]) and due.decoded("DTSTART") == date(2026, 11, 11)
    # The same day, nothing changed: the same file, skipped.
    again = cli("calendar", "--ics", "--folder", str(tmp_path), *on)
    assert again.returncode == 0 and "déjà à jour" in again.stdout
    assert len(list(tmp_path.glob("*.ics"))) == 1


def test_login_session_kept_in_the_keyring_reused_and_ended(
    world: Path, customer: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: Any
) -> None:
    on = ["--data-dir", str(world)]
    ok("factures", "--annee", "2026", *on)
    kept = [key for key in memory_keyring.store if key[1].startswith("session fake ")]
    assert len(kept) == 1 and DEMO_PASSWORD not in str(memory_keyring.store)
    # The next command reuses the session: no password needed any more.
    customer.unlink()
    assert cli("factures", "--json", *on).returncode == 0
    assert "Session fermée." in ok("deconnexion", *on)
    assert not [key for key in memory_keyring.store if key[1].startswith("session")]
    # No session, no readable password file, no terminal: usage (2), never a prompt.
    missing = cli("factures", *on)
    assert missing.returncode == 2 and "GEG_TUI_PASSWORD_FILE" in missing.stderr
    monkeypatch.delenv("GEG_TUI_PASSWORD_FILE")
    no_tty = cli("factures", *on)
    assert no_tty.returncode == 2 and "dans un terminal" in no_tty.stderr
    # A wrong password: GEG refuses (1), never saying which of the two was wrong.
    customer.write_text("pas-le-bon", encoding="utf-8")
    monkeypatch.setenv("GEG_TUI_PASSWORD_FILE", str(customer))
    assert cli("factures", *on).returncode == 1
    # The account remembered by the TUI (« Se souvenir de moi ») wins without the environment.
    from geg_tui.config import Settings

    monkeypatch.delenv("GEG_TUI_EMAIL")
    monkeypatch.delenv("GEG_TUI_PASSWORD_FILE")
    assert Settings().remember(DEMO_EMAIL, DEMO_PASSWORD)
    assert cli("echeances", *on).returncode == 0
    assert ok("deconnexion", *on) == "Session fermée.\n"
    # Without a secure keyring, nothing is kept: each command logs in again.
    from geg_tui.commands import login
    from geg_tui.config import KeyringStatus

    insecure = KeyringStatus(False, "no", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(login, "keyring_status", lambda: insecure)
    monkeypatch.setenv("GEG_TUI_EMAIL", DEMO_EMAIL)
    monkeypatch.setenv("GEG_TUI_PASSWORD_FILE", str(customer))
    customer.write_text(DEMO_PASSWORD, encoding="utf-8")
    assert cli("factures", *on).returncode == 0
    assert not [key for key in memory_keyring.store if key[1].startswith("session")]


def test_service_unavailable_is_status_3_and_version(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = cli("factures", "--backend", "http", "--url", f"http://127.0.0.1:{port}")
    assert down.returncode == 3 and down.stderr.startswith("Service indisponible")
    from geg_tui import __version__

    assert ok("--version").strip() == f"geg-tui {__version__}"


def test_a_password_file_others_can_read_is_said(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """As ssh does for a key: the password file readable by others is said, with the remedy."""
    from geg_tui.commands.login import password_for

    secret = tmp_path / "password"
    secret.write_text("Grenoble-2026\n", encoding="utf-8")
    monkeypatch.setenv("GEG_TUI_PASSWORD_FILE", str(secret))
    secret.chmod(0o600)
    assert password_for("claire.martin@exemple.fr") == "Grenoble-2026"
    assert capsys.readouterr().err == ""
    secret.chmod(0o644)
    assert password_for("claire.martin@exemple.fr") == "Grenoble-2026"
    warning = capsys.readouterr().err
    assert f"chmod 600 {secret}" in warning and "Grenoble-2026" not in warning

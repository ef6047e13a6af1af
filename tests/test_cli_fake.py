"""The tester controls ``geg-tui fake …`` as a tester runs them, with --json.

Most commands run in this process through ``geg_tui.cli.main`` (an interpreter start per
command was most of this file's time); a real ``python -m geg_tui`` process is kept where the
process is the point: the entry point, the machine's time zone, a reader closing the pipe.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from geg_tui.api.models import SignupRequest
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.formatting import PARIS


def cli(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``geg-tui ARGS --data-dir DATA_DIR`` in this process: its exit status, stdout and stderr
    as ``subprocess.run`` gives them (argparse's usage errors exit through ``SystemExit``)."""
    from geg_tui.cli import main

    argv = [*args, "--data-dir", str(data_dir)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    result = subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


def cli_process(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m geg_tui ARGS --data-dir DATA_DIR`` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "geg_tui", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )


def cli_json(*args: str, data_dir: Path) -> Any:
    return json.loads(cli(*args, "--json", data_dir=data_dir).stdout)


@pytest.fixture(scope="module", autouse=True)
def french_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """These commands are checked in French: ``main`` chooses its language from the environment
    and config.toml (issue 12), so neither the tester's ``LANG=en_GB.UTF-8`` nor their config
    may change it. Module-wide: ``world`` runs a command before any test's own fixtures."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            patch.delenv(name, raising=False)
        patch.setenv("GEG_TUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        yield


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("world")
    cli("fake", "reset", "--seed", "7", "--start", "2026-11-27T09:00", data_dir=data_dir)
    return data_dir


def test_customers_json_lists_what_signup_needs(world: Path) -> None:
    customers = cli_json("fake", "customers", data_dir=world)
    assert len(customers) >= 6
    registered = [c for c in customers if c["registered"]]
    assert len(registered) == 1 and registered[0]["email"]
    for customer in customers:
        for key in ("first_name", "last_name", "birth_date", "postcode", "contracts"):
            assert customer[key]
        for contract in customer["contracts"]:
            assert len(contract["contract_ref"]) == 10
            assert len(contract["last_invoice_ref"]) == 12
            assert contract["energy"] in ("electricite", "gaz")
            assert contract["tariff"]
    assert any(c["postcode"] == "38000" for c in customers)


async def test_signup_4_with_exactly_what_fake_customers_prints(
    world: Path, tmp_path: Path
) -> None:
    """SIGNUP-4 end to end: the data a tester copies from `fake customers --json` signs up."""
    customer = next(c for c in cli_json("fake", "customers", data_dir=world) if not c["registered"])
    contract = customer["contracts"][0]
    backend = FakeBackend.open(world, hasher=Hasher(fast=True))
    request = SignupRequest(
        email="testeur.cli@exemple.fr",
        password="Testeur-2026",
        password_confirm="Testeur-2026",
        contract_ref=contract["contract_ref"],
        invoice_ref=contract["last_invoice_ref"],
        invoice_amount=contract["last_invoice_amount"],
        birth_date=customer["birth_date"],
        phone=None,
        secret_question_id=1,
        secret_answer="Médor",
    )
    await backend.signup_confirm(request)
    assert (await backend.login(request.email, request.password)).token
    await backend.close()
    after = next(
        c
        for c in cli_json("fake", "customers", data_dir=world)
        if c["customer_number"] == customer["customer_number"]
    )
    assert after["registered"] and after["email"] == "testeur.cli@exemple.fr"
    mails = cli_json("fake", "outbox", "--to", "TESTEUR.CLI@exemple.fr", data_dir=world)
    assert [m["subject"] for m in mails] == ["Bienvenue dans votre espace client GEG"]


def test_clock_show_set_advance_freeze_thaw(world: Path) -> None:
    state = cli_json("fake", "clock", data_dir=world)
    assert state["frozen"] is True
    assert state["now"].startswith("2026-11-27T08:00")  # 09:00 Paris = 08:00 UTC
    state = cli_json("fake", "clock", "advance", "1d3h", data_dir=world)
    assert state["now"].startswith("2026-11-28T11:00")
    state = cli_json("fake", "clock", "set", "2026-12-24T18:30", data_dir=world)
    assert state["now"].startswith("2026-12-24T17:30")
    assert cli_json("fake", "clock", "thaw", data_dir=world)["frozen"] is False
    assert cli_json("fake", "clock", "freeze", data_dir=world)["frozen"] is True
    text = cli("fake", "clock", data_dir=world).stdout
    assert "24/12/2026" in text and "figée" in text


def test_sim_1_clock_json_paris_field_is_paris_time_whatever_the_machine_zone(world: Path) -> None:
    result = cli_process("fake", "clock", "--json", data_dir=world, env={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    now = datetime.fromisoformat(state["now"])
    paris = datetime.fromisoformat(state["paris"])
    assert paris == now
    assert paris.utcoffset() == now.astimezone(PARIS).utcoffset()  # +01:00 in winter, not -05:00


def test_sim_1_clock_set_before_the_days_the_world_lived_is_refused(world: Path) -> None:
    before = cli_json("fake", "clock", data_dir=world)
    result = cli("fake", "clock", "set", "2026-11-01T09:00", data_dir=world, check=False)
    assert result.returncode == 1  # a refusal, not a usage error
    assert "déjà vécu jusqu'au" in result.stderr
    assert "fake reset --start 2026-11-01T09:00" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli_json("fake", "clock", data_dir=world)["now"] == before["now"]  # nothing moved


@pytest.mark.parametrize(
    "args",
    [
        ("fake", "clock", "advance"),
        ("fake", "clock", "advance", "bientôt"),
        ("fake", "clock", "set", "demain"),
        ("fake", "clock", "rewind"),
        ("fake", "requests", "resolve"),
        ("fake", "inconnu"),
    ],
)
def test_wrong_arguments_fail_clearly(world: Path, args: tuple[str, ...]) -> None:
    result = cli(*args, data_dir=world, check=False)
    assert result.returncode == 2
    assert "rreur" in result.stderr  # « Erreur » / « erreur », in French
    assert "Traceback" not in result.stderr


def test_unknown_request_is_a_refusal(world: Path) -> None:
    result = cli("fake", "requests", "resolve", "DEM-2026-999999", data_dir=world, check=False)
    assert result.returncode == 1
    assert "introuvable" in result.stderr


def test_reset_is_deterministic_for_seed_and_start(tmp_path: Path) -> None:
    """SIM-3 through the CLI: same seed and start date → the same customers and invoices."""
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d, seed in ((a, "5"), (b, "5"), (c, "6")):
        cli("fake", "reset", "--seed", seed, "--start", "2026-03-01", data_dir=d)
    first = cli_json("fake", "customers", data_dir=a)
    assert first == cli_json("fake", "customers", data_dir=b)
    assert first != cli_json("fake", "customers", data_dir=c)


def test_faults_set_list_clear(world: Path) -> None:
    """SIM-5 through the CLI."""
    fault = cli_json(
        "fake",
        "faults",
        "set",
        "pay_invoice",
        "--latency",
        "200",
        "--error-rate",
        "0.5",
        data_dir=world,
    )
    assert fault == {
        "operation": "pay_invoice",
        "latency_ms": 200,
        "error_rate": 0.5,
        "drop_after_commit": False,
    }
    assert cli_json("fake", "faults", "list", data_dir=world) == [fault]
    bad = cli("fake", "faults", "set", "voler", "--error-rate", "0.5", data_dir=world, check=False)
    assert bad.returncode == 2 and "Opération inconnue" in bad.stderr
    bad = cli("fake", "faults", "set", "login", "--error-rate", "3", data_dir=world, check=False)
    assert bad.returncode == 2 and "taux d'erreur" in bad.stderr
    assert cli_json("fake", "faults", "clear", data_dir=world) == []
    assert cli_json("fake", "faults", data_dir=world) == []


def test_cards_documents_the_test_numbers(world: Path) -> None:
    """PAY-5: the documented test cards, with their outcome."""
    cards = cli_json("fake", "cards", data_dir=world)
    outcomes = {c["outcome"] for c in cards}
    assert len(outcomes) >= 4  # success, declined, insufficient funds, retry
    from stdnum import luhn

    assert all(luhn.is_valid(c["number"]) for c in cards)


async def test_requests_and_referral_as_customer_service(world: Path) -> None:
    """REQ-4 and REF-3…5 played from the command line."""
    from geg_tui.api.models import ContactForm, RequestCategory
    from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

    backend = FakeBackend.open(world, hasher=Hasher(fast=True))
    token = (await backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token
    request = await backend.create_request(
        token, ContactForm(RequestCategory.BILL, "Facture", "Une question sur la facture.")
    )
    await backend.invite(token, "Léa", "Amie", "lea.amie@exemple.fr", "73000")
    await backend.close()

    listed = cli_json("fake", "requests", data_dir=world)
    assert request.ref in [r["ref"] for r in listed]
    cli("fake", "requests", "reply", request.ref, "Votre facture est correcte.", data_dir=world)
    cli("fake", "requests", "status", request.ref, "cloturee", data_dir=world)
    row = next(r for r in cli_json("fake", "requests", data_dir=world) if r["ref"] == request.ref)
    assert row["status"] == "cloturee" and any(
        e["text"] == "Votre facture est correcte." for e in row["events"]
    )

    accepted = cli_json(
        "fake", "referral", "accept", "lea.amie@exemple.fr", "--energy", "dual", data_dir=world
    )
    assert accepted["status"] == "souscrite" and accepted["bonus_cents"] == 4000
    again = cli("fake", "referral", "accept", "lea.amie@exemple.fr", data_dir=world, check=False)
    assert again.returncode == 1 and "Aucune invitation" in again.stderr


def test_command_line_routes_the_tui_and_the_tester_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A plain start goes to the TUI with its options (without building the tester commands'
    parsers); a command, a typo or --help goes through the whole parser."""
    from geg_tui import cli as command_line

    started: list[Any] = []
    monkeypatch.setattr(command_line, "run_tui", lambda args: started.append(args) or 0)
    assert command_line.main(["--data-dir", str(tmp_path), "--backend", "http"]) == 0
    assert started[0].data_dir == tmp_path and started[0].backend == "http"
    faked: list[Any] = []
    monkeypatch.setattr(command_line, "run_fake", lambda args: faked.append(args) or 0)
    assert command_line.main(["fake", "clock", "--data-dir", str(tmp_path)]) == 0
    assert faked[0].fake_command == "clock" and len(started) == 1
    assert command_line.main(["--data-dir", str(tmp_path / "d"), "fake", "clock"]) == 0
    assert faked[1].data_dir == tmp_path / "d"  # given before the command, kept
    for words in (["fak"], ["--backend", "ftp"], ["--help"], ["--hel"]):
        with pytest.raises(SystemExit) as stop:
            command_line.main(words)
        assert stop.value.code == (2 if words[0] in ("fak", "--backend") else 0)
        if words[0].startswith("--hel"):  # abbreviated too, the whole help
            assert {"fake", "serve", "factures"} <= set(capsys.readouterr().out.split())


def test_sim_5_faults_list_shows_every_flag_of_json(tmp_path: Path) -> None:
    """Item 9: the text of « faults list » left out « drop after commit », which --json shows."""
    cli("fake", "reset", "--start", "2026-11-27T09:00", data_dir=tmp_path)
    cli("fake", "faults", "set", "pay_invoice", "--drop-after-commit", data_dir=tmp_path)
    cli(
        "fake",
        "faults",
        "set",
        "login",
        "--latency",
        "250",
        "--error-rate",
        "0.3",
        data_dir=tmp_path,
    )
    text = cli("fake", "faults", "list", data_dir=tmp_path).stdout
    rows = cli_json("fake", "faults", "list", data_dir=tmp_path)
    lines = text.strip().splitlines()
    assert len(lines) == len(rows) == 2
    for line, row in zip(lines, rows, strict=True):
        assert line.startswith(row["operation"])
        assert f"{row['latency_ms']} ms" in line and f"{row['error_rate']:.0%}" in line
        drop = "réponse perdue après l'écriture" in line
        assert drop == row["drop_after_commit"], line


def test_data_dir_is_taken_before_or_after_the_fake_command(world: Path) -> None:
    """A tester types ``--data-dir`` wherever it comes to mind; all three places name one world."""
    expected = cli_json("fake", "clock", data_dir=world)["now"]
    for words in (
        ("fake", "--data-dir", str(world), "clock", "--json"),
        ("--data-dir", str(world), "fake", "clock", "--json"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "geg_tui", *words], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["now"] == expected


def test_sec_4_output_cut_by_the_reader_is_no_traceback(world: Path) -> None:
    """``geg-tui fake cards | head -1``: the reader leaves early; nothing but silence follows."""
    process = subprocess.Popen(
        [sys.executable, "-m", "geg_tui", "fake", "cards", "--data-dir", str(world)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command has printed anything
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


@pytest.mark.parametrize(
    ("action", "value"), [("set", "9999-12-31"), ("set", "1999-01-01"), ("advance", "100000d")]
)
def test_sim_1_the_clock_stays_within_2000_to_2099_from_the_command_line_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str, value: str
) -> None:
    """SIM-1/SIM-2: the bounds the HTTP controls and scenarios have are the clock's own: a date
    set from the command line past 2099 left a world whose next advance overflowed (a 500)."""
    from geg_tui import cli

    data = str(tmp_path / "data")
    assert cli.main(["--lang", "fr", "fake", "reset", "--data-dir", data]) == 0
    with pytest.raises(SystemExit) as stop:
        status = cli.main(["--lang", "fr", "fake", "clock", action, value, "--data-dir", data])
        raise SystemExit(status)
    assert stop.value.code == 2
    assert "Erreur" in capsys.readouterr().err

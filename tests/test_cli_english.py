"""``geg-tui`` in English (issue 12, item 5): the help of every command, argparse's own words
and errors, what the tester commands print, and the order in which the language is chosen
(``--lang`` > config.toml ``language`` > ``LC_ALL`` > ``LC_MESSAGES`` > ``LANG`` > French)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geg_tui import cli, i18n
from geg_tui.config import Settings

FRENCH = ("utilisation", "afficher cette aide", "erreur", "dossier", "backend fictif", "Données")
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No language in the environment and an empty config folder of our own."""
    for name in NO_LOCALE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GEG_TUI_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def run_main(*words: str) -> tuple[int, str, str]:
    """``geg-tui WORDS`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(words))
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    return status, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    "words", [(), ("fake",), ("fake", "clock"), ("fake", "faults"), ("serve",)]
)
def test_help_in_english_with_lang(words: tuple[str, ...]) -> None:
    status, out, _err = run_main("--lang", "en", *words, "--help")
    assert status == 0
    assert out.startswith("usage: geg-tui")
    assert "\noptions:\n" in out and "show this help message and exit" in out
    assert not [w for w in FRENCH if w in out], out


@pytest.mark.usefixtures("clean_env")
def test_main_help_says_what_each_option_is() -> None:
    _status, out, _err = run_main("--lang", "en", "--help")
    assert "GEG My Account in a terminal." in out
    assert "interface language" in out and "fake backend controls (testers)" in out
    _status, out, _err = run_main("--lang", "en", "fake", "faults", "--help")
    assert "make the backend slow or faulty" not in out  # the parent's words, not this one's
    assert "added latency (ms)" in out and "error rate 0–1" in out


def test_lang_environment_gives_english_help_in_a_new_process(tmp_path: Path) -> None:
    """``LANG=en_GB.UTF-8 geg-tui fake --help``, as a tester types it."""
    env = {**os.environ, **NO_LOCALE, "LANG": "en_GB.UTF-8"}
    env["GEG_TUI_CONFIG_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "geg_tui", "fake", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: geg-tui fake")
    assert "fake backend's clock" in result.stdout and "demo customers" in result.stdout
    assert not [w for w in FRENCH if w in result.stdout], result.stdout


@pytest.mark.usefixtures("clean_env")
def test_usage_errors_in_english() -> None:
    status, _out, err = run_main("--lang", "en", "fake", "clock", "yesterday")
    assert status == 2
    assert "usage: geg-tui fake clock" in err
    assert "geg-tui fake clock: error: argument action: invalid choice: 'yesterday'" in err
    status, _out, err = run_main("--lang", "en", "fake", "reset", "--seed", "x")
    assert status == 2 and "invalid int value: 'x'" in err
    assert not [w for w in FRENCH if w in err], err


@pytest.mark.usefixtures("clean_env")
def test_tester_commands_print_english(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    status, out, _err = run_main("--lang", "en", "fake", "reset", "--data-dir", data)
    assert status == 0 and out.startswith("Data recreated in") and "(seed 2026)" in out
    status, out, _err = run_main("--lang", "en", "fake", "faults", "--data-dir", data)
    assert status == 0 and out.strip() == "No simulated faults."
    status, out, _err = run_main(
        "--lang", "en", "fake", "faults", "set", "pay_invoice", "--error-rate", "0.5",
        "--data-dir", data,
    )  # fmt: skip
    assert out.strip() == "pay_invoice: latency 0 ms, error rate 50%, answer sent."
    status, _out, err = run_main("--lang", "en", "fake", "clock", "set", "--data-dir", data)
    assert status == 2 and err.strip() == "Error: “clock set” needs a value."
    status, out, _err = run_main("--lang", "en", "fake", "requests", "--data-dir", data)
    assert status == 0
    status, out, _err = run_main("--lang", "en", "fake", "customers", "--data-dir", data)
    assert "born" in out and "contract" in out and "né(e)" not in out


# French words and French typography that English output must not show.
FRENCH_OUTPUT = ("reste à payer", "montant", "né(e)", "attendu", "trouvé", "succès", " :")


def french_in(text: str) -> list[str]:
    """The French words of ``text``, and French amounts (``12,34 €``) and dates (``27/11``)."""
    found = [w for w in FRENCH_OUTPUT if w in text]
    found += re.findall(r"\d+,\d\d[ \u00a0]€|\d\d/\d\d/\d{4}", text)
    return found


@pytest.fixture
def world(clean_env: Path, tmp_path: Path) -> str:
    """A demo world frozen on 27 Nov 2026 at 09:00, with a bill question of the demo customer
    and an invitation sent, for the customer-service and referral commands."""
    import asyncio

    from geg_tui.api.models import ContactForm, RequestCategory
    from geg_tui.fake_backend.backend import FakeBackend
    from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
    from geg_tui.fake_backend.hashing import Hasher

    data = str(tmp_path / "data")
    status, _out, err = run_main("fake", "reset", "--start", "2026-11-27T09:00", "--data-dir", data)
    assert status == 0, err

    async def customer_acts() -> None:
        backend = FakeBackend.open(Path(data), hasher=Hasher(fast=True))
        token = (await backend.login(DEMO_EMAIL, DEMO_PASSWORD)).token
        await backend.create_request(
            token, ContactForm(RequestCategory.BILL, "Facture", "Une question sur la facture.")
        )
        await backend.invite(token, "Léa", "Amie", "lea.amie@exemple.fr", "73000")
        await backend.close()

    asyncio.run(customer_acts())
    return data


def test_customers_in_english(world: str) -> None:
    status, out, _err = run_main("--lang", "en", "fake", "customers", "--data-dir", world)
    assert status == 0
    first, contract = out.splitlines()[:2]
    assert first.startswith("Ms Claire Martin, born 17 Apr 1986, 38100 Grenoble — online account: ")
    assert "(Electricity, " in contract and "Monthly direct debit" in contract
    assert contract.endswith("(left to pay)") and ": €" in contract
    assert not french_in(out), french_in(out)


def test_customers_in_french_as_before(world: str) -> None:
    status, out, _err = run_main("fake", "customers", "--data-dir", world)
    assert status == 0
    first, contract = out.splitlines()[:2]
    assert first.startswith("Mme Claire Martin, né(e) le 17/04/1986, 38100 Grenoble — compte en")
    assert contract.startswith("    contrat ") and " — dernière facture " in contract
    assert "(Électricité, " in contract and " €" in contract and "\u00a0" not in out


def test_cards_in_english(world: str) -> None:
    status, out, _err = run_main("--lang", "en", "fake", "cards", "--data-dir", world)
    lines = out.splitlines()
    assert status == 0 and len(lines) == 8
    # columns two spaces apart, each as wide as its longest English words
    assert lines[0] == (
        "4242424242424242  Visa              payment accepted    Visa: payment accepted."
    )
    assert "card declined" in out and "Visa: card declined by the bank." in out
    assert "American Express" in out and "insufficient funds" in out
    assert not french_in(out) and "paiement" not in out and "succes" not in out
    _status, french, _err = run_main("fake", "cards", "--data-dir", world)
    assert "Visa : paiement accepté." in french and "carte refusée" in french


def test_requests_in_english(world: str) -> None:
    status, out, _err = run_main("--lang", "en", "fake", "requests", "--data-dir", world)
    assert status == 0
    ref, rest = out.strip().split(maxsplit=1)
    assert rest.split() == [
        "Received",
        "Invoice",
        "Facture",
    ]  # the subject as the customer wrote it
    status, out, _err = run_main(
        "--lang", "en", "fake", "requests", "status", ref, "en_cours", "--data-dir", world
    )  # fmt: skip
    assert status == 0 and out.strip() == f"{ref}: In progress."
    status, out, _err = run_main(
        "--lang", "en", "fake", "requests", "resolve", ref, "--data-dir", world
    )  # fmt: skip
    assert status == 0 and out.strip() == f"{ref} resolved: none."
    status, out, _err = run_main("fake", "requests", "--data-dir", world)
    assert "Résolue" in out and "Facture" in out


def test_referral_in_english(world: str) -> None:
    status, out, _err = run_main(
        "--lang", "en", "fake", "referral", "accept", "lea.amie@exemple.fr", "--energy", "dual",
        "--data-dir", world,
    )  # fmt: skip
    assert status == 0
    assert out.strip() == "Invitation for lea.amie@exemple.fr: subscribed (bonus €40.00)."
    status, _out, err = run_main(
        "--lang", "en", "fake", "referral", "accept", "lea.amie@exemple.fr", "--data-dir", world
    )  # fmt: skip
    assert status == 1 and err.startswith("Refused: ") and not french_in(err)


def test_clock_and_reset_in_english(world: str) -> None:
    status, out, _err = run_main("--lang", "en", "fake", "clock", "--data-dir", world)
    assert status == 0 and out.strip() == "27 Nov 2026 at 09:00 (frozen)"
    status, out, _err = run_main(
        "--lang", "en", "fake", "clock", "advance", "2d", "--data-dir", world
    )  # fmt: skip
    assert out.splitlines() == ["2 days simulated in the world.", "29 Nov 2026 at 09:00 (frozen)"]
    status, out, _err = run_main(
        "--lang", "en", "fake", "reset", "--start", "2026-03-01T10:00", "--data-dir", world
    )  # fmt: skip
    assert out.strip().endswith("clock: 1 Mar 2026 at 10:00 (frozen)"), out
    status, out, _err = run_main("fake", "clock", "--data-dir", world)
    assert out.strip() == "01/03/2026 à 10h00 (figée)"


def test_out_of_range_date_refused_in_english(world: str) -> None:
    status, _out, err = run_main(
        "--lang", "en", "fake", "faults", "next", "login", "--kind", "latency", "--latency",
        "999999999", "--data-dir", world,
    )  # fmt: skip
    assert status == 2
    assert err.strip() == "Error: The latency must be between 0 and 120000 ms."


def test_failing_scenario_reported_in_english(tmp_path: Path, clean_env: Path) -> None:
    path = tmp_path / "refused.toml"
    path.write_text(
        '[[step]]\nreset = { start = "2026-11-27T09:00" }\n'
        '[[step]]\nexpect = { mails_to = "nobody@exemple.fr", count = 1 }\n',
        encoding="utf-8",
    )
    status, out, err = run_main("--lang", "en", "fake", "scenario", "run", str(path))
    assert status == 1
    assert out.splitlines()[0] == "Scenario “refused”"
    assert out.splitlines()[-1] == "    expected: 1 — found: 0"
    assert err.strip() == "Scenario failed at step 2."
    assert not french_in(out + err), french_in(out + err)


def test_scenario_refusal_and_wrong_file_in_english(tmp_path: Path, clean_env: Path) -> None:
    path = tmp_path / "refused.toml"
    path.write_text(
        '[[step]]\nreset = { start = "2026-11-27T09:00" }\n'
        '[[step]]\ncall = "get_invoice"\nas = "demo"\nargs = { ref = "000000000000" }\n',
        encoding="utf-8",
    )
    _status, out, _err = run_main("--lang", "en", "fake", "scenario", "run", str(path))
    assert out.splitlines()[-1] == "    expected: success — found: invoice_not_found"
    path.write_text('[[step]]\nclock = "rewind 3d"\n', encoding="utf-8")
    status, _out, err = run_main("--lang", "en", "fake", "scenario", "run", str(path))
    assert status == 2
    assert err.strip() == (
        "Error: Step 1: unknown clock action “rewind” (advance, set, freeze, thaw)."
    )


def test_every_positional_argument_and_option_has_help(english: None) -> None:
    """Each argument of each tester command says what it is (``--energy``, ``action``…)."""
    import argparse

    def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [parser]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += parsers(sub)
        return found

    for parser in parsers(cli.build_parser()):
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, (parser.prog, action.dest)
    _status, out, _err = run_main("--lang", "en", "fake", "referral", "--help")
    assert "accept (subscribe) or refuse" in out and "energy subscribed" in out


def test_demo_hint_in_english(english: None) -> None:
    assert cli.demo_hint().startswith("Demo mode — test account: ")
    assert cli.demo_hint().endswith("Other customers: geg-tui fake customers")


# --- the order in which the language is chosen -------------------------------------------------
@pytest.mark.parametrize(
    ("option", "configured", "environ", "expected"),
    [
        ("en", "fr", {"LC_ALL": "fr_FR.UTF-8"}, "en"),  # --lang first
        ("fr", "en", {"LANG": "en_GB.UTF-8"}, "fr"),
        (None, "en", {"LC_ALL": "fr_FR.UTF-8"}, "en"),  # then config.toml
        (None, "fr", {"LANG": "en_GB.UTF-8"}, "fr"),
        (None, None, {"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR", "LANG": "fr_FR"}, "en"),
        (None, None, {"LC_MESSAGES": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, None, {"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),
        (None, None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, None, {"LANG": "C.UTF-8"}, "fr"),  # C says nothing: French
        (None, None, {}, "fr"),
    ],
)
def test_language_choice_order(
    option: str | None, configured: str | None, environ: dict[str, str], expected: str
) -> None:
    assert i18n.choose_language(option, configured, environ) == expected


def test_start_language_reads_lang_then_config_then_environment(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.choose_start_language([]) == "fr"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert cli.choose_start_language([]) == "en"
    monkeypatch.setenv("LC_MESSAGES", "fr_FR.UTF-8")
    assert cli.choose_start_language([]) == "fr"
    Settings(clean_env).save_language("en")
    assert cli.choose_start_language([]) == "en"
    assert cli.choose_start_language(["--lang", "fr", "fake"]) == "fr"
    assert cli.choose_start_language(["--lang=en"]) == "en"
    assert i18n.current_language() == "en"


def test_lang_after_the_command_and_abbreviated(tmp_path: Path) -> None:
    """« geg-tui fake faults --lang en » speaks English, and so does « --la en », which argparse
    takes for --lang: the language chosen before the parsers agrees with them."""
    data = str(tmp_path / "data")
    status, out, _err = run_main("fake", "faults", "--lang", "en", "--data-dir", data)
    assert status == 0 and out.strip() == "No simulated faults."
    status, out, _err = run_main("--la", "en", "fake", "faults", "--data-dir", data)
    assert status == 0 and out.strip() == "No simulated faults."
    status, out, _err = run_main("--lan=en", "fake", "faults", "--data-dir", data)
    assert status == 0 and out.strip() == "No simulated faults."


def test_the_collector_is_given_back_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """``main`` pauses the garbage collector from its start (the TUI resumes it after its
    first paint); whatever path it takes, a caller gets it back as it was."""
    import gc

    monkeypatch.setattr(cli, "run_tui", lambda args: 0)
    assert gc.isenabled()
    assert cli.main(["--lang", "en"]) == 0
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "--backend", "ftp"])
    assert gc.isenabled()

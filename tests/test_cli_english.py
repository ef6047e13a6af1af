"""``geg-tui`` in English (issue 12, item 5): the help of every command, argparse's own words
and errors, what the tester commands print, and the order in which the language is chosen
(``--lang`` > config.toml ``language`` > ``LC_ALL`` > ``LC_MESSAGES`` > ``LANG`` > French)."""

from __future__ import annotations

import contextlib
import io
import os
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

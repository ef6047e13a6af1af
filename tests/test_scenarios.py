"""Scenario files (SIM-8): the three shipped examples pass, a broken expectation fails with a
readable report (what was expected, what was found, the step), a wrong file is refused (status
2) before anything runs."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from geg_tui.fake_backend import scenario
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import parse_instant
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from tests.conftest import SEED, START

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
PAYMENT = EXAMPLES / "payment-dropped-answer.toml"


@pytest.fixture
def seeded_world(
    monkeypatch: pytest.MonkeyPatch, seeded_template: Store, fast_hasher: Hasher
) -> None:
    """The CLI's scenarios play on a copy of the tests' seeded world (seed 2026, frozen at
    START, test-cost hashes) instead of seeding one: these tests are about the report. Their
    files start with that very reset, which the player then skips (a fresh world)."""

    def open_seeded(_scenario: object, _data_dir: object) -> FakeBackend:
        return FakeBackend(seeded_template.clone(), hasher=fast_hasher)

    monkeypatch.setattr(scenario, "open_backend", open_seeded)


def is_the_tests_world(path: Path) -> bool:
    """Whether the file's first step resets to the tests' world (seed 2026, START)."""
    first = scenario.load(path).first_reset or {}
    start = first.get("start")
    return int(first.get("seed", 2026)) == SEED and bool(start) and parse_instant(start) == START


def run_cli(*args: str) -> tuple[int, str, str]:
    """``geg-tui --lang fr fake scenario run ARGS`` in this process: status, stdout, stderr."""
    from geg_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(["--lang", "fr", "fake", "scenario", "run", *args])
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    return status, out.getvalue(), err.getvalue()


def test_sim_8_three_examples_are_shipped() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.toml")) == [
        "lock-and-unlock.toml",
        "monthly-debits-year.toml",
        "payment-dropped-answer.toml",
    ]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
async def test_sim_8_example_scenario_passes(path: Path, backend: FakeBackend) -> None:
    """DEBIT-4 (a year of debits and the settlement), LOCK-1/LOCK-5 (lock, unlock), PAY-4 (a
    payment whose answer was dropped, sent again): every step holds. Played on the tests'
    world, whose first reset is skipped when it is that very world."""
    report = await scenario.run_on(path, backend, fresh=is_the_tests_world(path))
    failed = [s.to_json() for s in report.steps if not s.ok]
    assert report.passed, failed
    assert len(report.steps) == len(scenario.load(path).steps)


def test_sim_8_cli_prints_the_report_and_exits_0() -> None:
    """The whole command, world seeded in memory by the scenario's own reset."""
    status, out, err = run_cli(str(PAYMENT))
    assert status == 0, err
    assert "Scénario « Paiement renvoyé après une réponse perdue »" in out
    assert "✓ 4. call pay_invoice as demo → issue_inconnue" in out
    assert "Scénario réussi (8 étapes)." in out
    assert "4242" not in out and "987" not in out  # SEC-3: no card in the report


def broken(tmp_path: Path) -> Path:
    """The payment example with one expectation that cannot hold (two payments)."""
    text = PAYMENT.read_text(encoding="utf-8")
    path = tmp_path / "broken.toml"
    path.write_text(
        text.replace(
            'payments_for = "968320100013", count = 1 }',
            'payments_for = "968320100013", count = 2 }',
            1,
        ),
        encoding="utf-8",
    )
    return path


def test_sim_8_a_broken_expectation_stops_with_expected_and_found(
    tmp_path: Path, seeded_world: None
) -> None:
    status, out, err = run_cli(str(broken(tmp_path)))
    assert status == 1
    lines = out.splitlines()
    assert lines[-2] == "  ✗ 5. expect {payments_for='968320100013', count=2}"
    assert lines[-1] == "    attendu : 2 — trouvé : 1"
    assert "✓ 6." not in out  # the first unmet expectation stops the run
    assert err.strip() == "Scénario en échec à l'étape 5."


def test_sim_8_json_report(tmp_path: Path, seeded_world: None) -> None:
    status, out, _err = run_cli(str(broken(tmp_path)), "--json")
    report = json.loads(out)
    assert status == 1 and report["passed"] is False
    assert report["steps"][-1] == {
        "step": 5,
        "action": "expect",
        "detail": "expect {payments_for='968320100013', count=2}",
        "ok": False,
        "expected": "2",
        "found": "1",
    }


def test_sim_8_an_unexpected_refusal_fails_its_step(tmp_path: Path, seeded_world: None) -> None:
    path = tmp_path / "refused.toml"
    path.write_text(
        '[[step]]\nreset = { start = "2026-11-27T09:00" }\n'
        '[[step]]\ncall = "get_invoice"\nas = "demo"\nargs = { ref = "000000000000" }\n',
        encoding="utf-8",
    )
    status, out, _err = run_cli(str(path))
    assert status == 1
    assert "attendu : succès — trouvé : invoice_not_found" in out  # the error's own code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[step]\n", "n'est pas un fichier TOML valide"),
        ("name = 'x'\n", "aucune étape"),
        ("[[step]]\nfly = 1\n", "une action et une seule"),
        ("[[step]]\nclock = 'advance 1d'\nreset = {}\n", "une action et une seule"),
        ("[[step]]\ncall = 'account'\nas = 'nobody'\n", "compte inconnu « nobody »"),
        ("[[step]]\ncall = 'steal'\n", "opération inconnue « steal »"),
        ("[[step]]\ncall = 'account'\nargs = { x = 1 }\n", "pas de paramètre x"),
        ("[[step]]\nclock = 'advance soon'\n", "Durée invalide"),
        ("[[step]]\nexpect = { weather = 'sunny' }\n", "attente inconnue"),
        # Checked whole before anything runs: a typo in a later step does not leave the
        # clock moved by an earlier one; a typo in an expectation does not drop its filter.
        (
            "[[step]]\nclock = 'advance 30d'\n[[step]]\ntester = 'request_reply'\n"
            "args = { ref = 'last', txt = 'x' }\n",
            "request_reply demande aussi text",
        ),
        (
            "[[step]]\nexpect = { mails_to = 'a@b.fr', subjet = 'x', count = 0 }\n",
            "clés inconnues subjet",
        ),
        ("[[step]]\nexpect = { mails_to = ['a'], count = 0 }\n", "attend un texte ou un nombre"),
    ],
)
def test_sim_8_a_wrong_file_is_refused_with_status_2(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")
    status, _out, err = run_cli(str(path))
    assert status == 2 and message in err, err


def test_sim_8_a_missing_file_is_status_2(tmp_path: Path) -> None:
    status, _out, err = run_cli(str(tmp_path / "absent.toml"))
    assert status == 2 and "Impossible de lire" in err

"""``geg-tui --help`` and the tester commands' help and errors in French, argparse's own words
included (issue 11, item 5); in-process: the parser is the point, not a new interpreter."""

from __future__ import annotations

import argparse

import pytest

from geg_tui.cli import build_parser

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "invalid")


def help_of(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([*words, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "words", [(), ("fake",), ("fake", "clock"), ("fake", "faults"), ("serve",)]
)
def test_help_is_in_french(capsys: pytest.CaptureFixture[str], words: tuple[str, ...]) -> None:
    text = help_of(capsys, *words)
    assert text.startswith("utilisation : geg-tui")
    assert "\noptions:\n" in text  # the same word in French (argparse adds the colon)
    assert "-h, --help" in text and "afficher cette aide et quitter" in text
    assert not [w for w in ENGLISH if w in text.replace("\noptions:\n", "")], text


def test_usage_errors_are_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["fake", "clock", "hier"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "utilisation : geg-tui fake clock" in err
    assert "erreur : argument action : choix invalide : 'hier' (au choix : 'show'" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fake"])
    assert "arguments obligatoires manquants" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fake", "reset", "--seed", "x"])
    assert "valeur invalide (int) : 'x'" in capsys.readouterr().err


def test_argparse_itself_is_left_in_english_outside_geg_tui() -> None:
    """The French words hold only during geg-tui's own parser calls."""
    build_parser().format_help()
    parser = argparse.ArgumentParser(prog="autre")
    assert parser.format_usage().startswith("usage: autre")

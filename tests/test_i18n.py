"""The translation machinery (issue 12, items 1, 2 and 4): what the sources may call, the English
catalogue complete and shipped (``make``, the wheel), the language chosen at start, lazy texts,
plurals, the per-language formats, and Babel kept off the way to the first screen.

French is the source language: message ids are the French sentences, so French needs no
catalogue. The completeness test fails until every part's translations are in the ``.po``: its
message lists the ids still missing.
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import string
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from geg_tui import formats, formatting, i18n
from geg_tui.formatting import NBSP, PARIS
from geg_tui.i18n import _, _l, choose_language, ngettext, pgettext, set_language

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "geg_tui"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "geg_tui.po"
MO = PO.with_suffix(".mo")

# The calls that translate now, and those that only mark (their argument is extracted too).
TRANSLATING = {"_", "ngettext", "pgettext"}
LITERAL_ARGUMENTS = {"_": 1, "_l": 1, "N_": 1, "ngettext": 2, "pgettext": 2}


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def import_time_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """The translating calls that run when the module is imported: anywhere but inside a
    function or a lambda (a class body, ``BINDINGS``, a module-level table or comprehension,
    a default argument value). ``_l("…").format(…)`` at import time is frozen as well."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                # Decorators and default values run at import; the body does not.
                for outer in (*child.decorator_list, *child.args.defaults, *child.args.kw_defaults):
                    if outer is not None:
                        visit_one(outer, in_function)
                visit(child, True)
                continue
            visit_one(child, in_function or isinstance(child, ast.Lambda))

    def visit_one(child: ast.AST, in_function: bool) -> None:
        if isinstance(child, ast.Call) and not in_function:
            name = _name(child)
            if name in TRANSLATING:
                found.append((child.lineno, f"{name}()"))
            func = child.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "format"
                and isinstance(func.value, ast.Call)
                and _name(func.value) == "_l"
            ):
                found.append((child.lineno, "_l().format()"))
        visit(child, in_function)

    visit(tree, False)
    return found


def test_no_translation_runs_at_import_time() -> None:
    """``_()`` at import would freeze the language of the import: the language is chosen after
    the imports (``--lang``, config.toml) and changes while running (the settings screen)."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sources()
        for line, what in import_time_calls(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "translated at import time (use _l):\n" + "\n".join(found)


def test_the_checker_sees_import_time_calls() -> None:
    code = (
        "A = _('a')\n"
        "class S:\n"
        "    T = _('t')\n"
        "    B = [x(_('b')) for x in y]\n"
        "    F = _l('f').format(n=1)\n"
        "    def m(self, d=ngettext('d', 'ds', 2)):\n"
        "        return _('fine')\n"
        "L = lambda: _('fine too')\n"
    )
    assert import_time_calls(ast.parse(code)) == [
        (1, "_()"),
        (3, "_()"),
        (4, "_()"),
        (5, "_l().format()"),
        (6, "ngettext()"),
    ]


def test_every_message_is_a_literal() -> None:
    """A message must be extractable: no ``_(f"…")``, ``_(variable)``, ``_("a" + x)``."""
    bad = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node) not in LITERAL_ARGUMENTS:
                continue
            wanted = LITERAL_ARGUMENTS[_name(node)]  # type: ignore[index]
            arguments = node.args[:wanted]
            if len(arguments) < wanted or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arguments
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert not bad, "messages that cannot be extracted:\n" + "\n".join(bad)


# --- the English catalogue ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every message of the sources, extracted as ``make i18n`` does it."""
    pot = tmp_path_factory.mktemp("pot") / "geg_tui.pot"
    # pybabel's own command line, in process (the Makefile's options).
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_",
         "-k", "pgettext:1c,2", "--no-wrap", "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    with pot.open("rb") as handle:
        return read_po(handle)


def english_catalogue() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a ``str.format`` text (``{{`` is a brace, not a placeholder)."""
    try:
        return {field for _t, field, _s, _c in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return message.context, msgid


def test_the_catalogue_compiles_as_make_compiles_it() -> None:
    """``pybabel compile`` (``make catalogues``, hence ``make test`` and CI) refuses a message
    whose %-placeholders differ between French and English — « {share} % des » reads as
    ``% d``, "{share}% of" as ``% o`` — even where the program never uses %: Babel's own
    checks, run here, say which message and why."""
    problems = [
        f"{message.id!r}: {'; '.join(str(error) for error in errors)}"
        for message, errors in english_catalogue().check()
    ]
    assert problems == []


def test_every_message_has_an_english_translation(extracted: Catalog) -> None:
    """Each message id of the sources is in the .po, translated, not fuzzy, with the msgid's
    placeholders (a plural form may leave out the count its sentence does not need)."""
    english = {_key(m): m for m in english_catalogue() if m.id}
    missing, fuzzy, wrong = [], [], []
    for message in extracted:
        if not message.id:
            continue
        key = _key(message)
        shown = f"{key[0]}|{key[1]}" if key[0] else key[1]
        found = english.get(key)
        forms = (
            ()
            if found is None
            else found.string
            if isinstance(found.string, tuple | list)
            else (found.string,)
        )
        if found is None or not forms or not all(forms):
            missing.append(shown)
            continue
        if found.fuzzy:
            fuzzy.append(shown)
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted = set().union(*(placeholders(i) for i in ids))
        got = [placeholders(f) for f in forms]
        plural = isinstance(message.id, tuple | list)
        if (plural and (set().union(*got) != wanted or any(g - wanted for g in got))) or (
            not plural and got[0] != wanted
        ):
            wrong.append(f"{shown!r}: {sorted(wanted)} → {[sorted(g) for g in got]}")
    report = []
    if missing:
        report.append(f"{len(missing)} without English:\n" + "\n".join(map(repr, missing)))
    if fuzzy:
        report.append(f"{len(fuzzy)} fuzzy:\n" + "\n".join(map(repr, fuzzy)))
    if wrong:
        report.append(f"{len(wrong)} with other placeholders:\n" + "\n".join(wrong))
    assert not report, "\n\n".join(report)


def test_the_catalogue_has_english_plural_rules() -> None:
    catalogue = english_catalogue()
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr == "(n != 1)"


def test_the_compiled_catalogue_is_found() -> None:
    """``make`` (catalogues) wrote the .mo that ``make run`` and the tests read."""
    assert MO.is_file(), "no compiled catalogue: run make catalogues"
    assert gettext.find(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["en"]) == str(MO)
    assert i18n.catalogue_found("en")
    assert i18n.catalogue_found("fr")  # the source language needs none


@pytest.fixture
def fresh_catalogues(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty locale folder in place of the package's, the loaded catalogues forgotten."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_translations", {})
    (tmp_path / "en" / "LC_MESSAGES").mkdir(parents=True)
    yield tmp_path / "en" / "LC_MESSAGES"


def _write_po(folder: Path, translations: dict[str, str]) -> None:
    catalogue = Catalog(locale="en", domain=i18n.DOMAIN)
    for french, english in translations.items():
        catalogue.add(french, english)
    catalogue.add(("{n} facture", "{n} factures"), ("{n} invoice", "{n} invoices"))
    with (folder / "geg_tui.po").open("wb") as handle:
        write_po(handle, catalogue)


def test_a_missing_mo_is_compiled_from_the_po_in_memory(fresh_catalogues: Path) -> None:
    """A bare ``pip install -e`` that ran no ``make``: English all the same, from the .po."""
    _write_po(fresh_catalogues, {"Paramètres": "Settings"})
    assert not (fresh_catalogues / "geg_tui.mo").exists()
    assert i18n.catalogue_found("en")
    set_language("en")
    assert _("Paramètres") == "Settings"
    assert _("Pas traduit") == "Pas traduit"  # an untranslated message shows in French
    assert ngettext("{n} facture", "{n} factures", 1) == "{n} invoice"
    assert ngettext("{n} facture", "{n} factures", 0) == "{n} invoices"
    assert not (fresh_catalogues / "geg_tui.mo").exists()  # nothing written into the package


def test_no_catalogue_at_all_is_french_and_said(fresh_catalogues: Path) -> None:
    assert not i18n.catalogue_found("en")
    set_language("en")
    assert _("Paramètres") == "Paramètres"


def _setuptools_too_old() -> str | None:
    """Why the wheel cannot be built without isolation here, if it cannot: the build uses the
    venv's setuptools, and pyproject.toml's ``license = "MIT"`` needs setuptools 77."""
    import re
    import tomllib
    from importlib.metadata import version

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = next(r for r in requires["build-system"]["requires"] if r.startswith("setuptools"))
    found = re.search(r">=\s*(\d+)", wanted)
    have = version("setuptools")
    if found and int(have.split(".")[0]) < int(found.group(1)):
        return f"setuptools {have} here, the build wants {wanted}: pip install '{wanted}'"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("route", ["tree", "sdist"])
def test_the_wheel_ships_the_compiled_catalogue(tmp_path: Path, route: str) -> None:
    """setup.py compiles every .po into the wheel, built from the tree (``pip wheel .``) or
    from the source distribution (``python -m build``: MANIFEST.in brings the .po), and an
    installed geg_tui reads it."""
    too_old = _setuptools_too_old()
    if too_old:
        pytest.skip(too_old)
    tree = tmp_path / "src"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    (tree / "geg_tui/locale/en/LC_MESSAGES/geg_tui.mo").unlink(missing_ok=True)
    # One message surely translated, whatever the state of the catalogue.
    po = tree / "geg_tui/locale/en/LC_MESSAGES/geg_tui.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    probe = next(m for m in catalogue if m.id and isinstance(m.id, str) and not m.context)
    probe.string = probe.string or "<English probe>"
    probe.flags.discard("fuzzy")
    with po.open("wb") as handle:
        write_po(handle, catalogue)

    source = "."
    if route == "sdist":
        built = subprocess.run(
            [sys.executable, "-c",
             "from setuptools import build_meta as b; print(b.build_sdist('dist'))"],
            cwd=tree, check=True, capture_output=True, text=True,
        )  # fmt: skip
        source = str(tree / "dist" / built.stdout.splitlines()[-1])
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(wheels)],
        cwd=tree, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("geg_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "geg_tui/locale/en/LC_MESSAGES/geg_tui.mo" in archive.namelist()
        archive.extractall(tmp_path / "installed")

    code = (
        "import sys, geg_tui, geg_tui.i18n as i\n"
        "i.set_language('en')\n"
        "print(geg_tui.__file__)\n"
        "print(i.catalogue_found('en'), 'babel' in sys.modules)\n"
        f"print(i._({probe.id!r}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "installed")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, capture_output=True,
        text=True,
    ).stdout.splitlines()  # fmt: skip
    assert out[0].startswith(str(tmp_path / "installed"))
    assert out[1] == "True False"  # the .mo, not the .po compiled by Babel
    assert out[2] == probe.string


# --- the language of a run -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "configured", "environ", "expected"),
    [
        ("en", "fr", {"LANG": "fr_FR.UTF-8"}, "en"),  # --lang first
        (None, "en", {"LC_ALL": "fr_FR.UTF-8"}, "en"),  # then config.toml
        ("de", "en", {}, "en"),  # an unknown --lang is passed over
        (None, "de", {"LANG": "en_GB.UTF-8"}, "en"),
        (None, None, {"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR", "LANG": "fr_FR"}, "en"),
        (None, None, {"LC_MESSAGES": "en_US", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, None, {"LANG": "en"}, "en"),
        (None, None, {"LANG": "en_GB.UTF-8@euro"}, "en"),
        (None, None, {"LC_ALL": "", "LANG": "en_IE.UTF-8"}, "en"),  # empty means unset
        (None, None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),
        (None, None, {"LANG": "C"}, "fr"),
        (None, None, {"LC_ALL": "C.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),  # C says: none
        (None, None, {"LC_ALL": "POSIX", "LANG": "en_GB.UTF-8"}, "fr"),
        (None, None, {"LC_ALL": "de_DE.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),  # first set wins
        (None, None, {"LANG": "EN_gb.utf8"}, "en"),
        (None, None, {}, "fr"),
    ],
)
def test_choose_language(
    option: str | None, configured: str | None, environ: dict[str, str], expected: str
) -> None:
    assert choose_language(option, configured, environ) == expected


def test_set_language_refuses_what_it_does_not_speak() -> None:
    with pytest.raises(ValueError):
        set_language("de")
    assert i18n.current_language() == "fr"


@pytest.mark.usefixtures("probe_catalogue")
def test_lazy_text_is_read_in_the_language_of_the_moment() -> None:
    title = _l("Paramètres")
    same = _l("Paramètres")
    assert not isinstance(title, str)
    assert str(title) == "Paramètres" and f"[{title}]" == "[Paramètres]"
    assert f"{title:>12}" == "  Paramètres"
    assert title == same and title != _l("Autre") and title != "Paramètres"  # never a str
    assert hash(title) == hash(same) and len({title, same}) == 1
    assert bool(title) and len(title) == len("Paramètres") and "ètres" in title
    assert _l("Bonjour {nom}").format(nom="Claire") == "Bonjour Claire"
    assert title.msgid == "Paramètres" and repr(title) == "_l('Paramètres')"
    set_language("en")
    assert str(title) == "Settings" and f"{title}!" == "Settings!"
    assert str(title) != "Paramètres"
    assert hash(title) == hash(same)  # keyed by msgid: a dict of them survives a switch
    assert _l("Bonjour {nom}").format(nom="Claire") == "Hello Claire"
    assert title.msgid == "Paramètres" and title.lower() == "settings"
    set_language("fr")
    assert str(title) == "Paramètres"


@pytest.fixture
def probe_catalogue(fresh_catalogues: Path) -> None:
    """A small English catalogue of our own: these tests are about the machinery, whatever
    the state of the real one."""
    _write_po(
        fresh_catalogues,
        {"Paramètres": "Settings", "Bonjour {nom}": "Hello {nom}", "Relevé": "Reading"},
    )
    with (fresh_catalogues / "geg_tui.po").open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    catalogue.add("Relevé", "Meter reading", context="écran")
    with (fresh_catalogues / "geg_tui.po").open("wb") as handle:
        write_po(handle, catalogue)


@pytest.mark.usefixtures("probe_catalogue")
def test_plurals_and_contexts_in_both_languages() -> None:
    # French counts 0 and 1 as singular; English only 1.
    for count, french, english in ((0, "facture", "invoices"), (1, "facture", "invoice"),
                                   (2, "factures", "invoices"), (5, "factures", "invoices")):  # fmt: skip
        set_language("fr")
        assert ngettext("{n} facture", "{n} factures", count) == f"{{n}} {french}"
        set_language("en")
        assert ngettext("{n} facture", "{n} factures", count) == f"{{n}} {english}"
    set_language("fr")
    assert pgettext("écran", "Relevé") == "Relevé"
    set_language("en")
    assert pgettext("écran", "Relevé") == "Meter reading"
    assert _("Relevé") == "Reading"
    assert pgettext("autre", "Relevé") == "Relevé"  # no such context: French


# --- formats ---------------------------------------------------------------------------------

MOMENT = datetime(2026, 11, 27, 13, 5, tzinfo=PARIS)
DAY = date(2026, 11, 27)


def test_formats_in_french_are_those_of_geg_documents() -> None:
    for cents in (0, 5, 123456, -1230, 100000000):
        assert formats.format_money(cents) == formatting.format_money(cents)
        assert formats.format_money(cents, symbol=False) == formatting.format_money(
            cents, symbol=False
        )
    for wh in (0, 499, 500, 1234567):
        assert formats.format_kwh(wh) == formatting.format_kwh(wh)
        assert formats.format_kwh(wh, decimals=1) == formatting.format_kwh(wh, decimals=1)
    for day in (DAY, MOMENT):
        assert formats.format_date(day) == formatting.format_date(day)
        assert formats.format_long_date(day) == formatting.format_long_date(day)
    assert formats.format_datetime(MOMENT) == formatting.format_datetime(MOMENT)
    assert formats.format_time(MOMENT) == formatting.format_time(MOMENT)
    assert [formats.month_name(m) for m in range(1, 13)] == [
        formatting.month_name(m) for m in range(1, 13)
    ]
    assert formats.group_thousands(1234567) == formatting.group_thousands(1234567)


def test_formats_in_french() -> None:
    assert formats.format_money(123456) == f"1{NBSP}234,56{NBSP}€"
    assert formats.format_money(-1230) == f"-12,30{NBSP}€"
    assert formats.format_date(DAY) == "27/11/2026"
    assert formats.format_short_date(DAY) == "27/11"
    assert formats.format_long_date(DAY) == "27 novembre 2026"
    assert formats.format_time(MOMENT) == "13h05"
    assert formats.format_kwh(1234000) == f"1{NBSP}234{NBSP}kWh"
    assert formats.format_percent(12.5, signed=True) == f"+12,5{NBSP}%"
    assert formats.format_percent(-3.25) == f"-3,2{NBSP}%"
    assert formats.format_decimal(1234.5) == f"1{NBSP}234,5"
    assert formats.month_short(2) == "fév"


@pytest.mark.usefixtures("english")
def test_formats_in_english() -> None:
    assert formats.format_money(123456) == "€1,234.56"
    assert formats.format_money(123456, symbol=False) == "1,234.56"
    assert formats.format_money(-1230) == "-€12.30"
    assert formats.format_money(0) == "€0.00"
    assert formats.format_date(DAY) == "27 Nov 2026"
    assert formats.format_date(datetime(2026, 11, 27, 23, 30, tzinfo=PARIS)) == "27 Nov 2026"
    assert formats.format_short_date(DAY) == "27 Nov"
    assert formats.format_long_date(DAY) == "27 November 2026"
    assert formats.format_time(MOMENT) == "13:05"
    assert formats.format_datetime(MOMENT).endswith("13:05")
    assert formats.format_kwh(1234000) == f"1,234{NBSP}kWh"
    assert formats.format_kwh(1234567, decimals=1) == f"1,234.6{NBSP}kWh"
    assert formats.format_kwh(500) == f"1{NBSP}kWh"  # rounded half up, as in French
    assert formats.format_percent(12.5, signed=True) == "+12.5%"
    assert formats.format_percent(-3.25) == "-3.2%"
    assert formats.format_decimal(1234.5) == "1,234.5"
    assert formats.group_thousands(1234567) == "1,234,567"
    assert formats.month_name(1) == "January"
    assert [formats.month_short(m) for m in (1, 5, 9)] == ["Jan", "May", "Sep"]


# --- start-up: no Babel on the way to the first screen --------------------------------------

START_UP = """
import asyncio, sys, tempfile
from pathlib import Path
from geg_tui import i18n
i18n.set_language({language!r})
from geg_tui.app import GegApp
from geg_tui.config import Settings

def no_backend():
    raise RuntimeError("the login screen needs no backend to show")

async def main():
    app = GegApp(no_backend, settings=Settings(Path(tempfile.mkdtemp())), cursor_blink=False,
                 auto_login=False, defer_keyring_check=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.pause()
        print(type(app.screen).__name__, app.screen.query_one("#login").label)

asyncio.run(main())
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "babel")) or "-")
"""


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fr", "en"])
def test_start_up_to_the_login_imports_no_babel(language: str, tmp_path: Path) -> None:
    env = {**os.environ, "GEG_TUI_LOG_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", START_UP.format(language=language)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    screen, babel = out.stdout.splitlines()[-2:]
    assert screen.startswith("LoginScreen"), out.stdout
    assert babel == "-", f"Babel imported on the way to the login screen: {babel}"


@pytest.mark.usefixtures("probe_catalogue")
def test_an_untranslated_plural_keeps_the_french_rule() -> None:
    """Not translated yet, a message shows in French: with French plurals (« 0 facture »)."""
    set_language("en")
    assert ngettext("{n} relevé", "{n} relevés", 0) == "{n} relevé"
    assert ngettext("{n} relevé", "{n} relevés", 2) == "{n} relevés"


# --- enumeration labels ------------------------------------------------------------------------


def test_every_member_of_a_labelled_enumeration_has_its_label() -> None:
    from geg_tui.labels import LABELS, french_label, label_of

    for enumeration in {kind for kind, _member in LABELS}:
        for member in enumeration:
            assert (enumeration, member) in LABELS, member
            assert label_of(member) == french_label(member)  # French: the msgid itself
    from geg_tui.api.models import Energy, Register

    assert label_of(Energy.GAS) == "Gaz naturel" and label_of(Register.GAS) == "Gaz"


@pytest.mark.usefixtures("english")
def test_labels_follow_the_language_but_documents_stay_french() -> None:
    from geg_tui.api.models import Energy
    from geg_tui.labels import french_label, label_of

    assert french_label(Energy.ELECTRICITY) == "Électricité"
    assert label_of(Energy.ELECTRICITY) == i18n._translated("Électricité")

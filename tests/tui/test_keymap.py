"""A person's keys (issue 11, item 6): every binding has an id, ``[keymap]`` in config.toml
remaps them (the key bar and F1 follow), a bad entry is said in French at start and the app
starts anyway, and « se souvenir de moi » never erases the keymap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geg_tui.config import Settings
from geg_tui.keymap import BINDING_IDS, parse_keymap
from geg_tui.screens.help import HelpScreen
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.login import LoginScreen
from geg_tui.widgets.keybar import KeyBar
from tests.tui.pilot_helpers import settle
from tests.tui.test_login_home import log_in


def bar(app: Any) -> str:
    return str(app.screen.query_one(KeyBar).render())


def help_text(app: Any) -> str:
    from textual.widgets import Static

    assert isinstance(app.screen, HelpScreen)
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


def write_config(folder: Path, text: str) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    return Settings(folder)


async def test_a_remapped_key_works_and_is_shown(
    make_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    settings = write_config(
        tmp_path, '[keymap]\nopen-signup = "f8"\nhelp = "f12"\nrefresh = "f5"\n'
    )
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert " f8 Créer un compte " in bar(app) and "f5 Créer" not in bar(app)
        assert " f12 Aide " in bar(app)
        assert not app._notifications  # nothing wrong in that keymap
        await pilot.press("f5")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f12")
        await settle(pilot)
        assert "F8" in help_text(app) and "Créer un compte" in help_text(app)
        await pilot.press("escape")
        await pilot.press("f8")
        await settle(pilot)
        assert type(app.screen).__name__ == "SignupScreen"


async def test_a_bad_keymap_says_what_is_wrong_in_french_and_starts(
    make_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    settings = write_config(
        tmp_path,
        'remembered_email = "x@example.org"\n[keymap]\nsauter = "f9"\nhelp = "ctrl+"\n'
        'logout = 4\nrefresh = "F5"\n',
    )
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "[keymap] « sauter » : identifiant inconnu" in messages
        ours = [n for n in app._notifications if n.title.startswith("Touches personnalisées")]
        assert ours and not any(n.markup for n in ours)  # « [keymap] » shown as written
        assert "« help » : une touche est vide" not in messages  # « ctrl+ » is not empty…
        assert "« help »" in messages and "touche d'origine conservée" in messages
        assert "« logout » : la valeur doit être du texte" in messages
        assert "refresh" not in messages  # « F5 » is f5
        assert " f1 Aide " in bar(app)  # the bad entry left the original key
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        await pilot.press("f5")
        assert isinstance(app.screen, HomeScreen)


async def test_a_keymap_that_is_not_toml_starts_with_the_usual_keys(
    make_app: Any, tmp_path: Path
) -> None:
    settings = write_config(tmp_path, "[keymap\nhelp = f2\n")
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "n'est pas un fichier TOML valide" in messages
        assert " f1 Aide " in bar(app)


async def test_a_config_file_that_is_not_utf8_starts_like_a_bad_toml(
    make_app: Any, tmp_path: Path
) -> None:
    """A config.toml saved in Latin-1 by an editor (« é » in a comment) used to stop the app at
    start: it now starts with the usual keys and says so; « se souvenir de moi » still works."""
    settings = write_config(tmp_path, "")
    settings.path.write_bytes('# préférences\n[keymap]\nhelp = "f2"\n'.encode("latin-1"))
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "n'est pas un fichier TOML valide" in messages
        assert " f1 Aide " in bar(app)
    settings._write({"remembered_email": "claire@example.org"}, replace=("remembered_email",))
    assert settings.remembered_email() == "claire@example.org"


def test_remember_me_keeps_the_keymap(tmp_path: Path) -> None:
    settings = write_config(tmp_path, '# mes touches\n[keymap]\nhelp = "f2"\n')
    settings._write({"remembered_email": "claire@example.org"}, replace=("remembered_email",))
    assert settings.remembered_email() == "claire@example.org"
    assert settings.keymap().keys == {"help": "f2"}
    settings._write({}, replace=("remembered_email",))
    assert settings.remembered_email() is None
    assert settings.keymap().keys == {"help": "f2"}
    assert "# mes touches" in settings.path.read_text(encoding="utf-8")


def test_keymap_parsing() -> None:
    parsed = parse_keymap({"pay": "P, ctrl+p", "quit": "ctrl+x", "back": "escape,backspace"})
    assert parsed.keys == {"pay": "P,ctrl+p", "quit": "ctrl+x", "back": "escape,backspace"}
    assert not parsed.problems
    bad = parse_keymap({"pay": "hyper+", "quit": "controle+q", "back": "échappe"})
    assert not bad.keys and len(bad.problems) == 3
    assert "« controle » n'est pas un modificateur" in bad.problems[1]
    assert "« échappe » n'est pas un nom de touche connu" in bad.problems[2]
    assert parse_keymap([1, 2]).problems[0].startswith("[keymap] doit être une table")


def test_every_binding_has_an_id_and_the_keymap_knows_them_all() -> None:
    """README's table and the keymap's check read ``BINDING_IDS``: it must be exactly the ids
    the app and its screens declare, and every one of their bindings must have one."""
    import importlib
    import pkgutil

    from textual.binding import Binding

    import geg_tui.screens
    from geg_tui.app import GegApp

    classes: list[type] = [GegApp]
    for module in pkgutil.iter_modules(geg_tui.screens.__path__):
        mod = importlib.import_module(f"geg_tui.screens.{module.name}")
        classes += [
            c for c in vars(mod).values() if isinstance(c, type) and c.__module__ == mod.__name__
        ]
    declared: set[str] = set()
    for cls in classes:
        for binding in vars(cls).get("BINDINGS", []):
            assert isinstance(binding, Binding) and binding.id, (cls, binding)
            declared.add(binding.id)
    assert declared == set(BINDING_IDS)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{binding_id}`" in readme for binding_id in BINDING_IDS)

"""The client's settings file and the « se souvenir de moi » secret (SEC-5).

The config file (TOML, in the user config directory from platformdirs) holds the remembered
e-mail and the person's own keys (``[keymap]``, geg_tui/keymap.py). The password is kept only in the operating system's keyring, and only when that keyring
is a secure one: not the ``fail`` or ``null`` backends, not ``keyrings.alt`` (plain files), and of
priority ≥ 1. Otherwise nothing secret is stored and the option is offered disabled with the
reason. No Textual here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geg_tui.i18n import _

if TYPE_CHECKING:
    from geg_tui.keymap import Keymap

SERVICE = "geg-tui"
CONFIG_NAME = "config.toml"


def config_dir() -> Path:
    env = os.environ.get("GEG_TUI_CONFIG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path("geg-tui", appauthor=False)


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    secure: bool
    reason: str | None
    name: str


def _is_secure_backend(backend: object) -> tuple[bool, str]:
    module = type(backend).__module__
    name = f"{module}.{type(backend).__name__}"
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False, name
    if module.startswith("keyrings.alt"):
        return False, name
    children = getattr(backend, "backends", None)
    if module.startswith("keyring.backends.chainer") and children is not None:
        return any(_is_secure_backend(child)[0] for child in children), name
    try:
        priority = float(type(backend).priority)  # type: ignore[attr-defined]
    except Exception:
        return False, name
    return priority >= 1, name


def keyring_status() -> KeyringStatus:
    """Whether « se souvenir de moi » may store the password, and why not when it may not."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring installation: keep nothing
        return KeyringStatus(
            False, _("Aucun trousseau sécurisé n'est disponible sur ce système."), "?"
        )
    secure, name = _is_secure_backend(backend)
    if secure:
        return KeyringStatus(True, None, name)
    return KeyringStatus(
        False,
        _(
            "Indisponible : aucun trousseau sécurisé du système (Trousseau, Credential Manager, "
            "Secret Service…) n'a été trouvé, et geg-tui ne garde jamais de mot de passe ailleurs."
        ),
        name,
    )


class Settings:
    """The remembered identifier (config file) and its password (keyring)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or config_dir()
        self.path = self.directory / CONFIG_NAME

    def _read(self) -> dict[str, Any] | None:
        """The file's TOML; ``{}`` without a file, None when it cannot be read as TOML."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:  # no file: nothing remembered (and no TOML parser to import at start)
            return {}
        except UnicodeDecodeError:  # edited by hand in another encoding: as a bad TOML file
            return None
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None

    def remembered_email(self) -> str | None:
        data = self._read() or {}
        email = data.get("remembered_email")
        return email if isinstance(email, str) and email else None

    def language(self) -> str | None:
        """``language = "en"`` in the file, if it names a language geg-tui speaks."""
        from geg_tui.i18n import LANGUAGES

        value = (self._read() or {}).get("language")
        return value if value in LANGUAGES else None

    def save_language(self, language: str) -> None:
        """Keep the language chosen in the settings screen for the next start."""
        self._write({"language": language}, replace=("language",))

    def keymap(self) -> Keymap:
        """The person's keys (``[keymap]``): what Textual can use, and a message (in the person's language) for
        each entry left out (and for a file that is not TOML)."""
        from geg_tui.keymap import Keymap, parse_keymap

        data = self._read()
        if data is None:
            return Keymap(
                problems=[
                    _(
                        "{path} n'est pas un fichier TOML valide : touches par défaut utilisées."
                    ).format(path=self.path)
                ]
            )
        return parse_keymap(data.get("keymap"))

    def remembered_password(self, email: str) -> str | None:
        if not keyring_status().secure:
            return None
        try:
            import keyring

            return keyring.get_password(SERVICE, email)
        except Exception:
            return None

    def remember(self, email: str, password: str) -> bool:
        """Keep the e-mail in the file and the password in the keyring; False if not secure."""
        if not keyring_status().secure:
            return False
        import keyring

        try:
            keyring.set_password(SERVICE, email, password)
        except Exception:
            return False
        self._write({"remembered_email": email}, replace=("remembered_email",))
        return True

    def forget(self) -> None:
        """Logout forgets: the keyring entry and the remembered e-mail go."""
        email = self.remembered_email()
        if email:
            try:
                import keyring

                keyring.delete_password(SERVICE, email)
            except Exception:
                pass
        self._write({}, replace=("remembered_email",))

    def _write(self, data: dict[str, str], *, replace: tuple[str, ...]) -> None:
        """Replace the top-level keys ``replace`` by ``data`` (the remembered e-mail, the
        language), keeping every other line of the file as the person wrote it (their
        ``[keymap]`` above all)."""
        import json  # TOML strings are JSON strings for what we write

        self.directory.mkdir(parents=True, exist_ok=True)
        header = (
            "# geg-tui — préférences (aucun mot de passe ici : il est dans le trousseau du système)"
        )
        try:
            kept = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):  # none, or not UTF-8: rewritten with ours only
            kept = []
        # Top-level keys must come before the first [table]: ours go right after the comments
        # at the top; a previous line of a replaced key (top level) goes.
        first_table = next(
            (i for i, line in enumerate(kept) if line.lstrip().startswith("[")), len(kept)
        )
        top = [
            line
            for line in kept[:first_table]
            if line != header and line.split("=")[0].strip() not in replace
        ]
        lines = [header]
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
        lines += top + kept[first_table:]
        # Written beside, then moved over: an interrupted write never loses the person's keymap.
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(partial, self.path)

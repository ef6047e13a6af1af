"""Logging a command in, and keeping its session for the next command.

Who logs in: the account remembered by the TUI's « Se souvenir de moi » (e-mail in
config.toml, password in the secure keyring: ``config.Settings``), unless ``GEG_TUI_EMAIL``
names another one (a script choosing its account); else ``GEG_TUI_EMAIL`` (or an e-mail asked
for on a terminal) with the password read from ``GEG_TUI_PASSWORD_FILE`` or asked with no echo. A password never comes from an
argument (it would be in the shell's history and in ``ps``).

The session is kept between commands only in the secure keyring (``config.keyring_status``),
under the backend it belongs to (``common.target_of``); each command checks it with
``touch_session`` (which also keeps it alive) and logs in again once it has ended. Without a
secure keyring nothing is kept: each command logs in.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from geg_tui.commands.common import EXIT_OK, Context, UsageError
from geg_tui.config import SERVICE, Settings, keyring_status
from geg_tui.i18n import _

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.api.models import Session


def interactive() -> bool:
    """Whether a person is at the keyboard to answer (a test says so itself)."""
    return sys.stdin.isatty()


def ask_text(prompt: str) -> str:
    """A visible answer (the e-mail); the question on stderr, so that stdout stays the
    command's output (``--json``)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return input()


def ask_secret(prompt: str) -> str:
    """An answer typed with no echo (the password)."""
    return getpass.getpass(prompt)


def _session_key(target: str) -> str:
    return f"session {target}"


def kept_session(target: str) -> dict[str, str] | None:
    """The session kept for this backend (token and e-mail), if the keyring is secure."""
    if not keyring_status().secure:
        return None
    try:
        import keyring

        raw = keyring.get_password(SERVICE, _session_key(target))
        data = json.loads(raw) if raw else None
    except Exception:  # a keyring that fails or an entry not ours: as nothing kept
        return None
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        return data
    return None


def keep_session(target: str, session: Session) -> bool:
    """Keep the session for the next command, in the secure keyring only."""
    if not keyring_status().secure:
        return False
    try:
        import keyring

        value = json.dumps({"token": session.token, "email": session.email})
        keyring.set_password(SERVICE, _session_key(target), value)
    except Exception:
        return False
    return True


def forget_session(target: str) -> None:
    """The kept session is gone (ended, or the person logged out)."""
    if not keyring_status().secure:
        return
    try:
        import keyring

        keyring.delete_password(SERVICE, _session_key(target))
    except Exception:
        pass


def wanted_email(settings: Settings) -> str | None:
    """The account this run is for, when known without asking: ``GEG_TUI_EMAIL`` when set (a
    script says which account), else the one the TUI remembers."""
    return os.environ.get("GEG_TUI_EMAIL") or settings.remembered_email() or None


async def session_token(backend: Backend, target: str) -> str:
    """A valid session for this run: the kept one if still valid and of the same account, else
    a new log-in (kept in turn)."""
    from geg_tui.api.errors import SessionExpired

    settings = Settings()
    email = wanted_email(settings)
    kept = kept_session(target)
    if kept and (email is None or kept.get("email", "").lower() == email.lower()):
        try:
            session = await backend.touch_session(kept["token"])
        except SessionExpired:
            forget_session(target)
        else:
            return session.token
    email, password = credentials(settings)
    session = await backend.login(email, password)
    keep_session(target, session)
    return session.token


def credentials(settings: Settings) -> tuple[str, str]:
    """E-mail and password: the remembered account's (its password in the keyring), else the
    password file, else asked."""
    email = wanted_email(settings)
    remembered = settings.remembered_email()
    if email and remembered and email.lower() == remembered.lower():
        password = settings.remembered_password(remembered)
        if password:
            return remembered, password
    if not email:
        if not interactive():
            raise UsageError(
                _(
                    "aucun compte à utiliser : connectez-vous une fois dans geg-tui avec « Se "
                    "souvenir de moi », ou donnez GEG_TUI_EMAIL et GEG_TUI_PASSWORD_FILE."
                )
            )
        email = asked(ask_text, _("Identifiant (adresse e-mail) : ")).strip()
    return email, password_for(email)


def password_for(email: str) -> str:
    """The password of ``email``: from ``GEG_TUI_PASSWORD_FILE``, else asked with no echo."""
    path = os.environ.get("GEG_TUI_PASSWORD_FILE")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                _("impossible de lire GEG_TUI_PASSWORD_FILE ({path}) : {reason}").format(
                    path=path, reason=getattr(exc, "strerror", None) or type(exc).__name__
                )
            ) from exc
        warn_if_others_can_read(Path(path))
        # The file's first line: an editor's final newline is not part of the password.
        return text.splitlines()[0] if text.strip("\r\n") else ""
    if not interactive():
        raise UsageError(
            _(
                "mot de passe de {email} introuvable : donnez GEG_TUI_PASSWORD_FILE (un fichier "
                "lisible par vous seul) ou lancez la commande dans un terminal."
            ).format(email=email)
        )
    return asked(ask_secret, _("Mot de passe de {email} : ").format(email=email))


def warn_if_others_can_read(path: Path) -> None:
    """A password file other users of the machine can read is said on stderr (with the command
    that mends it), as ssh does for a key; the command goes on: the file is the person's."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            print(
                _(
                    "attention : {path} est lisible par d'autres que vous ; "
                    "protégez-le avec : chmod 600 {path}"
                ).format(path=path),
                file=sys.stderr,
            )


def asked(ask: Callable[[str], str], prompt: str) -> str:
    """One answer; Ctrl+D is « nothing to answer »: the command stops, nothing was sent."""
    try:
        return ask(prompt)
    except EOFError as exc:
        raise UsageError(_("saisie interrompue : rien n'a été envoyé.")) from exc


async def logout(backend: Backend, target: str) -> bool:
    """End the kept session (``geg-tui deconnexion``); False when none was kept."""
    from geg_tui.api.errors import SessionExpired

    kept = kept_session(target)
    if kept is None:
        return False
    with contextlib.suppress(SessionExpired):
        await backend.logout(kept["token"])
    forget_session(target)
    return True


async def logout_command(ctx: Context) -> int:
    """``geg-tui deconnexion``: the kept session ends (the next command logs in again)."""
    if await logout(ctx.backend, ctx.target):
        print(_("Session fermée."))
    else:
        print(_("Aucune session gardée."))
    return EXIT_OK

"""Unexpected failures are never silent: a notice for the person (in their language), the
details in a log.

An exception that nobody expected (a bug, not a typed ``BackendError``, which screens show in
their forms) in a worker or a message handler would otherwise vanish (workers declared with
``exit_on_error=False``) or close the app and lose what was typed (a handler). Instead:

- the person gets a short notice: what failed, that nothing typed is lost, how to retry;
- the details go to ``geg-tui.log`` in the user log directory (``platformdirs``), or in
  ``$GEG_TUI_LOG_DIR``, or in the ``log_dir`` given to ``GegApp`` (tests): the traceback, the
  screen and the worker — no locals (``traceback`` prints none), and the text is scrubbed of the
  session token and of every value typed in the screen's fields, card numbers and IBANs;
- while the test suite records (``RECORDING``), every failure is appended to ``REPORTED``, which it checks after each test
  (``tests/conftest.py``): a test fails on an unexpected exception unless it says it expects one.

The log is size-bounded (rotating: ``MAX_BYTES`` × ``BACKUPS``) and opened at the first
failure only: a session without failures writes nothing. This module does not import Textual.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geg_tui.i18n import _

LOG_DIR_ENV = "GEG_TUI_LOG_DIR"
LOG_NAME = "geg-tui.log"
MAX_BYTES = 512 * 1024
BACKUPS = 2
MASK = "•••"
# Card numbers (13 to 19 digits, spaced or not) and IBANs: never in a log, whoever typed them.
# Separators a person or a format may put between the groups: space, dash, dot.
_CARD = re.compile(r"(?<![0-9])(?:\d[ .-]?){12,18}\d(?![0-9])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ .-]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")


@dataclass(frozen=True, slots=True)
class Failure:
    """One unexpected exception, as reported (kept in ``REPORTED`` for the tests)."""

    error: BaseException
    what: str
    screen: str
    worker: str | None


REPORTED: list[Failure] = []
# Only the test suite keeps the failures (``tests/conftest.py`` turns this on around each test):
# in the product, a failure kept would hold its traceback's frames — typed values among them —
# for the life of the process.
RECORDING = False


def record(failure: Failure) -> None:
    """Keep ``failure`` for the test that is running, if any."""
    if RECORDING:
        REPORTED.append(failure)


def default_log_dir() -> Path:
    """``$GEG_TUI_LOG_DIR``, else the user log directory (``~/.local/state/geg-tui/log``…)."""
    configured = os.environ.get(LOG_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("geg-tui"))


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` without the given secrets (typed values, the token), card numbers and IBANs —
    each secret as typed and as a traceback may print it (``repr``, JSON or URL escaping)."""
    forms = {form for s in secrets if s and len(s.strip()) >= 3 for form in _written(s)}
    for secret in sorted(forms, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _IBAN.sub(MASK, text)  # first: an IBAN's digits would look like a card number
    return _CARD.sub(MASK, text)


def _written(secret: str) -> set[str]:
    """The ways ``secret`` may appear in a message: as is, escaped by ``repr`` or JSON, in a URL."""
    import json
    from urllib.parse import quote

    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe="")}


def details(failure: Failure, secrets: Iterable[str]) -> str:
    """The log entry: where it happened and the traceback (file, line, code; never locals)."""
    lines = traceback.format_exception(failure.error)
    head = f"échec inattendu — écran : {failure.screen} ; action : {failure.what}"
    if failure.worker:
        head += f" ; worker : {failure.worker}"
    return scrub(head + "\n" + "".join(lines).rstrip(), secrets)


class FailureLog:
    """The rotating log file of one app, opened at the first failure."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._logger: logging.Logger | None = None

    @property
    def path(self) -> Path:
        return (self.directory or default_log_dir()) / LOG_NAME

    def write(self, text: str) -> Path | None:
        """Append ``text``; ``None`` when the file cannot be written (the notice still shows)."""
        try:
            logger = self._logger or self._open()
            logger.error(text)
        except OSError:
            return None
        return self.path

    def _open(self) -> logging.Logger:
        from logging.handlers import RotatingFileHandler  # imports socket…: not at start-up

        path = self.path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # tracebacks: the person's
        if not path.exists():
            path.touch(mode=0o600)
        logger = logging.getLogger(f"geg_tui.failures.{id(self)}")
        for stale in list(logger.handlers):  # loggers outlive us: an ``id`` is reused
            logger.removeHandler(stale)
            stale.close()
        logger.propagate = False  # the terminal belongs to the TUI: nothing printed there
        logger.setLevel(logging.ERROR)

        class Handler(RotatingFileHandler):
            """Its write errors reach ``write`` (which then names no file in the notice), instead
            of ``logging`` printing them on the terminal, which belongs to the TUI."""

            def handleError(self, record: logging.LogRecord) -> None:  # logging's name
                raise  # called by ``emit`` inside its ``except``: the error itself

        handler = Handler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        self._logger = logger
        return logger

    def close(self) -> None:
        if self._logger is not None:
            for handler in list(self._logger.handlers):
                handler.close()
                self._logger.removeHandler(handler)
            self._logger = None


def notice(what: str, log_path: Path | None) -> str:
    """What the person reads: what failed, nothing typed is lost, how to retry."""
    what = what.rstrip(" .…")
    if log_path is None:
        return _(
            "Échec inattendu — {what}. Rien de ce que vous avez saisi n'est perdu : réessayez "
            "l'action, ou revenez en arrière (Échap) et rouvrez l'écran."
        ).format(what=what)
    return _(
        "Échec inattendu — {what}. Rien de ce que vous avez saisi n'est perdu : réessayez "
        "l'action, ou revenez en arrière (Échap) et rouvrez l'écran. Le détail est enregistré "
        "dans {path}."
    ).format(what=what, path=log_path)


def mark_activity(error: BaseException, label: str) -> None:
    """Remember on ``error`` what was under way when it went through (the innermost wins): the
    loading indicator is gone by the time the worker's failure is reported."""
    if getattr(error, "geg_activity", None) is None:
        with contextlib.suppress(AttributeError, TypeError):
            error.geg_activity = label  # type: ignore[attr-defined]


def activity_of(error: BaseException) -> str | None:
    return getattr(error, "geg_activity", None)

"""What every customer command shares: the backend it talks to, the session, the exit status
of each outcome, and the two outputs (aligned text in the run's language, or ``--json``).

Exit statuses (README « Scripts »): 0 done, 1 refused by GEG (its message on stderr), 2 bad
usage (wrong arguments, input that cannot be sent, no way to ask for a password), 3 the
service did not answer (``BackendUnavailable``, and ``OutcomeUnknown``: nobody knows whether a
write took effect, the message says how to find out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geg_tui.i18n import _

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


class UsageError(Exception):
    """Something this run cannot do as asked (status 2); its text is for the person."""


@dataclass
class Context:
    """One command's run: its arguments, its backend, and the session once asked for."""

    args: argparse.Namespace
    backend: Backend
    target: str
    _token: str | None = field(default=None, repr=False)

    async def token(self) -> str:
        """The session's token: the one kept from an earlier command while valid, else a new
        log-in (``login.session_token``)."""
        if self._token is None:
            from geg_tui.commands.login import session_token

            self._token = await session_token(self.backend, self.target)
        return self._token

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))


Handler = Callable[[Context], Awaitable[int]]


def target_of(args: argparse.Namespace) -> str:
    """Which backend this run talks to, as the kept session is filed under: a session of the
    fake backend of one data directory is worth nothing against a server, or another world."""
    if args.backend == "http":
        return f"http {args.url.rstrip('/')}"
    from geg_tui.cli import default_data_dir

    data_dir: Path = args.data_dir or default_data_dir()
    return f"fake {data_dir.expanduser().resolve()}"


def open_backend(args: argparse.Namespace) -> Backend:
    """The backend the TUI would use with the same options (``--backend``, ``--url``,
    ``--data-dir``): the fake one on the TUI's data directory by default."""
    from geg_tui.api.registry import backend_class

    try:
        cls: Any = backend_class(args.backend)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc
    if args.backend == "fake":
        from geg_tui.cli import default_data_dir

        return cls.open(args.data_dir or default_data_dir())
    return cls(args.url)


def run(args: argparse.Namespace) -> int:
    """Run the command that the parser chose (``args.customer_command``, ``"module:function"``
    under this package) and turn each outcome into its exit status."""
    module, _sep, name = args.customer_command.partition(":")
    handler: Handler = getattr(import_module(f"geg_tui.commands.{module}"), name)
    try:
        return asyncio.run(_run(handler, args))
    except UsageError as exc:
        print(_("Erreur : {message}").format(message=exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(_("Interrompu."), file=sys.stderr)
        return EXIT_USAGE


async def _run(handler: Handler, args: argparse.Namespace) -> int:
    from geg_tui.api.errors import BackendError, BackendUnavailable

    backend = open_backend(args)
    try:
        return await handler(Context(args, backend, target_of(args)))
    except BackendUnavailable as exc:
        report_error(exc, args)
        return EXIT_UNAVAILABLE
    except BackendError as exc:
        report_error(exc, args)
        return EXIT_REFUSED
    finally:
        await backend.close()


def report_error(exc: Exception, args: argparse.Namespace) -> None:
    """A refusal on stderr: its code and params as JSON with ``--json`` (the ``message`` being
    in the run's language), else the message and one line per wrong field."""
    from geg_tui.api.errors import BackendError, BackendUnavailable

    assert isinstance(exc, BackendError)
    if getattr(args, "json", False):
        payload = {**exc.to_payload(), "message": exc.message}
        print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
        return
    if isinstance(exc, BackendUnavailable):
        print(_("Service indisponible : {message}").format(message=exc.message), file=sys.stderr)
    else:
        print(_("Refusé : {message}").format(message=exc.message), file=sys.stderr)
    for text in exc.fields.values():
        print(f"  ✗ {text}", file=sys.stderr)


def print_json(data: Any) -> None:
    """``--json``: the models as the HTTP API encodes them (``api/codec.py``), indented."""
    from geg_tui.api.codec import encode

    print(json.dumps(encode(data), ensure_ascii=False, indent=2))


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Aligned columns, two spaces apart, each as wide as its longest text in the run's language;
    the columns in ``right`` (amounts) aligned right, the last one left as it is."""
    lines = [list(header), *map(list, rows)]
    count = len(header)
    widths = [max(len(line[i]) for line in lines) for i in range(count)]
    out = []
    for line in lines:
        cells = []
        for i, cell in enumerate(line):
            if i == count - 1 and i not in right:
                cells.append(cell)
            elif i in right:
                cells.append(cell.rjust(widths[i]))
            else:
                cells.append(cell.ljust(widths[i]))
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def money(cents: int) -> str:
    """An amount in the run's language, with ordinary spaces (a terminal or a script reads it)."""
    from geg_tui.formats import NBSP, format_money

    return format_money(cents).replace(NBSP, " ").replace("\u202f", " ")


def day(value: Any) -> str:
    """A date in the run's language, short form (``27/11/2026``, ``27 Nov 2026``)."""
    from geg_tui.formats import format_date

    return format_date(value).replace("\u00a0", " ")

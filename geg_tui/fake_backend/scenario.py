"""Scenario files (SIM-8): a tester's story in TOML, played on the fake backend and checked.

Why a file and not a script: a tester writes what happens and what must then be true, without
Python; the same file runs in CI (``geg-tui fake scenario run FILE.toml --json``) and the first
unmet expectation stops the run with what was expected and what was found.

A file has an optional ``name``, optional ``[accounts.NAME]`` tables (``email``, ``password``;
``demo`` is the demo account) and ``[[step]]`` tables, each with exactly one action:

- ``reset = { seed = 2026, start = "2026-01-02T09:00" }``: a new world (SIM-3);
- ``clock = "advance 30d"`` / ``"set 2026-03-01T10:00"`` / ``"freeze"`` / ``"thaw"`` (SIM-1/2);
- ``call = "pay_invoice"`` with ``args = { … }`` (the ``Backend`` method's parameters, as JSON
  over HTTP) and ``as = "NAME"`` for a customer operation (logged in at first use), optionally
  ``expect_error = "CODE"`` (the call must fail with that code) and ``repeat = N``;
- ``tester = "ACTION"`` with ``args``: ``fault_next`` (operation, kind, count, latency_ms),
  ``fault_set`` (operation, latency_ms, error_rate, drop_after_commit), ``faults_clear``,
  ``request_reply`` (ref, text), ``request_status`` (ref, status), ``request_resolve`` (ref),
  ``referral_accept`` (email, energy), ``referral_refuse`` (email); ``ref = "last"`` is the
  latest request;
- ``expect = { … }``: ``invoice`` + ``status``; ``mails_to`` (+ ``subject``, a part of it) +
  ``count``; ``alert`` (a part of the subject) + ``to``: fired exactly once; ``payments_for``
  (an invoice) + ``count``. Mails and alerts count those delivered at or after ``since`` (an
  ISO date or time) when it is given, else all of them.

Everything runs in-process on the given backend (the CLI opens an in-memory one unless
``--data-dir`` is given), through the same ``admin`` functions as the CLI and ``/_test/``.
"""

from __future__ import annotations

import asyncio
import inspect
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, get_type_hints

from geg_tui.api import codec, models
from geg_tui.api.backend import Backend, backend_methods
from geg_tui.api.errors import BackendError
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.i18n import LazyText, _, _l

ACTIONS = ("reset", "clock", "call", "tester", "expect")
STEP_KEYS = frozenset({*ACTIONS, "args", "as", "expect_error", "repeat", "note"})
MAX_REPEAT = 100

# What a step expected or found when it is not a code or a number. ``--json`` keeps these
# French words (scripts compare them); the text report says them in the run's language.
SUCCESS = "succès"
A_REQUEST = "une demande"
NONE_FOUND = "aucune"
_OUTCOME_WORDS: dict[str, LazyText] = {
    SUCCESS: _l("succès"),
    A_REQUEST: _l("une demande"),
    NONE_FOUND: _l("aucune"),
}


def outcome_text(value: str) -> str:
    """An expected or found value as the text report says it (codes and numbers as they are)."""
    words = _OUTCOME_WORDS.get(value)
    return str(words) if words is not None else value


class ScenarioError(ValueError):
    """The file itself is wrong (not TOML, an unknown action or field): nothing to check."""


@dataclass(slots=True)
class StepResult:
    """One step as played: what it was, whether it held, and if not, expected and found."""

    index: int
    action: str
    detail: str
    ok: bool
    expected: str = ""
    found: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.index,
            "action": self.action,
            "detail": self.detail,
            "ok": self.ok,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(slots=True)
class Report:
    name: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.ok for s in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "passed": self.passed,
            "steps": [s.to_json() for s in self.steps],
        }


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    accounts: dict[str, tuple[str, str]]
    steps: list[dict[str, Any]]

    @property
    def first_reset(self) -> dict[str, Any] | None:
        """The first step's reset, if it is one: the world can be opened with it directly."""
        if self.steps and "reset" in self.steps[0]:
            return dict(self.steps[0]["reset"])
        return None


def load(path: Path) -> Scenario:
    """Read and check a scenario file; every mistake is a ``ScenarioError`` naming the step."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            _("Impossible de lire {path} : {error}").format(path=path, error=exc)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(
            _("{path} n'est pas un fichier TOML valide : {error}").format(path=path, error=exc)
        ) from None
    unknown = set(data) - {"name", "accounts", "step"}
    if unknown:
        raise ScenarioError(
            _("Clés inconnues en tête du scénario : {keys}.").format(
                keys=", ".join(sorted(unknown))
            )
        )
    accounts = {"demo": (DEMO_EMAIL, DEMO_PASSWORD)}
    for name, account in dict(data.get("accounts", {})).items():
        if not isinstance(account, dict) or not {"email", "password"} <= set(account):
            raise ScenarioError(
                _("Le compte « {name} » doit avoir email et password.").format(name=name)
            )
        accounts[name] = (str(account["email"]), str(account["password"]))
    steps = data.get("step", [])
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(_("Le scénario n'a aucune étape ([[step]])."))
    for index, step in enumerate(steps, start=1):
        actions = [a for a in ACTIONS if a in step]
        if len(actions) != 1:
            raise ScenarioError(
                _("Étape {n} : une action et une seule parmi {actions}.").format(
                    n=index, actions=", ".join(ACTIONS)
                )
            )
        extra = set(step) - STEP_KEYS
        if extra:
            raise ScenarioError(
                _("Étape {n} : clés inconnues {keys}.").format(
                    n=index, keys=", ".join(sorted(extra))
                )
            )
        if "as" in step and step["as"] not in accounts:
            raise ScenarioError(
                _("Étape {n} : compte inconnu « {name} ».").format(n=index, name=step["as"])
            )
        try:
            _check(step)
        except (ValueError, TypeError, KeyError) as exc:  # ScenarioError included
            raise ScenarioError(_("Étape {n} : {error}").format(n=index, error=exc)) from None
    return Scenario(str(data.get("name", path.stem)), accounts, steps)


# Each tester action and its arguments: (needed, optional). Checked before anything runs.
TESTER_ARGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fault_next": (("operation", "kind"), ("count", "latency_ms")),
    "fault_set": (("operation",), ("latency_ms", "error_rate", "drop_after_commit")),
    "faults_clear": ((), ()),
    "request_reply": (("ref", "text"), ()),
    "request_status": (("ref", "status"), ()),
    "request_resolve": (("ref",), ()),
    "referral_accept": (("email",), ("energy",)),
    "referral_refuse": (("email",), ()),
}
TESTER_ACTIONS = tuple(TESTER_ARGS)
# Each expectation and the keys it needs; ``OPTIONAL`` those it may have. A key outside both
# is a typo that would silently drop a filter (« subjet »): refused.
EXPECTATIONS = {
    "invoice": ("status",),
    "mails_to": ("count",),
    "alert": ("to",),
    "payments_for": ("count",),
}
OPTIONAL = {
    "invoice": (),
    "mails_to": ("subject", "since"),
    "alert": ("since",),
    "payments_for": (),
}


def _check(step: dict[str, Any]) -> None:
    """What can be checked before anything runs: a wrong file is refused whole, not half played
    (durations, dates, operations and their parameters, actions, expectations)."""
    if "reset" in step:
        reset = step["reset"]
        if not isinstance(reset, dict) or set(reset) - {"seed", "start"}:
            raise ScenarioError(
                _("forme attendue : {form}.").format(form='reset = { seed = N, start = "ISO" }')
            )
        int(reset.get("seed", 2026))
        if reset.get("start"):
            admin.bounded_instant(str(reset["start"]))
    elif "clock" in step:
        verb, _sep, value = str(step["clock"]).strip().partition(" ")
        if verb == "advance":
            admin.bounded_duration(value)
        elif verb == "set":
            admin.bounded_instant(value)
        elif verb not in ("freeze", "thaw"):
            raise ScenarioError(
                _("horloge « {verb} » inconnue (advance, set, freeze, thaw).").format(verb=verb)
            )
    elif "call" in step:
        name = str(step["call"])
        if name not in backend_methods() or name == "close":
            raise ScenarioError(_("opération inconnue « {name} ».").format(name=name))
        _arguments(name, dict(step.get("args", {})), decode=False)
        if not 1 <= int(step.get("repeat", 1)) <= MAX_REPEAT:
            raise ScenarioError(_("repeat entre 1 et {max}.").format(max=MAX_REPEAT))
    elif "tester" in step:
        if step["tester"] not in TESTER_ACTIONS:
            raise ScenarioError(
                _("action « {action} » inconnue ({actions}).").format(
                    action=step["tester"], actions=", ".join(TESTER_ACTIONS)
                )
            )
        needed, optional = TESTER_ARGS[step["tester"]]
        given = step.get("args", {})
        if not isinstance(given, dict):
            raise ScenarioError(_("args doit être une table."))
        _closed_keys(str(step["tester"]), given, needed, optional)
    else:
        expect = step["expect"]
        kind = next((k for k in EXPECTATIONS if isinstance(expect, dict) and k in expect), None)
        if kind is None:
            raise ScenarioError(
                _("attente inconnue ({kinds}).").format(kinds=", ".join(EXPECTATIONS))
            )
        missing = [k for k in EXPECTATIONS[kind] if k not in expect]
        if missing:
            raise ScenarioError(
                _("l'attente {kind} demande aussi {keys}.").format(
                    kind=kind, keys=", ".join(missing)
                )
            )
        _closed_keys(kind, expect, (kind, *EXPECTATIONS[kind]), OPTIONAL[kind])
        for key, value in expect.items():
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ScenarioError(_("« {key} » attend un texte ou un nombre.").format(key=key))
        if "since" in expect:
            admin.bounded_instant(str(expect["since"]))


def _closed_keys(
    what: str, given: dict[str, Any], needed: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    """``given`` has every ``needed`` key and nothing outside ``needed`` and ``optional``."""
    missing = [key for key in needed if key not in given]
    unknown = sorted(set(given) - set(needed) - set(optional))
    if missing:
        raise ScenarioError(
            _("{what} demande aussi {keys}.").format(what=what, keys=", ".join(missing))
        )
    if unknown:
        raise ScenarioError(
            _("{what} : clés inconnues {keys} (possibles : {allowed}).").format(
                what=what, keys=", ".join(unknown), allowed=", ".join((*needed, *optional))
            )
        )


def open_backend(scenario: Scenario, data_dir: Path | None) -> FakeBackend:
    """The backend the scenario plays on: in memory unless a data directory is given; seeded
    with the first step's reset directly (that step then costs nothing)."""
    reset = scenario.first_reset or {}
    start = admin.bounded_instant(reset["start"]) if reset.get("start") else None
    return FakeBackend.open(data_dir, seed=int(reset.get("seed", 2026)), start=start)


class Player:
    """Plays one scenario's steps on ``backend``; stops at the first unmet expectation."""

    def __init__(self, scenario: Scenario, backend: FakeBackend, *, fresh: bool) -> None:
        self.scenario = scenario
        self.backend = backend
        self.sessions: dict[str, str] = {}
        self.fresh = fresh  # the backend was just seeded with the first step's reset

    async def run(self) -> Report:
        report = Report(self.scenario.name)
        for index, step in enumerate(self.scenario.steps, start=1):
            result = await self._step(index, step)
            report.steps.append(result)
            if not result.ok:
                break
        return report

    async def _step(self, index: int, step: dict[str, Any]) -> StepResult:
        action = next(a for a in ACTIONS if a in step)
        play = getattr(self, f"_{action}")
        try:
            return await play(index, step)
        except ScenarioError:
            raise
        except BackendError as exc:
            return StepResult(index, action, _describe(step), False, SUCCESS, exc.code)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise ScenarioError(
                _("Étape {n} ({action}) : {error}").format(n=index, action=action, error=exc)
            ) from None

    async def _reset(self, index: int, step: dict[str, Any]) -> StepResult:
        reset = dict(step["reset"])
        if not (index == 1 and self.fresh):
            start = admin.bounded_instant(reset["start"]) if reset.get("start") else None
            await asyncio.to_thread(
                admin.reset_in_place, self.backend, seed=int(reset.get("seed", 2026)), start=start
            )
        self.sessions.clear()
        return StepResult(index, "reset", _describe(step), True)

    async def _clock(self, index: int, step: dict[str, Any]) -> StepResult:
        verb, _sep, value = str(step["clock"]).strip().partition(" ")
        if verb == "advance":
            await asyncio.to_thread(admin.advance, self.backend, admin.bounded_duration(value))
        elif verb == "set":
            await asyncio.to_thread(admin.set_clock, self.backend, admin.bounded_instant(value))
        elif verb == "freeze":
            await asyncio.to_thread(admin.freeze_clock, self.backend)
        elif verb == "thaw":
            await asyncio.to_thread(admin.thaw_clock, self.backend)
        else:
            raise ScenarioError(
                _("Étape {n} : horloge « {verb} » inconnue.").format(n=index, verb=verb)
            )
        return StepResult(index, "clock", _describe(step), True)

    async def _call(self, index: int, step: dict[str, Any]) -> StepResult:
        name = str(step["call"])
        if name not in backend_methods() or name == "close":
            raise ScenarioError(
                _("Étape {n} : opération inconnue « {name} ».").format(n=index, name=name)
            )
        kwargs = _arguments(name, dict(step.get("args", {})))
        wanted = step.get("expect_error")
        repeat = int(step.get("repeat", 1))
        if not 1 <= repeat <= MAX_REPEAT:
            raise ScenarioError(
                _("Étape {n} : repeat entre 1 et {max}.").format(n=index, max=MAX_REPEAT)
            )
        expected = str(wanted) if wanted else SUCCESS
        found = SUCCESS
        for _round in range(repeat):  # each repetition must give the expected outcome
            try:
                if "as" in step:  # logging in is part of the call: a blocked account fails it
                    kwargs["token"] = await self._token(str(step["as"]))
                await getattr(self.backend, name)(**kwargs)
                found = SUCCESS
            except BackendError as exc:
                found = exc.code
            if found != expected:
                break
        return StepResult(index, "call", _describe(step), found == expected, expected, found)

    async def _token(self, account: str) -> str:
        if account not in self.sessions:
            email, password = self.scenario.accounts[account]
            session = await self.backend.login(email, password)
            self.sessions[account] = session.token
        return self.sessions[account]

    async def _tester(self, index: int, step: dict[str, Any]) -> StepResult:
        action = str(step["tester"])
        args = dict(step.get("args", {}))
        if args.get("ref") == "last":
            requests = admin.list_requests(self.backend)
            if not requests:
                detail = _describe(step)
                return StepResult(index, "tester", detail, False, A_REQUEST, NONE_FOUND)
            args["ref"] = requests[-1]["ref"]
        b = self.backend
        plays = {
            "fault_next": lambda: admin.plan_fault(
                b, args["operation"], args["kind"], int(args.get("count", 1)),
                args.get("latency_ms"),
            ),
            "fault_set": lambda: admin.set_fault(
                b, args["operation"], int(args.get("latency_ms", 0)),
                float(args.get("error_rate", 0.0)),
                drop_after_commit=bool(args.get("drop_after_commit", False)),
            ),
            "faults_clear": lambda: admin.clear_faults(b),
            "request_reply": lambda: admin.reply(b, args["ref"], args["text"]),
            "request_status": lambda: admin.set_status(b, args["ref"], args["status"]),
            "request_resolve": lambda: admin.resolve(b, args["ref"]),
            "referral_accept": lambda: admin.referee(b, args["email"], args.get("energy", "elec")),
            "referral_refuse": lambda: admin.referee(b, args["email"], None),
        }  # fmt: skip
        if action not in plays:
            raise ScenarioError(
                _("Étape {n} : action « {action} » inconnue ({actions}).").format(
                    n=index, action=action, actions=", ".join(plays)
                )
            )
        await asyncio.to_thread(plays[action])
        return StepResult(index, "tester", _describe(step), True)

    async def _expect(self, index: int, step: dict[str, Any]) -> StepResult:
        expect = dict(step["expect"])
        detail = _describe(step)
        if "invoice" in expect:
            found = await asyncio.to_thread(admin.invoice_status, self.backend, expect["invoice"])
            wanted = str(expect["status"])
            return StepResult(index, "expect", detail, found == wanted, wanted, found)
        since = admin.bounded_instant(str(expect["since"])) if "since" in expect else None
        if "mails_to" in expect:
            count = self._mails(expect["mails_to"], str(expect.get("subject", "")), since)
            wanted_n = int(expect["count"])
            return StepResult(index, "expect", detail, count == wanted_n, str(wanted_n), str(count))
        if "alert" in expect:
            count = self._mails(expect["to"], str(expect["alert"]), since)
            return StepResult(index, "expect", detail, count == 1, "1", str(count))
        if "payments_for" in expect:
            count = _payments(self.backend, str(expect["payments_for"]))
            wanted_n = int(expect["count"])
            return StepResult(index, "expect", detail, count == wanted_n, str(wanted_n), str(count))
        raise ScenarioError(
            _("Étape {n} : attente inconnue ({kinds}).").format(
                n=index, kinds=", ".join(EXPECTATIONS)
            )
        )

    def _mails(self, to: str, subject: str, since: datetime | None) -> int:
        messages = admin.outbox_after(self.backend, str(to), since=since)
        return sum(subject.lower() in m.subject.lower() for m in messages)


def _arguments(name: str, args: dict[str, Any], *, decode: bool = True) -> dict[str, Any]:
    """The call's arguments decoded as over HTTP (``codec``): a file states them as JSON would."""
    signature = inspect.signature(getattr(Backend, name))
    hints = get_type_hints(getattr(Backend, name), vars(models))
    known = [p for p in signature.parameters if p not in ("self", "token")]
    unknown = set(args) - set(known)
    if unknown:
        raise ScenarioError(
            _("« {name} » n'a pas de paramètre {unknown} (paramètres : {known}).").format(
                name=name, unknown=", ".join(sorted(unknown)), known=", ".join(known)
            )
        )
    if not decode:
        return args
    return {key: codec.decode(hints[key], value) for key, value in args.items()}


def _payments(backend: FakeBackend, invoice_ref: str) -> int:
    with backend.store.read() as db:
        return int(
            db.scalar(
                "SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                "WHERE i.ref = ?",
                (invoice_ref,),
            )
        )


def _describe(step: dict[str, Any]) -> str:
    """The step as the file says it, short (a report line; never a password: ``as`` names)."""
    action = next(a for a in ACTIONS if a in step)
    value = step[action]
    text = f"{action} {value}" if not isinstance(value, dict) else f"{action} {_inline(value)}"
    if "as" in step:
        text += f" as {step['as']}"
    if "args" in step and action == "tester":
        text += f" {_inline(step['args'])}"
    if "expect_error" in step:
        text += f" → {step['expect_error']}"
    return text


def _inline(table: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in table.items()) + "}"


async def run_file(path: Path, data_dir: Path | None = None) -> Report:
    """Load, play and close: the report of one scenario file."""
    scenario = load(path)
    backend = await asyncio.to_thread(open_backend, scenario, data_dir)
    try:
        return await Player(scenario, backend, fresh=data_dir is None).run()
    finally:
        await backend.close()


async def run_on(path: Path, backend: FakeBackend, *, fresh: bool) -> Report:
    """Play a scenario file on a backend the caller owns; ``fresh``: it already is the world of
    the file's first reset (the tests' seeded world, so that the suite does not seed it again)."""
    return await Player(load(path), backend, fresh=fresh).run()

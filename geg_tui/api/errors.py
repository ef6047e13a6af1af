"""Typed errors shared by every backend, each one a stable code with its parameters.

An error says *what* went wrong, not how to say it: a ``code`` (``"account_locked"``), its
``params`` (``{"until": "2026-11-27T10:00:00+00:00"}``) and, for validation, one such problem per
field (``{"field": "password", "code": "password_too_short", "params": {"min": 8}}``). Its
``message`` and ``fields`` (field → text, what the forms read) are rendered when they are read,
in the current language, from :data:`geg_tui.api.problems.TEMPLATES`; a code this client does
not know shows the French text the server sent with it (``fallback``). The HTTP layer maps the
class (``kind``) to a status code and back (``http_status`` / ``from_payload``), so a screen
cannot tell which backend raised them.

The class codes (``kind``: ``validation``, ``compte_bloque``…) and the sub-codes already stored
in data (``carte_refusee``, ``deja_payee``…) keep their historical French spelling: they are
identifiers, not text. Codes added since are English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from geg_tui.api.problems import TEMPLATES, Problem, render
from geg_tui.i18n import LazyText


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field: a code and its params, and the French text sent with it."""

    field: str
    code: str | None
    params: dict[str, Any] = field(default_factory=dict)
    fallback: str = ""

    @property
    def text(self) -> str:
        """The message in the current language; the French fallback for an unknown code."""
        if self.code:
            rendered = render(self.code, self.params)
            if rendered is not None:
                return rendered
        # Neither a template that fits nor a text sent: the general words, never a raw code.
        return self.fallback or render("validation") or ""

    def to_payload(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "params": self.params,
            "message": self.fallback,
        }


def _field_problem(name: str, value: str | Problem | FieldProblem) -> FieldProblem:
    if isinstance(value, FieldProblem):
        return FieldProblem(name, value.code, dict(value.params), value.fallback)
    if isinstance(value, Problem):
        return FieldProblem(name, value.code, dict(value.params), value.french())
    return FieldProblem(name, None, {}, str(value))


class BackendError(Exception):
    """Base of every error a backend may raise to a screen.

    ``message`` may be a :class:`Problem` (what the backends raise) or a French text (an old
    server's message, kept as the fallback); ``fields`` maps each wrong field to a Problem or a
    French text.
    """

    code: ClassVar[str] = "erreur"
    http_status: ClassVar[int] = 400
    default_message: ClassVar[LazyText]  # set below from the table, by class code

    def __init__(
        self,
        message: str | Problem | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.params: dict[str, Any] = dict(params or {})
        if isinstance(message, Problem):
            self.code = message.code
            self.params = {**message.params, **self.params}
            self.fallback = message.french()
        else:
            if code is not None:
                self.code = code
            self.fallback = message or ""
        self.problems: list[FieldProblem] = [
            _field_problem(name, value) for name, value in (fields or {}).items()
        ]
        super().__init__(self.code)

    @property
    def message(self) -> str:
        """The message in the current language, from the code; else the text sent with it;
        else the class's own message."""
        return self._text(french=False)

    def _text(self, *, french: bool) -> str:
        rendered = render(self.code, self.params, french=french)
        if rendered is not None and (
            self.code != type(self).code
            or not self.fallback
            or self.fallback == render(self.code, self.params, french=True)
        ):
            return rendered
        if self.fallback:
            return self.fallback
        return render(type(self).code, self.params, french=french) or ""

    @property
    def fields(self) -> dict[str, str]:
        """Field → message in the current language (what a form shows next to each input)."""
        return {p.field: p.text for p in self.problems}

    def field_problem(self, name: str) -> FieldProblem | None:
        return next((p for p in self.problems if p.field == name), None)

    def __str__(self) -> str:
        return self.message

    def to_payload(self) -> dict[str, Any]:
        """The JSON body the HTTP server sends for this error: codes, params, and the French
        texts as fallbacks for a client that does not know a code."""
        return {
            "kind": type(self).code,
            "code": self.code,
            "params": self.params,
            "message": self._text(french=True),
            "fields": [p.to_payload() for p in self.problems],
        }


class ValidationError(BackendError):
    """Input refused: ``problems`` names each wrong field with its code."""

    code = "validation"
    http_status = 422


class AuthError(BackendError):
    """Login refused. The message never says whether the e-mail or the password was wrong."""

    code = "identifiants_invalides"
    http_status = 401


class _Until(BackendError):
    """An error that lasts until a given time (blocked account, rate limit): ``until`` is also
    a param, so that the message writes it in the reader's language."""

    def __init__(
        self,
        until: datetime,
        message: str | Problem | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.until = until
        params = {**(params or {}), "until": until.isoformat()}
        super().__init__(message, code=code, fields=fields, params=params)

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        payload["until"] = self.until.isoformat()
        return payload


class AccountLocked(_Until):
    """The account is blocked until ``until`` (LOCK-1, LOCK-2)."""

    code = "compte_bloque"
    http_status = 423


class SessionExpired(BackendError):
    """The session token is unknown, ended or expired (AUTH-3)."""

    code = "session_expiree"
    http_status = 401


class Forbidden(BackendError):
    """The customer asked for something that is not theirs (AUTH-6)."""

    code = "interdit"
    http_status = 403


class NotFound(BackendError):
    """The thing asked for does not exist (or is not visible to this customer)."""

    code = "introuvable"
    http_status = 404


class Conflict(BackendError):
    """The request contradicts the current state (already exists, already paid…)."""

    code = "conflit"
    http_status = 409


class RateLimited(_Until):
    """Too many attempts: refused until ``until`` (SIGNUP-5)."""

    code = "trop_de_tentatives"
    http_status = 429


class BackendUnavailable(BackendError):
    """The backend cannot answer now (server down, timeout, injected fault)."""

    code = "service_indisponible"
    http_status = 503


class OutcomeUnknown(BackendUnavailable):
    """A write was sent but its answer never came back (timeout, connection cut after the server
    may have committed it, retries exhausted): nobody can say whether it took effect (PAY-4).

    Mostly a client-side condition: ``HttpBackend`` raises it for a write that carries an
    idempotency key (card payment, meter reading) when it may have reached the server. It is
    still mapped over HTTP (503, kind ``issue_inconnue``) so that a server which itself lost the
    answer of a third party (a payment provider) can say so. The message never claims that
    nothing happened: sending the same request again is safe (same key, never done twice), and
    the outcome must be checked once the service answers.
    """

    code = "issue_inconnue"
    http_status = 503


ERROR_TYPES: dict[str, type[BackendError]] = {
    cls.code: cls
    for cls in (
        BackendError,
        ValidationError,
        AuthError,
        AccountLocked,
        SessionExpired,
        Forbidden,
        NotFound,
        Conflict,
        RateLimited,
        BackendUnavailable,
        OutcomeUnknown,  # after BackendUnavailable: a bare 503 stays BackendUnavailable
    )
}


# Each class's own message, lazily translated (the forms compare a message with it).
for _cls in ERROR_TYPES.values():
    _cls.default_message = TEMPLATES[_cls.code]


def _fields_from_payload(raw: Any) -> dict[str, FieldProblem]:
    """``fields`` as sent: a list of ``{field, code, params, message}`` (an older server sent a
    dict field → French text: still read)."""
    found: dict[str, FieldProblem] = {}
    if isinstance(raw, dict):
        for name, text in raw.items():
            found[str(name)] = FieldProblem(str(name), None, {}, str(text))
    elif isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict) or "field" not in item:
                continue
            name = str(item["field"])
            params = item.get("params")
            found[name] = FieldProblem(
                name,
                str(item["code"]) if item.get("code") else None,
                dict(params) if isinstance(params, dict) else {},
                str(item.get("message") or ""),
            )
    return found


def from_payload(payload: dict[str, Any], status: int) -> BackendError:
    """Rebuild the typed error from the HTTP server's JSON body.

    Sub-codes (``code`` values more precise than the class's) and their params are kept: the
    class is chosen by the ``kind`` the server sends, else by status code.
    """
    kind = payload.get("kind") or ""
    cls = ERROR_TYPES.get(kind)
    if cls is None:
        by_status = {c.http_status: c for c in reversed(list(ERROR_TYPES.values()))}
        cls = by_status.get(status, BackendError)
    message = str(payload.get("message") or "")
    code = str(payload.get("code") or cls.code)
    raw_params = payload.get("params")
    params = dict(raw_params) if isinstance(raw_params, dict) else {}
    fields = _fields_from_payload(payload.get("fields"))
    if issubclass(cls, _Until):
        sent = payload.get("until") or params.get("until")
        try:
            until = datetime.fromisoformat(str(sent))
        except ValueError:  # a server that said « blocked » without until when: not a crash
            return BackendError(message or None, code=code, fields=fields, params=params)
        return cls(until, message or None, code=code, fields=fields, params=params)
    return cls(message or None, code=code, fields=fields, params=params)

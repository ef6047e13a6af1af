"""Typed errors shared by every backend.

Each error carries a stable machine code, a French sentence fit to show a customer, and, for
validation, one French message per field so that a form can show it next to the right input.
The HTTP layer maps them to status codes and back (``http_status`` / ``from_payload``), so a
screen cannot tell which backend raised them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar


class BackendError(Exception):
    """Base of every error a backend may raise to a screen."""

    code: ClassVar[str] = "erreur"
    http_status: ClassVar[int] = 400
    default_message: ClassVar[str] = "Une erreur est survenue. Veuillez réessayer."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.fields: dict[str, str] = dict(fields or {})
        super().__init__(self.message)

    def to_payload(self) -> dict[str, Any]:
        """The JSON body the HTTP server sends for this error."""
        return {
            "kind": type(self).code,
            "code": self.code,
            "message": self.message,
            "fields": self.fields,
        }


class ValidationError(BackendError):
    """Input refused: ``fields`` maps each wrong field to its French message."""

    code = "validation"
    http_status = 422
    default_message = "Certaines informations sont incorrectes. Vérifiez les champs signalés."


class AuthError(BackendError):
    """Login refused. The message never says whether the e-mail or the password was wrong."""

    code = "identifiants_invalides"
    http_status = 401
    default_message = "Identifiant ou mot de passe incorrect."


class _Until(BackendError):
    """An error that lasts until a given time (blocked account, rate limit)."""

    def __init__(
        self,
        until: datetime,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        self.until = until
        super().__init__(message or self.message_until(until), code=code, fields=fields)

    @staticmethod
    def message_until(until: datetime) -> str:
        return "Trop de tentatives. Réessayez plus tard."

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        payload["until"] = self.until.isoformat()
        return payload


class AccountLocked(_Until):
    """The account is blocked until ``until`` (LOCK-1, LOCK-2)."""

    code = "compte_bloque"
    http_status = 423

    @staticmethod
    def message_until(until: datetime) -> str:
        from geg_tui.formatting import format_datetime

        return (
            "Votre compte est bloqué après trois tentatives infructueuses. "
            f"Il sera débloqué le {format_datetime(until)}. Vous pouvez aussi demander "
            "l'accès au service client avec le formulaire de contact."
        )


class SessionExpired(BackendError):
    """The session token is unknown, ended or expired (AUTH-3)."""

    code = "session_expiree"
    http_status = 401
    default_message = "Votre session a expiré. Veuillez vous reconnecter."


class Forbidden(BackendError):
    """The customer asked for something that is not theirs (AUTH-6)."""

    code = "interdit"
    http_status = 403
    default_message = "Vous n'avez pas accès à cet élément."


class NotFound(BackendError):
    """The thing asked for does not exist (or is not visible to this customer)."""

    code = "introuvable"
    http_status = 404
    default_message = "Élément introuvable."


class Conflict(BackendError):
    """The request contradicts the current state (already exists, already paid…)."""

    code = "conflit"
    http_status = 409
    default_message = "Cette opération n'est pas possible dans l'état actuel."


class RateLimited(_Until):
    """Too many attempts: refused until ``until`` (SIGNUP-5)."""

    code = "trop_de_tentatives"
    http_status = 429


class BackendUnavailable(BackendError):
    """The backend cannot answer now (server down, timeout, injected fault)."""

    code = "service_indisponible"
    http_status = 503
    default_message = (
        "Le service est momentanément indisponible. Vos saisies sont conservées : réessayez "
        "dans quelques instants."
    )


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
    default_message = (
        "La réponse du serveur GEG ne nous est pas parvenue : nous ne savons pas encore si votre "
        "demande a été enregistrée. Vos saisies sont conservées : vous pouvez la renvoyer sans "
        "risque, elle ne sera jamais prise en compte deux fois."
    )


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


def from_payload(payload: dict[str, Any], status: int) -> BackendError:
    """Rebuild the typed error from the HTTP server's JSON body.

    Sub-codes (``code`` values more precise than the class's) are kept: the class is chosen by
    the ``kind`` the server sends, else by status code.
    """
    kind = payload.get("kind") or ""
    cls = ERROR_TYPES.get(kind)
    if cls is None:
        by_status = {c.http_status: c for c in reversed(list(ERROR_TYPES.values()))}
        cls = by_status.get(status, BackendError)
    message = str(payload.get("message") or "")
    code = str(payload.get("code") or cls.code)
    fields = {str(k): str(v) for k, v in (payload.get("fields") or {}).items()}
    if cls in (AccountLocked, RateLimited):
        until = datetime.fromisoformat(str(payload["until"]))
        return cls(until, message or None, code=code, fields=fields)
    return cls(message or None, code=code, fields=fields)

"""``HttpBackend``: the ``Backend`` protocol over HTTP (httpx), raising the same typed errors.

One ``httpx.AsyncClient`` per backend (so per app), with explicit timeouts. Reads (GET) are
retried with exponential backoff on connection errors and 503; writes are not, except those
that carry an idempotency key (card payment, meter reading), which are resent with the same key
— the server returns the first result, so a retry never charges or records twice. When the
server cannot be reached the error is ``BackendUnavailable`` with its code (rendered in the
person's language), and the
screen keeps what was typed. When such a write may have reached the server but no answer came
back (timeout, connection cut, a cut body; retries exhausted), the error is ``OutcomeUnknown``
(PAY-4): nobody knows whether it was done, sending it again with the same key is safe. A write
without a key whose answer may have been lost (a password change, a request to the service) is
``OutcomeUnknown`` too, with its own message: it may have been recorded, so the person checks
before sending it again — never « without risk », which only a key can promise.

The methods are generated from the route table (``geg_tui.api.routes``) with the protocol's own
signatures, so the client cannot drift from the protocol; a test compares them.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any
from urllib.parse import quote

import httpx

from geg_tui.api import codec
from geg_tui.api.backend import Backend
from geg_tui.api.errors import BackendError, BackendUnavailable, OutcomeUnknown, from_payload
from geg_tui.api.problems import Problem
from geg_tui.api.routes import API_PREFIX, ROUTES, Route

DEFAULT_URL = "http://127.0.0.1:8787"
# PAY-4 for writes without an idempotency key: what to check before sending again, per route
# (codes of geg_tui.api.problems, rendered in the person's language).
MAYBE_DONE_BY_ROUTE = {
    "change_password": "issue_inconnue_mot_de_passe",
    "create_request": "issue_inconnue_demande",
}


class HttpBackend:
    """The customer account over a ``geg-tui serve`` server (or any server of the same API)."""

    name = "http"

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retries: int = 3,
        backoff: float = 0.2,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=url.rstrip("/") + API_PREFIX,
            transport=transport,
            timeout=timeout or httpx.Timeout(15.0, connect=5.0),
            headers={"user-agent": "geg-tui"},
        )
        self.retries = retries
        self.backoff = backoff

    async def close(self) -> None:
        await self._client.aclose()

    async def _call(self, route: Route, arguments: dict[str, Any]) -> Any:
        path = route.path
        for name in route.path_params:
            path = path.replace("{" + name + "}", quote(str(arguments.get(name, "")), safe=""))
        headers = {}
        if route.authenticated:
            headers["authorization"] = f"Bearer {arguments.get('token', '')}"
        request: dict[str, Any] = {"headers": headers}
        data = {
            name: codec.encode(arguments[name]) for name in route.data_params if name in arguments
        }
        if route.verb == "GET":
            request["params"] = {k: _query(v) for k, v in data.items() if v is not None}
        else:
            request["json"] = data[route.body_model] if route.body_model else data
        retryable = route.verb == "GET" or route.idempotent_write
        attempts = self.retries + 1 if retryable else 1
        maybe_done = False  # PAY-4: a write may have reached the server, its answer lost
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self._client.request(route.verb, path, **request)
            except httpx.TransportError as exc:
                maybe_done = maybe_done or not isinstance(exc, NOT_SENT)
                if last:
                    raise _given_up(route, exc, maybe_done) from exc
            else:
                if response.is_success:
                    try:
                        return _result(route, response)
                    except Unreadable as exc:  # a 2xx whose body was cut: the answer is lost
                        maybe_done = True
                        if last or not route.idempotent_write:
                            raise _given_up(route, exc, maybe_done) from None
                elif response.status_code != 503 or not _transient(response):
                    raise _error(response)  # the server's own answer: the outcome is known
                elif last:
                    raise _given_up(route, response, maybe_done)
            await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")


class Unreadable(ValueError):
    """A successful status whose body is not the API's JSON (a proxy's page, a cut answer)."""


# Transport errors raised before the request could reach the server: nothing was done.
NOT_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def _given_up(route: Route, cause: Exception | httpx.Response, maybe_done: bool) -> BackendError:
    """The error once retries are over. PAY-4: a write with an idempotency key that may have
    reached the server is « outcome unknown » — never « nothing happened »: the person must be
    told that sending it again is safe and that its result will be checked. A write without a
    key that may have reached the server is « outcome unknown » too, but sending it again is not
    safe: the message says what to check first."""
    if maybe_done and route.idempotent_write:
        return OutcomeUnknown()
    if maybe_done and route.verb != "GET" and not route.records_nothing:
        return OutcomeUnknown(
            Problem(MAYBE_DONE_BY_ROUTE.get(route.name, "issue_inconnue_sans_cle"))
        )
    if isinstance(cause, httpx.Response):  # a 503 « unavailable for a moment », kept as sent
        return _error(cause)
    if isinstance(cause, httpx.TimeoutException):
        return BackendUnavailable(Problem("delai_depasse"))
    if isinstance(cause, Unreadable):
        return BackendUnavailable(Problem("reponse_illisible"))
    return BackendUnavailable(Problem("serveur_injoignable"))


def _query(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _transient(response: httpx.Response) -> bool:
    """A 503 worth retrying: the service is down for a moment, not « retry this payment »
    (a test card's answer is for the person, as it is in-process)."""
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return True
    return code != "paiement_a_reessayer"


def _result(route: Route, response: httpx.Response) -> Any:
    hint = codec.return_hint(getattr(Backend, route.name))
    if hint is bytes:
        return response.content
    try:
        payload = response.json()
    except ValueError:  # a proxy's page, a cut answer: not the API speaking
        raise Unreadable(response.status_code) from None
    return codec.decode(hint, payload)


def _error(response: httpx.Response) -> BackendError:
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    return from_payload(payload, response.status_code)


def _method(route: Route) -> Any:
    signature = inspect.signature(getattr(Backend, route.name))

    async def call(self: HttpBackend, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        arguments.pop("self")
        return await self._call(route, arguments)

    functools.update_wrapper(call, getattr(Backend, route.name))
    call.__signature__ = signature  # type: ignore[attr-defined]
    return call


for _route in ROUTES:
    setattr(HttpBackend, _route.name, _method(_route))

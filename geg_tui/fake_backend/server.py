"""The fake backend over HTTP: a Starlette (ASGI) app with one REST route per ``Backend`` method.

Routes come from ``geg_tui.api.routes``; arguments are decoded with ``geg_tui.api.codec`` and
handed to the ``FakeBackend``, which checks them exactly as in-process, so both backends refuse
the same input with the same typed errors. Errors are JSON ``{kind, code, message, fields}`` with
the error's status (400, 401, 403, 404, 409, 422, 423 blocked, 429 rate limit, 503 faults).
Malformed requests (invalid JSON, JSON nested too deep, a body that is not an object, huge bodies,
missing fields) get a 4xx JSON error too; a 5xx other than a 503 (injected fault, busy store) is
a bug. ``/openapi.json`` describes it all.
The injected « connection dropped after the write is committed » fault (SIM-5) sends the status
line and headers, then aborts: the client sees the connection die without an answer. Whether to
drop is decided before the work (``decided_faults``), and the drop is logged as one line — it is
a tester's choice, not an internal error.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any, get_type_hints

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute
from starlette.types import Receive, Scope, Send

from geg_tui.api import codec, models
from geg_tui.api.backend import Backend
from geg_tui.api.errors import BackendError, ValidationError
from geg_tui.api.problems import Problem
from geg_tui.api.routes import API_PREFIX, ROUTES, Route
from geg_tui.fake_backend.backend import FakeBackend, decided_faults


class JSONResponse(StarletteJSONResponse):
    """JSON written in ASCII (``\\u`` escapes): a string the request smuggled in that UTF-8
    cannot encode (a lone surrogate, quoted back in a refusal) can never make the answer fail
    into a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
        ).encode()


MAX_BODY = 256 * 1024  # nothing a customer sends is bigger
MAX_DEPTH = 32  # nothing a customer sends is nested deeper; Python's parser dies near 1000
_JSON_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
DROP_LOG = "panne simulée : réponse à %s %s perdue après l'écriture (connexion coupée)"
log = logging.getLogger("geg_tui.server")


class ConnectionDropped(Exception):
    """The injected fault: the answer is lost after the write was committed."""


class DroppedResponse(Response):
    """Start the answer, then abort the connection (SIM-5)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        log.warning(DROP_LOG, scope.get("method", "?"), scope.get("path", "?"))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"100000")],
            }
        )
        raise ConnectionDropped("connexion coupée après l'écriture (panne simulée)")


def error_response(error: BackendError) -> JSONResponse:
    return JSONResponse(error.to_payload(), status_code=error.http_status)


def bad_request(
    problem: Problem, *, status: int = 400, fields: dict[str, Problem] | None = None
) -> JSONResponse:
    """A request the API cannot read (the client's bug or an attacker's, SEC-4): kind
    ``validation``, its own code."""
    error = ValidationError(problem, fields=fields)
    return JSONResponse(error.to_payload(), status_code=status)


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """More than ``limit`` nested arrays/objects (brackets inside strings do not count): refused
    before parsing, because the parser's recursion would crash on it (SEC-4)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the common case, counted in C
    depth = 0
    for match in _JSON_STRUCTURE.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def parse_body(raw: bytes) -> Any:
    """The JSON body, or a French 400 response for what is not (or too deep) JSON."""
    if too_deep(raw):
        return bad_request(Problem("request_too_deep", max=MAX_DEPTH))
    try:
        return json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return bad_request(Problem("request_not_json"))


def _hints(name: str) -> dict[str, Any]:
    return get_type_hints(getattr(Backend, name), vars(models))


def _query_value(hint: Any, raw: str) -> Any:
    """A query-string value as its parameter's type when it reads as one, else the raw text."""
    text = raw.strip()
    if text.lower() in ("true", "false") and "bool" in str(hint):
        return text.lower() == "true"
    if "int" in str(hint) and text.isascii() and text.lstrip("-").isdecimal() and len(text) < 12:
        return int(text)
    return codec.decode(hint, raw)


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def endpoint(backend: FakeBackend, route: Route) -> Any:
    hints = _hints(route.name)
    method = getattr(backend, route.name)

    async def handle(request: Request) -> Response:
        args: dict[str, Any] = {name: request.path_params[name] for name in route.path_params}
        if route.authenticated:
            args["token"] = _token(request)
        if route.verb == "GET":
            for name in route.data_params:
                if name in request.query_params:
                    args[name] = _query_value(hints[name], request.query_params[name])
            missing = [n for n in route.data_params if n not in args and _required(route, n)]
            if missing:  # e.g. consumption without start/end: a 422, not a TypeError (500)
                fields = dict.fromkeys(missing, "Champ obligatoire.")
                return bad_request(Problem("request_incomplete"), status=422, fields=fields)
        else:
            raw = await request.body()
            if len(raw) > MAX_BODY:
                return bad_request(Problem("request_too_large"), status=413)
            body = parse_body(raw)
            if isinstance(body, Response):
                return body
            if not isinstance(body, dict):
                return bad_request(Problem("request_not_object"))
            try:
                if route.body_model:
                    args[route.body_model] = codec.decode_dataclass(hints[route.body_model], body)
                else:
                    missing = [
                        n for n in route.data_params if n not in body and _required(route, n)
                    ]
                    if missing:
                        raise codec.MissingFields(missing)
                    for name in route.data_params:
                        if name in body:
                            args[name] = codec.decode(hints[name], body[name])
            except codec.MissingFields as exc:
                return bad_request(
                    Problem("request_incomplete"),
                    status=422,
                    fields={n: Problem("required") for n in exc.names},
                )
        try:
            with decided_faults() as decided:
                result = await method(**args)
        except BackendError as exc:
            return error_response(exc)
        if route.verb != "GET" and decided and decided[0].drop_after_commit:
            return DroppedResponse()  # decided before the work: nothing asked after the commit
        if isinstance(result, bytes):
            return Response(result, media_type="application/pdf")
        return JSONResponse(codec.encode(result))

    return handle


def _required(route: Route, name: str) -> bool:
    import inspect

    parameter = inspect.signature(getattr(Backend, route.name)).parameters[name]
    return parameter.default is inspect.Parameter.empty


def openapi(*, test_controls: bool = False) -> dict[str, Any]:
    """A small OpenAPI 3.1 description generated from the route table (with the ``/_test/``
    routes and their schemas when the server has them, SIM-7)."""
    import inspect

    paths: dict[str, Any] = {}
    for route in ROUTES:
        doc = inspect.getdoc(getattr(Backend, route.name)) or route.name
        operation: dict[str, Any] = {
            "operationId": route.name,
            "summary": doc.splitlines()[0],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in route.path_params
            ],
            "responses": {
                "200": {"description": "OK"},
                "4XX": {"description": "Erreur typée {kind, code, message, fields}"},
                "503": {"description": "Service indisponible (panne simulée)"},
            },
        }
        if route.verb == "GET":
            operation["parameters"] += [
                {"name": name, "in": "query", "required": False, "schema": {}}
                for name in route.data_params
            ]
        elif route.data_params:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        if route.authenticated:
            operation["security"] = [{"bearer": []}]
        paths.setdefault(API_PREFIX + route.path, {})[route.verb.lower()] = operation
    paths[API_PREFIX + "/ping"] = {
        "get": {
            "operationId": "ping",
            "summary": "Le serveur répond.",
            "responses": {"200": {"description": "OK"}},
        }
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "GEG Mon Compte — backend de démonstration", "version": "1"},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
    if test_controls:
        from geg_tui.fake_backend import test_controls as controls

        paths.update(controls.openapi_paths())
        document["components"]["schemas"] = controls.openapi_schemas()
    return document


def create_app(
    backend: FakeBackend, *, test_controls: bool = False, remote_test_controls: bool = False
) -> Starlette:
    """The ASGI app serving ``backend``; with ``test_controls``, the tester's ``/_test/``
    routes too (SIM-7: otherwise they answer 404 like any unknown address)."""

    async def ping(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def spec(request: Request) -> Response:
        return JSONResponse(openapi(test_controls=test_controls))

    async def not_found(request: Request, exc: HTTPException) -> Response:
        status = exc.status_code if 400 <= exc.status_code < 500 else 404
        problem = Problem("method_not_allowed" if status == 405 else "address_unknown")
        return bad_request(problem, status=status)

    async def crash(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, ConnectionDropped):  # logged as one line when it happened
            log.exception("erreur interne sur %s %s", request.method, request.url.path)
        return JSONResponse(BackendError(Problem("erreur_interne")).to_payload(), status_code=500)

    routes = [
        StarletteRoute(API_PREFIX + route.path, endpoint(backend, route), methods=[route.verb])
        for route in ROUTES
    ]
    routes += [
        StarletteRoute(API_PREFIX + "/ping", ping, methods=["GET"]),
        StarletteRoute("/openapi.json", spec, methods=["GET"]),
    ]
    if test_controls:
        from geg_tui.fake_backend import test_controls as controls

        routes += controls.routes(backend)
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, Exception: crash})
    # Whether /_test/ answers a request addressed to another name than loopback (SIM-7).
    app.state.remote_test_controls = remote_test_controls
    return app


class QuietDrops(logging.Filter):
    """Drop uvicorn's traceback of an injected connection drop: it was logged as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped)


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with the drops quiet and this module's lines in the same stream."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["quiet_drops"] = {"()": QuietDrops}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("quiet_drops")
    config["loggers"]["geg_tui"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def server_config(app: Any, host: str, port: int) -> Any:
    """The uvicorn configuration ``serve`` runs (tests run the same one)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", log_config=log_config())


def serve(
    data_dir: str,
    host: str,
    port: int,
    *,
    test_controls: bool = False,
    remote_test_controls: bool = False,
) -> None:
    import uvicorn

    backend = FakeBackend.open(data_dir)
    app = create_app(
        backend, test_controls=test_controls, remote_test_controls=remote_test_controls
    )
    uvicorn.Server(server_config(app, host, port)).run()

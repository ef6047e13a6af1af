"""The tester controls over HTTP (SIM-7): routes under ``/_test/``, only with ``serve --test-controls``.

A tester of another client (a web or mobile app, a CI suite) talks HTTP and cannot run ``geg-tui
fake …`` on the server's machine: each control the CLI offers is a route here, calling the same
function of ``admin.py`` (one implementation). Each route declares the JSON schema of its body,
query and answer; the same schemas validate what comes in (so a wrong body is a 422 that says
which field, never a 500) and describe the route in ``/openapi.json`` (so the document cannot
drift from what the route accepts).
The rules run in a worker thread, like the protocol's routes (SQLite and the long poll block).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from geg_tui.api.backend import backend_methods
from geg_tui.api.errors import BackendError
from geg_tui.api.models import RequestStatus
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import admin, fault_plan, faults
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.server import (
    MAX_BODY,
    JSONResponse,
    bad_request,
    error_response,
    parse_body,
)

PREFIX = "/_test"
MAX_WAIT_MS = 30_000  # a long poll never holds a connection longer
POLL_S = 0.05  # how often a long poll looks at the outbox

Schema = dict[str, Any]
# A control's work: (backend, body or query, path parameters) → JSON; run in a worker thread,
# or on the event loop when it is a coroutine function (the long poll).
Handler = Callable[[FakeBackend, dict[str, Any], dict[str, str]], Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    """A closed JSON object: an unknown field is refused (a typo must not be silently ignored)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


STRING: Schema = {"type": "string", "maxLength": 10_000}
SHORT: Schema = {"type": "string", "maxLength": 200}
INSTANT: Schema = {"type": "string", "maxLength": 64, "description": "ISO date or date-time"}
EMPTY: Schema = _object()

SCHEMAS: dict[str, Schema] = {
    "Clock": {
        "type": "object",
        "properties": {
            "now": {"type": "string", "format": "date-time"},
            "frozen": {"type": "boolean"},
            "paris": {"type": "string", "format": "date-time"},
        },
        "required": ["now", "frozen", "paris"],
    },
    "ClockAdvanced": {
        "allOf": [
            _ref("Clock"),
            {"type": "object", "properties": {"days": {"type": "integer"}}, "required": ["days"]},
        ]
    },
    "World": {
        "allOf": [
            _ref("Clock"),
            {"type": "object", "properties": {"seed": {"type": "integer"}}, "required": ["seed"]},
        ]
    },
    "Contract": {
        "type": "object",
        "properties": {
            "contract_ref": {"type": "string"},
            "energy": {"type": "string"},
            "tariff": {"type": "string"},
            "payment_mode": {"type": "string"},
            "communicating_meter": {"type": "boolean"},
            "last_invoice_ref": {"type": ["string", "null"]},
            "last_invoice_amount_cents": {"type": ["integer", "null"]},
            "last_invoice_amount": {"type": ["string", "null"]},
            "last_invoice_amount_label": {"type": ["string", "null"]},
            "last_invoice_status": {"type": ["string", "null"]},
        },
        "required": ["contract_ref", "energy", "tariff", "payment_mode"],
    },
    "Customer": {
        "type": "object",
        "properties": {
            "customer_number": {"type": "string"},
            "civility": {"type": "string"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "birth_date": {"type": "string"},
            "birth_date_iso": {"type": "string", "format": "date"},
            "postcode": {"type": "string"},
            "city": {"type": "string"},
            "phone": {"type": ["string", "null"]},
            "registered": {"type": "boolean"},
            "email": {"type": ["string", "null"]},
            "contracts": {"type": "array", "items": _ref("Contract")},
        },
        "required": ["customer_number", "first_name", "last_name", "registered", "contracts"],
    },
    "Message": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "deliver_at": {"type": "string", "format": "date-time"},
            "channel": {"type": "string", "enum": ["email", "sms"]},
            "to": {"type": "string"},
            "subject": {"type": "string"},
            "body": {"type": "string"},
        },
        "required": ["id", "created_at", "deliver_at", "channel", "to", "subject", "body"],
    },
    "NextMessage": {
        "type": "object",
        "properties": {"message": {"oneOf": [_ref("Message"), {"type": "null"}]}},
        "required": ["message"],
    },
    "Fault": {
        "type": "object",
        "properties": {
            "operation": {"type": "string"},
            "latency_ms": {"type": "integer"},
            "error_rate": {"type": "number"},
            "drop_after_commit": {"type": "boolean"},
        },
        "required": ["operation", "latency_ms", "error_rate", "drop_after_commit"],
    },
    "PlannedFault": {
        "type": "object",
        "properties": {
            "operation": {"type": "string"},
            "kind": {"type": "string", "enum": list(fault_plan.KINDS)},
            "remaining": {"type": "integer"},
            "latency_ms": {"type": "integer"},
        },
        "required": ["operation", "kind", "remaining", "latency_ms"],
    },
    "Faults": {
        "type": "object",
        "properties": {
            "faults": {"type": "array", "items": _ref("Fault")},
            "planned": {"type": "array", "items": _ref("PlannedFault")},
        },
        "required": ["faults", "planned"],
    },
    "ServiceRequest": {
        "type": "object",
        "properties": {
            "ref": {"type": "string"},
            "category": {"type": "string"},
            "subject": {"type": "string"},
            "status": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "email": {"type": ["string", "null"]},
            "name": {"type": ["string", "null"]},
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "author": {"type": "string"},
                        "text": {"type": "string"},
                        "status": {"type": ["string", "null"]},
                    },
                },
            },
        },
        "required": ["ref", "category", "subject", "status", "created_at", "events"],
    },
    "RequestDone": {
        "type": "object",
        "properties": {
            "ref": {"type": "string"},
            "replied": {"type": "boolean"},
            "status": {"type": "string"},
            "effect": {"type": "string"},
        },
        "required": ["ref"],
    },
    "Referee": {
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "status": {"type": "string"},
            "bonus_cents": {"type": "integer"},
            "bonus": {"type": "string"},
        },
        "required": ["email", "status", "bonus_cents", "bonus"],
    },
    "Card": {
        "type": "object",
        "properties": {
            "number": {"type": "string"},
            "brand": {"type": "string"},
            "outcome": {"type": "string"},
            "description": {"type": "string"},
        },
        "required": ["number", "brand", "outcome", "description"],
    },
    "Error": {
        "type": "object",
        "properties": {
            "kind": {"type": "string"},
            "code": {"type": "string"},
            "params": {"type": "object"},
            "message": {"type": "string"},
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string"},
                        "code": {"type": ["string", "null"]},
                        "params": {"type": "object"},
                        "message": {"type": "string"},
                    },
                    "required": ["field", "code", "params", "message"],
                },
            },
        },
        "required": ["kind", "code", "params", "message", "fields"],
    },
}


@dataclass(frozen=True, slots=True)
class Control:
    """One ``/_test/`` route: what it accepts, what it answers, and the ``admin`` call it makes."""

    verb: str
    path: str
    operation_id: str
    summary: str
    handler: Handler
    response: Schema
    body: Schema | None = None  # the JSON body's schema (writes); None for GET
    query: dict[str, Schema] = field(default_factory=dict)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.path.split("/") if part.startswith("{"))


# --- validation: the schemas above, applied (a small subset of JSON Schema is enough) ---------


def problems(schema: Schema, value: Any, where: str = "") -> dict[str, str]:
    """Each field of ``value`` that ``schema`` refuses, with a French reason (empty: valid)."""
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        if not any(_is(t, value) for t in allowed):
            return {where or "corps": f"Type attendu : {' ou '.join(allowed)}."}
    if value is None:
        return {}
    if "enum" in schema and value not in schema["enum"]:
        return {where: f"Valeurs possibles : {', '.join(map(str, schema['enum']))}."}
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        return {where: f"{schema['maxLength']} caractères au plus."}
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return {where: f"Au moins {schema['minimum']}."}
        if "maximum" in schema and value > schema["maximum"]:
            return {where: f"Au plus {schema['maximum']}."}
    found: dict[str, str] = {}
    if isinstance(value, dict) and schema.get("type") == "object":
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found[name] = "Champ obligatoire."
        for name, item in value.items():
            if name in properties:
                found.update(problems(properties[name], item, name))
            elif schema.get("additionalProperties") is False:
                found[str(name)[:100]] = "Champ inconnu."
    return found


def _is(kind: str, value: Any) -> bool:
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }[kind]


def _query_args(control: Control, request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The query string as the declared types (an integer reads as one), and what is wrong."""
    args: dict[str, Any] = {}
    wrong: dict[str, str] = {}
    for name, schema in control.query.items():
        if name not in request.query_params:
            continue
        raw = request.query_params[name]
        value: Any = raw
        if schema.get("type") == "integer":
            text = raw.strip()
            if not (text.isascii() and text.lstrip("-").isdecimal() and len(text) < 12):
                wrong[name] = "Nombre entier attendu."
                continue
            value = int(text)
        wrong.update(problems(schema, value, name))
        args[name] = value
    return args, wrong


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _endpoint(backend: FakeBackend, control: Control) -> Callable[[Request], Any]:
    async def handle(request: Request) -> Response:
        # A page of another site can point its own name at 127.0.0.1 (DNS rebinding) and then
        # read the answers; it cannot make the browser say « localhost » in Host.
        remote = getattr(request.app.state, "remote_test_controls", False)
        if not remote and (request.url.hostname or "") not in LOOPBACK_NAMES:
            return bad_request(Problem("test_controls_loopback_only"), status=403)
        path = {name: str(request.path_params[name]) for name in control.path_params}
        if control.body is None:
            args, wrong = _query_args(control, request)
        else:
            # JSON only: a web page can send a « simple » cross-site request (a form, a fetch
            # in text/plain) to a loopback server without asking; one in application/json
            # needs a preflight this server never grants.
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json":
                return bad_request(Problem("json_body_required"), status=415)
            raw = await request.body()
            if len(raw) > MAX_BODY:
                return bad_request("Requête trop volumineuse.", status=413)
            body = parse_body(raw)
            if isinstance(body, Response):
                return body
            if not isinstance(body, dict):
                return bad_request("Requête invalide : un objet JSON est attendu.")
            args, wrong = body, problems(control.body, body)
        if wrong:
            return bad_request("Requête invalide.", status=422, fields=wrong)
        try:
            if inspect.iscoroutinefunction(control.handler):
                result = await control.handler(backend, args, path)
            else:
                result = await asyncio.to_thread(control.handler, backend, args, path)
        except BackendError as exc:
            return error_response(exc)
        except faults.InvalidValue as exc:  # its code and params, French text as fallback
            return bad_request(exc.problem, status=422)
        except ValueError as exc:  # a date, a duration, an operation the rule refuses
            return bad_request(str(exc), status=422)
        return JSONResponse(result)

    return handle


# --- the controls: each calls ``admin`` (or what the CLI calls) -------------------------------


def _customers(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.customers(backend)


def _outbox(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    since = admin.bounded_instant(args["since"]) if args.get("since") else None
    messages = admin.outbox_after(
        backend, args.get("to"), since=since, after_id=int(args.get("after_id", 0))
    )
    return [m.to_json() for m in messages]


async def _next_mail(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    """A long poll: the first message after ``after_id`` (to ``to``), waiting up to
    ``timeout_ms`` for it, so that a tester's script asks once instead of looping. The wait is
    on the event loop (each look is a short read in a thread): waiting pollers never hold the
    worker threads that customers' calls need."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + int(args.get("timeout_ms", 5000)) / 1000
    after_id = int(args.get("after_id", 0))
    while True:
        found = await asyncio.to_thread(
            admin.outbox_after, backend, args.get("to"), after_id=after_id
        )
        if found or loop.time() >= deadline:
            return {"message": found[0].to_json() if found else None}
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - loop.time())))


def _clock(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.clock_state(backend)


def _clock_set(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    admin.set_clock(backend, admin.bounded_instant(args["at"]))
    return admin.clock_state(backend)


def _clock_advance(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    _now, days = admin.advance(backend, admin.bounded_duration(args["duration"]))
    return {**admin.clock_state(backend), "days": days}


def _freeze(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.freeze_clock(backend)


def _thaw(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.thaw_clock(backend)


def _reset(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    start: datetime | None = admin.bounded_instant(args["start"]) if args.get("start") else None
    return admin.reset_in_place(backend, seed=int(args.get("seed", 2026)), start=start)


def _requests(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.list_requests(backend)


def _reply(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    admin.reply(backend, path["ref"], args["text"])
    return {"ref": path["ref"], "replied": True}


def _status(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    admin.set_status(backend, path["ref"], args["status"])
    return {"ref": path["ref"], "status": args["status"]}


def _resolve(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return {"ref": path["ref"], "effect": admin.resolve(backend, path["ref"])}


def _accept(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.referee(backend, args["email"], args.get("energy", "elec"))


def _refuse(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.referee(backend, args["email"], None)


def _faults(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return {
        "faults": [f.to_json() for f in admin.list_faults(backend)],
        "planned": [f.to_json() for f in admin.list_planned_faults(backend)],
    }


def _set_fault(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    fault = admin.set_fault(
        backend,
        path["operation"],
        int(args.get("latency_ms", 0)),
        float(args.get("error_rate", 0.0)),
        drop_after_commit=bool(args.get("drop_after_commit", False)),
    )
    return fault.to_json()


def _plan_fault(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    planned = admin.plan_fault(
        backend, path["operation"], args["kind"], int(args["count"]), args.get("latency_ms")
    )
    return planned.to_json()


def _clear_faults(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    admin.clear_faults(backend)
    return _faults(backend, args, path)


def _cards(backend: FakeBackend, args: dict[str, Any], path: dict[str, str]) -> Any:
    return admin.test_cards()


def _array(name: str) -> Schema:
    return {"type": "array", "items": _ref(name)}


EMAIL: Schema = {"type": "string", "maxLength": 320}
OPERATIONS = ["*", *backend_methods()]

CONTROLS: tuple[Control, ...] = (
    Control("GET", "/customers", "test_customers", "Clients de démonstration (SIM-3).",
            _customers, _array("Customer")),
    Control("GET", "/outbox", "test_outbox", "Courriels et SMS remis (MAIL-1).", _outbox,
            _array("Message"),
            query={"to": EMAIL, "since": INSTANT,
                   "after_id": {"type": "integer", "minimum": 0}}),
    Control("GET", "/outbox/next", "test_outbox_next",
            "Attendre le prochain message (attente longue, timeout_ms au plus 30 000).",
            _next_mail, _ref("NextMessage"),
            query={"to": EMAIL, "after_id": {"type": "integer", "minimum": 0},
                   "timeout_ms": {"type": "integer", "minimum": 0, "maximum": MAX_WAIT_MS}}),
    Control("GET", "/clock", "test_clock", "L'horloge du backend (SIM-1).", _clock,
            _ref("Clock")),
    Control("POST", "/clock/set", "test_clock_set", "Mettre l'horloge à une date (SIM-1).",
            _clock_set, _ref("Clock"), body=_object(("at",), at=INSTANT)),
    Control("POST", "/clock/advance", "test_clock_advance",
            "Avancer l'horloge : le monde vit ces jours (SIM-2).", _clock_advance,
            _ref("ClockAdvanced"), body=_object(("duration",), duration=SHORT)),
    Control("POST", "/clock/freeze", "test_clock_freeze", "Figer l'horloge.", _freeze,
            _ref("Clock"), body=EMPTY),
    Control("POST", "/clock/thaw", "test_clock_thaw", "Relancer l'horloge.", _thaw,
            _ref("Clock"), body=EMPTY),
    Control("POST", "/reset", "test_reset", "Un nouveau monde (graine, départ figé) (SIM-3).",
            _reset, _ref("World"),
            body=_object(seed={"type": "integer", "minimum": 0, "maximum": 2**31},
                         start={"type": ["string", "null"], "maxLength": 64})),
    Control("GET", "/requests", "test_requests", "Demandes au service client (REQ-4).",
            _requests, _array("ServiceRequest")),
    Control("POST", "/requests/{ref}/reply", "test_request_reply",
            "Répondre en service client (REQ-4).", _reply, _ref("RequestDone"),
            body=_object(("text",), text=STRING)),
    Control("POST", "/requests/{ref}/status", "test_request_status",
            "Changer le statut d'une demande (REQ-4).", _status, _ref("RequestDone"),
            body=_object(("status",),
                         status={"type": "string", "enum": [s.value for s in RequestStatus]})),
    Control("POST", "/requests/{ref}/resolve", "test_request_resolve",
            "Résoudre une demande avec son effet (LOCK-5, RESET-7).", _resolve,
            _ref("RequestDone"), body=EMPTY),
    Control("POST", "/referral/accept", "test_referral_accept",
            "Le filleul souscrit (REF-5).", _accept, _ref("Referee"),
            body=_object(("email",), email=EMAIL,
                         energy={"type": "string", "enum": ["elec", "gas", "dual"]})),
    Control("POST", "/referral/refuse", "test_referral_refuse", "Le filleul refuse (REF-4).",
            _refuse, _ref("Referee"), body=_object(("email",), email=EMAIL)),
    Control("GET", "/faults", "test_faults", "Pannes simulées (SIM-5, SIM-6).", _faults,
            _ref("Faults")),
    Control("PUT", "/faults/{operation}", "test_fault_set",
            "Latence et taux d'erreur d'une opération (SIM-5).", _set_fault, _ref("Fault"),
            body=_object(
                latency_ms={"type": "integer", "minimum": 0, "maximum": faults.MAX_LATENCY_MS},
                error_rate={"type": "number", "minimum": 0, "maximum": 1},
                drop_after_commit={"type": "boolean"})),
    Control("POST", "/faults/{operation}/next", "test_fault_next",
            "Faire échouer les N prochains appels d'une opération (SIM-6).", _plan_fault,
            _ref("PlannedFault"),
            body=_object(("kind", "count"),
                         kind={"type": "string", "enum": list(fault_plan.KINDS)},
                         count={"type": "integer", "minimum": 1,
                                "maximum": fault_plan.MAX_COUNT},
                         latency_ms={"type": "integer", "minimum": 0,
                                     "maximum": faults.MAX_LATENCY_MS})),
    Control("DELETE", "/faults", "test_faults_clear", "Effacer toutes les pannes simulées.",
            _clear_faults, _ref("Faults"), body=EMPTY),
    Control("GET", "/cards", "test_cards", "Cartes de test et leur résultat (PAY-5).", _cards,
            _array("Card")),
)  # fmt: skip


def routes(backend: FakeBackend) -> list[StarletteRoute]:
    """The Starlette routes of every control, for ``create_app(…, test_controls=True)``."""
    return [
        StarletteRoute(PREFIX + c.path, _endpoint(backend, c), methods=[c.verb]) for c in CONTROLS
    ]


def openapi_paths() -> dict[str, Any]:
    """The ``/_test/`` part of ``/openapi.json``: every route with its body, query and answer."""
    paths: dict[str, Any] = {}
    for c in CONTROLS:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in c.path_params
        ]
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in c.query.items()
        ]
        error = {"application/json": {"schema": _ref("Error")}}
        operation: dict[str, Any] = {
            "operationId": c.operation_id,
            "summary": c.summary,
            "tags": ["tests"],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": c.response}},
                },
                "4XX": {"description": "Erreur typée {kind, code, message, fields}",
                        "content": error},
            },
        }  # fmt: skip
        if c.body is not None:
            operation["requestBody"] = {
                "required": False,
                "content": {"application/json": {"schema": c.body}},
            }
        paths.setdefault(PREFIX + c.path, {})[c.verb.lower()] = operation
    return paths


def openapi_schemas() -> dict[str, Schema]:
    return json.loads(json.dumps(SCHEMAS))  # a copy: the document is built for each request

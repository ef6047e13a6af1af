"""The HTTP server itself: status codes per error kind, OpenAPI, and bad requests of any shape.

Requests go straight to ``create_app(fake)`` through Starlette's TestClient (no socket), with
server exceptions turned into responses so that a crash shows as the 500 it would be. Every
refusal must be a 4xx with a JSON body ``{kind, code, message, fields}``; a 5xx other than an
injected 503 is a bug (SEC-4). A customer never reads another's data (AUTH-6).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from geg_tui.api.backend import backend_methods
from geg_tui.api.routes import API_PREFIX, ROUTES, Route
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.server import MAX_BODY, _required, create_app
from geg_tui.fake_backend.store import Store
from tests.conftest import signup_request, unregistered_customer

from .conftest import inject_fault

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PER_ROUTE = settings(PROPERTY, max_examples=8)
ERROR_KEYS = {"kind", "code", "params", "message", "fields"}
FIELD_KEYS = {"field", "code", "params", "message"}


class World:
    """One server on a copy of the demo world, Claire and Bernard logged in, refs of each."""

    def __init__(self, fake: FakeBackend) -> None:
        self.fake = fake
        self.client = TestClient(create_app(fake), raise_server_exceptions=False)
        self.claire = self.login(DEMO_EMAIL, DEMO_PASSWORD)
        request = signup_request(unregistered_customer(fake))
        self.post("/signup", None, json=_plain(request))
        self.bernard = self.login(request.email, request.password)
        claire = self.client.get(API_PREFIX + "/account", headers=self.auth(self.claire)).json()
        self.claire_contracts = [c["ref"] for c in claire["contracts"]]
        invoices = self.get("/invoices", self.claire).json()["invoices"]
        self.claire_invoices = [i["ref"] for i in invoices[:3]]
        form = {"category": "autre", "subject": "Privé", "message": "Demande de Claire seule."}
        self.claire_request = self.post("/requests", self.claire, json=form).json()["ref"]
        self.secrets = {*self.claire_contracts, *self.claire_invoices, self.claire_request}

    @staticmethod
    def auth(token: str | None) -> dict[str, str]:
        return {"authorization": f"Bearer {token}"} if token is not None else {}

    def login(self, email: str, password: str) -> str:
        response = self.post("/sessions", None, json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def get(self, path: str, token: str | None, **kwargs: Any) -> Any:
        return self.client.get(API_PREFIX + path, headers=self.auth(token), **kwargs)

    def post(self, path: str, token: str | None, **kwargs: Any) -> Any:
        return self.client.post(API_PREFIX + path, headers=self.auth(token), **kwargs)

    def send(
        self,
        route: Route,
        token: str | None,
        path_values: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        path = route.path
        for name in route.path_params:
            value = (path_values or {}).get(name, "x")
            path = path.replace("{" + name + "}", quote(value, safe="") or "x")
        return self.client.request(
            route.verb, API_PREFIX + path, headers=self.auth(token), **kwargs
        )


def _plain(model: Any) -> Any:
    from geg_tui.api import codec

    return codec.encode(model)


@pytest.fixture(scope="module")
def world(seeded_template: Store, fast_hasher: Hasher) -> Iterator[World]:
    store = seeded_template.clone()
    world = World(FakeBackend(store, hasher=fast_hasher))
    yield world
    world.client.close()
    store.close()


def assert_error(response: Any, *statuses: int) -> dict[str, Any]:
    """A 4xx (one of ``statuses`` when given) with the JSON error body, never a 5xx."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.text[:300])
    payload = response.json()
    assert isinstance(payload, dict) and set(payload) >= ERROR_KEYS, payload
    assert isinstance(payload["message"], str) and payload["message"]
    assert isinstance(payload["fields"], list) and isinstance(payload["params"], dict)
    assert all(set(item) == FIELD_KEYS for item in payload["fields"]), payload
    assert "Traceback" not in response.text
    return payload


def field_messages(payload: dict[str, Any]) -> dict[str, str]:
    """The French message sent for each field of an error body (its fallback text)."""
    return {item["field"]: item["message"] for item in payload["fields"]}


def assert_not_5xx(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert_error(response)


# --- status codes per error kind ----------------------------------------------------------------


def test_auth_3_unknown_or_missing_session_is_401(world: World) -> None:
    for token in (None, "", "pas-un-jeton", "x" * 500):
        payload = assert_error(world.get("/home", token), 401)
        assert payload["kind"] == "session_expiree"
    assert_error(world.post("/sessions", None, json={"email": DEMO_EMAIL, "password": "?"}), 401)


def test_404_unknown_invoice_and_unknown_route(world: World) -> None:
    assert_error(world.get("/invoices/000000000000", world.claire), 404)
    assert_error(world.get("/nulle-part", None), 404)
    assert_error(world.client.get("/pas/une/route"), 404)
    assert_error(world.client.delete(API_PREFIX + "/home"), 405)


def test_pay_4_second_payment_of_a_paid_invoice_is_409(world: World) -> None:
    overdue = world.get("/invoices", world.claire, params={"status": "en_retard"}).json()
    ref = overdue["invoices"][0]["ref"]
    card = {
        "invoice_ref": ref,
        "card_number": "4242424242424242",
        "expiry_month": 12,
        "expiry_year": 2028,
        "security_code": "123",
        "holder": "Claire Martin",
        "idempotency_key": str(uuid.uuid4()),
    }
    first = world.post("/payments", world.claire, json=card)
    assert first.status_code == 200, first.text
    assert world.post("/payments", world.claire, json=card).json() == first.json()  # PAY-4
    again = {**card, "idempotency_key": str(uuid.uuid4())}
    assert assert_error(world.post("/payments", world.claire, json=again), 409)["kind"] == "conflit"


def test_validation_errors_are_422_with_fields(world: World) -> None:
    payload = assert_error(
        world.post(
            "/signup/credentials",
            None,
            json={"email": "x", "password": "court", "password_confirm": "autre"},
        ),
        422,
    )
    assert payload["kind"] == "validation" and {"email", "password"} <= set(field_messages(payload))
    missing = assert_error(world.post("/sessions", None, json={"email": DEMO_EMAIL}), 422)
    assert set(field_messages(missing)) == {"password"}


def test_lock_1_blocked_account_is_423_with_until(backend: FakeBackend) -> None:
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        wrong = {"email": DEMO_EMAIL, "password": "pas-le-bon"}
        for _ in range(2):
            assert_error(client.post(API_PREFIX + "/sessions", json=wrong), 401)
        payload = assert_error(client.post(API_PREFIX + "/sessions", json=wrong), 423)
        assert payload["kind"] == "compte_bloque" and payload["until"]


def test_signup_5_rate_limit_is_429(backend: FakeBackend) -> None:
    contract = unregistered_customer(backend)["contract"]
    body = {
        "contract_ref": contract["contract_ref"],
        "invoice_ref": contract["last_invoice_ref"],
        "invoice_amount": "0,01",
    }
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        for _ in range(5):
            assert_error(client.post(API_PREFIX + "/signup/contract", json=body), 422)
        right = {**body, "invoice_amount": contract["last_invoice_amount"]}
        payload = assert_error(client.post(API_PREFIX + "/signup/contract", json=right), 429)
        assert payload["kind"] == "trop_de_tentatives" and payload["until"]


def test_sim_5_injected_fault_is_503(backend: FakeBackend) -> None:
    inject_fault(backend, "support_info", error_rate=1.0)
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        response = client.get(API_PREFIX + "/support")
        assert response.status_code == 503
        assert response.json()["kind"] == "service_indisponible"
        assert client.get(API_PREFIX + "/signup/questions").status_code == 200


def test_openapi_lists_every_route(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    operations = {
        (path, verb.upper()): op["operationId"]
        for path, verbs in spec["paths"].items()
        for verb, op in verbs.items()
    }
    for route in ROUTES:
        assert operations[(API_PREFIX + route.path, route.verb)] == route.name
    assert {op for op in operations.values() if op != "ping"} == set(backend_methods()) - {"close"}
    assert world.get("/ping", None).json() == {"ok": True}


# --- bad requests of any shape (SEC-4) -----------------------------------------------------------

BODY_ROUTES = [r for r in ROUTES if r.verb != "GET"]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=300)
    | st.just("\x00\u202e\ud7ff💡"),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)


def _token(world: World, which: str) -> str | None:
    return {"none": None, "bad": "jeton-inconnu", "claire": world.claire, "bernard": world.bernard}[
        which
    ]


tokens = st.sampled_from(["none", "bad", "claire", "bernard"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@PER_ROUTE
@given(data=st.data(), who=tokens)
def test_sec_4_wrong_types_and_missing_fields_never_5xx(
    world: World, route: Route, data: st.DataObject, who: str
) -> None:
    if route.name == "logout":
        who = "bad"  # keep the shared sessions alive
    values = data.draw(
        st.fixed_dictionaries({}, optional={name: json_values for name in route.data_params}),
        label="values",
    )
    paths = {
        name: data.draw(st.text(max_size=40) | st.sampled_from(sorted(world.secrets)), label=name)
        for name in route.path_params
    }
    if route.verb == "GET":
        params = {k: json.dumps(v) if not isinstance(v, str) else v for k, v in values.items()}
        response = world.send(route, _token(world, who), paths, params=params)
    else:
        body = json.dumps(values, allow_nan=True).encode()
        response = world.send(route, _token(world, who), paths, content=body)
    assert_not_5xx(response)
    if who == "bernard" and set(paths.values()) & world.secrets:
        assert_error(response)  # AUTH-6: never Claire's data
    if route.authenticated and route.name != "logout" and who in ("none", "bad"):
        assert_error(response, 401, 404, 422)  # shape or address may be refused before the token


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_sec_4_invalid_json_non_object_and_empty_bodies(world: World, route: Route) -> None:
    token = "jeton-inconnu" if route.name == "logout" else world.bernard
    for body in (b"{", b"\xff\xfe\x00", b"[1, 2]", b'"texte"', b"null", b"nan", b"{}" * 3):
        assert_not_5xx(world.send(route, token, content=body))
    for body in (b"{", b"\xff\xfe\x00", b"[1, 2]", b'"texte"'):
        payload = assert_error(world.send(route, None, content=body))
        assert payload["kind"] in ("validation", "session_expiree")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_sec_4_one_megabyte_body_is_413(world: World, route: Route) -> None:
    body = json.dumps({name: "x" * (1024 * 1024) for name in route.data_params[:1]} or {"x": 1})
    huge = body.encode() if len(body) > MAX_BODY else b" " * (1024 * 1024) + body.encode()
    assert_error(world.send(route, world.claire, content=huge), 413)


REQUIRED = [r for r in ROUTES if any(_required(r, n) for n in r.data_params)]


@pytest.mark.parametrize("route", REQUIRED, ids=lambda r: r.name)
def test_sec_4_missing_fields_are_422(world: World, route: Route) -> None:
    paths = dict.fromkeys(route.path_params, world.claire_contracts[0])
    response = world.send(route, world.claire, paths, content=b"{}")
    payload = assert_error(response, 422)
    assert payload["kind"] == "validation" and payload["fields"], payload


@PROPERTY
@given(
    segments=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4),
    verb=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    who=tokens,
)
def test_sec_4_random_paths_are_4xx(world: World, segments: list[str], verb: str, who: str) -> None:
    path = "/".join(quote(s, safe="") for s in segments)
    token = "jeton-inconnu" if who == "claire" else _token(world, who)  # DELETE may log out
    response = world.client.request(verb, f"{API_PREFIX}/{path}", headers=world.auth(token))
    assert_not_5xx(response)


# --- AUTH-6 over HTTP ---------------------------------------------------------------------------


@PROPERTY
@given(route=st.sampled_from([r for r in ROUTES if r.path_params]), data=st.data())
def test_auth_6_another_customers_refs_never_readable(
    world: World, route: Route, data: st.DataObject
) -> None:
    ref = data.draw(st.sampled_from(sorted(world.secrets)), label="ref")
    case = data.draw(st.sampled_from([ref, ref.lower(), f" {ref} ", ref + "/", ref.upper()]))
    response = world.send(route, world.bernard, dict.fromkeys(route.path_params, case), json={})
    assert_error(response)
    assert not (set(world.secrets) & set(str(response.json()["fields"]).split()))


def test_auth_6_lists_show_only_ones_own_data(world: World) -> None:
    text = " ".join(
        world.get(path, world.bernard).text
        for path in ("/account", "/home", "/invoices", "/payments", "/requests", "/referral")
    )
    for secret in world.secrets:
        assert secret not in text
    for contract in world.claire_contracts:
        assert_error(world.get("/invoices", world.bernard, params={"contract_ref": contract}))

"""SEC-4, SIM-5 over HTTP: bodies that crashed the server, and the simulated drop's log.

A JSON body nested about 1000 deep made Python's parser raise ``RecursionError`` (a 500 with a
traceback); a lone surrogate in ``\\u`` escapes reached argon2. Both are now a 4xx with a French
message. A simulated « drop after commit » used to be logged as a 64-line « erreur interne »
traceback (twice: Starlette's handler and uvicorn); it is a tester's choice, logged as one line,
and the server decides it before the work instead of asking the store again after the commit.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from geg_tui.api.routes import API_PREFIX, ROUTES, Route
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.server import MAX_DEPTH, ConnectionDropped, create_app
from geg_tui.fake_backend.store import Store

from .conftest import inject_fault
from .test_http_server import PROPERTY, World, assert_error, assert_not_5xx, field_messages

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

BODY_ROUTES = [r for r in ROUTES if r.verb != "GET"]


@pytest.fixture(scope="module")
def world(seeded_template: Store, fast_hasher: Hasher) -> Iterator[World]:
    store = seeded_template.clone()
    world = World(FakeBackend(store, hasher=fast_hasher))
    yield world
    world.client.close()
    store.close()


def _token(world: World, route: Route) -> str:
    return "jeton-inconnu" if route.name == "logout" else world.claire


def deep(depth: int, inner: str = '"x"') -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
def test_sec_4_deeply_nested_json_is_a_french_400(world: World, route: Route) -> None:
    """Item 8: a body nested ~1000 deep was a RecursionError, a 500 with a traceback."""
    field = (route.data_params or ("x",))[0]
    for body in (
        deep(1000),
        f'{{"{field}": {deep(1000)}}}',
        f'{{"{field}": {deep(50_000)}}}',
        deep(MAX_DEPTH + 1, "{}"),
    ):
        payload = assert_error(world.send(route, _token(world, route), content=body.encode()), 400)
        assert "trop imbriqué" in payload["message"], payload


def test_sec_4_brackets_inside_strings_and_shallow_nesting_are_not_refused(world: World) -> None:
    """The depth limit counts structure, not text: a message full of brackets is fine."""
    text = "[" * 200 + " crochets {{{ " + "]" * 3
    form = {"category": "autre", "subject": "Crochets", "message": text}
    response = world.post("/requests", world.claire, json=form)
    assert response.status_code == 200, response.text
    nested = f'{{"email": {deep(MAX_DEPTH - 1)}, "password": "x"}}'
    payload = assert_error(world.post("/sessions", None, content=nested.encode()))
    assert "imbriqué" not in payload["message"]  # refused as a wrong login, not as a shape


def test_sec_4_lone_surrogates_over_http_are_french_4xx(world: World) -> None:
    """Item 8: "\\udc00" (JSON escapes) as secret answer or current password was a 500."""
    birth = next(c["birth_date"] for c in admin.customers(world.fake) if c["registered"])
    raw = json.dumps({"email": DEMO_EMAIL, "birth_date": birth, "answer": "\udc00"})
    assert "\\udc00" in raw  # what a client sends: the escape, decoded by the server
    payload = assert_error(world.post("/recovery/answer", None, content=raw.encode()), 422)
    assert "Réponse invalide" in field_messages(payload)["secret_answer"]
    body = {"current": "\udc00", "new": "Nouveau-Mot2Passe", "new_confirm": "Nouveau-Mot2Passe"}
    response = world.client.put(
        API_PREFIX + "/account/password",
        content=json.dumps(body).encode(),
        headers=world.auth(world.claire),
    )
    payload = assert_error(response, 422)
    assert field_messages(payload)["current_password"] == "Le mot de passe actuel est incorrect."
    login = json.dumps({"email": DEMO_EMAIL, "password": "Grenoble\udfff"}).encode()
    assert_error(world.post("/sessions", None, content=login), 401)


SURROGATE_TEXT = st.sampled_from(["\udc00", "\ud800", "a\udfffb", "\udc00" * 40])
ODD_JSON = st.one_of(
    SURROGATE_TEXT.map(json.dumps),
    st.integers(min_value=1, max_value=2000).map(deep),
    st.text(max_size=30).map(json.dumps),
)


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
@settings(PROPERTY, max_examples=6)
@given(data=st.data())
def test_sec_4_surrogates_and_deep_nesting_in_any_field_never_5xx(
    world: World, route: Route, data: st.DataObject
) -> None:
    fields = [f'"{name}": {data.draw(ODD_JSON, label=name)}' for name in route.data_params]
    body = ("{" + ", ".join(fields) + "}").encode()
    assert_not_5xx(world.send(route, _token(world, route), content=body))


def test_sec_4_a_digit_python_cannot_read_as_a_number_is_4xx(backend: FakeBackend) -> None:
    """« ² » passes ``str.isdigit`` but not ``int``: a query with it answered 500."""
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        headers = _claire(client)
        for query in ({"offset": "²"}, {"limit": "²"}, {"offset": "٣"}):
            answer = client.get(API_PREFIX + "/invoices", params=query, headers=headers)
            assert 400 <= answer.status_code < 500, (query, answer.text)


# --- item 9: the simulated drop is one line ---------------------------------------------------


def _claire(client: TestClient) -> dict[str, str]:
    response = client.post(
        API_PREFIX + "/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    return {"authorization": "Bearer " + response.json()["token"]}


def test_sim_5_drop_after_commit_is_one_log_line_not_a_traceback(
    backend: FakeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 9: the drop was logged as « erreur interne » with a 64-line traceback."""
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        headers = _claire(client)
        inject_fault(backend, "update_contact_details", drop_after_commit=True)
        with caplog.at_level(logging.INFO):
            client.patch(API_PREFIX + "/profile", json={"city": "Échirolles"}, headers=headers)
    lines = [r for r in caplog.records if r.name.startswith("geg_tui")]
    assert [r.levelno for r in lines] == [logging.WARNING], [r.getMessage() for r in caplog.records]
    assert "panne simulée" in lines[0].getMessage() and "PATCH" in lines[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert not any("erreur interne" in r.getMessage() for r in caplog.records)
    with backend.store.transaction() as db:  # the write itself was committed
        assert db.scalar("SELECT city FROM customers WHERE id = 1") == "Échirolles"


def test_sim_5_drop_is_decided_before_the_work_not_asked_after_the_commit(
    backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: the fault was looked up in a new write transaction after the commit; under
    contention that lookup failed and a committed change was answered 500."""

    def after_commit(*args: object, **kwargs: object) -> None:
        raise AssertionError("le serveur interroge le stockage après l'écriture")

    monkeypatch.setattr(backend, "injected_fault", after_commit)
    with TestClient(create_app(backend), raise_server_exceptions=False) as client:
        headers = _claire(client)
        response = client.patch(API_PREFIX + "/profile", json={"city": "Meylan"}, headers=headers)
        assert response.status_code == 200, response.text
        inject_fault(backend, "update_contact_details", drop_after_commit=True)
        with pytest.raises(ConnectionDropped):
            TestClient(create_app(backend)).patch(
                API_PREFIX + "/profile", json={"city": "Gières"}, headers=headers
            )
    with backend.store.transaction() as db:
        assert db.scalar("SELECT city FROM customers WHERE id = 1") == "Gières"


def test_sim_5_served_drop_logs_one_line(
    backend: FakeBackend, capfd: pytest.CaptureFixture[str]
) -> None:
    """Item 9 as ``geg-tui serve`` runs it: uvicorn with the server's logging, on loopback."""
    from geg_tui.fake_backend.server import server_config

    server = uvicorn.Server(server_config(create_app(backend), "127.0.0.1", 0))
    server.config.lifespan = "off"
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}{API_PREFIX}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            token = client.post(
                "/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
            ).json()["token"]
            inject_fault(backend, "update_contact_details", drop_after_commit=True)
            with pytest.raises(httpx.HTTPError):
                client.patch(
                    "/profile",
                    json={"city": "Eybens"},
                    headers={"authorization": f"Bearer {token}"},
                )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    err = capfd.readouterr().err
    drop_lines = [line for line in err.splitlines() if "panne simulée" in line]
    assert len(drop_lines) == 1, err
    assert "Traceback" not in err and "Exception in ASGI" not in err, err

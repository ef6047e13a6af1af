"""The tester controls over HTTP (SIM-7) and the deterministic faults (SIM-6), over a real socket.

Without ``--test-controls`` every ``/_test/`` route answers 404; with it each control works as
its CLI twin does (the same ``admin`` functions). A wrong body is a 4xx JSON error naming the
field, never a 500. « Fail the next 2 calls of ``pay_invoice`` with 503 » fails exactly two calls
and lets the third through (``HttpBackend`` retries it: one payment). The other kinds: a lost
answer (``drop``) retried once, a ``timeout`` the client gives up on with nothing done, a
``latency``. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown
from geg_tui.api.http import HttpBackend
from geg_tui.api.models import ContactForm, InvoiceStatus, RequestCategory
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.server import create_app, openapi
from geg_tui.fake_backend.test_controls import CONTROLS, PREFIX
from tests.payment_helpers import card, card_payments, payments_count

from .test_http_socket import LIMIT, ServerThread

OVERDUE_GAS = "968320100013"
INVITED = "paul.durand@exemple.fr"

# Every write to /_test/ is JSON (the controls refuse what a browser sends cross-site).
JSON_HEADERS = {"content-type": "application/json"}


@pytest.fixture
def controlled(backend: FakeBackend) -> Iterator[ServerThread]:
    """uvicorn on loopback serving the backend with its test controls."""
    server = ServerThread(create_app(backend, test_controls=True)).start()
    yield server
    server.stop()


@pytest.fixture
def plain(backend: FakeBackend) -> Iterator[ServerThread]:
    """The same, as ``geg-tui serve`` without ``--test-controls``."""
    server = ServerThread(create_app(backend)).start()
    yield server
    server.stop()


def concrete(path: str) -> str:
    return PREFIX + path.replace("{ref}", "DEM-2026-000001").replace("{operation}", "pay_invoice")


def test_sim_7_without_test_controls_every_test_route_is_404(plain: ServerThread) -> None:
    with httpx.Client(base_url=plain.url, timeout=LIMIT, headers=JSON_HEADERS) as http:
        for control in CONTROLS:
            answer = http.request(control.verb, concrete(control.path), json={})
            assert answer.status_code == 404, control.path
            assert answer.json()["kind"] == "validation"  # the server's usual JSON 404
        assert "/_test/clock" not in http.get("/openapi.json").json()["paths"]


def test_sim_7_clock_controls_over_http(controlled: ServerThread) -> None:
    with httpx.Client(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        clock = http.get("/clock").json()
        assert clock["frozen"] is True and clock["now"].startswith("2026-11-27T08:00")
        advanced = http.post("/clock/advance", json={"duration": "2d"}).json()
        assert advanced["days"] == 2 and advanced["now"].startswith("2026-11-29T08:00")
        moved = http.post("/clock/set", json={"at": "2026-12-01T10:30"}).json()
        assert moved["paris"].startswith("2026-12-01T10:30")
        refused = http.post("/clock/set", json={"at": "2026-01-01"})
        assert refused.status_code == 409 and refused.json()["code"] == "horloge_deja_passee"
        assert http.post("/clock/thaw").json()["frozen"] is False
        assert http.post("/clock/freeze", json={}).json()["frozen"] is True
        bad = http.post("/clock/advance", json={"duration": "soon"})
        assert bad.status_code == 422 and "Durée invalide" in bad.json()["message"]


def test_sim_7_reset_with_seed_and_start_over_http(
    controlled: ServerThread, backend: FakeBackend
) -> None:
    """SIM-3 over HTTP: the running server's world is replaced in place (no file to delete)."""
    with httpx.Client(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        http.post("/clock/advance", json={"duration": "3d"})
        world = http.post("/reset", json={"seed": 7, "start": "2026-03-02T09:00"}).json()
        assert world["seed"] == 7 and world["frozen"] is True
        assert world["paris"].startswith("2026-03-02T09:00")
        customers = http.get("/customers").json()
        assert len(customers) == 6 and sum(c["registered"] for c in customers) == 1
        assert http.get("/outbox").json() == []
    with backend.store.read() as db:
        assert db.get_meta("seed") == "7"


async def test_sim_7_customers_outbox_requests_over_http(controlled: ServerThread) -> None:
    """Customers, the outbox (by address, after an id, since a time, long poll) and customer
    service (reply, status, resolve) over HTTP, as a tester of another client uses them."""
    client = HttpBackend(controlled.url, retries=0)
    async with httpx.AsyncClient(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        customers = (await http.get("/customers")).json()
        claire = next(c for c in customers if c["registered"])
        assert claire["email"] == "claire.martin@exemple.fr" and claire["contracts"]
        before = (await http.get("/outbox")).json()
        last_id = max((m["id"] for m in before), default=0)
        # The long poll waits for the mail the contact form sends.
        waiting = asyncio.create_task(
            http.get("/outbox/next", params={"after_id": last_id, "timeout_ms": 10_000})
        )
        await asyncio.sleep(0.1)
        request = await client.contact_logged_out(
            ContactForm(
                RequestCategory.ACCOUNT_ACCESS,
                "Compte bloqué",
                "Je ne peux plus me connecter.",
                name="Claire Martin",
                email="claire.martin@exemple.fr",
            )
        )
        mail = (await asyncio.wait_for(waiting, LIMIT)).json()["message"]
        assert mail["to"] == "claire.martin@exemple.fr" and request.ref in mail["subject"]
        mine = (await http.get("/outbox", params={"to": "Claire.Martin@exemple.fr "})).json()
        assert mail["id"] in [m["id"] for m in mine]
        assert (await http.get("/outbox", params={"after_id": mail["id"]})).json() == []
        since = (await http.get("/outbox", params={"since": mail["deliver_at"]})).json()
        assert mail["id"] in [m["id"] for m in since]
        started = time.monotonic()
        empty = await http.get("/outbox/next", params={"after_id": mail["id"], "timeout_ms": 200})
        assert empty.json() == {"message": None} and time.monotonic() - started < 5

        ref = request.ref
        listed = (await http.get("/requests")).json()
        assert [r["ref"] for r in listed] == [ref]
        replied = await http.post(f"/requests/{ref}/reply", json={"text": "Nous regardons."})
        assert replied.json() == {"ref": ref, "replied": True}
        status = await http.post(f"/requests/{ref}/status", json={"status": "en_cours"})
        assert status.json()["status"] == "en_cours"
        resolved = (await http.post(f"/requests/{ref}/resolve")).json()
        assert resolved == {"ref": ref, "effect": "compte débloqué"}
        assert (await http.get("/requests")).json()[0]["status"] == "resolue"
        unknown = await http.post("/requests/DEM-1999-000009/resolve")
        assert unknown.status_code == 404 and unknown.json()["code"]
    await client.close()


async def test_sim_7_referral_faults_and_cards_over_http(
    controlled: ServerThread, demo_credentials: dict[str, str]
) -> None:
    client = HttpBackend(controlled.url, retries=0)
    token = (await client.login(demo_credentials["email"], demo_credentials["password"])).token
    await client.invite(token, "Paul", "Durand", INVITED, "69003")
    await client.invite(token, "Léa", "Durand", "lea.durand@exemple.fr", "75011")
    async with httpx.AsyncClient(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        accepted = await http.post("/referral/accept", json={"email": INVITED, "energy": "gas"})
        assert accepted.status_code == 200 and accepted.json()["bonus_cents"] > 0
        refused = await http.post("/referral/refuse", json={"email": "lea.durand@exemple.fr"})
        assert refused.status_code == 200 and refused.json()["bonus_cents"] == 0

        fault = await http.put("/faults/login", json={"latency_ms": 5, "error_rate": 0.5})
        assert fault.json() == {
            "operation": "login",
            "latency_ms": 5,
            "error_rate": 0.5,
            "drop_after_commit": False,
        }
        planned = await http.post("/faults/*/next", json={"kind": "latency", "count": 3})
        assert planned.json() == {
            "operation": "*",
            "kind": "latency",
            "remaining": 3,
            "latency_ms": 0,
        }
        listed = (await http.get("/faults")).json()
        assert [f["operation"] for f in listed["faults"]] == ["login"]
        assert [f["operation"] for f in listed["planned"]] == ["*"]
        assert (await http.delete("/faults")).json() == {"faults": [], "planned": []}
        unknown = await http.post("/faults/fly/next", json={"kind": "timeout", "count": 1})
        assert unknown.status_code == 422 and "fly" in unknown.json()["message"]

        cards = (await http.get("/cards")).json()
        assert "4242424242424242" in [c["number"] for c in cards]
    await client.close()


BAD_BODIES: list[Any] = [
    b"not json",
    b"[" * 100 + b"]" * 100,
    b"[1, 2]",
    b'"text"',
    b'{"unknown": 1}',
    b'{"duration": 5, "at": [], "text": null, "email": {}, "kind": "boom", "count": -1}',
    b'{"count": 99999999999999999999, "seed": true, "latency_ms": 1.5}',
    b'{"status": "' + b"x" * 5000 + b'"}',
    # A lone surrogate: valid JSON, no UTF-8 text; quoted back in a refusal it broke the answer.
    b'{"at": "\\ud800", "duration": "\\ud800", "start": "\\ud800", "text": "\\ud800"}',
]


def test_sim_7_bad_bodies_and_queries_are_4xx_json_never_500(controlled: ServerThread) -> None:
    with httpx.Client(base_url=controlled.url, timeout=LIMIT, headers=JSON_HEADERS) as http:
        for control in CONTROLS:
            url = concrete(control.path)
            if control.body is None:
                for query in (
                    {"after_id": "x"},
                    {"after_id": "²", "timeout_ms": "²"},  # isdigit() but not int()
                    {"timeout_ms": "-5"},
                    {"since": "hier", "timeout_ms": "0"},
                ):
                    answer = http.request(control.verb, url, params=query)
                    assert answer.status_code < 500, (url, query)
                continue
            for body in BAD_BODIES:
                answer = http.request(control.verb, url, content=body)
                assert 400 <= answer.status_code < 500, (url, body[:40], answer.text)
                payload = answer.json()
                assert set(payload) >= {"kind", "code", "message", "fields"}
        for path, body in (
            ("/clock/set", {"at": "0001-01-01"}),
            ("/clock/set", {"at": "9999-12-31T23:59"}),
            ("/clock/advance", {"duration": "999999999d"}),
            ("/clock/advance", {"duration": "36500d"}),  # a century of days: minutes of work
            ("/reset", {"start": "9999-12-31"}),
        ):
            answer = http.post(PREFIX + path, json=body)
            assert answer.status_code == 422
            assert "limites" in answer.text or "trop" in answer.text
        since = http.get(PREFIX + "/outbox", params={"since": "0001-01-01"})
        assert since.status_code == 422
        answer = http.post(PREFIX + "/faults/pay_invoice/next", json={"kind": "boom"})
        assert answer.status_code == 422
        sent = {f["field"]: f["message"] for f in answer.json()["fields"]}
        assert sent == {
            "kind": "Valeurs possibles : unavailable, timeout, drop, latency.",
            "count": "Champ obligatoire.",
        }


class Counting:
    """The app, counting the answers to ``POST /api/v1/payments`` by status."""

    def __init__(self, app: Any) -> None:
        self.app, self.statuses = app, []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def noting(message: Any) -> None:
            paying = scope["method"] == "POST" and scope["path"].endswith("/payments")
            if paying and message["type"] == "http.response.start":
                self.statuses.append(message["status"])
            await send(message)

        await self.app(scope, receive, noting)


async def test_sim_6_fail_next_two_payments_with_503_third_succeeds(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """SIM-6 (PAY-4): the tester plans 2 failures of ``pay_invoice`` over HTTP; exactly two
    calls get a 503, the third goes through; ``HttpBackend``'s retries make it one payment."""
    counting = Counting(create_app(backend, test_controls=True))
    server = ServerThread(counting).start()
    try:
        client = HttpBackend(server.url, retries=3, backoff=0.01)
        async with (
            asyncio.timeout(LIMIT),
            httpx.AsyncClient(base_url=server.url, headers=JSON_HEADERS) as http,
        ):
            token = await client.login(demo_credentials["email"], demo_credentials["password"])
            planned = await http.post(
                PREFIX + "/faults/pay_invoice/next", json={"kind": "unavailable", "count": 2}
            )
            assert planned.status_code == 200 and planned.json()["remaining"] == 2
            payment = await client.pay_invoice(token.token, card(OVERDUE_GAS))
            assert counting.statuses == [503, 503, 200]
            assert payments_count(backend, OVERDUE_GAS) == 1
            assert (await http.get(PREFIX + "/faults")).json()["planned"] == []
            invoice = await client.get_invoice(token.token, OVERDUE_GAS)
            assert invoice.status is InvoiceStatus.PAID and payment.invoice_ref == OVERDUE_GAS
        await client.close()
    finally:
        server.stop()


async def test_sim_6_raw_calls_two_503_then_success(
    controlled: ServerThread, demo_credentials: dict[str, str]
) -> None:
    """The same without a client's retries: call 1 and 2 answer 503 ``panne_simulee``, call 3
    answers 200, and a fourth is untouched."""
    async with httpx.AsyncClient(
        base_url=controlled.url, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        credentials = {k: demo_credentials[k] for k in ("email", "password")}
        login = await http.post("/api/v1/sessions", json=credentials)
        headers = {"authorization": f"Bearer {login.json()['token']}"}
        await http.post(PREFIX + "/faults/account/next", json={"kind": "unavailable", "count": 2})
        codes = [(await http.get("/api/v1/account", headers=headers)) for _ in range(4)]
        assert [c.status_code for c in codes] == [503, 503, 200, 200]
        assert codes[0].json()["code"] == "panne_simulee"


async def test_sim_6_drop_timeout_and_latency_kinds(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """``drop``: the payment is charged, its answer lost, the retry gets it (once). ``timeout``:
    the client gives up, nothing is charged. ``latency``: slower, then normal."""
    counting = Counting(create_app(backend, test_controls=True))
    controlled = ServerThread(counting).start()
    async with (
        asyncio.timeout(LIMIT),
        httpx.AsyncClient(base_url=controlled.url, headers=JSON_HEADERS) as http,
    ):
        client = HttpBackend(controlled.url, retries=1, backoff=0.01)
        token = (await client.login(demo_credentials["email"], demo_credentials["password"])).token

        await http.post(PREFIX + "/faults/pay_invoice/next", json={"kind": "drop", "count": 1})
        await client.pay_invoice(token, card(OVERDUE_GAS))
        assert len(counting.statuses) == 2  # the first answer was cut, the retry got it
        assert payments_count(backend, OVERDUE_GAS) == 1  # and it was charged once

        impatient = HttpBackend(controlled.url, retries=0, timeout=httpx.Timeout(0.3))
        await http.post(
            PREFIX + "/faults/list_payments/next",
            json={"kind": "timeout", "count": 1, "latency_ms": 800},
        )
        with pytest.raises(BackendUnavailable) as err:
            await impatient.list_payments(token)
        assert err.value.code == "delai_depasse" and not isinstance(err.value, OutcomeUnknown)

        await http.post(
            PREFIX + "/faults/list_payments/next",
            json={"kind": "latency", "count": 1, "latency_ms": 250},
        )
        started = time.monotonic()
        assert len(card_payments(await client.list_payments(token))) == 1
        assert time.monotonic() - started >= 0.25
        await impatient.close()
        await client.close()
    controlled.stop()


def test_sim_7_openapi_validates_and_every_test_route_has_schemas() -> None:
    from openapi_spec_validator import validate

    document = openapi(test_controls=True)  # the plain document is this one less /_test/
    validate(document)
    assert not any(path.startswith(PREFIX) for path in openapi()["paths"])
    for control in CONTROLS:
        operation = document["paths"][PREFIX + control.path][control.verb.lower()]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer, control.path
        assert operation["responses"]["4XX"]["content"]["application/json"]["schema"]
        if control.verb == "GET":
            assert "requestBody" not in operation
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
            assert declared == set(control.query)
        else:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert body["type"] == "object" and body["additionalProperties"] is False


async def test_sim_7_waiting_long_polls_do_not_hold_up_customers(controlled: ServerThread) -> None:
    """Twenty testers' long polls waiting at once: a customer's call still answers at once (the
    polls wait on the event loop, not in the worker threads the calls need)."""
    client = HttpBackend(controlled.url, retries=0)
    async with httpx.AsyncClient(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        last = max((m["id"] for m in (await http.get("/outbox")).json()), default=0)
        params = {"after_id": last, "timeout_ms": 800}
        polls = [asyncio.create_task(http.get("/outbox/next", params=params)) for _ in range(20)]
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await client.server_time()
        assert time.monotonic() - started < 0.5  # threads held: it would wait for the polls
        answers = await asyncio.wait_for(asyncio.gather(*polls), LIMIT)
        assert {a.json()["message"] is None for a in answers} == {True}
    await client.close()


def test_sim_7_a_write_that_is_not_json_is_refused_as_a_browser_would_send_it(
    controlled: ServerThread,
) -> None:
    """A web page can make the tester's browser send a form or a text/plain fetch to a loopback
    server without asking (no preflight): the controls take JSON only, so such a page cannot
    reset the world or plan faults."""
    with httpx.Client(base_url=controlled.url + PREFIX, timeout=LIMIT) as http:
        for headers in (
            {"content-type": "text/plain"},
            {"content-type": "application/x-www-form-urlencoded"},
            {},
        ):
            answer = http.post("/faults/pay_invoice/next", content=b'{"count": 1}', headers=headers)
            assert answer.status_code == 415, (headers, answer.text)
            assert answer.json()["code"] == "json_body_required"
        assert http.get("/faults", headers=JSON_HEADERS).json() == http.get("/faults").json()
        planned = http.get("/faults").json()
        assert "pay_invoice" not in str(planned)


def test_sim_7_refusals_match_the_error_schema_the_document_declares(
    controlled: ServerThread,
) -> None:
    """The document's ``Error`` schema is what a refusal really is (a list of fields, params)."""
    import jsonschema

    schema = openapi(test_controls=True)["components"]["schemas"]["Error"]
    with httpx.Client(
        base_url=controlled.url + PREFIX, timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        answers = [
            http.post("/faults/pay_invoice/next", json={"kind": "boom"}),
            http.post("/clock/advance", json={"duration": "99999d"}),
            http.post("/requests/DEM-1999-000009/resolve", json={}),
            http.post("/faults/account/next", json={"kind": "drop", "count": 1}),
        ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.text
        jsonschema.validate(answer.json(), schema)
    assert answers[1].json()["code"] == "duration_too_long"
    assert answers[3].json()["code"] == "fault_drop_needs_a_write"  # a read has no answer to lose


def test_sim_7_a_request_addressed_to_another_name_is_refused(controlled: ServerThread) -> None:
    """DNS rebinding: a page of another site points its name at 127.0.0.1 and reads the
    outbox (reset codes) through the tester's browser. The Host it sends is its own name."""
    with httpx.Client(base_url=controlled.url + PREFIX, timeout=LIMIT) as http:
        answer = http.get("/outbox", headers={"host": "attacker.example"})
        assert answer.status_code == 403
        assert answer.json()["code"] == "test_controls_loopback_only"
        assert http.get("/outbox", headers={"host": "localhost"}).status_code == 200


def test_sim_7_remote_test_controls_answer_any_name(backend: FakeBackend) -> None:
    """With ``--allow-remote-test-controls`` the tester opened them on purpose."""
    from starlette.testclient import TestClient

    app = create_app(backend, test_controls=True, remote_test_controls=True)
    with TestClient(app, base_url="http://ci-runner.internal") as http:
        assert http.get(PREFIX + "/clock").status_code == 200

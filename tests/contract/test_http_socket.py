"""Over a real socket: uvicorn on 127.0.0.1, ``HttpBackend`` as the TUI uses it.

Login, invoices and a payment go through the loopback; a payment whose answer is lost after the
server committed it (SIM-5 « drop after commit ») is retried by the client with the same
idempotency key and charged once (PAY-4); when every answer is lost, or the payment times out,
the error is « outcome unknown » (``OutcomeUnknown``), never « nothing was charged »; a server
that is down or too slow gives the person a French sentence (``BackendUnavailable``). The faults
are set as a tester of another client sets them, through the server's ``/_test/`` routes (SIM-7).
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown
from geg_tui.api.http import HttpBackend
from geg_tui.api.models import InvoiceStatus
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.server import ConnectionDropped, create_app
from tests.payment_helpers import card, card_payments, payments_count

from .conftest import clear_faults

LIMIT = 30.0  # seconds for any test here, whatever happens

# Every write to /_test/ is JSON (the controls refuse what a browser sends cross-site).
JSON_HEADERS = {"content-type": "application/json"}


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app: ASGIApp) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)
        self.port = 0

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "uvicorn did not stop"


class DropOnce:
    """The app, with the tester clearing the faults once the first answer was lost
    (unless ``once`` is off: then every answer of the faulty operation is lost)."""

    def __init__(self, app: ASGIApp, fake: FakeBackend) -> None:
        self.app, self.fake, self.dropped, self.once = app, fake, 0, True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionDropped:
            self.dropped += 1
            if self.once:
                clear_faults(self.fake)
            raise


async def control(server: ServerThread, verb: str, path: str, body: Any = None) -> Any:
    """A tester's control over the socket (``/_test/``, SIM-7), as for any other client."""
    async with httpx.AsyncClient(
        base_url=server.url + "/_test", timeout=LIMIT, headers=JSON_HEADERS
    ) as http:
        answer = await http.request(verb, path, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def served(backend: FakeBackend) -> Iterator[tuple[ServerThread, DropOnce]]:
    app = DropOnce(create_app(backend, test_controls=True), backend)
    server = ServerThread(app).start()
    try:
        yield server, app
    finally:
        if server.thread.is_alive():
            server.stop()


async def test_pay_4_socket_retry_after_dropped_answer_charges_once(
    served: tuple[ServerThread, DropOnce], backend: FakeBackend, demo_credentials
) -> None:
    server, app = served
    client = HttpBackend(server.url, backoff=0.05, timeout=httpx.Timeout(10.0))
    async with asyncio.timeout(LIMIT):
        token = (await client.login(demo_credentials["email"], demo_credentials["password"])).token
        page = await client.list_invoices(token)
        assert page.total_count > 0 and page.total_to_pay > 0
        overdue = (await client.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
        await control(server, "POST", "/faults/pay_invoice/next", {"kind": "drop", "count": 1})
        payment = await client.pay_invoice(token, card(overdue.ref))
        assert app.dropped == 1  # the first answer was lost; the retry got the first result
        assert payments_count(backend, overdue.ref) == 1
        listed = card_payments(await client.list_payments(token))
        assert [p.transaction_ref for p in listed] == [payment.transaction_ref]
        assert (await client.get_invoice(token, overdue.ref)).status is InvoiceStatus.PAID
        assert (await client.list_invoices(token)).total_to_pay == page.total_to_pay - overdue.total
        await client.close()


async def test_pay_4_socket_every_answer_lost_then_same_key_later(
    served: tuple[ServerThread, DropOnce], backend: FakeBackend, demo_credentials
) -> None:
    """PAY-4: the answer is lost on every attempt: « outcome unknown » (not « nothing was
    charged »), one charge; sent again later with the same key, the first payment comes back."""
    server, app = served
    app.once = False
    client = HttpBackend(server.url, retries=2, backoff=0.02, timeout=httpx.Timeout(10.0))
    async with asyncio.timeout(LIMIT):
        token = (await client.login(demo_credentials["email"], demo_credentials["password"])).token
        overdue = (await client.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
        await control(server, "PUT", "/faults/pay_invoice", {"drop_after_commit": True})
        payment = card(overdue.ref)
        with pytest.raises(OutcomeUnknown) as err:
            await client.pay_invoice(token, payment)
        assert err.value.code == "issue_inconnue"
        assert "serveur GEG" in err.value.message and "sans risque" in err.value.message
        assert "débité" not in err.value.message
        assert app.dropped == 3 and payments_count(backend, overdue.ref) == 1
        await control(server, "DELETE", "/faults")
        again = await client.pay_invoice(token, payment)
        assert again.invoice_ref == overdue.ref and payments_count(backend, overdue.ref) == 1
        assert [p.transaction_ref for p in card_payments(await client.list_payments(token))] == [
            again.transaction_ref
        ]
        await client.close()


async def test_pay_4_socket_payment_timeout_is_outcome_unknown(
    served: tuple[ServerThread, DropOnce], backend: FakeBackend, demo_credentials
) -> None:
    """PAY-4: the server takes longer than the client waits; the payment may well be charged
    (it is, once the server is done): the client cannot say « nothing was debited »."""
    server, _ = served
    client = HttpBackend(server.url, backoff=0.01, timeout=httpx.Timeout(10.0))
    impatient = HttpBackend(server.url, retries=1, backoff=0.01, timeout=httpx.Timeout(0.3))
    async with asyncio.timeout(LIMIT):
        token = (await client.login(demo_credentials["email"], demo_credentials["password"])).token
        overdue = (await client.list_invoices(token, status=InvoiceStatus.OVERDUE)).invoices[0]
        await control(server, "PUT", "/faults/pay_invoice", {"latency_ms": 800})
        payment = card(overdue.ref)
        with pytest.raises(OutcomeUnknown) as err:
            await impatient.pay_invoice(token, payment)
        assert err.value.code == "issue_inconnue" and "débité" not in err.value.message
        await control(server, "DELETE", "/faults")
        again = await client.pay_invoice(token, payment)  # same key: the first result
        assert again.invoice_ref == overdue.ref and payments_count(backend, overdue.ref) == 1
        await impatient.close()
        await client.close()


async def test_server_too_slow_gives_a_french_message(
    served: tuple[ServerThread, DropOnce], backend: FakeBackend
) -> None:
    server, _ = served
    client = HttpBackend(server.url, retries=0, timeout=httpx.Timeout(0.3))
    async with asyncio.timeout(LIMIT):
        await control(server, "PUT", "/faults/support_info", {"latency_ms": 1500})
        with pytest.raises(BackendUnavailable) as err:
            await client.support_info()
        assert err.value.code == "delai_depasse"
        assert "met trop de temps à répondre" in err.value.message
        await control(server, "DELETE", "/faults")
        await client.close()


async def test_server_down_gives_a_french_message(
    served: tuple[ServerThread, DropOnce], demo_credentials
) -> None:
    server, _ = served
    client = HttpBackend(server.url, retries=1, backoff=0.01, timeout=httpx.Timeout(2.0))
    async with asyncio.timeout(LIMIT):
        assert (await client.secret_questions())[0].text
        await client.close()
        await asyncio.to_thread(server.stop)
        client = HttpBackend(server.url, retries=1, backoff=0.01, timeout=httpx.Timeout(2.0))
        for call in (
            client.secret_questions(),  # a read, retried
            client.login(demo_credentials["email"], demo_credentials["password"]),  # a write
        ):
            with pytest.raises(BackendUnavailable) as err:
                await call
            assert err.value.code == "serveur_injoignable"
            assert "Le serveur GEG ne répond pas" in err.value.message
        await client.close()

"""PAY-4 over HTTP, in process: a write whose answer is lost is « outcome unknown », never
« nothing happened ».

``HttpBackend`` talks to ``create_app(fake)`` through httpx's ASGI transport. The SIM-5 fault
« drop after commit » makes the app start its answer and then abort; over a socket the client sees
the connection die (``RemoteProtocolError``), so ``Dropping`` turns the app's abort into that same
transport error. With ``raise_app_exceptions=False`` the ASGI transport gives instead a 200 whose
body was cut: an answer that cannot be read, which is just as lost. The faults are set through
the ``/_test/`` routes (SIM-7), as a tester of another client sets them.
"""

from __future__ import annotations

import httpx
import pytest

from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown, ValidationError, from_payload
from geg_tui.api.http import HttpBackend
from geg_tui.api.models import ContactForm, InvoiceStatus, RequestCategory
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.server import ConnectionDropped, create_app
from tests.payment_helpers import card, payments_count

from .conftest import control_call, drop_answers

DECLINED = "4000 0000 0000 0002"


class Dropping(httpx.AsyncBaseTransport):
    """The ASGI transport, with the app's aborted answer seen as a socket shows it."""

    def __init__(self, fake: FakeBackend) -> None:
        self.inner = httpx.ASGITransport(app=create_app(fake))
        self.sent = 0  # requests that reached the app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        try:
            return await self.inner.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            ) from exc


class Refusing(httpx.AsyncBaseTransport):
    """A server that cannot be reached at all: nothing is ever sent."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connexion refusée", request=request)


async def overdue_invoice(fake: FakeBackend, credentials: dict[str, str]) -> tuple[str, str]:
    token = (await fake.login(credentials["email"], credentials["password"])).token
    page = await fake.list_invoices(token, status=InvoiceStatus.OVERDUE)
    return token, page.invoices[0].ref


async def test_pay_4_answer_lost_after_commit_raises_outcome_unknown(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """Every answer lost (the first attempt committed): the error says the outcome is unknown
    and that sending again is safe — never that nothing was charged."""
    token, ref = await overdue_invoice(backend, demo_credentials)
    transport = Dropping(backend)
    client = HttpBackend("http://test", transport=transport, retries=2, backoff=0.0)
    await drop_answers(backend, "pay_invoice")
    payment = card(ref)
    with pytest.raises(OutcomeUnknown) as err:
        await client.pay_invoice(token, payment)
    assert isinstance(err.value, BackendUnavailable)  # screens that know only that still work
    assert err.value.code == "issue_inconnue"
    message = err.value.message.lower()
    assert "débité" not in message and "aucun" not in message
    assert "sans risque" in message and "renvoyer" in message
    assert transport.sent == 3 and payments_count(backend, ref) == 1
    await control_call(backend, "DELETE", "/faults")
    again = await client.pay_invoice(token, payment)  # the same key: the first payment
    assert again.invoice_ref == ref and payments_count(backend, ref) == 1
    await client.close()


async def test_pay_4_cut_answer_to_a_payment_is_retried_then_outcome_unknown(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """A 200 whose body was cut is a lost answer too: retried with the same key, then unknown."""
    token, ref = await overdue_invoice(backend, demo_credentials)
    transport = httpx.ASGITransport(app=create_app(backend), raise_app_exceptions=False)
    client = HttpBackend("http://test", transport=transport, retries=1, backoff=0.0)
    await drop_answers(backend, "pay_invoice")
    with pytest.raises(OutcomeUnknown):
        await client.pay_invoice(token, card(ref))
    assert payments_count(backend, ref) == 1
    await client.close()


async def test_pay_4_write_never_sent_is_plain_unavailable(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """No connection at all: nothing reached the server, the outcome is known (not done)."""
    token, ref = await overdue_invoice(backend, demo_credentials)
    client = HttpBackend("http://test", transport=Refusing(), retries=1, backoff=0.0)
    with pytest.raises(BackendUnavailable) as err:
        await client.pay_invoice(token, card(ref))
    assert not isinstance(err.value, OutcomeUnknown)
    assert err.value.code == "serveur_injoignable"
    await client.close()


async def test_pay_4_server_refusal_after_a_lost_answer_is_the_refusal(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """A declined card: the server's answer is known, whatever happened to earlier attempts."""
    token, ref = await overdue_invoice(backend, demo_credentials)
    client = HttpBackend("http://test", transport=Dropping(backend), retries=2, backoff=0.0)
    with pytest.raises(ValidationError) as err:
        await client.pay_invoice(token, card(ref, DECLINED))
    assert err.value.code == "carte_refusee" and "Aucun montant" in err.value.message
    await client.close()


def test_pay_4_outcome_unknown_crosses_http_as_its_own_kind() -> None:
    """A server may say it lost a third party's answer: the client rebuilds the same type, and a
    bare 503 stays « service unavailable »."""
    original = OutcomeUnknown()
    again = from_payload(original.to_payload(), 503)
    assert type(again) is OutcomeUnknown and again.to_payload() == original.to_payload()
    assert type(from_payload({"message": "?"}, 503)) is BackendUnavailable


async def test_pay_4_unkeyed_write_answer_lost_is_outcome_unknown_never_safe_to_resend(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """PAY-4's rule for writes without an idempotency key (a password change, a request to the
    service): the answer lost after the commit is « outcome unknown » — never the plain « the
    server does not answer, try again »: it was done, and sending it again may fail (the current
    password is no longer the one typed) or be done twice (a second request). The message says
    to check first, and never that sending again is safe."""
    token, _ref = await overdue_invoice(backend, demo_credentials)
    transport = Dropping(backend)
    client = HttpBackend("http://test", transport=transport, retries=2, backoff=0.0)
    new = "Chamrousse-2027"
    await drop_answers(backend, "change_password")
    with pytest.raises(OutcomeUnknown) as err:
        await client.change_password(token, demo_credentials["password"], new, new)
    assert isinstance(err.value, BackendUnavailable)
    message = err.value.message
    assert "sans risque" not in message and "jamais" not in message
    assert "peut-être" in message and "nouveau mot de passe" in message
    assert transport.sent == 1  # not retried: no key
    assert (await backend.login(demo_credentials["email"], new)).token  # it was done
    await control_call(backend, "DELETE", "/faults")

    form = ContactForm(RequestCategory.BILL, "Ma facture", "Pourquoi ce montant ?")
    await drop_answers(backend, "create_request")
    with pytest.raises(OutcomeUnknown) as err:
        await client.create_request(token, form)
    message = err.value.message
    assert "sans risque" not in message and "peut-être" in message and "demandes" in message
    assert len(await backend.list_requests(token)) == 1  # recorded once, whatever was said
    await client.close()


async def test_pay_4_lost_answer_of_a_login_stays_plain_unavailable(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """A login records nothing the person must check: logging in again is harmless."""
    client = HttpBackend("http://test", transport=Dropping(backend), retries=2, backoff=0.0)
    await drop_answers(backend, "login")
    with pytest.raises(BackendUnavailable) as err:
        await client.login(demo_credentials["email"], demo_credentials["password"])
    assert not isinstance(err.value, OutcomeUnknown)
    assert "ne répond pas" in err.value.message
    await client.close()

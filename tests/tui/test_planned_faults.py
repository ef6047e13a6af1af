"""SIM-6 with the TUI: the tester plans « fail the next 2 calls of ``pay_invoice`` with 503 » over
HTTP (``/_test/``), the person pays once, and the client's retries (same idempotency key, PAY-4)
make it exactly one payment: two 503 answers, then the receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from geg_tui.api.http import HttpBackend
from geg_tui.api.models import Session
from geg_tui.fake_backend.server import create_app
from tests.contract.test_http_test_controls import Counting
from tests.payment_helpers import payments_count
from tests.tui.test_invoices_payment import (
    OVERDUE_GAS,
    VALID_CARD,
    app_on,
    open_payment,
    type_card,
    wait_for,
)


async def test_sim_6_two_planned_503_then_the_tui_shows_one_payment(
    backend: Any, demo_credentials: dict[str, str], tmp_path: Path, demo_session: Session
) -> None:
    counting = Counting(create_app(backend, test_controls=True))
    transport = httpx.ASGITransport(app=counting)
    client = HttpBackend("http://127.0.0.1", transport=transport, retries=3, backoff=0.01)
    app = app_on(client, tmp_path, demo_session)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as tester,
        app.run_test(size=(80, 24)) as pilot,
    ):
        pay = await open_payment(pilot, demo_credentials)
        await type_card(pilot, VALID_CARD)
        planned = await tester.post(
            "/_test/faults/pay_invoice/next", json={"kind": "unavailable", "count": 2}
        )
        assert planned.status_code == 200
        await pilot.press("enter")
        await wait_for(pilot, lambda: pay.payment is not None)
        receipt = str(pay.query_one("#receipt-text").render())
        assert "Visa se terminant par 4242" in receipt and "145,00" in receipt
        assert pay.sent == 1 and pay.has_class("-paid")
        assert counting.statuses == [503, 503, 200]
        assert (await tester.get("/_test/faults")).json()["planned"] == []
    await client.close()
    assert payments_count(backend, OVERDUE_GAS) == 1

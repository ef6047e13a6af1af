"""Deterministic faults in-process (SIM-6): exactly the next N calls, the operation's own plan
before ``*``'s, replaced when planned again, cleared with SIM-5's faults; ``drop`` on a write is
done and committed, then ``OutcomeUnknown`` (what ``HttpBackend`` reports for a lost answer)."""

from __future__ import annotations

import pytest

from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown
from geg_tui.fake_backend import admin, fault_plan
from geg_tui.fake_backend.backend import FakeBackend
from tests.payment_helpers import card, payments_count

OVERDUE_GAS = "968320100013"


async def outcomes(backend: FakeBackend, calls: int) -> list[str]:
    found = []
    for _ in range(calls):
        try:
            await backend.server_time()
            found.append("ok")
        except BackendUnavailable as exc:
            found.append(exc.code)
    return found


async def test_sim_6_exactly_the_next_n_calls(backend: FakeBackend) -> None:
    admin.plan_fault(backend, "server_time", "unavailable", 2)
    assert await outcomes(backend, 4) == ["panne_simulee", "panne_simulee", "ok", "ok"]
    assert admin.list_planned_faults(backend) == []


async def test_sim_6_own_plan_before_star_and_replaced_when_planned_again(
    backend: FakeBackend,
) -> None:
    admin.plan_fault(backend, "*", "unavailable", 1)
    admin.plan_fault(backend, "server_time", "latency", 5, 0)
    admin.plan_fault(backend, "server_time", "unavailable", 1)  # replaces the 5 latencies
    assert [f.to_json() for f in admin.list_planned_faults(backend)] == [
        {"operation": "*", "kind": "unavailable", "remaining": 1, "latency_ms": 0},
        {"operation": "server_time", "kind": "unavailable", "remaining": 1, "latency_ms": 0},
    ]
    assert await outcomes(backend, 3) == ["panne_simulee", "panne_simulee", "ok"]
    admin.plan_fault(backend, "*", "unavailable", 3)
    admin.clear_faults(backend)  # cleared with the others
    assert admin.list_planned_faults(backend) == [] and await outcomes(backend, 1) == ["ok"]


async def test_sim_6_drop_in_process_is_done_then_outcome_unknown(
    backend: FakeBackend, demo_session
) -> None:
    """PAY-4: charged, the answer lost; the same key again gives the first payment."""
    admin.plan_fault(backend, "pay_invoice", "drop", 1)
    payment = card(OVERDUE_GAS)
    with pytest.raises(OutcomeUnknown):
        await backend.pay_invoice(demo_session.token, payment)
    assert payments_count(backend, OVERDUE_GAS) == 1
    again = await backend.pay_invoice(demo_session.token, payment)
    assert again.invoice_ref == OVERDUE_GAS and payments_count(backend, OVERDUE_GAS) == 1


@pytest.mark.parametrize(
    ("operation", "kind", "count", "latency", "message"),
    [
        ("voler", "unavailable", 1, None, "Opération inconnue"),
        ("login", "boom", 1, None, "Type de panne inconnu"),
        ("login", "timeout", 0, None, "entre 1 et 1000"),
        ("login", "latency", 1, -1, "La latence doit être entre 0"),
        ("login", "latency", 1, 10**9, "La latence doit être entre 0"),
    ],
)
def test_sim_6_refused_plans(
    backend: FakeBackend, operation: str, kind: str, count: int, latency: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        admin.plan_fault(backend, operation, kind, count, latency)
    assert admin.list_planned_faults(backend) == []


async def test_sim_6_a_plan_edited_by_hand_into_nonsense_is_no_plan(backend: FakeBackend) -> None:
    with backend.store.transaction() as db:
        db.set_meta(fault_plan.META_KEY, '[{"operation": "server_time"}')
    assert admin.list_planned_faults(backend) == [] and await outcomes(backend, 1) == ["ok"]

"""The Backend protocol is complete for every area and FakeBackend implements all of it."""

from __future__ import annotations

import inspect

import pytest

from geg_tui.api.backend import Backend, backend_methods
from geg_tui.api.errors import AccountLocked, BackendError, ValidationError, from_payload
from geg_tui.api.registry import available_backends, backend_class
from geg_tui.fake_backend.backend import FakeBackend

AREAS = {
    "accounts": ["signup_confirm", "login", "logout", "reset_complete", "account", "home"],
    "invoices": ["list_invoices", "get_invoice", "invoice_pdf"],
    "payment": ["pay_invoice", "list_payments"],
    "e-invoice": ["set_e_invoice"],
    "payment mode": ["set_payment_mode", "debit_schedule"],
    "bank": ["bank_details", "set_bank_details"],
    "profile": [
        "profile",
        "update_contact_details",
        "request_email_change",
        "change_secret_question",
    ],
    "meters": ["meter_status", "submit_reading", "reading_history"],
    "consumption": ["consumption"],
    "requests": [
        "create_request",
        "list_requests",
        "get_request",
        "add_request_message",
        "contact_logged_out",
    ],
    "alerts": ["list_alerts", "set_alert"],
    "referral": ["invite", "referral", "set_referral_bank_details"],
}


@pytest.mark.parametrize("area", sorted(AREAS))
def test_protocol_covers_every_area(area: str) -> None:
    methods = set(backend_methods())
    assert set(AREAS[area]) <= methods


def test_fake_backend_implements_every_method_with_the_same_signature() -> None:
    for name in backend_methods():
        proto = inspect.signature(getattr(Backend, name))
        impl = inspect.signature(getattr(FakeBackend, name))
        assert list(proto.parameters) == list(impl.parameters), name
        assert inspect.iscoroutinefunction(getattr(FakeBackend, name)), name


def test_backends_are_registered_entry_points() -> None:
    assert "fake" in available_backends()
    assert backend_class("fake") is FakeBackend
    with pytest.raises(LookupError, match="inconnu"):
        backend_class("nope")


def test_errors_round_trip_through_their_payload() -> None:
    """Typed errors survive the HTTP mapping (same class, code, message, fields)."""
    from datetime import UTC, datetime

    original = ValidationError("Vérifiez.", code="x", fields={"email": "Adresse invalide."})
    again = from_payload(original.to_payload(), original.http_status)
    assert type(again) is ValidationError and again.to_payload() == original.to_payload()
    locked = AccountLocked(datetime(2026, 11, 27, 12, tzinfo=UTC))
    again = from_payload(locked.to_payload(), 423)
    assert isinstance(again, AccountLocked) and again.until == locked.until
    assert isinstance(from_payload({"message": "?"}, 500), BackendError)

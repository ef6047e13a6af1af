"""The REST routes of the ``Backend`` protocol: one per method, shared by server and client.

Each route names its HTTP verb and path; ``{name}`` in the path is a parameter of the method;
with GET, the other parameters travel in the query string, otherwise in a JSON body (an object
whose keys are the parameter names, or — for methods taking one model such as a payment — that
model itself, ``body_model``). Methods taking a ``token`` are authenticated with
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from geg_tui.api.backend import Backend

API_PREFIX = "/api/v1"


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    verb: str
    path: str
    body_model: str | None = None  # the parameter sent as the whole JSON body

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.path.split("/") if part.startswith("{"))

    @property
    def params(self) -> tuple[str, ...]:
        signature = inspect.signature(getattr(Backend, self.name))
        return tuple(p for p in signature.parameters if p != "self")

    @property
    def authenticated(self) -> bool:
        return "token" in self.params

    @property
    def data_params(self) -> tuple[str, ...]:
        """The parameters that travel in the query string (GET) or the JSON body."""
        return tuple(p for p in self.params if p != "token" and p not in self.path_params)

    @property
    def idempotent_write(self) -> bool:
        """Writes that carry an idempotency key may be retried (PAY-4, meter readings)."""
        return self.name in ("pay_invoice", "submit_reading")

    @property
    def records_nothing(self) -> bool:
        """Writes (not GET) whose lost answer leaves nothing for the person to check: checks of
        the sign-up wizard, which store nothing, and the session's own life (a login done twice
        is two sessions, a logout or a touch done twice is the same state)."""
        return self.name in (
            "signup_check_credentials",
            "signup_check_contract",
            "signup_check_personal",
            "login",
            "logout",
            "touch_session",
        )


ROUTES: tuple[Route, ...] = (
    Route("server_time", "GET", "/time"),
    Route("secret_questions", "GET", "/signup/questions"),
    Route("signup_check_credentials", "POST", "/signup/credentials"),
    Route("signup_check_contract", "POST", "/signup/contract"),
    Route("signup_check_personal", "POST", "/signup/personal"),
    Route("signup_confirm", "POST", "/signup", body_model="request"),
    Route("login", "POST", "/sessions"),
    Route("logout", "DELETE", "/sessions/current"),
    Route("touch_session", "POST", "/sessions/current/touch"),
    Route("change_password", "PUT", "/account/password"),
    Route("reset_start", "POST", "/recovery/start"),
    Route("reset_answer", "POST", "/recovery/answer"),
    Route("reset_complete", "POST", "/recovery/complete"),
    Route("support_info", "GET", "/support"),
    Route("contact_logged_out", "POST", "/contact", body_model="form"),
    Route("account", "GET", "/account"),
    Route("home", "GET", "/home"),
    Route("list_invoices", "GET", "/invoices"),
    Route("get_invoice", "GET", "/invoices/{ref}"),
    Route("invoice_pdf", "GET", "/invoices/{ref}/pdf"),
    Route("pay_invoice", "POST", "/payments", body_model="payment"),
    Route("list_payments", "GET", "/payments"),
    Route("set_e_invoice", "PUT", "/contracts/{contract_ref}/e-invoice"),
    Route("set_payment_mode", "PUT", "/contracts/{contract_ref}/payment-mode"),
    Route("debit_schedule", "GET", "/contracts/{contract_ref}/schedule"),
    Route("bank_details", "GET", "/bank"),
    Route("set_bank_details", "PUT", "/bank"),
    Route("profile", "GET", "/profile"),
    Route("update_contact_details", "PATCH", "/profile"),
    Route("request_email_change", "POST", "/profile/email"),
    Route("confirm_email_change", "POST", "/profile/email/confirm"),
    Route("change_secret_question", "PUT", "/profile/secret-question"),
    Route("meter_status", "GET", "/contracts/{contract_ref}/meter"),
    Route("submit_reading", "POST", "/contracts/{contract_ref}/readings"),
    Route("reading_history", "GET", "/contracts/{contract_ref}/readings"),
    Route("consumption", "GET", "/contracts/{contract_ref}/consumption"),
    Route("consumption_range", "GET", "/contracts/{contract_ref}/consumption/range"),
    Route("load_curve", "GET", "/contracts/{contract_ref}/load-curve"),
    Route("price_tables", "GET", "/prices/{energy}"),
    Route("create_request", "POST", "/requests", body_model="form"),
    Route("list_requests", "GET", "/requests"),
    Route("get_request", "GET", "/requests/{ref}"),
    Route("add_request_message", "POST", "/requests/{ref}/messages"),
    Route("list_alerts", "GET", "/alerts"),
    Route("set_alert", "PUT", "/alerts", body_model="setting"),
    Route("list_notifications", "GET", "/notifications"),
    Route("mark_notifications_read", "POST", "/notifications/read"),
    Route("invite", "POST", "/referral/invitations"),
    Route("referral", "GET", "/referral"),
    Route("set_referral_bank_details", "PUT", "/referral/bank"),
)

BY_NAME = {route.name: route for route in ROUTES}

"""The ``Backend`` protocol: every operation of the customer account, grouped by area.

Screens talk to this and nothing else. Two implementations exist: ``FakeBackend`` (in-process,
implements RULES.md) and ``HttpBackend`` (httpx, talks to ``geg-tui serve``). Every method is
async and raises only ``geg_tui.api.errors`` types. Methods that act for a logged-in customer take
the session ``token`` first (AUTH-6); the others are the logged-out ones (signup, login, recovery,
logged-out contact). Rule IDs in the docstrings point to RULES.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, runtime_checkable

from geg_tui.api.models import (
    Account,
    AlertSetting,
    BankDetails,
    CardPayment,
    ConsumptionRange,
    ConsumptionSeries,
    ContactForm,
    Contract,
    DebitSchedule,
    Energy,
    Granularity,
    HomeSummary,
    Invitation,
    Invoice,
    InvoicePage,
    InvoiceStatus,
    LoadCurve,
    MeterReading,
    MeterStatus,
    Notification,
    Payment,
    PaymentMode,
    PriceTables,
    Profile,
    ReadingResult,
    ReferralSummary,
    Register,
    ResetChallenge,
    ResetQueued,
    SecretQuestion,
    ServiceRequest,
    Session,
    SignupIdentity,
    SignupRequest,
    SupportInfo,
)


@runtime_checkable
class Backend(Protocol):
    """The complete customer-account interface. See RULES.md for every rule named here."""

    name: str

    async def close(self) -> None:
        """Release connections and files."""

    # --- the backend's clock (SIM-1) -------------------------------------------------------
    async def server_time(self) -> datetime:
        """The backend's current date-time (time-zone aware): the fake's own clock, a server's
        time over HTTP. Screens ask this, never the computer's clock, which may disagree."""

    # --- signup (SIGNUP) -------------------------------------------------------------------
    async def secret_questions(self) -> list[SecretQuestion]:
        """The fixed list of secret questions (SIGNUP-8)."""

    async def signup_check_credentials(
        self, email: str, password: str, password_confirm: str
    ) -> None:
        """Wizard step 1 (SIGNUP-1, SIGNUP-2). Stores nothing."""

    async def signup_check_contract(
        self, contract_ref: str, invoice_ref: str, invoice_amount: str
    ) -> SignupIdentity:
        """Wizard step 2 (SIGNUP-3…6): proves the contract, returns the identity on record."""

    async def signup_check_personal(
        self,
        contract_ref: str,
        invoice_ref: str,
        invoice_amount: str,
        birth_date: str,
        phone: str | None,
    ) -> None:
        """Wizard step 3 (SIGNUP-7): the birth date must match; a new phone must be valid."""

    async def signup_confirm(self, request: SignupRequest) -> Account:
        """Final step (SIGNUP-10): checks everything again and creates the account, all or nothing."""

    # --- login and sessions (AUTH, LOCK) ---------------------------------------------------
    async def login(self, email: str, password: str) -> Session:
        """AUTH-1…3, LOCK-1…4. Raises AuthError or AccountLocked."""

    async def logout(self, token: str) -> None:
        """AUTH-4."""

    async def touch_session(self, token: str) -> Session:
        """Check a session and extend its idle timeout (AUTH-3)."""

    async def change_password(self, token: str, current: str, new: str, new_confirm: str) -> None:
        """AUTH-5."""

    # --- recovery (RESET) ------------------------------------------------------------------
    async def reset_start(self, email: str, birth_date: str) -> ResetChallenge:
        """RESET-1, RESET-2: e-mail and birth date → the secret question."""

    async def reset_answer(self, email: str, birth_date: str, answer: str) -> ResetQueued:
        """RESET-3: right answer → a reset mail is queued."""

    async def reset_complete(
        self,
        email: str,
        code: str,
        new_password: str,
        new_password_confirm: str,
        secret_question_id: int | None = None,
        secret_answer: str | None = None,
    ) -> None:
        """RESET-4, RESET-5 (and RESET-7 with a new secret question)."""

    async def support_info(self) -> SupportInfo:
        """RESET-6: the advisor's phone and hours."""

    async def contact_logged_out(self, form: ContactForm) -> ServiceRequest:
        """REQ-1, LOCK-5, RESET-7: the logged-out contact form."""

    # --- account ---------------------------------------------------------------------------
    async def account(self, token: str) -> Account:
        """The customer, their contracts."""

    async def home(self, token: str) -> HomeSummary:
        """Everything the home screen shows, in one call."""

    # --- invoices and payment (INV, PAY) ---------------------------------------------------
    async def list_invoices(
        self,
        token: str,
        *,
        contract_ref: str | None = None,
        year: int | None = None,
        status: InvoiceStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> InvoicePage:
        """INV-3, INV-5: newest first, only the last 5 years."""

    async def get_invoice(self, token: str, ref: str) -> Invoice:
        """INV-1 with lines and readings."""

    async def invoice_pdf(self, token: str, ref: str) -> bytes:
        """INV-3, INV-4."""

    async def pay_invoice(self, token: str, payment: CardPayment) -> Payment:
        """PAY-1…5."""

    async def list_payments(self, token: str) -> list[Payment]:
        """The account's card payments and the direct debits taken on its contracts (in the
        last 5 years, INV-3), newest first."""

    # --- e-invoice and payment mode (EINV, DEBIT) ------------------------------------------
    async def set_e_invoice(self, token: str, contract_ref: str, enabled: bool) -> Contract:
        """EINV-1."""

    async def set_payment_mode(
        self, token: str, contract_ref: str, mode: PaymentMode, debit_day: int | None = None
    ) -> Contract:
        """DEBIT-1…3, DEBIT-5."""

    async def debit_schedule(self, token: str, contract_ref: str) -> DebitSchedule:
        """DEBIT-4."""

    # --- bank details (BANK) ---------------------------------------------------------------
    async def bank_details(self, token: str) -> BankDetails | None:
        """BANK-4: masked."""

    async def set_bank_details(
        self, token: str, iban: str, bic: str | None, holder: str, password: str
    ) -> BankDetails:
        """BANK-1…3."""

    # --- profile (PROFILE) -----------------------------------------------------------------
    async def profile(self, token: str) -> Profile:
        """PROFILE-1."""

    async def update_contact_details(
        self,
        token: str,
        *,
        phone: str | None = None,
        mobile: str | None = None,
        street: str | None = None,
        postcode: str | None = None,
        city: str | None = None,
    ) -> Profile:
        """PROFILE-1, PROFILE-3. ``None`` keeps a value; an empty phone removes it."""

    async def request_email_change(self, token: str, new_email: str, password: str) -> None:
        """PROFILE-2: a confirmation code is sent to the new address."""

    async def confirm_email_change(self, token: str, code: str) -> Profile:
        """PROFILE-2: the new address becomes the identifier; the old one is told."""

    async def change_secret_question(
        self, token: str, password: str, question_id: int, answer: str
    ) -> None:
        """PROFILE-2, SIGNUP-8."""

    # --- meters (METER) --------------------------------------------------------------------
    async def meter_status(self, token: str, contract_ref: str) -> MeterStatus:
        """METER-1, METER-5, METER-7."""

    async def submit_reading(
        self,
        token: str,
        contract_ref: str,
        indexes: dict[Register, int | str],
        *,
        confirm_implausible: bool = False,
        idempotency_key: str | None = None,
    ) -> ReadingResult:
        """METER-2…4, METER-7."""

    async def reading_history(self, token: str, contract_ref: str) -> list[MeterReading]:
        """METER-6: newest first."""

    # --- consumption (CONSO) ---------------------------------------------------------------
    async def consumption(
        self,
        token: str,
        contract_ref: str,
        start: date,
        end: date,
        granularity: Granularity,
        *,
        compare_previous_year: bool = False,
    ) -> ConsumptionSeries:
        """CONSO-1…4: aggregated by the backend."""

    async def consumption_range(self, token: str, contract_ref: str) -> ConsumptionRange:
        """CONSO-2: the first and last day with consumption for the contract (its start, or the
        oldest day kept, to yesterday as the backend sees it)."""

    async def load_curve(self, token: str, contract_ref: str, start: date, end: date) -> LoadCurve:
        """CONSO-1: the 30-minute average power (W) of a Linky contract over ``start``..``end``
        (at most 31 days, not before the contract; cut at yesterday)."""

    async def price_tables(self, energy: Energy) -> PriceTables:
        """INV-2: the dated public price grid the backend bills ``energy`` with (no session)."""

    # --- customer service (REQ) ------------------------------------------------------------
    async def create_request(self, token: str, form: ContactForm) -> ServiceRequest:
        """REQ-1, REQ-2, REQ-5."""

    async def list_requests(self, token: str) -> list[ServiceRequest]:
        """REQ-3."""

    async def get_request(self, token: str, ref: str) -> ServiceRequest:
        """REQ-3."""

    async def add_request_message(self, token: str, ref: str, text: str) -> ServiceRequest:
        """REQ-3: only while the request is open."""

    # --- alerts (ALERT) --------------------------------------------------------------------
    async def list_alerts(self, token: str) -> list[AlertSetting]:
        """ALERT-1."""

    async def set_alert(self, token: str, setting: AlertSetting) -> AlertSetting:
        """ALERT-2."""

    async def list_notifications(self, token: str) -> list[Notification]:
        """ALERT-3: the alerts the account was sent, newest first, read or not."""

    async def mark_notifications_read(self, token: str, ids: list[int]) -> int:
        """Mark the account's notifications ``ids`` read (others' ids are ignored); returns how
        many of its notifications are still unread."""

    # --- referral (REF) --------------------------------------------------------------------
    async def invite(
        self, token: str, first_name: str, last_name: str, email: str, postcode: str
    ) -> Invitation:
        """REF-1…4."""

    async def referral(self, token: str) -> ReferralSummary:
        """REF-5, REF-6."""

    async def set_referral_bank_details(
        self, token: str, iban: str, holder: str
    ) -> ReferralSummary:
        """REF-6 with BANK-1."""


def backend_methods() -> list[str]:
    """The names of every operation of the protocol (used by the contract-suite coverage test)."""
    return sorted(
        name
        for name, value in vars(Backend).items()
        if callable(value) and not name.startswith("_")
    )

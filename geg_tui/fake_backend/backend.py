"""``FakeBackend``: the in-process backend that implements RULES.md over one SQLite store.

Each async method runs its rule function in a worker thread (argon2 and SQLite block), inside one
store transaction, and returns domain models or raises the typed errors of ``geg_tui.api``.
Operations whose rules arrive with the fake-services issue raise ``NotImplementedError`` with a
French sentence until then; their signatures are already those of the ``Backend`` protocol.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from geg_tui.api.errors import NotFound, SessionExpired, ValidationError
from geg_tui.api.models import (
    Account,
    AlertSetting,
    BankDetails,
    CardPayment,
    ConsumptionSeries,
    ContactForm,
    Contract,
    DebitSchedule,
    Granularity,
    HomeSummary,
    Invitation,
    Invoice,
    InvoicePage,
    InvoiceStatus,
    MeterReading,
    MeterStatus,
    Payment,
    PaymentMode,
    Profile,
    ReadingKind,
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
from geg_tui.fake_backend import read_models, requests, validation
from geg_tui.fake_backend.accounts import SUPPORT, AccountRules
from geg_tui.fake_backend.clock import Clock, WallClock, system_now
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.sessions import check_session, end_session
from geg_tui.fake_backend.store import Store, Tx

T = TypeVar("T")

LISTING_YEARS = 5  # INV-3
NOT_YET = "Cette fonction n'est pas encore disponible dans le backend de démonstration."


def five_years_before(day: date) -> date:
    """INV-3: the first issue date still listed (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - LISTING_YEARS)
    except ValueError:
        return day.replace(year=day.year - LISTING_YEARS, day=28)


class FakeBackend:
    """The ``Backend`` protocol over a SQLite store, a persisted clock and an outbox."""

    name = "fake"

    def __init__(
        self, store: Store, *, clock: Clock | None = None, hasher: Hasher | None = None
    ) -> None:
        self.store = store
        self.clock = clock or Clock(store)
        self.hasher = hasher or Hasher()
        self.accounts = AccountRules(store, self.clock, self.hasher)

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        seed: int = 2026,
        hasher: Hasher | None = None,
        wall: WallClock = system_now,
        start: datetime | None = None,
    ) -> FakeBackend:
        """The backend on ``data_dir`` (``None``: in memory), seeded with the demo world if empty."""
        store = Store(":memory:") if data_dir is None else Store.in_dir(data_dir)
        backend = cls(store, clock=Clock(store, wall), hasher=hasher)
        if store.is_empty:
            from geg_tui.fake_backend.demo import seed_demo

            moment = start or backend.clock.now()
            if start is not None:
                backend.clock.freeze(start)
            seed_demo(store, seed=seed, start=moment)
        return backend

    async def close(self) -> None:
        self.store.close()

    # --- plumbing --------------------------------------------------------------------------
    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        """Run one rule off the event loop (argon2 and SQLite block)."""
        return await asyncio.to_thread(functools.partial(func, *args))

    def _account_id(self, db: Tx, token: object) -> int:
        account_id, _ = check_session(db, token, self.clock.now())
        return account_id

    def _authed(self, token: object, func: Callable[[Tx, int], T]) -> T:
        """AUTH-6: a valid session first, then the rule, in one transaction."""
        with self.store.transaction() as db:
            try:
                account_id = self._account_id(db, token)
            except SessionExpired:
                failure: SessionExpired | None = SessionExpired()
            else:
                failure = None
                return func(db, account_id)
        # The expired session is marked ended (committed above) before the error goes up.
        assert failure is not None
        raise failure

    def _contract_row(self, db: Tx, account_id: int, contract_ref: object):
        """AUTH-6: one of this customer's contracts, or NotFound (never another's)."""
        key = validation.lookup_key(contract_ref, 40)
        if not key:
            raise NotFound("Contrat introuvable.")
        row = db.one(
            "SELECT c.* FROM contracts c JOIN accounts a ON a.customer_id = c.customer_id "
            "WHERE a.id = ? AND c.ref = ?",
            (account_id, key),
        )
        if row is None:
            raise NotFound("Contrat introuvable.")
        return row

    # --- signup ----------------------------------------------------------------------------
    async def secret_questions(self) -> list[SecretQuestion]:
        return self.accounts.secret_questions()

    async def signup_check_credentials(
        self, email: str, password: str, password_confirm: str
    ) -> None:
        await self._run(self.accounts.check_credentials, email, password, password_confirm)

    async def signup_check_contract(
        self, contract_ref: str, invoice_ref: str, invoice_amount: str
    ) -> SignupIdentity:
        return await self._run(
            self.accounts.check_contract, contract_ref, invoice_ref, invoice_amount
        )

    async def signup_check_personal(
        self,
        contract_ref: str,
        invoice_ref: str,
        invoice_amount: str,
        birth_date: str,
        phone: str | None,
    ) -> None:
        await self._run(
            self.accounts.check_personal,
            contract_ref,
            invoice_ref,
            invoice_amount,
            birth_date,
            phone,
        )

    async def signup_confirm(self, request: SignupRequest) -> Account:
        return await self._run(self.accounts.confirm, request)

    # --- login and sessions ----------------------------------------------------------------
    async def login(self, email: str, password: str) -> Session:
        return await self._run(self.accounts.login, email, password)

    async def logout(self, token: str) -> None:
        def run() -> None:
            with self.store.transaction() as db:
                end_session(db, token, self.clock.now())

        await self._run(run)

    async def touch_session(self, token: str) -> Session:
        def run() -> Session:
            with self.store.transaction() as db:
                return check_session(db, token, self.clock.now())[1]

        try:
            return await self._run(run)
        except SessionExpired:
            await self.logout(token)
            raise

    async def change_password(self, token: str, current: str, new: str, new_confirm: str) -> None:
        def run(db: Tx, account_id: int) -> None:
            self.accounts.change_password(account_id, token, current, new, new_confirm)

        await self._run(self._authed, token, run)

    # --- recovery --------------------------------------------------------------------------
    async def reset_start(self, email: str, birth_date: str) -> ResetChallenge:
        return await self._run(self.accounts.reset_start, email, birth_date)

    async def reset_answer(self, email: str, birth_date: str, answer: str) -> ResetQueued:
        return await self._run(self.accounts.reset_answer, email, birth_date, answer)

    async def reset_complete(
        self,
        email: str,
        code: str,
        new_password: str,
        new_password_confirm: str,
        secret_question_id: int | None = None,
        secret_answer: str | None = None,
    ) -> None:
        await self._run(
            self.accounts.reset_complete,
            email,
            code,
            new_password,
            new_password_confirm,
            secret_question_id,
            secret_answer,
        )

    async def support_info(self) -> SupportInfo:
        return SUPPORT

    async def contact_logged_out(self, form: ContactForm) -> ServiceRequest:
        def run() -> ServiceRequest:
            clean = requests.validate_form(form, logged_in=False)
            with self.store.transaction() as db:
                assert clean.email is not None
                return requests.create(
                    db, self.clock.now(), clean, account_id=None, reply_to=clean.email
                )

        return await self._run(run)

    # --- account ---------------------------------------------------------------------------
    async def account(self, token: str) -> Account:
        return await self._run(self._authed, token, read_models.load_account)

    async def home(self, token: str) -> HomeSummary:
        def run(db: Tx, account_id: int) -> HomeSummary:
            account = read_models.load_account(db, account_id)
            today = self.clock.today()
            total = _total_to_pay(db, account_id, today)
            debit = db.one(
                "SELECT i.debit_date, i.total FROM invoices i JOIN contracts c ON c.id = i.contract_id "
                "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? AND i.status = ? "
                "AND i.debit_date >= ? ORDER BY i.debit_date LIMIT 1",
                (account_id, InvoiceStatus.DEBIT_SCHEDULED.value, today.isoformat()),
            )
            readings = []
            for contract in account.contracts:
                contract_id = db.scalar("SELECT id FROM contracts WHERE ref = ?", (contract.ref,))
                reading = read_models.last_reading(db, contract_id, contract.ref)
                if reading is not None:
                    readings.append(reading)
            return HomeSummary(
                account=account,
                total_to_pay=total,
                next_debit_date=date.fromisoformat(debit["debit_date"]) if debit else None,
                next_debit_amount=debit["total"] if debit else None,
                last_readings=tuple(readings),
            )

        return await self._run(self._authed, token, run)

    # --- invoices --------------------------------------------------------------------------
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
        def run(db: Tx, account_id: int) -> InvoicePage:
            today = self.clock.today()
            where = (
                " JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? "
                "AND i.issue_date <= ? AND i.issue_date >= ?"
            )
            params: list[Any] = [
                account_id,
                today.isoformat(),
                five_years_before(today).isoformat(),
            ]
            if contract_ref:
                where += " AND c.ref = ?"
                params.append(self._contract_row(db, account_id, contract_ref)["ref"])
            if year is not None:
                if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
                    raise ValidationError(fields={"year": "Année invalide."})
                where += " AND substr(i.issue_date, 1, 4) = ?"
                params.append(f"{year:04d}")
            if status is not None:
                try:
                    where += " AND i.status = ?"
                    params.append(InvoiceStatus(status).value)
                except ValueError:
                    raise ValidationError(fields={"status": "Statut inconnu."}) from None
            if not isinstance(offset, int) or offset < 0:
                raise ValidationError(fields={"offset": "Position invalide."})
            if limit is not None and (not isinstance(limit, int) or limit < 1):
                raise ValidationError(fields={"limit": "Nombre de factures invalide."})
            base = read_models.INVOICE_SELECT + where
            count = db.scalar(f"SELECT COUNT(*) FROM ({base})", tuple(params))
            page_sql = base + " ORDER BY i.issue_date DESC, i.id DESC LIMIT ? OFFSET ?"
            rows = db.all(page_sql, (*params, -1 if limit is None else limit, offset))
            to_pay = _total_to_pay(db, account_id, today)
            return InvoicePage(
                invoices=tuple(read_models.invoice_from_row(db, row) for row in rows),
                total_count=int(count),
                total_to_pay=to_pay,
                offset=offset,
            )

        return await self._run(self._authed, token, run)

    async def get_invoice(self, token: str, ref: str) -> Invoice:
        def run(db: Tx, account_id: int) -> Invoice:
            today = self.clock.today()
            row = None
            key = validation.lookup_key(ref, 40)
            if key:
                row = db.one(
                    read_models.INVOICE_SELECT
                    + " JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? AND i.ref = ? "
                    "AND i.issue_date <= ? AND i.issue_date >= ?",
                    (
                        account_id,
                        key,
                        today.isoformat(),
                        five_years_before(today).isoformat(),
                    ),
                )
            if row is None:
                raise NotFound("Facture introuvable.")
            return read_models.invoice_from_row(db, row, details=True)

        return await self._run(self._authed, token, run)

    async def invoice_pdf(self, token: str, ref: str) -> bytes:
        raise NotImplementedError(NOT_YET)

    async def pay_invoice(self, token: str, payment: CardPayment) -> Payment:
        raise NotImplementedError(NOT_YET)

    async def list_payments(self, token: str) -> list[Payment]:
        raise NotImplementedError(NOT_YET)

    # --- e-invoice, payment mode, bank, profile (fake-services issue) -----------------------
    async def set_e_invoice(self, token: str, contract_ref: str, enabled: bool) -> Contract:
        raise NotImplementedError(NOT_YET)

    async def set_payment_mode(
        self, token: str, contract_ref: str, mode: PaymentMode, debit_day: int | None = None
    ) -> Contract:
        raise NotImplementedError(NOT_YET)

    async def debit_schedule(self, token: str, contract_ref: str) -> DebitSchedule:
        raise NotImplementedError(NOT_YET)

    async def bank_details(self, token: str) -> BankDetails | None:
        raise NotImplementedError(NOT_YET)

    async def set_bank_details(
        self, token: str, iban: str, bic: str | None, holder: str, password: str
    ) -> BankDetails:
        raise NotImplementedError(NOT_YET)

    async def profile(self, token: str) -> Profile:
        raise NotImplementedError(NOT_YET)

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
        raise NotImplementedError(NOT_YET)

    async def request_email_change(self, token: str, new_email: str, password: str) -> None:
        raise NotImplementedError(NOT_YET)

    async def confirm_email_change(self, token: str, code: str) -> Profile:
        raise NotImplementedError(NOT_YET)

    async def change_secret_question(
        self, token: str, password: str, question_id: int, answer: str
    ) -> None:
        raise NotImplementedError(NOT_YET)

    # --- meters ----------------------------------------------------------------------------
    async def meter_status(self, token: str, contract_ref: str) -> MeterStatus:
        raise NotImplementedError(NOT_YET)

    async def submit_reading(
        self,
        token: str,
        contract_ref: str,
        indexes: dict[Register, int | str],
        *,
        confirm_implausible: bool = False,
        idempotency_key: str | None = None,
    ) -> ReadingResult:
        raise NotImplementedError(NOT_YET)

    async def reading_history(self, token: str, contract_ref: str) -> list[MeterReading]:
        def run(db: Tx, account_id: int) -> list[MeterReading]:
            contract = self._contract_row(db, account_id, contract_ref)
            by_day: dict[str, dict[Register, int]] = {}
            kinds: dict[str, str] = {}
            for row in db.all(
                "SELECT reading_date, register, idx, kind FROM readings WHERE contract_id = ? "
                "AND reading_date <= ? ORDER BY reading_date DESC",
                (contract["id"], self.clock.today().isoformat()),
            ):
                by_day.setdefault(row["reading_date"], {})[Register(row["register"])] = row["idx"]
                kinds[row["reading_date"]] = row["kind"]
            return [
                MeterReading(
                    contract["ref"], date.fromisoformat(day), indexes, ReadingKind(kinds[day])
                )
                for day, indexes in by_day.items()
            ]

        return await self._run(self._authed, token, run)

    # --- consumption -----------------------------------------------------------------------
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
        raise NotImplementedError(NOT_YET)

    # --- customer service ------------------------------------------------------------------
    async def create_request(self, token: str, form: ContactForm) -> ServiceRequest:
        def run(db: Tx, account_id: int) -> ServiceRequest:
            clean = requests.validate_form(form, logged_in=True)
            email = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
            return requests.create(
                db, self.clock.now(), clean, account_id=account_id, reply_to=email
            )

        return await self._run(self._authed, token, run)

    async def list_requests(self, token: str) -> list[ServiceRequest]:
        def run(db: Tx, account_id: int) -> list[ServiceRequest]:
            ids = db.all(
                "SELECT id FROM requests WHERE account_id = ? ORDER BY created_at DESC, id DESC",
                (account_id,),
            )
            return [requests.load(db, row["id"]) for row in ids]

        return await self._run(self._authed, token, run)

    async def get_request(self, token: str, ref: str) -> ServiceRequest:
        def run(db: Tx, account_id: int) -> ServiceRequest:
            return requests.load(db, requests.find_id(db, ref, account_id))

        return await self._run(self._authed, token, run)

    async def add_request_message(self, token: str, ref: str, text: str) -> ServiceRequest:
        raise NotImplementedError(NOT_YET)

    # --- alerts and referral ---------------------------------------------------------------
    async def list_alerts(self, token: str) -> list[AlertSetting]:
        raise NotImplementedError(NOT_YET)

    async def set_alert(self, token: str, setting: AlertSetting) -> AlertSetting:
        raise NotImplementedError(NOT_YET)

    async def invite(
        self, token: str, first_name: str, last_name: str, email: str, postcode: str
    ) -> Invitation:
        raise NotImplementedError(NOT_YET)

    async def referral(self, token: str) -> ReferralSummary:
        raise NotImplementedError(NOT_YET)

    async def set_referral_bank_details(
        self, token: str, iban: str, holder: str
    ) -> ReferralSummary:
        raise NotImplementedError(NOT_YET)


def _total_to_pay(db: Tx, account_id: int, today: date) -> int:
    """INV-5: what the account still owes (to pay or overdue, issued by today)."""
    return int(
        db.scalar(
            "SELECT COALESCE(SUM(i.total), 0) FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "JOIN accounts a ON a.customer_id = c.customer_id WHERE a.id = ? "
            "AND i.status IN ('a_payer', 'en_retard') AND i.issue_date <= ?",
            (account_id, today.isoformat()),
        )
    )

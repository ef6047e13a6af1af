"""``FakeBackend``: the in-process backend that implements RULES.md over one SQLite store.

Each async method runs its rule function in a worker thread (argon2 and SQLite block), inside one
store transaction, and returns domain models or raises the typed errors of ``geg_tui.api``.
Before every operation the world catches up with the clock (SIM-2: invoices issued, debits,
overdue invoices, alerts…) and the tester's injected faults apply (SIM-5: latency, errors).

Several processes share one data file (servers, the TUI, the tester's commands: SIM-4), so the
plumbing keeps the write lock short and rare: operations that only read (``READ_ONLY``) run in a
read transaction that never waits for a writer; the world's catch-up and the injected fault are
looked up in a read and written only when a day really passed; argon2 runs before the write
transaction (``Hasher.prepared``). A writer held up too long gets ``StoreBusy`` (503), raised
only when nothing of the call was committed.
"""

from __future__ import annotations

import asyncio
import functools
import random
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from geg_tui.api.backend import backend_methods
from geg_tui.api.errors import BackendUnavailable, NotFound, OutcomeUnknown, SessionExpired
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
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import (
    alerts,
    bank,
    debit,
    fault_plan,
    faults,
    home,
    invoices,
    notifications,
    profile,
    read_models,
    referral,
    requests,
    validation,
    world,
)
from geg_tui.fake_backend.authentication import AuthenticationRules
from geg_tui.fake_backend.clock import Clock, WallClock, system_now
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.recovery import RecoveryRules
from geg_tui.fake_backend.sessions import check_session, end_session, peek_session, touch
from geg_tui.fake_backend.signup import SignupRules
from geg_tui.fake_backend.store import Store, StoreBusy, Tx
from geg_tui.fake_backend.support import SUPPORT

T = TypeVar("T")
# Operations that only read: run in a read transaction (no write lock taken or waited for); the
# session's last activity is written afterwards, without waiting (see ``_read_authed``).
READ_ONLY = frozenset(
    {
        "account",
        "home",
        "list_invoices",
        "get_invoice",
        "invoice_pdf",
        "list_payments",
        "debit_schedule",
        "bank_details",
        "profile",
        "meter_status",
        "reading_history",
        "consumption",
        "consumption_range",
        "list_requests",
        "list_alerts",
        "list_notifications",
        "server_time",
    }
)


class FakeBackend:
    """The ``Backend`` protocol over a SQLite store, a persisted clock and an outbox."""

    name = "fake"

    def __init__(
        self, store: Store, *, clock: Clock | None = None, hasher: Hasher | None = None
    ) -> None:
        self.store = store
        self.clock = clock or Clock(store)
        self.hasher = hasher or Hasher()
        self.signup = SignupRules(store, self.clock, self.hasher)
        self.authentication = AuthenticationRules(store, self.clock, self.hasher)
        self.recovery = RecoveryRules(store, self.clock, self.hasher)
        self._unwritten: dict[str, datetime] = {}  # session token hash → last read not written
        self._unwritten_lock = threading.Lock()
        self._shared_read = threading.local()  # this thread runs a rule inside ``_guarded``'s read

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
        """The backend on ``data_dir`` (``None``: in memory), seeded with the demo world if empty.

        Two processes may open the same fresh directory at once (a server and a tester's
        command): the world is generated outside the lock, then inserted in the write
        transaction that checks the store is still empty, so one seeds and the other uses it."""
        store = Store(":memory:") if data_dir is None else Store.in_dir(data_dir)
        backend = cls(store, clock=Clock(store, wall), hasher=hasher)
        if store.is_empty:
            from geg_tui.fake_backend import demo

            moment = start or backend.clock.now()
            tables = demo.generate(seed, moment)
            with store.transaction() as db:
                if db.get_meta("seeded_at") is None:  # SIM-4: nobody else seeded meanwhile
                    if start is not None:
                        backend.clock.freeze(start)
                    demo.insert_demo(db, tables, seed=seed, start=moment)
        return backend

    async def close(self) -> None:
        self.store.close()

    async def server_time(self) -> datetime:
        """SIM-1: the clock every rule reads (after the world caught up with it)."""
        return await self._run(self.clock.now)

    def injected_fault(self, operation: str, *, drop_only: bool = False) -> faults.Fault | None:
        """The tester's fault on ``operation`` (a read: it never waits for a writer)."""
        with self.store.read() as db:
            fault = faults.fault_for(db, operation)
        if fault is not None and drop_only and not fault.drop_after_commit:
            return None
        return fault

    def _look_before(self, operation: str) -> tuple[datetime, faults.Fault | None, bool]:
        """In one read: the operation's instant, its injected fault, whether a day passed."""
        with self.store.read() as db:
            now = self.clock.now()
            return now, faults.fault_for(db, operation), world.is_behind(db, now)

    def forget_sessions(self) -> None:
        """After a reset in place (SIM-3 over HTTP): no session activity of the old world is
        kept to be written into the new one."""
        with self._unwritten_lock:
            self._unwritten.clear()

    def _fault_planned(self, operation: str) -> bool:
        """SIM-6: whether a deterministic fault waits for ``operation`` (a read)."""
        with self.store.read() as db:
            return fault_plan.pending(db, operation)

    # --- plumbing --------------------------------------------------------------------------
    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        """Run one rule off the event loop (argon2 and SQLite block), in one worker-thread hop
        together with the world's catch-up and the injected fault of the operation."""
        return await asyncio.to_thread(
            self._guarded, _OPERATION.get(), functools.partial(func, *args)
        )

    def _guarded(self, operation: str | None, call: Callable[[], T]) -> T:
        """One operation at one instant: the clock, the fault and « is a day behind? » read
        first; a ``READ_ONLY`` operation with nothing to catch up and no fault then runs in
        that same read (one snapshot, no write lock); otherwise the world catches up (write
        lock only then), the fault applies, and the rule runs."""
        if operation is None:
            with self.clock.pinned():
                return call()
        try:
            with self.store.read():
                now, fault, behind = self._look_before(operation)
                planned = self._fault_planned(operation)
                if operation in READ_ONLY and fault is None and not planned and not behind:
                    self._shared_read.active = True
                    with self.clock.pinned(now):
                        return call()
        except _NeedsWrite:
            pass  # a session to mark ended: the rule again, outside the read
        finally:
            self._shared_read.active = False
            self._write_unwritten()  # the sessions the read used, now that it is over
        with self.clock.pinned(now):
            if behind:
                with self.store.transaction() as db:
                    world.catch_up(db, now)  # checks again: another process may have done it
            if fault is not None:
                decided = _DECIDED_FAULTS.get()
                if decided is not None:
                    decided.append(fault)  # before the work: the server never asks after a commit
                time.sleep(fault.latency_ms / 1000)  # a worker thread: the UI keeps running
                if fault.error_rate and random.random() < fault.error_rate:
                    raise BackendUnavailable(Problem("panne_simulee"))
            lost = planned and fault_plan.apply(
                self.store, operation, _DECIDED_FAULTS.get(), write=operation not in READ_ONLY
            )
            try:
                result = call()
            finally:
                self._write_unwritten()
            if lost:  # SIM-6 « drop », in-process: done and committed, its answer lost
                raise OutcomeUnknown()
            return result

    def _account_id(self, db: Tx, token: object) -> int:
        account_id, _ = self._check_session(db, token)
        return account_id

    def _check_session(self, db: Tx, token: object) -> tuple[int, Session]:
        """AUTH-3 in a write transaction: the activities that reads kept in memory (the write lock
        was busy then) are written first, so that a session kept alive by reads is not ended
        here on the stale ``last_seen`` of the file.
        Memory is cleared by ``_write_unwritten`` once the call is over: this transaction may
        still roll back."""
        with self._unwritten_lock:
            batch = dict(self._unwritten)
        if batch:
            touch(db, batch)
        return check_session(db, token, self.clock.now())

    def _authed(self, token: object, func: Callable[[Tx, int], T]) -> T:
        """AUTH-6: a valid session first, then the rule, in one transaction (a read one for the
        ``READ_ONLY`` operations, whose session is valid and unexpired)."""
        if _OPERATION.get() in READ_ONLY:
            done, result = self._read_authed(token, func)
            if done:
                return result
            if getattr(self._shared_read, "active", False):
                raise _NeedsWrite()
        self._write_unwritten()
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

    def _read_authed(self, token: object, func: Callable[[Tx, int], T]) -> tuple[bool, Any]:
        """The rule in a read transaction when the session is valid: ``(True, result)``; else
        ``(False, None)`` and the caller's write transaction ends the session (AUTH-3)."""
        now = self.clock.now()
        with self._unwritten_lock:
            unwritten = dict(self._unwritten)
        with self.store.read() as db:
            found = peek_session(db, token, now, unwritten)
            if found is None:
                return False, None
            account_id, _, hashed, stale = found
            result = func(db, account_id)
        if stale:
            self._note_activity(hashed, now)
        return True, result

    def _note_activity(self, hashed: str, now: datetime) -> None:
        """AUTH-3: the session's idle limit is pushed back to ``now``; written once the read
        is over, if the write lock is free then, else at this process's next call (the answer
        never waits for it; ``peek_session`` counts it meanwhile)."""
        with self._unwritten_lock:
            if self._unwritten.get(hashed, now) <= now:
                self._unwritten[hashed] = now

    def _write_unwritten(self) -> None:
        """Write the last activities kept in memory, if the write lock is free right now."""
        if not self._unwritten:
            return  # the common case, without taking the lock
        with self._unwritten_lock:
            batch = dict(self._unwritten)
        try:
            with self.store.transaction(wait=False) as db:
                touch(db, batch)
        except StoreBusy:
            return  # still kept: the next call of this process tries again
        with self._unwritten_lock:
            for hashed, at in batch.items():
                if self._unwritten.get(hashed) == at:
                    del self._unwritten[hashed]

    def _authed_with_password(
        self,
        token: object,
        password: object,
        func: Callable[[Tx, int], T],
        to_hash: tuple[str | None, ...] = (),
    ) -> T:
        """``_authed`` for a rule that verifies the password (BANK-2, PROFILE-2, AUTH-5) and may
        store new hashes: argon2 runs first, on the stored hash read without the write lock;
        the rule then finds the results ready (``Hasher.prepared``)."""
        secret = _typed_secret(password)
        stored = None
        if secret is not None:
            with self.store.read() as db:
                found = peek_session(db, token, self.clock.now())
                if found is not None:
                    stored = db.scalar(
                        "SELECT password_hash FROM accounts WHERE id = ?", (found[0],)
                    )
        verified = self.hasher.verify_ahead(stored, secret)
        hashed = self.hasher.hash_ahead(*to_hash) if any(verified.values()) else {}
        with self.hasher.prepared(verified, hashed):
            return self._authed(token, func)

    def _contract_row(self, db: Tx, account_id: int, contract_ref: object):
        """AUTH-6: one of this customer's contracts, or NotFound (never another's)."""
        key = validation.lookup_key(contract_ref, 40)
        if not key:
            raise NotFound(Problem("contract_not_found"))
        row = db.one(
            "SELECT c.* FROM contracts c JOIN accounts a ON a.customer_id = c.customer_id "
            "WHERE a.id = ? AND c.ref = ?",
            (account_id, key),
        )
        if row is None:
            raise NotFound(Problem("contract_not_found"))
        return row

    # --- signup ----------------------------------------------------------------------------
    async def secret_questions(self) -> list[SecretQuestion]:
        return await self._run(self.signup.secret_questions)

    async def signup_check_credentials(
        self, email: str, password: str, password_confirm: str
    ) -> None:
        await self._run(self.signup.check_credentials, email, password, password_confirm)

    async def signup_check_contract(
        self, contract_ref: str, invoice_ref: str, invoice_amount: str
    ) -> SignupIdentity:
        return await self._run(
            self.signup.check_contract, contract_ref, invoice_ref, invoice_amount
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
            self.signup.check_personal,
            contract_ref,
            invoice_ref,
            invoice_amount,
            birth_date,
            phone,
        )

    async def signup_confirm(self, request: SignupRequest) -> Account:
        return await self._run(self.signup.confirm, request)

    # --- login and sessions ----------------------------------------------------------------
    async def login(self, email: str, password: str) -> Session:
        return await self._run(self.authentication.login, email, password)

    async def logout(self, token: str) -> None:
        def run() -> None:
            with self.store.transaction() as db:
                end_session(db, token, self.clock.now())

        await self._run(run)

    async def touch_session(self, token: str) -> Session:
        def run() -> Session:
            with self.store.transaction() as db:
                return self._check_session(db, token)[1]

        try:
            return await self._run(run)
        except SessionExpired:
            await self.logout(token)
            raise

    async def change_password(self, token: str, current: str, new: str, new_confirm: str) -> None:
        def run(db: Tx, account_id: int) -> None:
            self.authentication.change_password(account_id, token, current, new, new_confirm)

        to_hash = (validation.password_to_hash(new, new_confirm),)
        await self._run(self._authed_with_password, token, current, run, to_hash)

    # --- recovery --------------------------------------------------------------------------
    async def reset_start(self, email: str, birth_date: str) -> ResetChallenge:
        return await self._run(self.recovery.reset_start, email, birth_date)

    async def reset_answer(self, email: str, birth_date: str, answer: str) -> ResetQueued:
        return await self._run(self.recovery.reset_answer, email, birth_date, answer)

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
            self.recovery.reset_complete,
            email,
            code,
            new_password,
            new_password_confirm,
            secret_question_id,
            secret_answer,
        )

    async def support_info(self) -> SupportInfo:
        return await self._run(lambda: SUPPORT)

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
            return home.summary(db, self.clock.today(), account_id)

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
            contract = (
                self._contract_row(db, account_id, contract_ref)["ref"] if contract_ref else None
            )
            return invoices.page(
                db,
                self.clock.today(),
                account_id,
                contract_ref=contract,
                year=year,
                status=status,
                offset=offset,
                limit=limit,
            )

        return await self._run(self._authed, token, run)

    async def get_invoice(self, token: str, ref: str) -> Invoice:
        def run(db: Tx, account_id: int) -> Invoice:
            return invoices.detail(db, self.clock.today(), account_id, ref)

        return await self._run(self._authed, token, run)

    async def invoice_pdf(self, token: str, ref: str) -> bytes:
        from geg_tui.fake_backend import pdf  # fpdf is imported only when a PDF is made

        def run(db: Tx, account_id: int) -> bytes:
            return pdf.invoice_pdf(db, self.clock.today(), account_id, ref)

        return await self._run(self._authed, token, run)

    async def pay_invoice(self, token: str, payment: CardPayment) -> Payment:
        from geg_tui.fake_backend import payments

        def run(db: Tx, account_id: int) -> Payment:
            return payments.pay(db, self.clock.now(), account_id, payment)

        return await self._run(self._authed, token, run)

    async def list_payments(self, token: str) -> list[Payment]:
        from geg_tui.fake_backend import payments

        def run(db: Tx, account_id: int) -> list[Payment]:
            return payments.payments_of(db, account_id, self.clock.today())

        return await self._run(self._authed, token, run)

    # --- e-invoice and payment mode ------------------------------------------------------
    async def set_e_invoice(self, token: str, contract_ref: str, enabled: bool) -> Contract:
        def run(db: Tx, account_id: int) -> Contract:
            contract = self._contract_row(db, account_id, contract_ref)
            return debit.set_e_invoice(db, account_id, contract, enabled)

        return await self._run(self._authed, token, run)

    async def set_payment_mode(
        self, token: str, contract_ref: str, mode: PaymentMode, debit_day: int | None = None
    ) -> Contract:
        def run(db: Tx, account_id: int) -> Contract:
            contract = self._contract_row(db, account_id, contract_ref)
            return debit.set_mode(db, self.clock.now(), account_id, contract, mode, debit_day)

        return await self._run(self._authed, token, run)

    async def debit_schedule(self, token: str, contract_ref: str) -> DebitSchedule:
        def run(db: Tx, account_id: int) -> DebitSchedule:
            contract = self._contract_row(db, account_id, contract_ref)
            return debit.schedule(db, contract, self.clock.today())

        return await self._run(self._authed, token, run)

    # --- bank details ----------------------------------------------------------------------
    async def bank_details(self, token: str) -> BankDetails | None:
        def run(db: Tx, account_id: int) -> BankDetails | None:
            return bank.current(db, _customer_id(db, account_id))

        return await self._run(self._authed, token, run)

    async def set_bank_details(
        self, token: str, iban: str, bic: str | None, holder: str, password: str
    ) -> BankDetails:
        def run(db: Tx, account_id: int) -> BankDetails:
            bank.require_password(db, self.hasher, account_id, password)  # BANK-2
            email = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
            return bank.replace(
                db, self.clock.now(), _customer_id(db, account_id), email, iban, bic, holder
            )

        return await self._run(self._authed_with_password, token, password, run)

    # --- profile ---------------------------------------------------------------------------
    async def profile(self, token: str) -> Profile:
        return await self._run(self._authed, token, profile.load)

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
        def run(db: Tx, account_id: int) -> Profile:
            return profile.update_contact(
                db,
                account_id,
                phone=phone,
                mobile=mobile,
                street=street,
                postcode_value=postcode,
                city=city,
            )

        return await self._run(self._authed, token, run)

    async def request_email_change(self, token: str, new_email: str, password: str) -> None:
        def run(db: Tx, account_id: int) -> None:
            profile.request_email_change(
                db, self.clock.now(), self.hasher, account_id, new_email, password
            )

        await self._run(self._authed_with_password, token, password, run)

    async def confirm_email_change(self, token: str, code: str) -> Profile:
        def run(db: Tx, account_id: int) -> Profile:
            return profile.confirm_email_change(db, self.clock.now(), account_id, code)

        return await self._run(self._authed, token, run)

    async def change_secret_question(
        self, token: str, password: str, question_id: int, answer: str
    ) -> None:
        def run(db: Tx, account_id: int) -> None:
            profile.change_secret_question(
                db, self.hasher, account_id, password, question_id, answer
            )

        to_hash = (validation.answer_to_hash(answer),)
        await self._run(self._authed_with_password, token, password, run, to_hash)

    # --- meters ----------------------------------------------------------------------------
    async def meter_status(self, token: str, contract_ref: str) -> MeterStatus:
        from geg_tui.fake_backend import meters

        def run(db: Tx, account_id: int) -> MeterStatus:
            contract = self._contract_row(db, account_id, contract_ref)
            return meters.status(db, self.clock.today(), contract)

        return await self._run(self._authed, token, run)

    async def submit_reading(
        self,
        token: str,
        contract_ref: str,
        indexes: dict[Register, int | str],
        *,
        confirm_implausible: bool = False,
        idempotency_key: str | None = None,
    ) -> ReadingResult:
        from geg_tui.fake_backend import meters

        def run(db: Tx, account_id: int) -> ReadingResult:
            contract = self._contract_row(db, account_id, contract_ref)
            return meters.submit(
                db,
                self.clock.now(),
                account_id,
                contract,
                indexes,
                confirm_implausible,
                idempotency_key,
            )

        return await self._run(self._authed, token, run)

    async def reading_history(self, token: str, contract_ref: str) -> list[MeterReading]:
        from geg_tui.fake_backend import meters

        def run(db: Tx, account_id: int) -> list[MeterReading]:
            contract = self._contract_row(db, account_id, contract_ref)
            return meters.history(db, self.clock.today(), contract)

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
        from geg_tui.fake_backend import consumption

        def run(db: Tx, account_id: int) -> ConsumptionSeries:
            contract = self._contract_row(db, account_id, contract_ref)
            return consumption.series(
                db, self.clock.today(), contract, start, end, granularity, compare_previous_year
            )

        return await self._run(self._authed, token, run)

    async def consumption_range(self, token: str, contract_ref: str) -> ConsumptionRange:
        from geg_tui.fake_backend import consumption

        def run(db: Tx, account_id: int) -> ConsumptionRange:
            contract = self._contract_row(db, account_id, contract_ref)
            return consumption.data_range(db, self.clock.today(), contract)

        return await self._run(self._authed, token, run)

    async def load_curve(self, token: str, contract_ref: str, start: date, end: date) -> LoadCurve:
        from geg_tui.fake_backend import load_curves

        def run(db: Tx, account_id: int) -> LoadCurve:
            contract = self._contract_row(db, account_id, contract_ref)
            return load_curves.curve(db, self.clock.today(), contract, start, end)

        return await self._run(self._authed, token, run)

    async def price_tables(self, energy: Energy) -> PriceTables:
        from geg_tui.fake_backend import load_curves

        return await self._run(load_curves.price_tables, energy)

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
        return await self._run(self._authed, token, requests.of_account)

    async def get_request(self, token: str, ref: str) -> ServiceRequest:
        def run(db: Tx, account_id: int) -> ServiceRequest:
            # REQ-3: opening it is reading it (a write: customer service's replies become read)
            return requests.opened(db, requests.find_id(db, ref, account_id))

        return await self._run(self._authed, token, run)

    async def add_request_message(self, token: str, ref: str, text: str) -> ServiceRequest:
        def run(db: Tx, account_id: int) -> ServiceRequest:
            request_id = requests.find_id(db, ref, account_id)
            return requests.customer_message(db, self.clock.now(), request_id, text)

        return await self._run(self._authed, token, run)

    # --- alerts and referral ---------------------------------------------------------------
    async def list_alerts(self, token: str) -> list[AlertSetting]:
        return await self._run(self._authed, token, alerts.settings)

    async def set_alert(self, token: str, setting: AlertSetting) -> AlertSetting:
        def run(db: Tx, account_id: int) -> AlertSetting:
            return alerts.save(db, account_id, setting)

        return await self._run(self._authed, token, run)

    async def list_notifications(self, token: str) -> list[Notification]:
        return await self._run(self._authed, token, notifications.of_account)

    async def mark_notifications_read(self, token: str, ids: list[int]) -> int:
        def run(db: Tx, account_id: int) -> int:
            return notifications.mark_read(db, self.clock.now(), account_id, ids)

        return await self._run(self._authed, token, run)

    async def invite(
        self, token: str, first_name: str, last_name: str, email: str, postcode: str
    ) -> Invitation:
        def run(db: Tx, account_id: int) -> Invitation:
            now = self.clock.now()
            return referral.invite(db, now, account_id, first_name, last_name, email, postcode)

        return await self._run(self._authed, token, run)

    async def referral(self, token: str) -> ReferralSummary:
        def run(db: Tx, account_id: int) -> ReferralSummary:
            return referral.summary(db, self.clock.now(), account_id)

        return await self._run(self._authed, token, run)

    async def set_referral_bank_details(
        self, token: str, iban: str, holder: str
    ) -> ReferralSummary:
        def run(db: Tx, account_id: int) -> ReferralSummary:
            return referral.set_bank(db, self.clock.now(), account_id, iban, holder)

        return await self._run(self._authed, token, run)


_OPERATION: ContextVar[str | None] = ContextVar("geg_fake_operation", default=None)


class _NeedsWrite(Exception):
    """A read-only operation met an expired session, which must be marked ended (a write)."""


_DECIDED_FAULTS: ContextVar[list[faults.Fault] | None] = ContextVar(
    "geg_fake_decided_faults", default=None
)


@contextmanager
def decided_faults() -> Iterator[list[faults.Fault]]:
    """The faults the operations run inside this block decided on, before doing their work
    (SIM-5): the HTTP server learns there whether to drop the answer, instead of asking the
    store again after the commit (where a busy store would turn a success into an error)."""
    decided: list[faults.Fault] = []
    token = _DECIDED_FAULTS.set(decided)
    try:
        yield decided
    finally:
        _DECIDED_FAULTS.reset(token)


def _typed_secret(password: object) -> str | None:
    """The password as the rules verify it (NFC), or ``None`` when no rule would even try."""
    if not isinstance(password, str) or len(password) > 1000 or validation.has_control(password):
        return None
    return unicodedata.normalize("NFC", password)


def _operation(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """Name the protocol operation running, so that ``_run`` applies its faults (SIM-5)."""

    @functools.wraps(method)
    async def wrapper(self: FakeBackend, *args: Any, **kwargs: Any) -> Any:
        token = _OPERATION.set(name)
        try:
            return await method(self, *args, **kwargs)
        finally:
            _OPERATION.reset(token)

    return wrapper


for _name in backend_methods():
    if _name == "close":
        continue
    setattr(FakeBackend, _name, _operation(_name, getattr(FakeBackend, _name)))


def _customer_id(db: Tx, account_id: int) -> int:
    return int(db.scalar("SELECT customer_id FROM accounts WHERE id = ?", (account_id,)))

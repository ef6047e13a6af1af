"""Creating the online account (SIGNUP-1…10); login and blocking are in ``authentication``,
recovery in ``recovery``.

Each public method is one backend operation, run in one store transaction so that a refusal or
a crash leaves nothing behind (SIGNUP-10, SIM-4). Argon2 work never happens inside a write
transaction: the stored hash is read first (a read transaction), verified outside any lock, and
the write transaction then decides with that result (``Hasher.prepared``).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from geg_tui.api.errors import (
    Conflict,
    RateLimited,
    ValidationError,
)
from geg_tui.api.models import (
    Account,
    Identity,
    SecretQuestion,
    SignupIdentity,
    SignupRequest,
)
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import outbox, validation
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.questions import BY_ID, SECRET_QUESTIONS
from geg_tui.fake_backend.read_models import load_account
from geg_tui.fake_backend.store import Store, Tx
from geg_tui.fake_backend.support import SUPPORT
from geg_tui.formatting import format_datetime

SIGNUP_MAX_FAILURES = 5  # SIGNUP-5
SIGNUP_WINDOW = timedelta(hours=24)  # SIGNUP-5
WARNING_MAIL_INTERVAL = timedelta(hours=24)  # SIGNUP-1: at most one warning a day per address


def amounts_typed(total: int, balance: int) -> tuple[int, ...]:
    """SIGNUP-4: the amounts (cents) that prove an invoice — the figures its bill shows.

    The rule names the invoice's total incl. tax, which every bill prints (« Total TTC »). An
    annual settlement also prints its balance in large: the « Reste à payer » (total − the
    instalments already debited), or « Solde en votre faveur : 14,48 € », typed as printed or with
    a minus sign as the list shows it (« -14,48 € »). Any of these proves the person holds the
    bill; ``geg-tui fake customers`` prints the balance.
    """
    return (total, balance, -balance) if balance < 0 else (total, balance)


EMAIL_TAKEN = Problem("email_indisponible")


class SignupRules:
    """Signup over one store."""

    def __init__(self, store: Store, clock: Clock, hasher: Hasher) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher

    def secret_questions(self) -> list[SecretQuestion]:
        return list(SECRET_QUESTIONS)

    def check_credentials(self, email: object, password: object, confirm: object) -> str:
        """SIGNUP-1, SIGNUP-2: returns the normalised e-mail; refuses a used one neutrally."""
        errors = validation.Errors()
        address = errors.check("email", validation.email, email)
        validation.password(password, confirm, address, errors)
        errors.raise_if_any()
        assert address is not None
        with self.store.transaction() as db:
            taken = bool(db.scalar("SELECT 1 FROM accounts WHERE email = ?", (address,)))
            if taken:
                self._warn_owner(db, address)  # committed before the refusal goes up
        if taken:
            raise ValidationError(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN})
        return address

    def _warn_owner(self, db: Tx, address: str) -> None:
        """SIGNUP-1: tell the owner someone tried their address (once a day at most)."""
        now = self.clock.now()
        subject = "Tentative de création de compte avec votre adresse"
        recent = db.scalar(
            "SELECT 1 FROM outbox WHERE recipient = ? AND subject = ? AND created_at > ?",
            (address, subject, (now - WARNING_MAIL_INTERVAL).isoformat()),
        )
        if not recent:
            outbox.send(
                db,
                now,
                address,
                subject,
                "Bonjour,\n\nQuelqu'un a essayé de créer un compte GEG en ligne avec votre adresse "
                f"e-mail le {format_datetime(now)}. Si c'était vous, connectez-vous ou utilisez "
                "« mot de passe oublié ». Sinon, vous n'avez rien à faire : votre compte n'a pas été "
                "modifié.",
            )

    def check_contract(
        self, contract_ref: object, invoice_ref: object, amount: object
    ) -> SignupIdentity:
        """SIGNUP-3…6: proves the person holds the contract's latest invoice."""
        errors = validation.Errors()
        ref = errors.check("contract_ref", validation.contract_ref, contract_ref)
        inv = errors.check("invoice_ref", validation.invoice_ref, invoice_ref)
        cents = errors.check("invoice_amount", validation.amount_cents, amount)
        errors.raise_if_any()
        assert ref is not None and inv is not None and cents is not None
        # A failure must be recorded even though the check is refused: commit it on its own.
        with self.store.transaction() as db:
            outcome = self._prove_contract(db, ref, inv, cents)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _prove_contract(
        self, db: Tx, ref: str, inv: str, cents: int
    ) -> SignupIdentity | BaseException:
        now = self.clock.now()
        self._check_signup_rate(db, ref, now)
        contract = db.one("SELECT id, customer_id FROM contracts WHERE ref = ?", (ref,))
        latest = None
        if contract is not None:
            latest = db.one(
                "SELECT ref, total, balance FROM invoices WHERE contract_id = ? AND issue_date <= ? "
                "ORDER BY issue_date DESC, id DESC LIMIT 1",
                (contract["id"], self.clock.today().isoformat()),
            )
        if (
            latest is None
            or latest["ref"] != inv
            or cents not in amounts_typed(latest["total"], latest["balance"])
        ):
            return self._signup_failure(db, ref, now, Problem("verification_contrat"))
        assert contract is not None
        if db.scalar("SELECT 1 FROM accounts WHERE customer_id = ?", (contract["customer_id"],)):
            return Conflict(Problem("contrat_deja_rattache"))
        customer = db.one("SELECT * FROM customers WHERE id = ?", (contract["customer_id"],))
        assert customer is not None
        return SignupIdentity(
            contract_ref=ref,
            identity=Identity(customer["civility"], customer["first_name"], customer["last_name"]),
            masked_phone=validation.mask_phone(customer["mobile"] or customer["phone"]),
        )

    def _check_signup_rate(self, db: Tx, ref: str, now: datetime) -> None:
        """SIGNUP-5: the 5th failure within 24 h closes signup for this contract for 24 h.

        The block runs from that 5th failure, whatever happens to the older ones: a sliding count
        would reopen signup as soon as the first failure turned 24 hours old, before the time the
        message announces. Attempts during the block are refused before any check, so they are
        not failures and do not extend it; once it ends, the count starts again from zero.
        """
        if (until := signup_blocked_until(db, ref, now)) is not None:
            raise RateLimited(until, Problem("inscription_bloquee", phone=SUPPORT.phone))

    def _signup_failure(
        self, db: Tx, ref: str, now: datetime, problem: Problem, field: str | None = None
    ) -> ValidationError:
        db.execute(
            "INSERT INTO signup_failures(contract_ref, at) VALUES (?, ?)", (ref, now.isoformat())
        )
        return ValidationError(problem, fields={field: problem} if field else None)

    def check_personal(
        self,
        contract_ref: object,
        invoice_ref: object,
        amount: object,
        birth_date: object,
        phone: object,
    ) -> None:
        """SIGNUP-7: the birth date must match the record; a replacement phone must be valid."""
        identity = self.check_contract(contract_ref, invoice_ref, amount)
        errors = validation.Errors()
        day = errors.check("birth_date", validation.birth_date, birth_date, self.clock.today())
        if phone not in (None, ""):
            errors.check("phone", validation.phone, phone)
        errors.raise_if_any()
        with self.store.transaction() as db:
            failure = self._check_birth_date(db, identity.contract_ref, day)
        if failure is not None:
            raise failure

    def _check_birth_date(self, db: Tx, ref: str, day: date | None) -> ValidationError | None:
        recorded = db.scalar(
            "SELECT cu.birth_date FROM contracts c JOIN customers cu ON cu.id = c.customer_id "
            "WHERE c.ref = ?",
            (ref,),
        )
        if day is not None and recorded == day.isoformat():
            return None
        problem = Problem("date_naissance", phone=SUPPORT.phone)
        return self._signup_failure(db, ref, self.clock.now(), problem, "birth_date")

    def confirm(self, request: SignupRequest) -> Account:
        """SIGNUP-10: every check again, then the account, all or nothing; a welcome mail."""
        if not isinstance(request, SignupRequest):
            raise ValidationError(Problem("signup_request_invalid"))
        address = self.check_credentials(request.email, request.password, request.password_confirm)
        self.check_personal(
            request.contract_ref,
            request.invoice_ref,
            request.invoice_amount,
            request.birth_date,
            request.phone,
        )
        question, answer = _secret_question(request)
        password_hash = self.hasher.hash(unicodedata.normalize("NFC", request.password))
        answer_hash = self.hasher.hash(answer)
        contract_ref = validation.contract_ref(request.contract_ref)
        phone = validation.phone(request.phone) if request.phone else None
        with self.store.transaction() as db:
            customer_id = _still_free_customer(db, address, contract_ref)
            now = self.clock.now()
            cur = db.execute(
                "INSERT INTO accounts(customer_id, email, password_hash, question_id, answer_hash, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (customer_id, address, password_hash, question, answer_hash, now.isoformat()),
            )
            if phone:
                column = "mobile" if phone[1] in "67" else "phone"
                db.execute(f"UPDATE customers SET {column} = ? WHERE id = ?", (phone, customer_id))
            _send_welcome(db, now, address)
            return load_account(db, int(cur.lastrowid or 0))


def _secret_question(request: SignupRequest) -> tuple[int, str]:
    """SIGNUP-8: the question picked from the list and its normalised answer, else the errors."""
    errors = validation.Errors()
    question = request.secret_question_id
    if not isinstance(question, int) or isinstance(question, bool) or question not in BY_ID:
        errors.add("secret_question_id", Problem("secret_question_choose"))
    answer = errors.check("secret_answer", validation.secret_answer, request.secret_answer)
    errors.raise_if_any()
    assert answer is not None
    return question, answer


def _still_free_customer(db: Tx, address: str, contract_ref: str) -> int:
    """SIGNUP-1, SIGNUP-6 checked again inside the final transaction (another signup may have
    just won the race): the contract's customer, whose e-mail and contract are still free."""
    if db.scalar("SELECT 1 FROM accounts WHERE email = ?", (address,)):
        raise ValidationError(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN})
    customer_id = db.scalar("SELECT customer_id FROM contracts WHERE ref = ?", (contract_ref,))
    if db.scalar("SELECT 1 FROM accounts WHERE customer_id = ?", (customer_id,)):
        raise Conflict(Problem("contrat_deja_rattache"))
    return customer_id


def _send_welcome(db: Tx, now: datetime, address: str) -> None:
    """SIGNUP-10: the welcome mail to the new account's address."""
    outbox.send(
        db,
        now,
        address,
        "Bienvenue dans votre espace client GEG",
        "Bonjour,\n\nVotre compte GEG en ligne est créé. Vous pouvez dès maintenant vous "
        f"connecter avec l'identifiant {address} pour consulter et payer vos factures, "
        "saisir vos relevés et suivre vos consommations.",
    )


def signup_blocked_until(db: Tx, ref: str, now: datetime) -> datetime | None:
    """SIGNUP-5: when the running block of this contract ends, or ``None`` when there is none.

    A block starts at a failure that is the 5th within 24 hours (itself and the 4 before it) and
    lasts 24 hours. Only the last 48 hours matter: a block that started earlier has ended, and
    the failures that started it are at most 24 hours older than its start.
    """
    rows = db.all(
        "SELECT at FROM signup_failures WHERE contract_ref = ? AND at > ? ORDER BY at",
        (ref, (now - 2 * SIGNUP_WINDOW).isoformat()),
    )
    times = [datetime.fromisoformat(row["at"]) for row in rows]
    span = SIGNUP_MAX_FAILURES - 1
    for i in range(len(times) - 1, span - 1, -1):
        if times[i] - times[i - span] < SIGNUP_WINDOW:
            until = times[i] + SIGNUP_WINDOW
            return until if until > now else None
    return None

"""Recovering access (RESET): forgotten password, and forgotten secret question (RESET-7).

A person proves who they are with their e-mail, birth date and secret answer, and gets a
single-use code by mail. Each failed step counts as a failed login and a blocked account cannot
start (RESET-2, LOCK-6: ``authentication.failed_login``). Argon2 runs outside the write
transaction, as for login (see ``authentication``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geg_tui.api.errors import ValidationError
from geg_tui.api.models import ResetChallenge, ResetQueued
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import authentication, outbox, validation
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.hashing import Hasher, new_code, normalise_code, token_hash
from geg_tui.fake_backend.questions import BY_ID
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.sessions import end_all_sessions
from geg_tui.fake_backend.store import Store, Tx
from geg_tui.fake_backend.support import SUPPORT
from geg_tui.formatting import format_datetime

CODE_VALIDITY = timedelta(hours=24)  # RESET-4
RESET_MISMATCH = Problem("recuperation_refusee")


class RecoveryRules:
    """Password reset and secret-question reset over one store."""

    def __init__(self, store: Store, clock: Clock, hasher: Hasher) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher

    def _recovery_account(self, db: Tx, email: object, birth_date: object):
        """RESET-1, RESET-2: the account when e-mail and birth date match; failures count."""
        errors = validation.Errors()
        address = errors.check("email", validation.email, email)
        day = errors.check("birth_date", validation.birth_date, birth_date, self.clock.today())
        errors.raise_if_any()
        row = db.one(
            "SELECT a.*, cu.birth_date FROM accounts a JOIN customers cu ON cu.id = a.customer_id "
            "WHERE a.email = ?",
            (address,),
        )
        if row is None:
            return None, ValidationError(RESET_MISMATCH)
        now = self.clock.now()
        authentication.raise_if_locked(db, row, now)
        assert day is not None
        if row["birth_date"] != day.isoformat():
            return None, authentication.failed_login(
                db, row["id"], now, ValidationError(RESET_MISMATCH)
            )
        return row, None

    def reset_start(self, email: object, birth_date: object) -> ResetChallenge:
        with self.store.transaction() as db:
            row, failure = self._recovery_account(db, email, birth_date)
        if failure is not None:
            raise failure
        return ResetChallenge(BY_ID[row["question_id"]])

    def reset_answer(self, email: object, birth_date: object, answer: object) -> ResetQueued:
        """RESET-3, RESET-4: the right answer queues a mail with a new single-use code."""
        if (
            not isinstance(answer, str)
            or len(answer) > validation.MAX_INPUT
            or validation.has_control(answer)  # a lone surrogate included (SEC-4)
        ):
            raise validation.refuse("secret_answer", Problem("answer_special_characters"))
        normalised = validation.normalise_answer(answer)
        ahead = self._answer_ahead(email, normalised)
        with self.hasher.prepared(ahead), self.store.transaction() as db:
            row, failure = self._recovery_account(db, email, birth_date)
            if failure is None and not self.hasher.verify(row["answer_hash"], normalised):
                failure = authentication.failed_login(
                    db,
                    row["id"],
                    self.clock.now(),
                    ValidationError(RESET_MISMATCH),
                )
            if failure is None:
                return self._send_code(db, row["id"], row["email"], "password")
        raise failure

    def _answer_ahead(self, email: object, normalised: str) -> dict[tuple[str, str], bool]:
        """RESET-3's argon2 verification, before the write transaction (see the module doc)."""
        try:
            address = validation.email(email)
        except ValidationError:
            return {}  # refused by ``_recovery_account`` before any hash
        with self.store.read() as db:
            stored = db.scalar("SELECT answer_hash FROM accounts WHERE email = ?", (address,))
        return self.hasher.verify_ahead(stored, normalised)

    def _send_code(self, db: Tx, account_id: int, address: str, purpose: str) -> ResetQueued:
        now = self.clock.now()
        delay = timedelta(seconds=float(db.get_meta("reset_mail_delay_s") or 0))
        deliver_at = now + delay
        code = new_code()
        db.execute(
            "UPDATE codes SET revoked = 1 WHERE account_id = ? AND purpose IN ('password', 'question') "
            "AND used_at IS NULL",
            (account_id,),
        )
        db.execute(
            "INSERT INTO codes(account_id, purpose, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (
                account_id,
                purpose,
                token_hash(code),
                deliver_at.isoformat(),
                (deliver_at + CODE_VALIDITY).isoformat(),
            ),
        )
        extra = (
            " Ce code vous permet aussi de choisir une nouvelle question secrète."
            if purpose == "question"
            else ""
        )
        outbox.send(
            db,
            now,
            address,
            "Réinitialisation de votre mot de passe GEG",
            "Bonjour,\n\nVoici votre code de réinitialisation, valable 24 heures et une seule fois :\n\n"
            f"    {code}\n\nSaisissez-le dans l'application avec votre nouveau mot de passe.{extra} "
            "Si vous n'avez rien demandé, ignorez ce message.",
            deliver_at=deliver_at,
        )
        return ResetQueued(deliver_by=now + timedelta(hours=24))

    def reset_complete(
        self,
        email: object,
        code: object,
        new_password: object,
        confirm: object,
        question_id: object = None,
        answer: object = None,
    ) -> None:
        """RESET-4, RESET-5, RESET-7, LOCK-6."""
        address, code, pw = _checked_reset_form(email, code, new_password, confirm)
        # A wrong code is refused before any hash (argon2 costs, and hashes queue behind each
        # other); then argon2 runs outside the write lock, the answer only for a RESET-7 code.
        with self.store.read() as db:
            _, ahead = _reset_code(db, address, code, self.clock.now())
        if ahead is None:
            raise _invalid_code()
        to_hash = validation.answer_to_hash(answer) if ahead["purpose"] == "question" else None
        hashed = self.hasher.hash_ahead(pw, to_hash)
        with self.hasher.prepared(hashed=hashed), self.store.transaction() as db:
            now = self.clock.now()
            account, row = _reset_code(db, address, code, now)
            if row is None:
                raise _invalid_code()
            assert account is not None
            updates = {"password_hash": self.hasher.hash(pw)}
            if row["purpose"] == "question":  # RESET-7: a new secret question too
                normalised = _new_secret_question(question_id, answer)
                updates["question_id"] = question_id
                updates["answer_hash"] = self.hasher.hash(normalised)
            sets = ", ".join(f"{column} = ?" for column in updates)
            db.execute(
                f"UPDATE accounts SET {sets}, failed_logins = 0, locked_until = NULL WHERE id = ?",
                (*updates.values(), account["id"]),
            )
            db.execute("UPDATE codes SET used_at = ? WHERE id = ?", (now.isoformat(), row["id"]))
            end_all_sessions(db, account["id"], now)
            _send_reset_done(db, now, account["email"])

    def issue_question_reset_code(self, db: Tx, account_id: int, address: str) -> None:
        """RESET-7: customer service resolved a « question secrète oubliée » request."""
        self._send_code(db, account_id, address, "question")


def _checked_reset_form(
    email: object, code: object, new_password: object, confirm: object
) -> tuple[str | None, str, str]:
    """RESET-5's form checked before anything is looked up: the e-mail, that a code was typed,
    the new password (SIGNUP-2); the errors of every field at once."""
    errors = validation.Errors()
    address = errors.check("email", validation.email, email)
    if not isinstance(code, str) or not code.strip() or len(code) > 100:
        errors.add("code", Problem("code_required"))
    pw = validation.password(
        new_password,
        confirm,
        address,
        errors,
        field="new_password",
        confirm_field="new_password_confirm",
    )
    errors.raise_if_any()
    assert isinstance(code, str) and pw is not None
    return address, code, pw


def _invalid_code() -> ValidationError:
    """RESET-4: one refusal for a wrong, used, revoked or expired code (nothing tells them apart)."""
    return ValidationError(
        Problem("code_invalide"), fields={"code": Problem("code_invalid_or_expired")}
    )


def _new_secret_question(question_id: object, answer: object) -> str:
    """RESET-7: the new question must be one of the list and its answer valid (SIGNUP-8);
    returns the normalised answer."""
    q_errors = validation.Errors()
    if type(question_id) is not int or question_id not in BY_ID:
        q_errors.add("secret_question_id", Problem("secret_question_choose_new"))
    normalised = q_errors.check("secret_answer", validation.secret_answer, answer)
    q_errors.raise_if_any()
    assert normalised is not None
    return normalised


def _send_reset_done(db: Tx, now: datetime, address: str) -> None:
    """RESET-5: the confirmation mail, with the number to call if it was not them."""
    outbox.send(
        db,
        now,
        address,
        "Votre mot de passe a été réinitialisé",
        f"Bonjour,\n\nLe mot de passe de votre compte GEG a été réinitialisé le {format_datetime(now)}. "
        "Vous pouvez vous connecter avec votre nouveau mot de passe. Si vous n'êtes pas à "
        f"l'origine de cette demande, contactez le service client au {SUPPORT.phone}.",
    )


def _reset_code(db: Tx, address: str, code: str, now: datetime) -> tuple[Row | None, Row | None]:
    """RESET-4: the account and its valid, unused reset code (``password`` or ``question``)."""
    account = db.one("SELECT id, email FROM accounts WHERE email = ?", (address,))
    if account is None:
        return None, None
    row = db.one(
        "SELECT id, purpose FROM codes WHERE account_id = ? AND code_hash = ? AND "
        "purpose IN ('password', 'question') AND used_at IS NULL AND revoked = 0 "
        "AND created_at <= ? AND expires_at > ?",
        (account["id"], token_hash(normalise_code(code)), now.isoformat(), now.isoformat()),
    )
    return account, row

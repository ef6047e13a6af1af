"""Logging in (AUTH-1…3), changing the password (AUTH-5) and blocked access (LOCK-1…6).

Each public method is one backend operation, run in one store transaction so that a refusal or
a crash leaves nothing behind (SIM-4). Argon2 work never happens inside a write transaction: the
stored hash is read first (a read transaction), verified outside any lock, and the write
transaction then decides with that result (``Hasher.prepared``), re-reading everything the rule
needs — counters, blocking — so LOCK-1…6 count exactly as if it all happened at once. Signup
and recovery (``signup``, ``recovery``) work the same way; recovery counts its failures here
(LOCK-6: ``failed_login``).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from geg_tui.api.errors import AccountLocked, AuthError
from geg_tui.api.models import Session
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import outbox, validation
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.sessions import end_all_sessions, open_session
from geg_tui.fake_backend.store import Store, Tx
from geg_tui.fake_backend.support import SUPPORT
from geg_tui.formatting import format_datetime

LOCK_AFTER = 3  # LOCK-1
LOCK_DURATION = timedelta(hours=3)  # LOCK-1


class AuthenticationRules:
    """Login, password change and unblocking over one store."""

    def __init__(self, store: Store, clock: Clock, hasher: Hasher) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher

    def login(self, email: object, password: object) -> Session:
        """AUTH-1…3, LOCK-1…4."""
        address = validation.lookup_key(email, 254)
        address = address.lower() if address else None
        secret = None
        if (
            isinstance(password, str)
            and len(password) <= 1000
            and not validation.has_control(password)
        ):
            secret = unicodedata.normalize("NFC", password)
        ahead = self._login_ahead(address, secret)
        with self.hasher.prepared(ahead), self.store.transaction() as db:
            row = db.one("SELECT * FROM accounts WHERE email = ?", (address,)) if address else None
            if row is None or secret is None:
                raise AuthError()  # AUTH-2: the time of a verification was spent ahead
            now = self.clock.now()
            raise_if_locked(db, row, now)
            if self.hasher.verify(row["password_hash"], secret):
                db.execute(
                    "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                    (row["id"],),
                )
                return open_session(db, row["id"], row["email"], now)
            # Raised after the commit, so that the failure is counted (LOCK-1).
            failure = failed_login(db, row["id"], now, AuthError())
        raise failure

    def _login_ahead(self, address: str | None, secret: str | None) -> dict[tuple[str, str], bool]:
        """The login's argon2 work, before its write transaction: the verification against the
        stored hash, or (unknown e-mail, unusable password) a dummy one of the same cost, so
        that both refusals take about the same time (AUTH-2). None for a blocked account
        (LOCK-2 refuses it without looking at the password)."""
        with self.store.read() as db:
            row = (
                db.one(
                    "SELECT password_hash, locked_until FROM accounts WHERE email = ?", (address,)
                )
                if address
                else None
            )
        if row is None or secret is None:
            self.hasher.burn(secret or "")
            return {}
        if row["locked_until"] and self.clock.now() < datetime.fromisoformat(row["locked_until"]):
            return {}
        return self.hasher.verify_ahead(row["password_hash"], secret)

    def change_password(
        self, account_id: int, token: str, current: object, new: object, confirm: object
    ) -> None:
        """AUTH-5: the current password, SIGNUP-2, other sessions end, a mail."""
        with self.store.transaction() as db:
            row = db.one("SELECT email, password_hash FROM accounts WHERE id = ?", (account_id,))
            assert row is not None
            errors = validation.Errors()
            if (
                not isinstance(current, str)
                or len(current) > 1000
                or validation.has_control(current)  # a lone surrogate included (SEC-4)
                or not self.hasher.verify(
                    row["password_hash"], unicodedata.normalize("NFC", current)
                )
            ):
                errors.add("current_password", Problem("current_password_wrong"))
            pw = validation.password(
                new,
                confirm,
                row["email"],
                errors,
                field="new_password",
                confirm_field="new_password_confirm",
            )
            errors.raise_if_any()
            assert pw is not None
            now = self.clock.now()
            db.execute(
                "UPDATE accounts SET password_hash = ? WHERE id = ?",
                (self.hasher.hash(pw), account_id),
            )
            end_all_sessions(db, account_id, now, keep_token=token)
            outbox.send(
                db,
                now,
                row["email"],
                "Votre mot de passe a été modifié",
                f"Bonjour,\n\nLe mot de passe de votre compte GEG a été modifié le {format_datetime(now)}. "
                "Si vous n'êtes pas à l'origine de ce changement, contactez le service client au "
                f"{SUPPORT.phone}.",
            )

    def unblock(self, db: Tx, account_id: int, address: str) -> None:
        """LOCK-5: customer service resolved an « accès au compte » request."""
        now = self.clock.now()
        db.execute(
            "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", (account_id,)
        )
        outbox.send(
            db,
            now,
            address,
            "Votre accès au compte GEG est rétabli",
            "Bonjour,\n\nÀ votre demande, le service client a débloqué votre compte GEG en ligne. "
            "Vous pouvez de nouveau vous connecter.",
        )


def raise_if_locked(db: Tx, row: Row, now: datetime) -> None:
    """LOCK-2 while blocked; LOCK-3 once the 3 hours are over (count back to zero)."""
    if row["locked_until"] is None:
        return
    until = datetime.fromisoformat(row["locked_until"])
    if now < until:
        raise AccountLocked(until)
    db.execute(
        "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", (row["id"],)
    )


def failed_login(db: Tx, account_id: int, now: datetime, error: Exception) -> Exception:
    """LOCK-1, LOCK-6: count a failure; the third blocks for 3 hours from now."""
    count = (
        int(db.scalar("SELECT failed_logins FROM accounts WHERE id = ?", (account_id,)) or 0) + 1
    )
    if count >= LOCK_AFTER:
        until = now + LOCK_DURATION
        db.execute(
            "UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
            (count, until.isoformat(), account_id),
        )
        return AccountLocked(until)
    db.execute("UPDATE accounts SET failed_logins = ? WHERE id = ?", (count, account_id))
    return error

"""Sessions (AUTH-3, AUTH-4): random tokens stored only as hashes (SEC-2).

A session dies after 30 minutes without activity or 12 hours in any case; each valid call
pushes the idle limit back. An unknown, ended or expired token is one error: « session expirée ».
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geg_tui.api.errors import SessionExpired
from geg_tui.api.models import Session
from geg_tui.fake_backend import validation
from geg_tui.fake_backend.hashing import new_token, token_hash
from geg_tui.fake_backend.store import Tx

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)


def open_session(db: Tx, account_id: int, email: str, now: datetime) -> Session:
    token = new_token()
    db.execute(
        "INSERT INTO sessions(token_hash, account_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
        (token_hash(token), account_id, now.isoformat(), now.isoformat()),
    )
    return Session(token, email, now + IDLE_TIMEOUT, now + ABSOLUTE_TIMEOUT)


def check_session(db: Tx, token: object, now: datetime) -> tuple[int, Session]:
    """The account id behind a valid token, after extending its idle limit."""
    if validation.lookup_key(token, 200) != token or not token:
        raise SessionExpired()
    hashed = token_hash(token)
    row = db.one(
        "SELECT s.account_id, s.created_at, s.last_seen, s.ended_at, a.email "
        "FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
        (hashed,),
    )
    if row is None or row["ended_at"] is not None:
        raise SessionExpired()
    created = datetime.fromisoformat(row["created_at"])
    last_seen = datetime.fromisoformat(row["last_seen"])
    if now - last_seen > IDLE_TIMEOUT or now - created > ABSOLUTE_TIMEOUT:
        db.execute(
            "UPDATE sessions SET ended_at = ? WHERE token_hash = ?", (now.isoformat(), hashed)
        )
        raise SessionExpired()
    db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now.isoformat(), hashed))
    session = Session(
        token,
        row["email"],
        min(now + IDLE_TIMEOUT, created + ABSOLUTE_TIMEOUT),
        created + ABSOLUTE_TIMEOUT,
    )
    return int(row["account_id"]), session


def end_session(db: Tx, token: object, now: datetime) -> None:
    if validation.lookup_key(token, 200) == token and token:
        db.execute(
            "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            (now.isoformat(), token_hash(token)),
        )


def end_all_sessions(
    db: Tx, account_id: int, now: datetime, *, keep_token: str | None = None
) -> None:
    """AUTH-5, RESET-5: every session of the account ends (but ``keep_token``'s)."""
    keep = token_hash(keep_token) if keep_token else ""
    db.execute(
        "UPDATE sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL AND token_hash != ?",
        (now.isoformat(), account_id, keep),
    )

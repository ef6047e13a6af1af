"""Sessions (AUTH-3, AUTH-4): random tokens stored only as hashes (SEC-2).

A session dies after 30 minutes without activity or 12 hours in any case; each valid call
pushes the idle limit back. An unknown, ended or expired token is one error: « session expirée ».
"""

from __future__ import annotations

from collections.abc import Mapping
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


def _lookup(db: Tx, token: object):
    """The session row behind ``token`` (with its hash), or ``None`` for what cannot be one."""
    if validation.lookup_key(token, 200) != token or not token:
        return None, ""
    assert isinstance(token, str)
    hashed = token_hash(token)
    row = db.one(
        "SELECT s.account_id, s.created_at, s.last_seen, s.ended_at, a.email "
        "FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
        (hashed,),
    )
    return row, hashed


def _expired(row, now: datetime, last_seen: datetime | None = None) -> bool:
    created = datetime.fromisoformat(row["created_at"])
    seen = last_seen or datetime.fromisoformat(row["last_seen"])
    return now - seen > IDLE_TIMEOUT or now - created > ABSOLUTE_TIMEOUT


def _session(row, token: str, now: datetime) -> Session:
    created = datetime.fromisoformat(row["created_at"])
    return Session(
        token,
        row["email"],
        min(now + IDLE_TIMEOUT, created + ABSOLUTE_TIMEOUT),
        created + ABSOLUTE_TIMEOUT,
    )


def check_session(db: Tx, token: object, now: datetime) -> tuple[int, Session]:
    """The account id behind a valid token, after extending its idle limit."""
    row, hashed = _lookup(db, token)
    if row is None or row["ended_at"] is not None:
        raise SessionExpired()
    if _expired(row, now):
        db.execute(
            "UPDATE sessions SET ended_at = ? WHERE token_hash = ?", (now.isoformat(), hashed)
        )
        raise SessionExpired()
    db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now.isoformat(), hashed))
    assert isinstance(token, str)
    return int(row["account_id"]), _session(row, token, now)


def peek_session(
    db: Tx, token: object, now: datetime, unwritten: Mapping[str, datetime] | None = None
) -> tuple[int, Session, str, bool] | None:
    """A valid session without writing anything (a read transaction may call it): account id,
    session, token hash, and whether its idle limit still has to be pushed back to ``now``.
    ``None`` for an unknown, ended or expired one (the caller marks it ended in a write).
    ``unwritten``: later activities this process has not written yet (token hash → time)."""
    row, hashed = _lookup(db, token)
    if row is None or row["ended_at"] is not None:
        return None
    stored = datetime.fromisoformat(row["last_seen"])
    pending = (unwritten or {}).get(hashed)
    seen = max(stored, pending) if pending else stored
    if _expired(row, now, seen):
        return None
    assert isinstance(token, str)
    return int(row["account_id"]), _session(row, token, now), hashed, stored < now


def touch(db: Tx, seen: dict[str, datetime]) -> None:
    """AUTH-3: push back the idle limit of sessions used by reads (token hash → last use)."""
    db.executemany(
        "UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ? "
        "AND ended_at IS NULL",
        [(at.isoformat(), hashed, at.isoformat()) for hashed, at in seen.items()],
    )


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

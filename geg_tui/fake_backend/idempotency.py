"""Idempotency keys (PAY-4, and meter readings): a replayed request returns the first result.

The client picks a key per intended action (one per payment form, one per reading) and sends
it with every retry. The first completed result is stored under (account, key) with a
fingerprint of the request; a replay with the same key returns it without acting again, and the
same key on a different request is refused (a client bug, never silently merged).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from geg_tui.api.errors import Conflict, ValidationError
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import validation
from geg_tui.fake_backend.store import Tx


def check_key(key: object, field: str = "idempotency_key") -> str:
    """8 to 100 printable characters (a UUID fits)."""
    text = validation.lookup_key(key, 100)
    if text is None or len(text) < 8 or text != key:
        raise ValidationError(
            Problem("idempotency_key_invalid"), fields={field: Problem("key_invalid")}
        )
    return text


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode()).hexdigest()


def replay(db: Tx, account_id: int, key: str, operation: str, print_: str) -> Any | None:
    """The stored response for this key, ``None`` if the key is new."""
    row = db.one(
        "SELECT operation, fingerprint, response FROM idempotency WHERE account_id = ? AND key = ?",
        (account_id, key),
    )
    if row is None:
        return None
    if row["operation"] != operation or row["fingerprint"] != print_:
        raise Conflict(Problem("cle_idempotence_reutilisee"))
    return json.loads(row["response"])


def remember(
    db: Tx, now: datetime, account_id: int, key: str, operation: str, print_: str, response: Any
) -> None:
    db.execute(
        "INSERT INTO idempotency(account_id, key, operation, fingerprint, response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            account_id,
            key,
            operation,
            print_,
            json.dumps(response, ensure_ascii=False),
            now.isoformat(),
        ),
    )

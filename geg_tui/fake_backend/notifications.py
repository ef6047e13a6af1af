"""Notifications: the alerts an account was sent (ALERT-3), kept to be read in the terminal.

Each alert delivered by ``alerts.trigger`` is also recorded here, once per event like the
delivery itself, with its code and params (so that a client writes it in its reader's language)
and the French text the mail or SMS carried. A notification is unread until the customer marks
it read; ids of another account's notifications are ignored, never told apart from unknown
ones (AUTH-6).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from geg_tui.api.limits import NOTIFICATION_IDS_MAX
from geg_tui.api.models import AlertKind, Channel, Notification
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import validation
from geg_tui.fake_backend.store import Tx

MAX_IDS = NOTIFICATION_IDS_MAX  # ids marked read in one call (api/limits.py)


def record(
    db: Tx,
    now: datetime,
    account_id: int,
    kind: AlertKind,
    event_key: str,
    code: str,
    params: dict[str, Any],
    text: str,
    channels: Iterable[Channel],
) -> None:
    """Keep the alert just sent (inside the caller's transaction: no notice of a rolled-back
    event). A second record of the same event is ignored."""
    db.execute(
        "INSERT OR IGNORE INTO notifications(account_id, kind, event_key, at, code, params, text, "
        "channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            kind.value,
            event_key,
            now.isoformat(),
            code,
            json.dumps(params, ensure_ascii=False, sort_keys=True),
            text,
            ",".join(channel.value for channel in channels),
        ),
    )


def of_account(db: Tx, account_id: int) -> list[Notification]:
    """The account's notifications, newest first."""
    rows = db.all(
        "SELECT * FROM notifications WHERE account_id = ? ORDER BY at DESC, id DESC",
        (account_id,),
    )
    return [
        Notification(
            id=row["id"],
            at=datetime.fromisoformat(row["at"]),
            kind=AlertKind(row["kind"]),
            channels=tuple(Channel(c) for c in row["channels"].split(",") if c),
            read=row["read_at"] is not None,
            text=row["text"],
            code=row["code"],
            params=json.loads(row["params"]),
        )
        for row in rows
    ]


def unread(db: Tx, account_id: int) -> int:
    return int(
        db.scalar(
            "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL",
            (account_id,),
        )
    )


def mark_read(db: Tx, now: datetime, account_id: int, ids: object) -> int:
    """Mark ``ids`` (the account's own; others ignored) read; returns how many stay unread.
    Bad input of any shape (not a list, not whole numbers, too many) is refused with a reason."""
    if (
        not isinstance(ids, list | tuple)
        or len(ids) > MAX_IDS
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise validation.refuse("ids", Problem("notification_ids_invalid", max=MAX_IDS))
    for chunk in range(0, len(ids), 500):  # SQLite's bound parameters, with room to spare
        part = list(ids[chunk : chunk + 500])
        marks = ",".join("?" * len(part))
        db.execute(
            f"UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL "
            f"AND id IN ({marks})",
            (now.isoformat(), account_id, *part),
        )
    return unread(db, account_id)

"""The outbox (MAIL-1): every mail and SMS the fake backend sends, kept for testers.

A message has a delivery time: most are delivered at once, the password-reset mail after a
configurable delay (RESET-3, meta ``reset_mail_delay_s``, 0 by default). Reading the outbox shows
only what has been delivered by the backend's clock, so moving the clock delivers delayed mail
(SIM-2). Bodies never hold a password, card number, security code or full IBAN (SEC-3); codes
meant for the person (reset, e-mail confirmation) are the point of the mail and do appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from geg_tui.api.models import Channel
from geg_tui.fake_backend.store import Tx

SIGNATURE = "\n\n— GEG, Gaz Électricité de Grenoble\nCeci est un message automatique, merci de ne pas y répondre."


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    created_at: datetime
    deliver_at: datetime
    channel: Channel
    recipient: str
    subject: str
    body: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "deliver_at": self.deliver_at.isoformat(),
            "channel": self.channel.value,
            "to": self.recipient,
            "subject": self.subject,
            "body": self.body,
        }


def send(
    db: Tx,
    now: datetime,
    recipient: str,
    subject: str,
    body: str,
    *,
    channel: Channel = Channel.EMAIL,
    deliver_at: datetime | None = None,
) -> int:
    """Queue one message (inside the caller's transaction: no mail for a rolled-back action)."""
    text = body + (SIGNATURE if channel is Channel.EMAIL else "")
    cur = db.execute(
        "INSERT INTO outbox(created_at, deliver_at, channel, recipient, subject, body) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            now.isoformat(),
            (deliver_at or now).isoformat(),
            channel.value,
            recipient.lower(),
            subject,
            text,
        ),
    )
    return int(cur.lastrowid or 0)


def delivered(db: Tx, now: datetime, recipient: str | None = None) -> list[OutboxMessage]:
    """Messages delivered by ``now``, oldest first, optionally for one recipient."""
    sql = "SELECT * FROM outbox WHERE deliver_at <= ?"
    params: list[object] = [now.isoformat()]
    if recipient:
        sql += " AND recipient = ?"
        params.append(recipient.strip().lower())
    rows = db.all(sql + " ORDER BY deliver_at, id", tuple(params))
    return [
        OutboxMessage(
            id=row["id"],
            created_at=datetime.fromisoformat(row["created_at"]),
            deliver_at=datetime.fromisoformat(row["deliver_at"]),
            channel=Channel(row["channel"]),
            recipient=row["recipient"],
            subject=row["subject"],
            body=row["body"],
        )
        for row in rows
    ]

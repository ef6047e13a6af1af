"""Customer-service requests (REQ), including the logged-out contact forms (LOCK-5, RESET-7).

A request has a reference ``DEM-YYYY-NNNNNN`` numbered per year, a status and a history of
events (every status change and every message, with its time). Customer service is played by the
tester (``geg-tui fake requests …``); resolving a request applies its category's effect.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from geg_tui.api.errors import Conflict, NotFound, ValidationError
from geg_tui.api.limits import MESSAGE_MAX, MESSAGE_MIN, NAME_MAX, SUBJECT_MAX
from geg_tui.api.models import (
    ContactForm,
    RequestCategory,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import outbox, validation
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.store import Tx
from geg_tui.formatting import PARIS
from geg_tui.labels import french_label

SERVICE = "service_client"  # the author of customer service's events


def _message(value: object, field: str = "message") -> str:
    """REQ-1: 10 to 2000 characters; line breaks and tabs are allowed in a message."""
    if not isinstance(value, str):
        raise validation.refuse(field, Problem("message_value_invalid"))
    cleaned = value.replace("\r\n", "\n").replace("\t", " ")
    if validation.has_control(cleaned.replace("\n", "")):
        raise validation.refuse(field, Problem("message_characters_not_allowed"))
    text = cleaned.strip()
    if len(text) < MESSAGE_MIN:
        raise validation.refuse(field, Problem("message_too_short", min=MESSAGE_MIN))
    if len(text) > MESSAGE_MAX:
        raise validation.refuse(field, Problem("message_too_long", max=MESSAGE_MAX))
    return text


def validate_form(form: object, *, logged_in: bool) -> ContactForm:
    """REQ-1: category, subject ≤ 100, message 10–2000; logged out: name, e-mail, optional contract."""
    if not isinstance(form, ContactForm):
        raise ValidationError(Problem("contact_form_invalid"))
    errors = validation.Errors()
    try:
        category = RequestCategory(form.category)
    except ValueError:
        category = None
        errors.add("category", Problem("category_choose"))
    if category is not None and not logged_in and not category.logged_out:
        errors.add("category", Problem("category_needs_login"))
    subject = errors.check("subject", validation.text_value, form.subject, "subject", "subject")
    if subject is not None and len(subject) > SUBJECT_MAX:
        errors.add("subject", Problem("subject_too_long", max=SUBJECT_MAX))
    message = errors.check("message", _message, form.message)
    name = email = contract = None
    if not logged_in:
        name = errors.check("name", validation.text_value, form.name, "name", "name")
        if name is not None and len(name) > NAME_MAX:
            errors.add("name", Problem("name_too_long", max=NAME_MAX))
        email = errors.check("email", validation.email, form.email)
        if form.contract_ref not in (None, ""):
            contract = errors.check("contract_ref", validation.contract_ref, form.contract_ref)
    errors.raise_if_any()
    return ContactForm(category, subject, message, name, email, contract)  # type: ignore[arg-type]


def create(
    db: Tx, now: datetime, form: ContactForm, *, account_id: int | None, reply_to: str
) -> ServiceRequest:
    """REQ-2, REQ-5: a numbered request, its first event, an acknowledgement mail."""
    year = now.astimezone(PARIS).year
    prefix = f"DEM-{year}-"
    last = db.scalar("SELECT MAX(ref) FROM requests WHERE ref LIKE ?", (prefix + "%",))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    ref = f"{prefix}{number:06d}"
    cur = db.execute(
        "INSERT INTO requests(ref, account_id, category, subject, status, created_at, name, email, "
        "contract_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ref,
            account_id,
            form.category.value,
            form.subject,
            RequestStatus.RECEIVED.value,
            now.isoformat(),
            form.name,
            reply_to,
            form.contract_ref,
        ),
    )
    request_id = int(cur.lastrowid or 0)
    add_event(db, request_id, now, "client", form.message, RequestStatus.RECEIVED)
    outbox.send(
        db,
        now,
        reply_to,
        f"Votre demande {ref} a bien été reçue",
        f"Bonjour,\n\nNous avons bien reçu votre demande « {form.subject} » "
        f"({french_label(form.category)}), enregistrée sous la référence {ref}. Le service client vous "
        "répondra dans les meilleurs délais.",
    )
    return load(db, request_id)


def add_event(
    db: Tx,
    request_id: int,
    now: datetime,
    author: str,
    text: str,
    status: RequestStatus | None = None,
) -> None:
    db.execute(
        "INSERT INTO request_events(request_id, at, author, text, status) VALUES (?, ?, ?, ?, ?)",
        (request_id, now.isoformat(), author, text, status.value if status else None),
    )


def note_code(text: str) -> tuple[str | None, dict[str, Any]]:
    """The code and params of a note of customer service (``texts.REQUEST_NOTES``), read back
    from the French the store keeps (GEG's record, and what older data files hold), so that a
    screen can write it in the reader's language. ``(None, {})`` for any other text."""
    from geg_tui.api.texts import REQUEST_EFFECTS, REQUEST_NOTES, note_text_french

    params: dict[str, Any] = {}
    code = next((c for c, t in REQUEST_NOTES.items() if t.msgid == text), None)
    if code is None and (found := _STATUS_NOTE.fullmatch(text)) is not None:
        status = next((s for s in RequestStatus if french_label(s) == found.group(1)), None)
        code, params = "status", {"status": status.value if status else ""}
    if code is None and (found := _RESOLVED_NOTE.fullmatch(text)) is not None:
        effect = next((c for c, w in REQUEST_EFFECTS.items() if w.msgid == found.group(1)), "")
        code, params = "resolved", {"effect": effect}
    if code is None or note_text_french(code, params) != text:
        return None, {}
    return code, params


_STATUS_NOTE = re.compile(r"Statut : (.+)\.")
_RESOLVED_NOTE = re.compile(r"Demande résolue \((.+)\)\.")


def _event(row: Row) -> RequestEvent:
    code, params = (None, {})
    if row["author"] == SERVICE and row["status"]:
        code, params = note_code(row["text"])
    return RequestEvent(
        at=datetime.fromisoformat(row["at"]),
        author=row["author"],
        text=row["text"],
        status=RequestStatus(row["status"]) if row["status"] else None,
        text_code=code,
        text_params=params,
    )


def load(db: Tx, request_id: int) -> ServiceRequest:
    row = db.one("SELECT * FROM requests WHERE id = ?", (request_id,))
    if row is None:
        raise NotFound(Problem("request_not_found"))
    rows = db.all(
        "SELECT rowid, * FROM request_events WHERE request_id = ? ORDER BY at, rowid",
        (request_id,),
    )
    return ServiceRequest(
        ref=row["ref"],
        category=RequestCategory(row["category"]),
        subject=row["subject"],
        status=RequestStatus(row["status"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        events=tuple(_event(e) for e in rows),
        unread=any(e["author"] == SERVICE and e["rowid"] > row["read_upto"] for e in rows),
    )


def mark_read(db: Tx, request_id: int) -> None:
    """REQ-3: the customer has seen every event of the request so far (by rowid, not time: a
    reply in the same second as the opening, under a frozen clock, is still after it)."""
    db.execute(
        "UPDATE requests SET read_upto = COALESCE("
        "(SELECT MAX(rowid) FROM request_events WHERE request_id = ?), 0) WHERE id = ?",
        (request_id, request_id),
    )


def opened(db: Tx, request_id: int) -> ServiceRequest:
    """The request as the customer opens it: what it holds is read from now on."""
    mark_read(db, request_id)
    return load(db, request_id)


def of_account(db: Tx, account_id: int) -> list[ServiceRequest]:
    """The account's requests, newest first."""
    ids = db.all(
        "SELECT id FROM requests WHERE account_id = ? ORDER BY created_at DESC, id DESC",
        (account_id,),
    )
    return [load(db, row["id"]) for row in ids]


def find_id(db: Tx, ref: object, account_id: int | None = None) -> int:
    """The request's id; with ``account_id``, only that customer's own requests (AUTH-6)."""
    key = validation.lookup_key(ref, 40)
    if not key:
        raise NotFound(Problem("request_not_found"))
    sql = "SELECT id FROM requests WHERE ref = ?"
    params: tuple = (key.upper(),)
    if account_id is not None:
        sql += " AND account_id = ?"
        params += (account_id,)
    found = db.scalar(sql, params)
    if found is None:
        raise NotFound(Problem("request_not_found"))
    return int(found)


def set_status(db: Tx, request_id: int, now: datetime, status: RequestStatus, note: str) -> None:
    current = RequestStatus(db.scalar("SELECT status FROM requests WHERE id = ?", (request_id,)))
    if current is RequestStatus.CLOSED:
        raise Conflict(Problem("request_closed"))
    db.execute("UPDATE requests SET status = ? WHERE id = ?", (status.value, request_id))
    add_event(db, request_id, now, SERVICE, note, status)


def customer_message(db: Tx, now: datetime, request_id: int, text: object) -> ServiceRequest:
    """REQ-3: the customer adds a message while the request is open (received or in progress)."""
    message = _message(text, "text")
    status = RequestStatus(db.scalar("SELECT status FROM requests WHERE id = ?", (request_id,)))
    if not status.open:
        raise Conflict(Problem("demande_fermee", request_status=status.value))
    add_event(db, request_id, now, "client", message)
    return opened(db, request_id)  # replying, the customer has the thread before them

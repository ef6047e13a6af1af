"""Tester controls over the fake backend's world: customers, outbox, clock, reset, customer service.

These are not part of the ``Backend`` protocol: a customer cannot do them. The CLI
(``geg-tui fake …``) and the tests call them; each returns plain JSON-ready data. Those that only
look (customers, outbox, clock, faults, requests) read without the write lock, so a tester's
command answers at once even while servers write (SIM-4).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from geg_tui.api.backend import backend_methods
from geg_tui.api.errors import Conflict, NotFound, ValidationError
from geg_tui.api.models import RequestCategory, RequestStatus
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import fault_plan, faults, outbox, referral, requests, world
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.faults import InvalidValue
from geg_tui.fake_backend.outbox import OutboxMessage
from geg_tui.fake_backend.store import DB_FILENAME
from geg_tui.formatting import PARIS, format_date, format_money
from geg_tui.i18n import LazyText, _l
from geg_tui.labels import french_label

# What the invoice's main figure is called on the bill (SIGNUP-4). ``--json`` gives the French
# words (``.msgid``), as before; the CLI's text says them in the run's language (``words_of``).
LEFT_TO_PAY = _l("reste à payer")
TOTAL_INCL_VAT = _l("montant TTC")
CREDIT = _l("solde en votre faveur")
# What resolving a request did (LOCK-5, RESET-7): the French words in ``--json`` and in the
# request's history (GEG's own record), the run's language in the CLI's text.
NO_EFFECT = _l("aucun")
UNBLOCKED = _l("compte débloqué")
CODE_SENT = _l("code de réinitialisation envoyé")
_WORDS: tuple[LazyText, ...] = (
    LEFT_TO_PAY,
    TOTAL_INCL_VAT,
    CREDIT,
    NO_EFFECT,
    UNBLOCKED,
    CODE_SENT,
)


def words_of(french: str) -> str:
    """The run's language for words this module returns in French (an amount's label, a
    resolve's effect); anything else as given."""
    found = next((w for w in _WORDS if w.msgid == french), None)
    return str(found) if found is not None else french


def _plain_money(cents: int) -> str:
    """``1 234,56 €`` with ordinary spaces: what a tester copies into a form or a script."""
    return format_money(cents).replace("\u00a0", " ")


def _amount_label(invoice: Any) -> str:
    """What the invoice's main figure is called on the bill."""
    if invoice["balance"] < 0:
        return CREDIT.msgid
    return LEFT_TO_PAY.msgid if invoice["already_paid"] else TOTAL_INCL_VAT.msgid


def customers(backend: FakeBackend) -> list[dict[str, Any]]:
    """Per demo customer, what a tester needs to sign up or log in (SIM-3)."""
    today = backend.clock.today().isoformat()
    result = []
    with backend.store.read() as db:
        for cu in db.all("SELECT * FROM customers ORDER BY id"):
            account = db.one("SELECT email FROM accounts WHERE customer_id = ?", (cu["id"],))
            contracts = []
            for c in db.all(
                "SELECT * FROM contracts WHERE customer_id = ? ORDER BY ref", (cu["id"],)
            ):
                last = db.one(
                    "SELECT ref, balance, already_paid, status FROM invoices WHERE contract_id = ? "
                    "AND issue_date <= ? ORDER BY issue_date DESC, id DESC LIMIT 1",
                    (c["id"], today),
                )
                contracts.append(
                    {
                        "contract_ref": c["ref"],
                        "energy": c["energy"],
                        "tariff": c["tariff"],
                        "payment_mode": c["payment_mode"],
                        "communicating_meter": bool(c["communicating"]),
                        "last_invoice_ref": last["ref"] if last else None,
                        # SIGNUP-4: the figure the bill shows in large, as signup takes it
                        # (``signup.amounts_typed``): the amount to pay, or the credit.
                        "last_invoice_amount_cents": last["balance"] if last else None,
                        "last_invoice_amount": _plain_money(abs(last["balance"])) if last else None,
                        "last_invoice_amount_label": _amount_label(last) if last else None,
                        "last_invoice_status": last["status"] if last else None,
                    }
                )
            result.append(
                {
                    "customer_number": cu["number"],
                    "civility": cu["civility"],
                    "first_name": cu["first_name"],
                    "last_name": cu["last_name"],
                    "birth_date": format_date(datetime.fromisoformat(cu["birth_date"]).date()),
                    "birth_date_iso": cu["birth_date"],
                    "postcode": cu["postcode"],
                    "city": cu["city"],
                    "phone": cu["mobile"] or cu["phone"],
                    "registered": account is not None,
                    "email": account["email"] if account else None,
                    "contracts": contracts,
                }
            )
    return result


def read_outbox(backend: FakeBackend, to: str | None = None) -> list[OutboxMessage]:
    """MAIL-1: what has been delivered by the backend's clock."""
    with backend.store.read() as db:
        return outbox.delivered(db, backend.clock.now(), to)


def clock_state(backend: FakeBackend) -> dict[str, Any]:
    """The clock as a tester reads it: UTC instant, the same in Paris time (whatever the machine's
    own time zone), and whether it is frozen."""
    now = backend.clock.now()
    return {
        "now": now.isoformat(),
        "frozen": backend.clock.frozen,
        "paris": now.astimezone(PARIS).isoformat(),
    }


def set_clock(backend: FakeBackend, moment: datetime) -> datetime:
    """SIM-1: put the clock at ``moment``, never on a day the world has already lived.

    Why: the world's days (consumption, invoices, debits, alerts) happen once and are never undone
    (SIM-2). A clock put back before them would show a customer debits of the future and invoices
    not yet issued, and the days in between would never be lived again. A tester who wants an
    earlier world starts a new one (``fake reset --start``).
    """
    if not EARLIEST <= moment < LATEST:  # the CLI, HTTP and scenarios alike
        raise InvalidValue(Problem("clock_date_out_of_range", text=moment.date().isoformat()))
    with backend.store.transaction() as db:
        lived = world.last_day_lived(db)
        day = moment.astimezone(PARIS).date()
        if lived is not None and day < lived:
            raise Conflict(
                Problem("horloge_deja_passee", day=lived, start=f"{day.isoformat()}T09:00")
            )
        return backend.clock.set(moment)


def advance(backend: FakeBackend, delta: timedelta) -> tuple[datetime, int]:
    """SIM-2: move forward and let the world catch up now; returns the new time and the days run.
    Ten years at most at once, and never past 2099 (see ``bounded_instant``)."""
    if delta > MAX_ADVANCE:
        raise InvalidValue(
            Problem("duration_too_long", text=str(delta.days), days=MAX_ADVANCE.days)
        )
    if backend.clock.now() + delta >= LATEST:
        raise InvalidValue(
            Problem("clock_date_out_of_range", text=str(backend.clock.now() + delta))
        )
    now = backend.clock.advance(delta)
    with backend.store.transaction() as db:
        days = world.catch_up(db, now)
    return now, days


def set_fault(
    backend: FakeBackend,
    operation: str,
    latency_ms: int,
    error_rate: float,
    *,
    drop_after_commit: bool = False,
) -> faults.Fault:
    """SIM-5: make one operation (or ``*``) slow and/or failing; over HTTP, optionally lose the
    answer after the write is committed (the client must then retry safely)."""
    with backend.store.transaction() as db:
        return faults.set_fault(
            db,
            operation,
            latency_ms,
            error_rate,
            backend_methods(),
            drop_after_commit=drop_after_commit,
        )


def list_faults(backend: FakeBackend) -> list[faults.Fault]:
    with backend.store.read() as db:
        return faults.list_faults(db)


def clear_faults(backend: FakeBackend) -> None:
    with backend.store.transaction() as db:
        faults.clear(db)
        fault_plan.clear(db)  # SIM-6: the planned ones are cleared with the others


def referee(backend: FakeBackend, email: str, energy: str | None) -> dict[str, Any]:
    """REF-3…5 from the referee's side: accept with an energy (elec, gas, dual) or refuse."""
    with backend.store.transaction() as db:
        invitation = referral.referee_decides(db, backend.clock.now(), email, energy)
    return {
        "email": invitation.email,
        "status": invitation.status.value,
        "bonus_cents": invitation.bonus,
        "bonus": _plain_money(invitation.bonus),
    }


def reset(data_dir: Path, *, seed: int, start: datetime | None) -> FakeBackend:
    """Delete the data file and seed a new world (frozen at ``start`` when given)."""
    for suffix in ("", "-wal", "-shm"):
        (data_dir / (DB_FILENAME + suffix)).unlink(missing_ok=True)
    return FakeBackend.open(data_dir, seed=seed, start=start)


# --- customer service (REQ-4, LOCK-5, RESET-7) --------------------------------------------------


def list_requests(backend: FakeBackend) -> list[dict[str, Any]]:
    with backend.store.read() as db:
        rows = db.all("SELECT id, email, name FROM requests ORDER BY created_at, id")
        out = []
        for row in rows:
            req = requests.load(db, row["id"])
            out.append(
                {
                    "ref": req.ref,
                    "category": req.category.value,
                    "subject": req.subject,
                    "status": req.status.value,
                    "created_at": req.created_at.isoformat(),
                    "email": row["email"],
                    "name": row["name"],
                    "events": [
                        {
                            "at": e.at.isoformat(),
                            "author": e.author,
                            "text": e.text,
                            "status": e.status.value if e.status else None,
                        }
                        for e in req.events
                    ],
                }
            )
        return out


def reply(backend: FakeBackend, ref: str, text: str) -> None:
    """REQ-4: a reply from customer service, kept in the request and mailed to the customer."""
    if not text.strip():
        raise ValidationError(fields={"text": Problem("reply_empty")})
    with backend.store.transaction() as db:
        request_id = requests.find_id(db, ref)
        now = backend.clock.now()
        status = RequestStatus(db.scalar("SELECT status FROM requests WHERE id = ?", (request_id,)))
        if status is RequestStatus.RECEIVED:
            requests.set_status(db, request_id, now, RequestStatus.IN_PROGRESS, "Prise en charge.")
        requests.add_event(db, request_id, now, "service_client", text.strip())
        email = db.scalar("SELECT email FROM requests WHERE id = ?", (request_id,))
        outbox.send(
            db,
            now,
            email,
            f"Réponse à votre demande {ref.upper()}",
            f"Bonjour,\n\nLe service client a répondu à votre demande {ref.upper()} :\n\n{text.strip()}",
        )


def set_status(backend: FakeBackend, ref: str, status: str) -> None:
    try:
        new = RequestStatus(status)
    except ValueError:
        values = ", ".join(s.value for s in RequestStatus)
        raise ValidationError(
            Problem("request_status_unknown", value=status, values=values)
        ) from None
    if new is RequestStatus.RESOLVED:
        resolve(backend, ref)
        return
    with backend.store.transaction() as db:
        requests.set_status(
            db,
            requests.find_id(db, ref),
            backend.clock.now(),
            new,
            f"Statut : {french_label(new)}.",
        )


def resolve(backend: FakeBackend, ref: str) -> str:
    """REQ-4 with the category's effect: LOCK-5 unblocks, RESET-7 sends a code. Returns the effect."""
    with backend.store.transaction() as db:
        request_id = requests.find_id(db, ref)
        row = db.one("SELECT category, email, account_id FROM requests WHERE id = ?", (request_id,))
        assert row is not None
        now = backend.clock.now()
        category = RequestCategory(row["category"])
        account = db.one(
            "SELECT id, email FROM accounts WHERE id = ? OR email = ?",
            (row["account_id"], row["email"]),
        )
        effect = NO_EFFECT.msgid
        if category is RequestCategory.ACCOUNT_ACCESS:
            if account is None:
                raise NotFound(Problem("no_account_to_unblock"))
            backend.authentication.unblock(db, account["id"], account["email"])
            effect = UNBLOCKED.msgid
        elif category is RequestCategory.FORGOTTEN_QUESTION:
            if account is None:
                raise NotFound(Problem("no_account_for_code"))
            backend.recovery.issue_question_reset_code(db, account["id"], account["email"])
            effect = CODE_SENT.msgid
        requests.set_status(
            db, request_id, now, RequestStatus.RESOLVED, f"Demande résolue ({effect})."
        )
        return effect


# --- controls added for HTTP testers and scenario files (SIM-6…SIM-8) ------------------------
# The CLI, the ``/_test/`` routes (``test_controls.py``) and scenario files (``scenario.py``)
# all call these: one implementation per control.


def plan_fault(
    backend: FakeBackend,
    operation: str,
    kind: str,
    count: int,
    latency_ms: int | None = None,
) -> fault_plan.PlannedFault:
    """SIM-6: « fail the next ``count`` calls of ``operation`` » with ``kind``. A « drop » loses
    the answer of a committed write: a read has none to lose, so it is refused there."""
    from geg_tui.fake_backend.backend import READ_ONLY

    if kind == "drop" and operation in READ_ONLY:
        raise InvalidValue(Problem("fault_drop_needs_a_write", operation=operation))
    with backend.store.transaction() as db:
        return fault_plan.plan(db, operation, kind, count, backend_methods(), latency_ms=latency_ms)


def list_planned_faults(backend: FakeBackend) -> list[fault_plan.PlannedFault]:
    with backend.store.read() as db:
        return fault_plan.list_planned(db)


def freeze_clock(backend: FakeBackend) -> dict[str, Any]:
    backend.clock.freeze()
    return clock_state(backend)


def thaw_clock(backend: FakeBackend) -> dict[str, Any]:
    backend.clock.thaw()
    return clock_state(backend)


def reset_in_place(backend: FakeBackend, *, seed: int, start: datetime | None) -> dict[str, Any]:
    """SIM-3 on an open store: every row goes and a new world is seeded in one transaction.

    Why not ``reset`` (which deletes the file): a running server keeps its store open, and other
    processes on the same file see the new world at their next read instead of an unlinked file.
    The schema and the derived tables' fingerprint stay; the clock runs again (frozen at
    ``start`` when given)."""
    from geg_tui.fake_backend import demo
    from geg_tui.fake_backend.consumption_months import PRICES_META

    moment = start or backend.clock.wall_now()
    tables = demo.generate(seed, moment)
    with backend.store.transaction() as db:
        db.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, on the new world
        names = db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'meta'"
        )
        for row in names:
            db.execute(f'DELETE FROM "{row["name"]}"')
        db.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', ?)", (PRICES_META,))
        if start is not None:
            backend.clock.freeze(start)
        demo.insert_demo(db, tables, seed=seed, start=moment)
    backend.forget_sessions()
    return {"seed": seed, **clock_state(backend)}


def outbox_after(
    backend: FakeBackend,
    to: str | None = None,
    *,
    since: datetime | None = None,
    after_id: int = 0,
) -> list[OutboxMessage]:
    """MAIL-1 for scripts: delivered messages, optionally delivered at or after ``since`` and
    with an id above ``after_id`` (what a tester already read)."""
    return [
        m
        for m in read_outbox(backend, to)
        if m.id > after_id and (since is None or m.deliver_at >= since)
    ]


def test_cards() -> list[dict[str, str]]:
    """PAY-5: the documented test card numbers and the outcome each gives."""
    from geg_tui.fake_backend.cards import TEST_CARDS

    return [
        {
            "number": c.number,
            "brand": c.brand.value,
            "outcome": str(c.outcome),
            "description": str(c.description),
        }
        for c in TEST_CARDS
    ]


def invoice_status(backend: FakeBackend, ref: str) -> str:
    """An invoice's status as stored once the world caught up (a scenario's expectation)."""
    with backend.store.transaction() as db:
        world.catch_up(db, backend.clock.now())
        status = db.scalar("SELECT status FROM invoices WHERE ref = ?", (ref.strip(),))
    if status is None:
        raise NotFound(Problem("invoice_unknown", ref=ref))
    return str(status)


# Bounds on what a script may ask of the clock over HTTP or in a scenario file: a date the
# calendar cannot hold would crash, and a century of days to live would hold the server for
# minutes (the world lives each day).
EARLIEST = datetime(2000, 1, 1, tzinfo=PARIS)
LATEST = datetime(2100, 1, 1, tzinfo=PARIS)
MAX_ADVANCE = timedelta(days=3660)


def bounded_instant(text: str) -> datetime:
    """``parse_instant`` for scripts: a ValueError (a 422, a refused file) outside 2000–2099."""
    from geg_tui.fake_backend.clock import parse_instant

    try:
        moment = parse_instant(text)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment < LATEST:
        raise InvalidValue(Problem("clock_date_out_of_range", text=text))
    return moment


def bounded_duration(text: str) -> timedelta:
    """``parse_duration`` for scripts: ten years at most at once."""
    from geg_tui.fake_backend.clock import parse_duration

    try:
        delta = parse_duration(text)
    except OverflowError:
        delta = None
    if delta is None or delta > MAX_ADVANCE:
        raise InvalidValue(Problem("duration_too_long", text=text, days=MAX_ADVANCE.days))
    return delta

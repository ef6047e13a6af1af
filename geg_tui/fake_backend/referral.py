"""Referral (REF-1…6): invitations, their 30 days, the bonus and its payment.

The referee's side (accepting and subscribing) is played by the tester with
``geg-tui fake referral accept EMAIL --energy elec|gas|dual`` (or ``refuse``). Bonuses (REF-5:
20 € for one energy, 40 € for both) are paid once the sponsor has given an IBAN for the programme
(``bank_details`` with purpose ``parrainage``); until then they wait (REF-6).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geg_tui.api.errors import Conflict, NotFound, ValidationError
from geg_tui.api.models import Invitation, InvitationStatus, ReferralSummary
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import bank, outbox, validation
from geg_tui.fake_backend.profile import postcode
from geg_tui.fake_backend.read_models import Row
from geg_tui.fake_backend.store import Tx

INVITATION_DAYS = 30  # REF-3
GRENOBLE_POSTCODES = frozenset({"38000", "38100"})  # REF-2
BONUS = {"elec": 2000, "gas": 2000, "dual": 4000}  # REF-5, cents
PROGRAMME = "parrainage"


def _name(value: object, field: str, label: str) -> str:
    text = validation.text_value(value, field, label)
    if len(text) > 60:
        raise validation.refuse(field, Problem("text_too_long", label=label, max=60))
    return text


def _from_row(row) -> Invitation:
    return Invitation(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        postcode=row["postcode"],
        sent_at=datetime.fromisoformat(row["sent_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        status=InvitationStatus(row["status"]),
        bonus=row["bonus"],
    )


def expire(db: Tx, now: datetime) -> int:
    """REF-3: invitations not accepted within 30 days expire (SIM-2 calls this as time passes)."""
    return db.execute(
        "UPDATE invitations SET status = ?, closed_at = expires_at WHERE status = ? AND expires_at <= ?",
        (InvitationStatus.EXPIRED.value, InvitationStatus.SENT.value, now.isoformat()),
    ).rowcount


def invite(
    db: Tx,
    now: datetime,
    account_id: int,
    first_name: object,
    last_name: object,
    email: object,
    postcode_value: object,
) -> Invitation:
    """REF-1…4."""
    first, last, address, code = _checked_invitee(first_name, last_name, email, postcode_value)
    expire(db, now)
    sponsor = db.one(
        "SELECT a.email, cu.first_name, cu.last_name FROM accounts a JOIN customers cu ON cu.id = a.customer_id "
        "WHERE a.id = ?",
        (account_id,),
    )
    assert sponsor is not None
    _refuse_unwelcome(db, sponsor, address)
    expires = now + timedelta(days=INVITATION_DAYS)
    cur = db.execute(
        "INSERT INTO invitations(account_id, first_name, last_name, email, postcode, sent_at, expires_at, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            first,
            last,
            address,
            code,
            now.isoformat(),
            expires.isoformat(),
            InvitationStatus.SENT.value,
        ),
    )
    _send_invitation(db, now, sponsor, first, address)
    return _from_row(db.one("SELECT * FROM invitations WHERE id = ?", (cur.lastrowid,)))


def _checked_invitee(
    first_name: object, last_name: object, email: object, postcode_value: object
) -> tuple[str, str, str, str]:
    """REF-1, REF-2: the invited person's name, e-mail and postcode, else every field's error."""
    errors = validation.Errors()
    first = errors.check("first_name", _name, first_name, "first_name", "first_name")
    last = errors.check("last_name", _name, last_name, "last_name", "name")
    address = errors.check("email", validation.email, email)
    code = errors.check("postcode", postcode, postcode_value)
    if code in GRENOBLE_POSTCODES:
        errors.add("postcode", Problem("referral_not_in_grenoble"))
    errors.raise_if_any()
    return first, last, address, code


def _refuse_unwelcome(db: Tx, sponsor: Row, address: str) -> None:
    """REF-4: not oneself, not a customer already, not someone with a pending or accepted
    invitation."""
    if address == sponsor["email"]:
        raise validation.refuse("email", Problem("referral_self"))
    if db.scalar("SELECT 1 FROM accounts WHERE email = ?", (address,)):
        raise validation.refuse("email", Problem("referral_already_customer"))
    if db.scalar(
        "SELECT 1 FROM invitations WHERE email = ? AND status IN (?, ?)",
        (address, InvitationStatus.SENT.value, InvitationStatus.SUBSCRIBED.value),
    ):
        raise Conflict(
            Problem("invitation_existante"), fields={"email": Problem("invitation_pending")}
        )


def _send_invitation(db: Tx, now: datetime, sponsor: Row, first: str, address: str) -> None:
    """REF-3: the invitation mail, in the sponsor's name, with its 30 days."""
    outbox.send(
        db,
        now,
        address,
        f"{sponsor['first_name']} {sponsor['last_name']} vous invite à rejoindre GEG",
        f"Bonjour {first},\n\n{sponsor['first_name']} {sponsor['last_name']} vous propose de devenir client "
        "de GEG, fournisseur d'électricité verte et de gaz. Vous avez 30 jours pour accepter "
        "l'invitation et souscrire une offre d'énergie GEG.",
    )


def pay_waiting_bonuses(db: Tx, now: datetime, account_id: int) -> None:
    """REF-6: bonuses earned are paid as soon as the programme has an IBAN."""
    customer_id = db.scalar("SELECT customer_id FROM accounts WHERE id = ?", (account_id,))
    if bank.current(db, customer_id, PROGRAMME) is None:
        return
    db.execute(
        "UPDATE invitations SET bonus_paid_at = ? WHERE account_id = ? AND bonus > 0 AND bonus_paid_at IS NULL",
        (now.isoformat(), account_id),
    )


def summary(db: Tx, now: datetime, account_id: int) -> ReferralSummary:
    expire(db, now)
    rows = db.all(
        "SELECT * FROM invitations WHERE account_id = ? ORDER BY sent_at DESC, id DESC",
        (account_id,),
    )
    customer_id = db.scalar("SELECT customer_id FROM accounts WHERE id = ?", (account_id,))
    details = bank.current(db, customer_id, PROGRAMME)
    earned = sum(r["bonus"] for r in rows)
    paid = sum(r["bonus"] for r in rows if r["bonus_paid_at"])
    return ReferralSummary(
        invitations=tuple(_from_row(r) for r in rows),
        total_earned=earned,
        paid=paid,
        waiting_bank_details=details is None and earned > paid,
        iban_masked=details.iban_masked if details else None,
    )


def set_bank(
    db: Tx, now: datetime, account_id: int, iban_value: object, holder_value: object
) -> ReferralSummary:
    """REF-6 with BANK-1: the programme's IBAN; waiting bonuses are paid at once."""
    row = db.one("SELECT customer_id, email FROM accounts WHERE id = ?", (account_id,))
    assert row is not None
    bank.replace(
        db, now, row["customer_id"], row["email"], iban_value, None, holder_value, purpose=PROGRAMME
    )
    pay_waiting_bonuses(db, now, account_id)
    return summary(db, now, account_id)


def referee_decides(db: Tx, now: datetime, email: str, energy: str | None) -> Invitation:
    """Tester control: the referee subscribes (``energy``) or refuses (``None``)."""
    expire(db, now)
    key = validation.lookup_key(email, 254)
    row = db.one(
        "SELECT * FROM invitations WHERE email = ? AND status = ? ORDER BY id DESC LIMIT 1",
        ((key or "").lower(), InvitationStatus.SENT.value),
    )
    if row is None:
        raise NotFound(Problem("invitation_not_found"))
    if energy is None:
        db.execute(
            "UPDATE invitations SET status = ?, closed_at = ? WHERE id = ?",
            (InvitationStatus.REFUSED.value, now.isoformat(), row["id"]),
        )
    else:
        if energy not in BONUS:
            raise ValidationError(Problem("energy_unknown", energy=str(energy)))
        db.execute(
            "UPDATE invitations SET status = ?, energy = ?, bonus = ?, closed_at = ? WHERE id = ?",
            (InvitationStatus.SUBSCRIBED.value, energy, BONUS[energy], now.isoformat(), row["id"]),
        )
        pay_waiting_bonuses(db, now, row["account_id"])
        sponsor = db.scalar("SELECT email FROM accounts WHERE id = ?", (row["account_id"],))
        outbox.send(
            db,
            now,
            sponsor,
            "Votre filleul a souscrit chez GEG",
            f"Bonjour,\n\n{row['first_name']} {row['last_name']} a souscrit une offre GEG grâce à vous. "
            f"Votre prime : {BONUS[energy] // 100} €.",
        )
    return _from_row(db.one("SELECT * FROM invitations WHERE id = ?", (row["id"],)))

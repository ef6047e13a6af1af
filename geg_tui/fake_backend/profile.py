"""Personal details (PROFILE-1…3): phones, postal address, e-mail identifier, secret question.

Name and birth date are not editable here: only customer service changes them (PROFILE-1).
A new e-mail becomes the identifier only once the code mailed to it is entered; the old address
is told (PROFILE-2). The code lives in ``codes`` (purpose ``email``, new address in ``payload``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from geg_tui.api.models import Address, Identity, Profile
from geg_tui.api.problems import Problem
from geg_tui.fake_backend import outbox, validation
from geg_tui.fake_backend.bank import require_password
from geg_tui.fake_backend.hashing import Hasher, new_code, normalise_code, token_hash
from geg_tui.fake_backend.questions import BY_ID
from geg_tui.fake_backend.store import Tx

EMAIL_CODE_VALIDITY = timedelta(hours=24)
EMAIL_TAKEN = Problem("login_email_unavailable")


def load(db: Tx, account_id: int) -> Profile:
    row = db.one(
        "SELECT a.email, a.pending_email, a.question_id, cu.* FROM accounts a "
        "JOIN customers cu ON cu.id = a.customer_id WHERE a.id = ?",
        (account_id,),
    )
    assert row is not None
    return Profile(
        email=row["email"],
        pending_email=row["pending_email"],
        identity=Identity(row["civility"], row["first_name"], row["last_name"]),
        birth_date=date.fromisoformat(row["birth_date"]),
        phone=row["phone"],
        mobile=row["mobile"],
        postal_address=Address(row["street"], row["postcode"], row["city"]),
        secret_question=BY_ID[row["question_id"]],
    )


def postcode(value: object, field: str = "postcode") -> str:
    """PROFILE-3: five digits."""
    text = validation.text_value(value, field, "postcode")
    compact = "".join(text.split())
    if not (len(compact) == 5 and compact.isascii() and compact.isdigit()):
        raise validation.refuse(field, Problem("postcode_invalid"))
    return compact


def _bounded(value: object, field: str, label: str, maximum: int) -> str:
    text = validation.text_value(value, field, label)
    if len(text) > maximum:
        raise validation.refuse(field, Problem("text_too_long", label=label, max=maximum))
    return text


def update_contact(
    db: Tx,
    account_id: int,
    *,
    phone: object = None,
    mobile: object = None,
    street: object = None,
    postcode_value: object = None,
    city: object = None,
) -> Profile:
    """PROFILE-1, PROFILE-3: ``None`` keeps a value; an empty phone removes it; all or nothing."""
    errors = validation.Errors()
    updates: dict[str, str | None] = {}
    for column, value, mobile_only in (("phone", phone, False), ("mobile", mobile, True)):
        if value is None:
            continue
        if value == "":
            updates[column] = None
        else:
            checked = errors.check(column, validation.phone, value, column, mobile_only=mobile_only)
            updates[column] = checked
    if street is not None:
        updates["street"] = errors.check("street", _bounded, street, "street", "address", 120)
    if postcode_value is not None:
        updates["postcode"] = errors.check("postcode", postcode, postcode_value)
    if city is not None:
        updates["city"] = errors.check("city", _bounded, city, "city", "city", 80)
    errors.raise_if_any()
    if updates:
        customer_id = db.scalar("SELECT customer_id FROM accounts WHERE id = ?", (account_id,))
        sets = ", ".join(f"{column} = ?" for column in updates)
        db.execute(f"UPDATE customers SET {sets} WHERE id = ?", (*updates.values(), customer_id))
    return load(db, account_id)


def request_email_change(
    db: Tx, now: datetime, hasher: Hasher, account_id: int, new_email: object, password: object
) -> None:
    """PROFILE-2: password first; a code goes to the new address."""
    require_password(db, hasher, account_id, password)
    address = validation.email(new_email, "new_email")
    current = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
    if address == current:
        raise validation.refuse("new_email", Problem("email_already_login"))
    if db.scalar("SELECT 1 FROM accounts WHERE email = ?", (address,)):
        raise validation.refuse("new_email", EMAIL_TAKEN)
    code = new_code()
    db.execute(
        "UPDATE codes SET revoked = 1 WHERE account_id = ? AND purpose = 'email' AND used_at IS NULL",
        (account_id,),
    )
    db.execute(
        "INSERT INTO codes(account_id, purpose, code_hash, created_at, expires_at, payload) "
        "VALUES (?, 'email', ?, ?, ?, ?)",
        (
            account_id,
            token_hash(code),
            now.isoformat(),
            (now + EMAIL_CODE_VALIDITY).isoformat(),
            address,
        ),
    )
    db.execute("UPDATE accounts SET pending_email = ? WHERE id = ?", (address, account_id))
    outbox.send(
        db,
        now,
        address,
        "Confirmez votre nouvelle adresse e-mail GEG",
        "Bonjour,\n\nPour faire de cette adresse l'identifiant de votre compte GEG, saisissez ce code "
        f"dans l'application (valable 24 heures) :\n\n    {code}\n\nSi vous n'avez rien demandé, "
        "ignorez ce message.",
    )


def confirm_email_change(db: Tx, now: datetime, account_id: int, code: object) -> Profile:
    """PROFILE-2: the code makes the new address the identifier; the old one is told."""
    key = validation.lookup_key(code, 40)
    row = None
    if key:
        row = db.one(
            "SELECT id, payload FROM codes WHERE account_id = ? AND purpose = 'email' AND code_hash = ? "
            "AND used_at IS NULL AND revoked = 0 AND expires_at > ?",
            (account_id, token_hash(normalise_code(key)), now.isoformat()),
        )
    if row is None:
        raise validation.refuse("code", Problem("code_invalid_or_expired"))
    new = row["payload"]
    if db.scalar("SELECT 1 FROM accounts WHERE email = ? AND id != ?", (new, account_id)):
        raise validation.refuse("code", EMAIL_TAKEN)
    old = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
    db.execute(
        "UPDATE accounts SET email = ?, pending_email = NULL WHERE id = ?", (new, account_id)
    )
    db.execute("UPDATE codes SET used_at = ? WHERE id = ?", (now.isoformat(), row["id"]))
    outbox.send(
        db,
        now,
        old,
        "Votre identifiant GEG a changé",
        f"Bonjour,\n\nL'identifiant de votre compte GEG est désormais {new}. Si vous n'êtes pas à "
        "l'origine de ce changement, contactez immédiatement le service client.",
    )
    return load(db, account_id)


def change_secret_question(
    db: Tx, hasher: Hasher, account_id: int, password: object, question_id: object, answer: object
) -> None:
    """PROFILE-2 with SIGNUP-8."""
    require_password(db, hasher, account_id, password)
    errors = validation.Errors()
    if (
        not isinstance(question_id, int)
        or isinstance(question_id, bool)
        or question_id not in BY_ID
    ):
        errors.add("secret_question_id", Problem("secret_question_choose"))
    normalised = errors.check("secret_answer", validation.secret_answer, answer)
    errors.raise_if_any()
    db.execute(
        "UPDATE accounts SET question_id = ?, answer_hash = ? WHERE id = ?",
        (question_id, hasher.hash(normalised), account_id),
    )

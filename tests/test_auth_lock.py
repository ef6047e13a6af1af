"""Login, sessions and blocking: AUTH-1…6 and LOCK-1…6, clock frozen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geg_tui.api.errors import AccountLocked, AuthError, NotFound, SessionExpired, ValidationError
from geg_tui.api.models import ContactForm, RequestCategory
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.hashing import token_hash
from tests.conftest import signup_request, unregistered_customer


async def test_auth_1_login_case_insensitive(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    session = await backend.login(
        "  " + demo_credentials["email"].upper(), demo_credentials["password"]
    )
    assert session.email == demo_credentials["email"]


async def test_auth_2_unknown_email_and_wrong_password_same_message(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    with pytest.raises(AuthError) as unknown:
        await backend.login("personne@exemple.fr", demo_credentials["password"])
    with pytest.raises(AuthError) as wrong:
        await backend.login(demo_credentials["email"], "mauvais-mot-de-passe")
    assert unknown.value.message == wrong.value.message
    assert unknown.value.code == wrong.value.code


async def test_auth_2_unknown_email_takes_about_as_long(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """AUTH-2: an unknown e-mail still spends one hash verification (no timing shortcut)."""
    calls: list[str] = []
    original = backend.hasher.verify

    def counting(stored: str, secret: str) -> bool:
        calls.append(secret)
        return original(stored, secret)

    backend.hasher.verify = counting  # type: ignore[method-assign]
    with pytest.raises(AuthError):
        await backend.login("personne@exemple.fr", "n'importe quoi")
    with pytest.raises(AuthError):
        await backend.login(demo_credentials["email"], "n'importe quoi")
    assert len(calls) == 2


async def test_auth_3_token_and_expiry(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    assert len(session.token) >= 22  # ≥ 128 bits of URL-safe base64
    # Idle: 29 minutes keep it, 31 minutes of silence end it.
    backend.clock.advance(timedelta(minutes=29))
    await backend.account(session.token)
    backend.clock.advance(timedelta(minutes=31))
    with pytest.raises(SessionExpired) as err:
        await backend.account(session.token)
    assert "expiré" in err.value.message


async def test_auth_3_absolute_12_hours(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    for _ in range(24):  # active every 29 minutes: 11 h 36
        backend.clock.advance(timedelta(minutes=29))
        await backend.touch_session(session.token)
    backend.clock.advance(timedelta(minutes=25))  # 12 h 01
    with pytest.raises(SessionExpired):
        await backend.touch_session(session.token)


async def test_auth_3_unknown_token(backend: FakeBackend) -> None:
    for token in ("", "inconnu", "x" * 5000):
        with pytest.raises(SessionExpired):
            await backend.account(token)


async def test_auth_4_logout_ends_session(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    await backend.logout(session.token)
    with pytest.raises(SessionExpired):
        await backend.account(session.token)


async def test_auth_5_change_password(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, old = demo_credentials["email"], demo_credentials["password"]
    keep = await backend.login(email, old)
    other = await backend.login(email, old)
    with pytest.raises(ValidationError) as err:
        await backend.change_password(keep.token, "faux", "Nouveau-2026", "Nouveau-2026")
    assert "current_password" in err.value.fields
    with pytest.raises(ValidationError) as err:
        await backend.change_password(keep.token, old, "court", "court")
    assert "new_password" in err.value.fields
    await backend.change_password(keep.token, old, "Nouveau-2026", "Nouveau-2026")
    await backend.account(keep.token)  # this session continues
    with pytest.raises(SessionExpired):
        await backend.account(other.token)  # every other one ends
    with pytest.raises(AuthError):
        await backend.login(email, old)
    assert (await backend.login(email, "Nouveau-2026")).token
    assert any("modifié" in m.subject for m in admin.read_outbox(backend, email))


async def test_auth_6_operations_need_a_session(backend: FakeBackend) -> None:
    for call in (
        backend.account(""),
        backend.home("nope"),
        backend.list_invoices("nope"),
        backend.get_invoice("nope", "000000000000"),
        backend.reading_history("nope", "0000000000"),
        backend.list_requests("nope"),
    ):
        with pytest.raises(SessionExpired):
            await call


async def test_auth_6_customer_reaches_only_own_data(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    stranger = unregistered_customer(backend)
    req = signup_request(stranger)
    await backend.signup_confirm(req)
    mine = await backend.login(demo_credentials["email"], demo_credentials["password"])
    theirs = await backend.login(req.email, req.password)
    their_invoice = (await backend.list_invoices(theirs.token)).invoices[0]
    with pytest.raises(NotFound):
        await backend.get_invoice(mine.token, their_invoice.ref)
    with pytest.raises(NotFound):
        await backend.list_invoices(mine.token, contract_ref=req.contract_ref)
    with pytest.raises(NotFound):
        await backend.reading_history(mine.token, req.contract_ref)
    own = {c.ref for c in (await backend.account(mine.token)).contracts}
    assert req.contract_ref not in own
    assert all(i.contract_ref in own for i in (await backend.list_invoices(mine.token)).invoices)


async def _fail(backend: FakeBackend, email: str, times: int) -> BaseException:
    error: BaseException | None = None
    for _ in range(times):
        with pytest.raises((AuthError, AccountLocked)) as err:
            await backend.login(email, "mauvais-mot-de-passe")
        error = err.value
    assert error is not None
    return error


async def test_lock_1_three_failures_block_for_three_hours(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    first_two = await _fail(backend, email, 2)
    assert isinstance(first_two, AuthError)  # two failures: not blocked yet
    third = await _fail(backend, email, 1)
    assert isinstance(third, AccountLocked)
    assert third.until == backend.clock.now() + timedelta(hours=3)
    assert "débloqué le 27/11/2026 à 12h00" in third.message  # 09:00 + 3 h, Paris time


async def test_lock_1_failures_must_be_consecutive(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    """LOCK-1/LOCK-4: a success in between starts the count again."""
    email, pw = demo_credentials["email"], demo_credentials["password"]
    await _fail(backend, email, 2)
    await backend.login(email, pw)
    await _fail(backend, email, 2)
    assert (await backend.login(email, pw)).token


async def test_lock_2_blocked_refuses_correct_password_without_extending(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, pw = demo_credentials["email"], demo_credentials["password"]
    locked = await _fail(backend, email, 3)
    assert isinstance(locked, AccountLocked)
    backend.clock.advance(timedelta(hours=1))
    with pytest.raises(AccountLocked) as err:
        await backend.login(email, pw)
    assert err.value.until == locked.until
    await _fail(backend, email, 2)  # attempts during the block…
    with pytest.raises(AccountLocked) as err:
        await backend.login(email, pw)
    assert err.value.until == locked.until  # …do not extend it


async def test_lock_3_boundary_of_three_hours(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, pw = demo_credentials["email"], demo_credentials["password"]
    await _fail(backend, email, 3)
    backend.clock.advance(timedelta(hours=2, minutes=59, seconds=59))
    with pytest.raises(AccountLocked):
        await backend.login(email, pw)
    backend.clock.advance(timedelta(seconds=1))
    assert (await backend.login(email, pw)).token


async def test_lock_3_count_restarts_from_zero_after_block(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    await _fail(backend, email, 3)
    backend.clock.advance(timedelta(hours=3, minutes=1))
    err = await _fail(backend, email, 2)
    assert isinstance(err, AuthError)  # 2 new failures do not block again
    assert isinstance(await _fail(backend, email, 1), AccountLocked)


async def test_lock_4_success_resets_count(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, pw = demo_credentials["email"], demo_credentials["password"]
    await _fail(backend, email, 2)
    await backend.login(email, pw)
    with backend.store.transaction() as db:
        assert db.scalar("SELECT failed_logins FROM accounts WHERE email = ?", (email,)) == 0


async def test_lock_5_access_request_resolved_unblocks_with_mail(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, pw = demo_credentials["email"], demo_credentials["password"]
    await _fail(backend, email, 3)
    request = await backend.contact_logged_out(
        ContactForm(
            RequestCategory.ACCOUNT_ACCESS,
            "Compte bloqué",
            "Bonjour, mon compte est bloqué, pouvez-vous le débloquer ?",
            name="Claire Martin",
            email=email,
        )
    )
    assert request.ref.startswith("DEM-2026-")
    with pytest.raises(AccountLocked):
        await backend.login(email, pw)
    assert admin.resolve(backend, request.ref) == "compte débloqué"
    assert (await backend.login(email, pw)).token
    assert any("rétabli" in m.subject for m in admin.read_outbox(backend, email))


async def test_lock_6_failed_recovery_counts_as_failed_login(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    await _fail(backend, email, 1)
    with pytest.raises(ValidationError):
        await backend.reset_start(email, "01/01/1901")
    with pytest.raises(AccountLocked):
        await backend.reset_start(email, "01/01/1901")  # third failure in all: blocked
    with pytest.raises(AccountLocked):
        await backend.login(email, demo_credentials["password"])


async def test_lock_6_completed_reset_clears_block(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    birth = next(c for c in admin.customers(backend) if c["email"] == email)["birth_date"]
    await backend.reset_start(email, birth)
    await backend.reset_answer(email, birth, demo_credentials["answer"])
    code = _code_from_outbox(backend, email)
    await _fail(backend, email, 3)
    await backend.reset_complete(email, code, "Nouveau-2026", "Nouveau-2026")
    assert (await backend.login(email, "Nouveau-2026")).token


def _code_from_outbox(backend: FakeBackend, email: str) -> str:
    import re

    mails = [m for m in admin.read_outbox(backend, email) if "Réinitialisation" in m.subject]
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", mails[-1].body)
    assert match, mails[-1].body
    return match.group(1)


async def test_sec_2_session_tokens_stored_only_as_hashes(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    with backend.store.transaction() as db:
        stored = [r[0] for r in db.all("SELECT token_hash FROM sessions")]
    assert session.token not in stored
    assert token_hash(session.token) in stored

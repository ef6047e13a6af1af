"""Password, identifier and secret-question recovery: RESET-1…7, clock frozen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from geg_tui.api.errors import AccountLocked, AuthError, SessionExpired, ValidationError
from geg_tui.api.models import ContactForm, RequestCategory
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.hashing import token_hash

NEW = "Nouveau-2026"


def birth_of(backend: FakeBackend, email: str) -> str:
    return next(c for c in admin.customers(backend) if c["email"] == email)["birth_date"]


def reset_mails(backend: FakeBackend, email: str) -> list[str]:
    return [m.body for m in admin.read_outbox(backend, email) if "Réinitialisation" in m.subject]


def code_in(body: str) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", body)
    assert match, body
    return match.group(1)


async def test_reset_1_email_and_birth_date_show_the_question(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    challenge = await backend.reset_start(email, birth_of(backend, email))
    assert challenge.question.text.endswith("?")


async def test_reset_1_any_mismatch_is_generic(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    with pytest.raises(ValidationError) as unknown:
        await backend.reset_start("personne@exemple.fr", birth_of(backend, email))
    with pytest.raises(ValidationError) as wrong_date:
        await backend.reset_start(email, "01/01/1950")
    assert unknown.value.message == wrong_date.value.message
    assert unknown.value.fields == wrong_date.value.fields == {}


async def test_reset_2_wrong_answers_block_and_blocked_cannot_start(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    birth = birth_of(backend, email)
    for _ in range(2):
        with pytest.raises(ValidationError):
            await backend.reset_answer(email, birth, "mauvaise réponse")
    with pytest.raises(AccountLocked):
        await backend.reset_answer(email, birth, "mauvaise réponse")
    with pytest.raises(AccountLocked):
        await backend.reset_start(email, birth)  # a blocked account cannot start a recovery
    assert reset_mails(backend, email) == []


async def test_reset_3_mail_queued_and_delivered_after_configured_delay(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    birth = birth_of(backend, email)
    queued = await backend.reset_answer(email, birth, " grenoble ")
    assert queued.deliver_by == backend.clock.now() + timedelta(hours=24)
    assert len(reset_mails(backend, email)) == 1  # immediately by default
    with backend.store.transaction() as db:
        db.set_meta("reset_mail_delay_s", str(2 * 3600))
    await backend.reset_answer(email, birth, "Grenoble")
    assert len(reset_mails(backend, email)) == 1  # not delivered yet
    backend.clock.advance(timedelta(hours=2))
    assert len(reset_mails(backend, email)) == 2


async def test_reset_4_code_single_use_hashed_and_newest_only(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    birth = birth_of(backend, email)
    await backend.reset_answer(email, birth, "Grenoble")
    first = code_in(reset_mails(backend, email)[-1])
    await backend.reset_answer(email, birth, "Grenoble")
    second = code_in(reset_mails(backend, email)[-1])
    with backend.store.transaction() as db:
        stored = [r[0] for r in db.all("SELECT code_hash FROM codes")]
    assert first not in stored and second not in stored  # SEC-2: only hashes
    assert token_hash(second) in stored
    with pytest.raises(ValidationError) as err:
        await backend.reset_complete(email, first, NEW, NEW)  # a newer code revoked it
    assert "code" in err.value.fields
    await backend.reset_complete(email, second.lower().replace("-", " "), NEW, NEW)
    with pytest.raises(ValidationError):
        await backend.reset_complete(email, second, "Encore-2027", "Encore-2027")  # single use


async def test_reset_4_code_valid_24_hours_from_sending(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    birth = birth_of(backend, email)
    await backend.reset_answer(email, birth, "Grenoble")
    code = code_in(reset_mails(backend, email)[-1])
    backend.clock.advance(timedelta(hours=23, minutes=59, seconds=59))
    snapshot = backend.store.clone()  # the same world, one second before the limit
    backend.clock.advance(timedelta(seconds=1))
    with pytest.raises(ValidationError):
        await backend.reset_complete(email, code, NEW, NEW)  # 24 h: expired
    before = FakeBackend(snapshot, hasher=backend.hasher)
    await before.reset_complete(email, code, NEW, NEW)  # 23:59:59: still valid


async def test_reset_4_delayed_code_counts_from_its_delivery(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    with backend.store.transaction() as db:
        db.set_meta("reset_mail_delay_s", str(6 * 3600))
    await backend.reset_answer(email, birth_of(backend, email), "Grenoble")
    backend.clock.advance(timedelta(hours=29))  # sent at +6 h, so valid until +30 h
    code = code_in(reset_mails(backend, email)[-1])
    await backend.reset_complete(email, code, NEW, NEW)


async def test_reset_5_new_password_ends_sessions_no_auto_login(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email, old = demo_credentials["email"], demo_credentials["password"]
    session = await backend.login(email, old)
    await backend.reset_answer(email, birth_of(backend, email), "Grenoble")
    code = code_in(reset_mails(backend, email)[-1])
    with pytest.raises(ValidationError) as err:
        await backend.reset_complete(email, code, "court", "court")  # SIGNUP-2 applies
    assert "new_password" in err.value.fields
    result = await backend.reset_complete(email, code, NEW, NEW)
    assert result is None  # no session handed out
    with pytest.raises(SessionExpired):
        await backend.account(session.token)
    with pytest.raises(AuthError):
        await backend.login(email, old)
    assert (await backend.login(email, NEW)).token
    assert any("réinitialisé" in m.subject for m in admin.read_outbox(backend, email))


async def test_reset_6_forgotten_identifier_support_and_form(backend: FakeBackend) -> None:
    info = await backend.support_info()
    assert re.fullmatch(r"0\d( \d\d){4}", info.phone)
    assert info.hours
    request = await backend.contact_logged_out(
        ContactForm(
            RequestCategory.FORGOTTEN_IDENTIFIER,
            "Identifiant oublié",
            "Je ne me souviens plus de l'adresse utilisée pour mon compte.",
            name="Bernard Dupont",
            email="bernard@exemple.fr",
        )
    )
    assert re.fullmatch(r"DEM-2026-\d{6}", request.ref)
    assert any(request.ref in m.subject for m in admin.read_outbox(backend, "bernard@exemple.fr"))


async def test_reset_6_logged_out_form_only_for_access_categories(backend: FakeBackend) -> None:
    with pytest.raises(ValidationError) as err:
        await backend.contact_logged_out(
            ContactForm(
                RequestCategory.BILL,
                "Facture",
                "Une question sur ma facture.",
                name="X",
                email="x@exemple.fr",
            )
        )
    assert "category" in err.value.fields


async def test_reset_7_forgotten_question_resolved_sends_code_for_new_question(
    backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    email = demo_credentials["email"]
    request = await backend.contact_logged_out(
        ContactForm(
            RequestCategory.FORGOTTEN_QUESTION,
            "Question secrète oubliée",
            "Je ne me souviens plus de ma question secrète.",
            name="Claire Martin",
            email=email,
        )
    )
    assert admin.resolve(backend, request.ref) == "code de réinitialisation envoyé"
    code = code_in(reset_mails(backend, email)[-1])
    with pytest.raises(ValidationError) as err:
        await backend.reset_complete(email, code, NEW, NEW)  # a new question is required
    assert "secret_question_id" in err.value.fields
    await backend.reset_complete(email, code, NEW, NEW, 4, "École Jean Jaurès")
    birth = birth_of(backend, email)
    challenge = await backend.reset_start(email, birth)
    assert challenge.question.id == 4
    await backend.reset_answer(email, birth, "ecole jean jaures")
    assert (await backend.login(email, NEW)).token


async def test_reset_4_a_wrong_code_costs_no_hash_and_a_password_code_hashes_no_answer(
    backend: FakeBackend, demo_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone may try codes: each wrong one cost two argon2 hashes (password and answer), which
    queue behind every login of the process. Now none; a password-only code hashes only the
    password (the answer belongs to RESET-7's codes)."""
    email = demo_credentials["email"]
    hashed: list[str] = []
    real = backend.hasher._ph  # the real argon2, under the cache of hashes done ahead

    class Counting:
        def hash(self, secret: str) -> str:
            hashed.append(secret)
            return real.hash(secret)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(backend.hasher, "_ph", Counting())
    for _ in range(5):
        with pytest.raises(ValidationError):
            await backend.reset_complete(email, "AAAA-BBBB-CCCC", NEW, NEW, None, "Grenoble")
    assert hashed == []
    await backend.reset_answer(email, birth_of(backend, email), "Grenoble")
    code = code_in(reset_mails(backend, email)[-1])
    await backend.reset_complete(email, code, NEW, NEW, None, "Grenoble")
    assert hashed == [NEW]
    assert (await backend.login(email, NEW)).token

"""SEC-4: input that used to crash the fake backend is refused with a typed, French error.

A lone surrogate (``"\\udc00"``: valid in a Python str and in JSON's ``\\u`` escapes, but not
encodable in UTF-8) reached argon2 as the secret answer of a password reset or as the current
password of a password change, and came out as ``UnicodeEncodeError``. Every such input must be
a ``ValidationError`` (or ``AuthError``) naming the field, before any hash and without counting
as a failed attempt (LOCK-1, RESET-3 count wrong answers, not unreadable ones).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geg_tui.api.errors import AuthError, ValidationError
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from tests.fuzz import anything, fuzz, odd
from tests.test_properties import logged_in, only_typed_errors

SURROGATES = ("\udc00", "\ud800", "Grenoble\udfff", "\udc00" * 30)
NEW = "Nouveau-Mot2Passe"


def claire_birth_date(backend: FakeBackend) -> str:
    return next(c["birth_date"] for c in admin.customers(backend) if c["registered"])


def failed_logins(backend: FakeBackend) -> int:
    with backend.store.transaction() as db:
        return int(db.scalar("SELECT failed_logins FROM accounts WHERE id = 1") or 0)


@pytest.mark.parametrize("answer", SURROGATES)
async def test_sec_4_lone_surrogate_secret_answer_is_a_french_field_error(
    backend: FakeBackend, demo_credentials: dict[str, str], answer: str
) -> None:
    """Item 8: POST /recovery/answer with "\\udc00" crashed (UnicodeEncodeError, a 500)."""
    with pytest.raises(ValidationError) as refused:
        await backend.reset_answer(demo_credentials["email"], claire_birth_date(backend), answer)
    message = refused.value.fields["secret_answer"]
    assert "Réponse invalide" in message
    assert failed_logins(backend) == 0  # unreadable input is not a wrong answer (RESET-3)


@pytest.mark.parametrize("current", SURROGATES)
async def test_sec_4_lone_surrogate_current_password_is_a_french_field_error(
    backend: FakeBackend, demo_credentials: dict[str, str], current: str
) -> None:
    """Item 8: PUT /account/password with "\\udc00" as current password crashed."""
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    with pytest.raises(ValidationError) as refused:
        await backend.change_password(session.token, current, NEW, NEW)
    assert refused.value.fields["current_password"] == "Le mot de passe actuel est incorrect."
    await backend.account(session.token)  # the session lives on: nothing changed
    await backend.logout(session.token)
    assert (await backend.login(demo_credentials["email"], demo_credentials["password"])).token


@pytest.mark.parametrize("text", SURROGATES)
async def test_sec_4_lone_surrogates_anywhere_a_secret_is_typed(
    backend: FakeBackend, demo_credentials: dict[str, str], text: str
) -> None:
    """Every operation that hashes or verifies a secret refuses a lone surrogate, typed."""
    email = demo_credentials["email"]
    token = (await backend.login(email, demo_credentials["password"])).token
    birth = claire_birth_date(backend)
    calls = [
        backend.login(email, text),
        backend.signup_check_credentials("x.y@exemple.fr", text, text),
        backend.set_bank_details(token, "FR7630004000031234567890143", None, "C M", text),
        backend.request_email_change(token, "nouvelle@exemple.fr", text),
        backend.change_secret_question(token, text, 1, "Grenoble"),
        backend.change_secret_question(token, demo_credentials["password"], 1, text),
        backend.change_password(token, demo_credentials["password"], text, text),
        backend.reset_start(email, text),
        backend.reset_complete(email, "ABCD-EFGH-JKLM", text, text, 1, text),
    ]
    for call in calls:
        with pytest.raises((ValidationError, AuthError)):
            await call
    await backend.reset_answer(email, birth, demo_credentials["answer"])  # still works after


ANY = anything(odd("Grenoble", "grenoble", " GRENOBLE ", "Grenoble-2026"))
# Secrets: half of the examples a lone surrogate (or a right answer), so that a regression shows.
SECRET = st.one_of(st.sampled_from((*SURROGATES, "Grenoble", "Grenoble-2026")), ANY)


@fuzz(30)
@given(answer=SECRET)
def test_sec_4_reset_answer_of_a_real_account_fuzz(fresh, answer: Any) -> None:
    """The fuzzed answer reaches the hash: the e-mail and birth date are Claire's."""
    backend = fresh()
    birth = claire_birth_date(backend)
    only_typed_errors(backend.reset_answer("claire.martin@exemple.fr", birth, answer))


@fuzz(30)
@given(current=SECRET, new=SECRET, confirm=ANY)
def test_sec_4_change_password_fuzz(fresh, current: Any, new: Any, confirm: Any) -> None:
    backend = fresh()
    only_typed_errors(backend.change_password(logged_in(backend), current, new, confirm))


@fuzz(30)
@given(password=SECRET, answer=SECRET)
def test_sec_4_secret_question_and_email_change_fuzz(fresh, password: Any, answer: Any) -> None:
    backend = fresh()
    token = logged_in(backend)
    only_typed_errors(backend.change_secret_question(token, password, 2, answer))
    only_typed_errors(backend.request_email_change(token, "autre@exemple.fr", password))


async def test_sec_4_fuzz_strings_include_lone_surrogates_and_deep_nesting() -> None:
    """The shared odd inputs of the property tests hold what crashed before (item 8)."""
    from tests.fuzz import ODD_TEXT, nested

    assert "\udc00" in ODD_TEXT
    deep = nested(1000)
    depth = 0
    while isinstance(deep, list | dict):
        deep = deep[0] if isinstance(deep, list) else next(iter(deep.values()))
        depth += 1
    assert depth == 1000

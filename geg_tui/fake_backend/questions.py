"""The fixed list of secret questions (SIGNUP-8: at least five)."""

from __future__ import annotations

from geg_tui.api.models import SecretQuestion
from geg_tui.api.texts import QUESTIONS

# Sent in French (the API's language); the screens show them with texts.question_text.
SECRET_QUESTIONS: tuple[SecretQuestion, ...] = tuple(
    SecretQuestion(number, text.msgid) for number, text in QUESTIONS.items()
)

BY_ID = {q.id: q for q in SECRET_QUESTIONS}

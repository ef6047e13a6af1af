"""The fixed list of secret questions (SIGNUP-8: at least five)."""

from __future__ import annotations

from geg_tui.api.models import SecretQuestion

SECRET_QUESTIONS: tuple[SecretQuestion, ...] = (
    SecretQuestion(1, "Quel est le nom de votre premier animal de compagnie ?"),
    SecretQuestion(2, "Dans quelle ville êtes-vous né(e) ?"),
    SecretQuestion(3, "Quel est le nom de jeune fille de votre mère ?"),
    SecretQuestion(4, "Quel était le nom de votre école primaire ?"),
    SecretQuestion(5, "Quel est le prénom de votre meilleur(e) ami(e) d'enfance ?"),
    SecretQuestion(6, "Quelle est la marque de votre première voiture ?"),
)

BY_ID = {q.id: q for q in SECRET_QUESTIONS}

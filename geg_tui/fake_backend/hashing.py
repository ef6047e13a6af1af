"""Hashing of secrets (SEC-1, SEC-2).

Passwords and secret answers: argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile).
Tests may pass cheaper parameters through ``Hasher(fast=True)``; the default is never lowered.
Session tokens and one-time codes are high-entropy random values, so a SHA-256 of them is enough
to keep the database from holding anything usable (an attacker cannot brute-force 128 bits).
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Hasher:
    """argon2id hashing with one dummy hash for equal-time refusals (AUTH-2)."""

    def __init__(self, *, fast: bool = False) -> None:
        if fast:
            self._ph = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        else:
            self._ph = PasswordHasher()
        self._dummy: str | None = None

    def hash(self, secret: str) -> str:
        return self._ph.hash(secret)

    def verify(self, stored: str, secret: str) -> bool:
        try:
            return self._ph.verify(stored, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def burn(self, secret: str) -> None:
        """Spend the time of one verification, so that an unknown e-mail answers as slowly."""
        if self._dummy is None:
            self._dummy = self._ph.hash(secrets.token_hex(16))
        self.verify(self._dummy, secret)


def token_hash(token: str) -> str:
    """SHA-256 of a random token or code (SEC-2)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A session token: 256 random bits (AUTH-3 asks for at least 128)."""
    return secrets.token_urlsafe(32)


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """A one-time code a person can type: 12 characters (60 bits) in groups, e.g. ``K7QM-2XPA-9RTE``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    """What the person typed → the canonical code (case, spaces and dashes do not matter)."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw

"""Hashing of secrets (SEC-1, SEC-2).

Passwords and secret answers: argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile).
Tests may pass cheaper parameters through ``Hasher(fast=True)``; the default is never lowered.
Session tokens and one-time codes are high-entropy random values, so a SHA-256 of them is enough
to keep the database from holding anything usable (an attacker cannot brute-force 128 bits).

An argon2 verification takes tens of milliseconds at the product's cost: done inside a write
transaction it would keep every other writer (other servers, the tester's commands) waiting
(SIM-4). So the backend verifies and hashes *before* its write transaction and hands the results
to the rule through ``prepared``; the rule calls ``verify``/``hash`` as usual and gets them at
once. A stored hash that changed in between is not in the prepared results: it is verified then,
inside the transaction, so the outcome is always the one of the hash really stored.

Out of the lock, many hashes could run at once (a dozen clients logging in), each on 4 threads:
the machine's cores are then shared by dozens of threads and everything else (the tester's
commands, other requests) crawls. ``ARGON2_SLOTS`` lets as many hashes run at once as fill the
cores, the others queue in their own worker thread — holding no lock of the store.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ARGON2_LANES = 4  # argon2-cffi's default parallelism: threads per hash
ARGON2_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 1) // ARGON2_LANES))


class Hasher:
    """argon2id hashing with one dummy hash for equal-time refusals (AUTH-2)."""

    def __init__(self, *, fast: bool = False) -> None:
        if fast:
            self._ph = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        else:
            self._ph = PasswordHasher()
        self._dummy: str | None = None
        self._ahead = threading.local()  # this thread's prepared results (see ``prepared``)

    def hash(self, secret: str) -> str:
        ahead: dict[str, str] | None = getattr(self._ahead, "hashed", None)
        if ahead is not None and secret in ahead:
            return ahead.pop(secret)  # a salted hash is used once
        with ARGON2_SLOTS:
            return self._ph.hash(secret)

    def verify(self, stored: str, secret: str) -> bool:
        ahead: Mapping[tuple[str, str], bool] | None = getattr(self._ahead, "verified", None)
        if ahead is not None and (stored, secret) in ahead:
            return ahead[(stored, secret)]
        return self._argon2_verify(stored, secret)

    def _argon2_verify(self, stored: str, secret: str) -> bool:
        try:
            with ARGON2_SLOTS:
                return self._ph.verify(stored, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        except UnicodeError:  # a lone surrogate: no stored secret can be one (SEC-4)
            return False

    def verify_ahead(self, stored: str | None, secret: str | None) -> dict[tuple[str, str], bool]:
        """The verification of ``secret`` against ``stored``, done now (outside any lock)."""
        if stored is None or secret is None:
            return {}
        return {(stored, secret): self._argon2_verify(stored, secret)}

    def hash_ahead(self, *secrets_: str | None) -> dict[str, str]:
        """Hashes of the secrets a rule is about to store, done now (outside any lock)."""
        return {s: self.hash(s) for s in secrets_ if s is not None}

    @contextmanager
    def prepared(
        self,
        verified: Mapping[tuple[str, str], bool] | None = None,
        hashed: dict[str, str] | None = None,
    ) -> Iterator[None]:
        """In this thread, ``verify``/``hash`` answer from these results computed beforehand."""
        previous = (getattr(self._ahead, "verified", None), getattr(self._ahead, "hashed", None))
        self._ahead.verified, self._ahead.hashed = dict(verified or {}), dict(hashed or {})
        try:
            yield
        finally:
            self._ahead.verified, self._ahead.hashed = previous

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

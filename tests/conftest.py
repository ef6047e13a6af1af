"""Shared fixtures: a fast-hashing, frozen-clock fake backend on a copy of one seeded world.

The demo world is seeded once per test session (with cheap argon2 parameters: tests may lower
the cost, the product never does) and each test gets its own in-memory copy, so tests are
independent and quick. The clock is frozen at ``START`` (a Friday morning in Grenoble).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from geg_tui.api.models import Session, SignupRequest
from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import Clock
from geg_tui.fake_backend.demo import seed_demo
from geg_tui.fake_backend.demo_account import DEMO_ANSWER, DEMO_EMAIL, DEMO_PASSWORD
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.store import Store
from geg_tui.fake_backend.validation import normalise_answer
from geg_tui.formatting import PARIS

START = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
SEED = 2026


def pytest_configure(config: pytest.Config) -> None:
    """Fewer garbage collections in the test processes (each xdist worker reads this file).

    A Pilot test builds and drops tens of thousands of small objects (styles, segments,
    messages) while the seeded world and Textual's modules stay alive: with Python's default
    thresholds (700, 10, 10) the collector keeps walking that large heap, a fifth of the CPU of
    the TUI tests (measured on test_invoices_payment + test_reset_blocked, one process: 58.7 s
    of CPU → 46.6 s). Cycles are still collected, only less often; the app itself pauses the
    collector while it starts (``cli.main``)."""
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(scope="session")
def fast_hasher() -> Hasher:
    return Hasher(fast=True)


@pytest.fixture(scope="session")
def seeded_template(fast_hasher: Hasher) -> Iterator[Store]:
    store = Store(":memory:")
    Clock(store).freeze(START)
    seed_demo(store, seed=SEED, start=START)
    _rehash_demo_account(store, fast_hasher)
    yield store
    store.close()


def _rehash_demo_account(store: Store, hasher: Hasher) -> None:
    """The demo account ships full-cost argon2id hashes (SIM-3, checked in test_demo_world), and a
    verification costs what the stored hash says: re-hash them at the test cost, so that the
    hundreds of demo logins in the suite stay cheap. The product's hashes are never touched."""
    with store.transaction() as db:
        db.execute(
            "UPDATE accounts SET password_hash = ?, answer_hash = ? WHERE email = ?",
            (
                hasher.hash(DEMO_PASSWORD),
                hasher.hash(normalise_answer(DEMO_ANSWER)),
                DEMO_EMAIL.lower(),
            ),
        )


@pytest.fixture
async def backend(seeded_template: Store, fast_hasher: Hasher) -> AsyncIterator[FakeBackend]:
    store = seeded_template.clone()
    fake = FakeBackend(store, hasher=fast_hasher)
    yield fake
    await fake.close()


@pytest.fixture
def demo_credentials() -> dict[str, str]:
    return {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "answer": DEMO_ANSWER}


def unregistered_customer(fake: FakeBackend, *, energy: str = "electricite") -> dict[str, Any]:
    """A demo customer without an online account, with one contract of ``energy``."""
    for customer in admin.customers(fake):
        if customer["registered"]:
            continue
        for contract in customer["contracts"]:
            if contract["energy"] == energy:
                return {**customer, "contract": contract}
    raise AssertionError("the demo world has no unregistered customer for " + energy)


def signup_request(customer: dict[str, Any], **overrides: Any) -> SignupRequest:
    """A complete, valid signup for ``customer`` (as ``unregistered_customer`` returns it)."""
    contract = customer["contract"]
    values: dict[str, Any] = {
        "email": f"{customer['first_name'].lower()}.test@exemple.fr",
        "password": "Mon-Mot2Passe",
        "password_confirm": "Mon-Mot2Passe",
        "contract_ref": contract["contract_ref"],
        "invoice_ref": contract["last_invoice_ref"],
        "invoice_amount": contract["last_invoice_amount"],
        "birth_date": customer["birth_date"],
        "phone": None,
        "secret_question_id": 1,
        "secret_answer": "Médor",
    }
    values.update(overrides)
    return SignupRequest(**values)


# --- the TUI -----------------------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """A secure-looking keyring that lives in memory (tests never touch the real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; the real one is never read nor written."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def french_by_default() -> Iterator[None]:
    """Every test starts in French (the source language) and leaves the language as it found
    it: a test in English never leaks its language into the next one of its process."""
    from geg_tui import i18n

    i18n.set_language("fr")
    yield
    i18n.set_language("fr")


@pytest.fixture
def english() -> Iterator[None]:
    """The test runs in English (the compiled catalogue must exist: ``make catalogues``)."""
    from geg_tui import i18n

    assert i18n.catalogue_found("en"), "no English catalogue: run make catalogues"
    i18n.set_language("en")
    yield
    i18n.set_language("fr")


@pytest.fixture(autouse=True)
def no_unexpected_failure(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, monkeypatch: Any
) -> Iterator[None]:
    """Every test fails on an unexpected exception in a worker or a handler of the TUI (which
    the app reports and survives: ``geg_tui.failures``), unless it is marked
    ``@pytest.mark.expects_failure`` (and then checks what was reported). Autouse: no test can
    forget it, however it builds its app. The failure log goes to a folder of the test's own
    (created only if something is logged), never to the user's log directory."""
    from geg_tui import failures

    folder = tmp_path_factory.getbasetemp() / "failure-logs" / f"{abs(hash(request.node.nodeid))}"
    monkeypatch.setenv(failures.LOG_DIR_ENV, str(folder))
    failures.REPORTED.clear()
    failures.RECORDING = True
    yield
    failures.RECORDING = False
    reported, failures.REPORTED[:] = list(failures.REPORTED), []
    if request.node.get_closest_marker("expects_failure") is None:
        assert_no_failure(reported)


def assert_no_failure(reported: list[Any]) -> None:
    """The unexpected exceptions the app reported during a test, as a test failure."""
    if reported:
        import traceback

        shown = "\n".join(
            f"— {f.screen}, « {f.what} », worker {f.worker}:\n"
            + "".join(traceback.format_exception(f.error))
            for f in reported
        )
        raise AssertionError(f"unexpected exception(s) reported by the TUI:\n{shown}")


@pytest.fixture
def make_app(backend: FakeBackend, tmp_path_factory: pytest.TempPathFactory):
    """``make_app(**kwargs)`` → a GegApp on the test backend, with its own settings folder,
    the cursor not blinking (stable snapshots) and the demo hint of the fake backend."""
    from geg_tui.app import GegApp
    from geg_tui.config import Settings

    settings_dir = tmp_path_factory.mktemp("settings")

    def factory(**kwargs: Any) -> GegApp:
        kwargs.setdefault("settings", Settings(settings_dir))
        kwargs.setdefault(
            "demo_hint", f"Mode démonstration — compte de test : {DEMO_EMAIL} / {DEMO_PASSWORD}."
        )
        kwargs.setdefault("cursor_blink", False)
        kwargs.setdefault("owns_backend", False)
        kwargs.setdefault("defer_keyring_check", False)
        return GegApp(lambda: backend, **kwargs)

    return factory


@pytest.fixture
async def demo_session(backend: FakeBackend) -> Session:
    """The demo customer logged in through the ``Backend``, not the UI (the clock is frozen, so
    the session lasts the whole test unless the test moves the clock)."""
    return await backend.login(DEMO_EMAIL, DEMO_PASSWORD)


@pytest.fixture
def make_home_app(make_app: Any, demo_session: Session):
    """``make_home_app(**kwargs)`` → ``make_app``'s GegApp already logged in as the demo customer,
    starting on home: for Pilot tests whose subject is not the login (typing it in through the
    login screen was a tenth of such a test; the login has its own tests)."""

    def factory(**kwargs: Any) -> Any:
        kwargs.setdefault("session", demo_session)
        return make_app(**kwargs)

    return factory


@pytest.fixture
def fresh(seeded_template: Store, fast_hasher: Hasher):
    """``fresh()`` → a new backend on its own copy of the world (one per hypothesis example)."""
    return lambda: FakeBackend(seeded_template.clone(), hasher=fast_hasher)

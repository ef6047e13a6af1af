"""SEC-1, SIM-4, SIM-1: what lands in the SQLite file, and that it survives closing and reopening."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.hashing import Hasher
from geg_tui.fake_backend.schema import SCHEMA_VERSION
from geg_tui.fake_backend.store import DB_FILENAME, SchemaMismatch, Store
from tests.conftest import START, signup_request, unregistered_customer

PASSWORD = "Sécret-Unique-42"
ANSWER = "Chouquette la tortue"


def file_bytes(data_dir: Path) -> bytes:
    """The database and its WAL, as an attacker who copied the folder would read them."""
    return b"".join(p.read_bytes() for p in data_dir.iterdir() if p.name.startswith(DB_FILENAME))


async def test_sec_1_file_holds_argon2id_hashes_not_secrets(
    tmp_path: Path, fast_hasher: Hasher
) -> None:
    backend = FakeBackend.open(tmp_path, hasher=fast_hasher, start=START)
    customer = unregistered_customer(backend)
    req = signup_request(
        customer, password=PASSWORD, password_confirm=PASSWORD, secret_answer=ANSWER
    )
    await backend.signup_confirm(req)
    await backend.login(req.email, PASSWORD)
    await backend.close()
    raw = file_bytes(tmp_path)
    for secret in (PASSWORD, ANSWER, ANSWER.lower(), "chouquette la tortue"):
        assert secret.encode() not in raw
    reopened = Store.in_dir(tmp_path)
    with reopened.transaction() as db:
        row = db.one(
            "SELECT password_hash, answer_hash FROM accounts WHERE email = ?", (req.email,)
        )
    assert row["password_hash"].startswith("$argon2id$")
    assert row["answer_hash"].startswith("$argon2id$")
    reopened.close()


def test_sec_1_default_cost_is_argon2id_defaults() -> None:
    """SEC-1: the product's hasher is argon2id at the library's (RFC 9106) defaults."""
    from argon2 import PasswordHasher

    stored = Hasher().hash("x" * 10)
    defaults = PasswordHasher()
    assert stored.startswith("$argon2id$")
    assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in stored


async def test_sim_4_state_survives_close_and_reopen(tmp_path: Path, fast_hasher: Hasher) -> None:
    backend = FakeBackend.open(tmp_path, hasher=fast_hasher, start=START)
    customer = unregistered_customer(backend)
    req = signup_request(customer)
    await backend.signup_confirm(req)
    backend.clock.advance(timedelta(hours=5))
    outbox_before = [m.subject for m in admin.read_outbox(backend)]
    await backend.close()

    again = FakeBackend.open(tmp_path, hasher=fast_hasher)  # no reseed: the file has data
    assert again.clock.now() == START + timedelta(hours=5)  # SIM-1: the clock is saved
    assert again.clock.frozen
    assert [m.subject for m in admin.read_outbox(again)] == outbox_before
    assert (await again.login(req.email, req.password)).token
    await again.close()


def test_sim_4_schema_version_checked(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    with store.transaction() as db:
        db.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    store.close()
    with pytest.raises(SchemaMismatch) as err:
        Store.in_dir(tmp_path)
    assert "geg-tui fake reset" in str(err.value)


def test_sim_4_failed_operation_rolls_back(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.set_meta("essai", "1")
        raise RuntimeError("panne au milieu")
    with store.transaction() as db:
        assert db.get_meta("essai") is None
    store.close()


def test_sim_1_clock_freeze_set_advance_thaw(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from geg_tui.fake_backend.clock import Clock, parse_duration

    wall = [datetime(2026, 1, 1, tzinfo=UTC)]
    store = Store.in_dir(tmp_path)
    clock = Clock(store, wall=lambda: wall[0])
    assert clock.now() == wall[0]  # real time by default
    wall[0] += timedelta(minutes=5)
    assert clock.now() == wall[0]
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    wall[0] += timedelta(minutes=1)
    assert clock.now() == datetime(2026, 6, 1, 0, 1, tzinfo=UTC)  # set keeps running
    frozen_at = clock.freeze()
    wall[0] += timedelta(hours=1)
    assert clock.now() == frozen_at
    clock.advance(parse_duration("1d12h"))
    assert clock.now() == frozen_at + timedelta(days=1, hours=12)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    thawed = clock.thaw()
    wall[0] += timedelta(minutes=2)
    assert clock.now() == thawed + timedelta(minutes=2)
    store.close()
    assert Clock(Store.in_dir(tmp_path), wall=lambda: wall[0]).now() == thawed + timedelta(
        minutes=2
    )


@pytest.mark.parametrize("bad", ["", "3", "abc", "3x", "-3h", "1d-2h"])
def test_sim_1_bad_durations_are_refused(bad: str) -> None:
    from geg_tui.fake_backend.clock import parse_duration

    with pytest.raises(ValueError, match="Durée invalide"):
        parse_duration(bad)


async def test_mail_1_outbox_keeps_time_channel_recipient_subject_body(
    backend: FakeBackend,
) -> None:
    customer = unregistered_customer(backend)
    req = signup_request(customer)
    await backend.signup_confirm(req)
    (mail,) = admin.read_outbox(backend, req.email)
    assert mail.deliver_at == mail.created_at == backend.clock.now()
    assert mail.channel.value == "email" and mail.recipient == req.email
    assert mail.subject and req.email in mail.body
    assert req.password not in mail.body  # SEC-3: never a password in a mail
    assert set(mail.to_json()) == {
        "id",
        "created_at",
        "deliver_at",
        "channel",
        "to",
        "subject",
        "body",
    }

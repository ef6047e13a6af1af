"""The contract suite's fixture: the same tests against FakeBackend and HttpBackend.

``api`` is parametrised over ``fake`` (the in-process ``FakeBackend``) and ``http`` (an
``HttpBackend`` talking to ``create_app(fake)`` through httpx's ASGI transport, no socket). Both
sit on the same kind of world — a copy of the seeded demo world with a frozen clock and the fast
hasher (``tests/conftest.py``) — and ``api.fake`` is the ``FakeBackend`` underneath, for the
tester's controls (outbox, clock, faults, customer service). ``api.controls`` plays the tester
as each kind offers it: ``admin`` in-process, the ``/_test/`` routes over HTTP (SIM-7), so the
HTTP side is driven the way a tester of another client drives it. ``api.backend`` records the
protocol methods called through it and refuses any other name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from geg_tui.api.backend import Backend, backend_methods
from geg_tui.api.http import HttpBackend
from geg_tui.fake_backend import admin, faults
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.fake_backend.clock import parse_duration, parse_instant
from geg_tui.fake_backend.server import create_app

PROTOCOL = frozenset(backend_methods())
CALLED: set[str] = set()  # every protocol method called through ``api.backend`` this session


class Recording:
    """A ``Backend`` that forwards protocol methods and notes their names in ``CALLED``."""

    def __init__(self, inner: Backend) -> None:
        self._inner = inner
        self.name = inner.name

    def __getattr__(self, name: str) -> Any:
        if name not in PROTOCOL:
            raise AttributeError(f"{name} is not a method of the Backend protocol")
        CALLED.add(name)
        return getattr(self._inner, name)


class Controls:
    """The tester's controls: ``admin`` on ``fake``, or ``/_test/`` over ``http`` when given.
    Answers are the JSON both give (mails as dicts: ``to``, ``subject``, ``body``…)."""

    def __init__(self, fake: FakeBackend, http: httpx.AsyncClient | None = None) -> None:
        self.fake, self.http = fake, http

    async def _ask(self, verb: str, path: str, **kwargs: Any) -> Any:
        assert self.http is not None
        if verb != "GET" and "json" not in kwargs:
            kwargs["json"] = {}  # a write is JSON, even empty (browsers' forms are refused)
        answer = await self.http.request(verb, "/_test" + path, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def customers(self) -> list[dict[str, Any]]:
        if self.http:
            return await self._ask("GET", "/customers")
        return admin.customers(self.fake)

    async def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        if self.http:
            return await self._ask("GET", "/outbox", params={"to": to} if to else {})
        return [m.to_json() for m in admin.read_outbox(self.fake, to)]

    async def advance(self, duration: str) -> None:
        if self.http:
            await self._ask("POST", "/clock/advance", json={"duration": duration})
        else:
            admin.advance(self.fake, parse_duration(duration))

    async def set_clock(self, moment: str) -> None:
        if self.http:
            await self._ask("POST", "/clock/set", json={"at": moment})
        else:
            admin.set_clock(self.fake, parse_instant(moment))

    async def resolve(self, ref: str) -> str:
        if self.http:
            return (await self._ask("POST", f"/requests/{ref}/resolve"))["effect"]
        return admin.resolve(self.fake, ref)

    async def reply(self, ref: str, text: str) -> None:
        """REQ-4: customer service answers (``fake requests reply``)."""
        if self.http:
            await self._ask("POST", f"/requests/{ref}/reply", json={"text": text})
        else:
            admin.reply(self.fake, ref, text)

    async def set_fault(
        self, operation: str, *, latency_ms: int = 0, error_rate: float = 0.0
    ) -> None:
        body = {"latency_ms": latency_ms, "error_rate": error_rate}
        if self.http:
            await self._ask("PUT", f"/faults/{operation}", json=body)
        else:
            admin.set_fault(self.fake, operation, latency_ms, error_rate)

    async def clear_faults(self) -> None:
        if self.http:
            await self._ask("DELETE", "/faults")
        else:
            admin.clear_faults(self.fake)


@dataclass
class Api:
    kind: str  # "fake" or "http"
    backend: Backend
    fake: FakeBackend
    extras: list[HttpBackend] = field(default_factory=list)
    controls: Controls = field(init=False)

    def __post_init__(self) -> None:
        self.controls = Controls(self.fake)

    def another_client(self) -> Backend:
        """A second client on the same world (a second person, a second TUI)."""
        if self.kind == "fake":
            return self.fake
        client = http_backend(self.fake)
        self.extras.append(client)
        return client


def http_backend(fake: FakeBackend, **kwargs: Any) -> HttpBackend:
    kwargs.setdefault("backoff", 0.01)
    transport = httpx.ASGITransport(app=create_app(fake, test_controls=True))
    return HttpBackend("http://127.0.0.1", transport=transport, **kwargs)


def inject_fault(
    fake: FakeBackend,
    operation: str,
    *,
    latency_ms: int = 0,
    error_rate: float = 0.0,
    drop_after_commit: bool = False,
) -> None:
    """SIM-5 on ``fake`` (``faults.set_fault`` directly: ``admin.set_fault`` has no drop flag)."""
    with fake.store.transaction() as db:
        faults.set_fault(
            db,
            operation,
            latency_ms,
            error_rate,
            backend_methods(),
            drop_after_commit=drop_after_commit,
        )


async def control_call(fake: FakeBackend, verb: str, path: str, body: Any = None) -> Any:
    """A tester's control through ``/_test/`` (SIM-7) of a server on ``fake`` — as a tester of
    another client reaches it: another server on the same data (SIM-4)."""
    transport = httpx.ASGITransport(app=create_app(fake, test_controls=True))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        answer = await http.request(
            verb, "/_test" + path, json=body if body is not None or verb == "GET" else {}
        )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def drop_answers(fake: FakeBackend, operation: str) -> None:
    """SIM-5 « drop after commit » on ``operation``, set over HTTP."""
    await control_call(fake, "PUT", f"/faults/{operation}", {"drop_after_commit": True})


def clear_faults(fake: FakeBackend) -> None:
    with fake.store.transaction() as db:
        faults.clear(db)


@pytest.fixture(params=["fake", "http"])
async def api(request: pytest.FixtureRequest, backend: FakeBackend) -> AsyncIterator[Api]:
    if request.param == "fake":
        yield Api("fake", Recording(backend), backend)  # type: ignore[arg-type]
        return
    app = create_app(backend, test_controls=True)
    transport = httpx.ASGITransport(app=app)
    client = HttpBackend("http://127.0.0.1", transport=transport, backoff=0.01)
    api = Api("http", Recording(client), backend)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as tester:
        api.controls = Controls(backend, tester)
        yield api
    for extra in [client, *api.extras]:
        await extra.close()

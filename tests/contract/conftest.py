"""The contract suite's fixture: the same tests against FakeBackend and HttpBackend.

``api`` is parametrised over ``fake`` (the in-process ``FakeBackend``) and ``http`` (an
``HttpBackend`` talking to ``create_app(fake)`` through httpx's ASGI transport, no socket). Both
sit on the same kind of world — a copy of the seeded demo world with a frozen clock and the fast
hasher (``tests/conftest.py``) — and ``api.fake`` is the ``FakeBackend`` underneath, for the
tester's controls (outbox, clock, faults, customer service). ``api.backend`` records the protocol
methods called through it and refuses any other name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from geg_tui.api.backend import Backend, backend_methods
from geg_tui.api.http import HttpBackend
from geg_tui.fake_backend import faults
from geg_tui.fake_backend.backend import FakeBackend
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


@dataclass
class Api:
    kind: str  # "fake" or "http"
    backend: Backend
    fake: FakeBackend
    extras: list[HttpBackend] = field(default_factory=list)

    def another_client(self) -> Backend:
        """A second client on the same world (a second person, a second TUI)."""
        if self.kind == "fake":
            return self.fake
        client = http_backend(self.fake)
        self.extras.append(client)
        return client


def http_backend(fake: FakeBackend, **kwargs: Any) -> HttpBackend:
    kwargs.setdefault("backoff", 0.01)
    transport = httpx.ASGITransport(app=create_app(fake))
    return HttpBackend("http://test", transport=transport, **kwargs)


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


def clear_faults(fake: FakeBackend) -> None:
    with fake.store.transaction() as db:
        faults.clear(db)


@pytest.fixture(params=["fake", "http"])
async def api(request: pytest.FixtureRequest, backend: FakeBackend) -> AsyncIterator[Api]:
    if request.param == "fake":
        yield Api("fake", Recording(backend), backend)  # type: ignore[arg-type]
        return
    client = http_backend(backend)
    api = Api("http", Recording(client), backend)  # type: ignore[arg-type]
    yield api
    for extra in [client, *api.extras]:
        await extra.close()

"""The backend interface: domain models, typed errors and the ``Backend`` protocol.

Nothing here imports Textual or the fake backend: screens depend on this package only. The
package itself imports nothing eagerly (``from geg_tui.api import Backend`` still works, through
``__getattr__``), so that the TUI's first screen does not pay for every model at start-up.
"""

from __future__ import annotations

from typing import Any

_ERRORS = {
    "AccountLocked",
    "AuthError",
    "BackendError",
    "BackendUnavailable",
    "Conflict",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "SessionExpired",
    "ValidationError",
}

__all__ = ["Backend", *sorted(_ERRORS)]


def __getattr__(name: str) -> Any:
    if name == "Backend":
        from geg_tui.api.backend import Backend

        return Backend
    if name in _ERRORS:
        from geg_tui.api import errors

        return getattr(errors, name)
    raise AttributeError(name)

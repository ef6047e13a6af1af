"""The backend interface: domain models, typed errors and the ``Backend`` protocol.

Nothing here imports Textual or the fake backend: screens depend on this package only.
"""

from geg_tui.api.backend import Backend
from geg_tui.api.errors import (
    AccountLocked,
    AuthError,
    BackendError,
    BackendUnavailable,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    SessionExpired,
    ValidationError,
)

__all__ = [
    "AccountLocked",
    "AuthError",
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "Conflict",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "SessionExpired",
    "ValidationError",
]

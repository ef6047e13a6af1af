"""Bringing a data file written by an older version up to this one, in place.

A tester's data directory outlives a version of geg-tui: refusing it would throw away their
accounts, payments and clock. Each known older schema version has its upgrade here, run inside
the opening transaction (all or nothing). Tables derived from others (the consumption months)
are also refreshed when the code that derives them changed (``refresh_derived``).
"""

from __future__ import annotations

from geg_tui.fake_backend import consumption_months
from geg_tui.fake_backend.schema import CONSUMPTION_MONTHS_TABLE, SCHEMA_VERSION
from geg_tui.fake_backend.store import Tx


def _v1_to_v2(db: Tx) -> None:
    """Version 2 added the materialised consumption months, built from the daily rows."""
    db.executescript_in_tx(CONSUMPTION_MONTHS_TABLE)
    consumption_months.rebuild_all(db)


_UPGRADES = {"1": _v1_to_v2}


def upgrade(db: Tx, found: str) -> bool:
    """Upgrade from version ``found`` to ``SCHEMA_VERSION``; False when it is not known."""
    version = found
    if version not in _UPGRADES:
        return False
    while version != str(SCHEMA_VERSION):
        step = _UPGRADES.get(version)
        if step is None:
            return False
        step(db)
        version = str(int(version) + 1)
    db.set_meta("schema_version", version)
    return True


def derived_current(db: Tx) -> bool:
    """True when ``refresh_derived`` has nothing to do (checked in a read, without the write lock)."""
    return consumption_months.is_current(db)


def refresh_derived(db: Tx) -> None:
    """Derived tables computed with other prices than this code's are computed again."""
    consumption_months.ensure_current(db)

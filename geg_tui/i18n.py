"""The one door for user-visible text (DESIGN.md): ``_("…")``.

The interface is written in French, its first language. Every string a customer reads goes
through ``_`` so that an English catalogue (gettext) can be plugged in here later without touching
the screens.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Translate ``text`` (identity until a catalogue exists)."""
    return text

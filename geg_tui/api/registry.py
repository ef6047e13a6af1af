"""Backends are chosen by name (``--backend fake|http``) and imported only when chosen.

Implementations register under the ``geg_tui.backends`` entry-point group (pyproject.toml), as
harlequin does for its adapters, so the TUI never imports the fake backend (or httpx) unless the
person asked for it.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from geg_tui.i18n import _


def available_backends() -> list[str]:
    return sorted(ep.name for ep in entry_points(group="geg_tui.backends"))


def backend_class(name: str) -> type:
    """The class registered as ``name``; ``LookupError`` with the known names otherwise."""
    for ep in entry_points(group="geg_tui.backends"):
        if ep.name == name:
            return ep.load()
    known = ", ".join(available_backends()) or _("aucun")
    message = _("Backend inconnu : « {name} » (disponibles : {known}).")
    raise LookupError(message.format(name=name, known=known))

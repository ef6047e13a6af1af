"""F1: the keys that do something on the screen the person is on, with what each does, and the
screen's own help — in a frame that scrolls, so that nothing is cut at 80×24.

The keys are the screen's *active* bindings (Textual's ``Screen.active_bindings``): those its
``check_action`` turns off now are not listed, nor those a focused field takes for typing, nor
those of widgets that are not shown; a key remapped in ``config.toml`` is listed under its new
key. Only geg-tui's own bindings (they all have an id, geg_tui/keymap.py) are listed: Textual's
widget keys are in English and are the usual ones (arrows, Entrée, Tab).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from geg_tui.failure_guard import GuardedDispatch
from geg_tui.i18n import LazyText, _, _l
from geg_tui.keymap import BINDING_IDS
from geg_tui.screens.base import BaseScreen

KEY_NAMES: dict[str, str | LazyText] = {
    "escape": _l("Échap"),
    "enter": _l("Entrée"),
    "tab": _l("Tab"),
    "space": _l("Espace"),
    "backspace": _l("Retour arrière"),
    "delete": _l("Suppr"),
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": _l("Page préc."),
    "pagedown": _l("Page suiv."),
}
MODIFIER_NAMES: dict[str, str | LazyText] = {"ctrl": "Ctrl", "shift": _l("Maj"), "alt": "Alt"}


def key_label(key: str) -> str:
    """« ctrl+q » → « Ctrl+Q », « escape » → « Échap », « f5 » → « F5 », « p » → « P »."""
    *modifiers, name = key.split("+")
    shown = KEY_NAMES.get(name, name.upper() if len(name) <= 3 else name.capitalize())
    return "+".join([*(str(MODIFIER_NAMES.get(m, m.capitalize())) for m in modifiers), str(shown)])


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for each of geg-tui's actions that works now on ``screen``."""
    by_action: dict[str, tuple[list[str], Binding]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or binding.id not in BINDING_IDS or not binding.description:
            continue
        keys, _first = by_action.setdefault(binding.action, ([], binding))
        keys.append(key_label(key))
    return [
        (
            " / ".join(keys),
            _("{action} — {detail}").format(action=b.description, detail=b.tooltip)
            if b.tooltip
            else str(b.description),
        )
        for keys, b in by_action.values()
    ]


class HelpScreen(GuardedDispatch, ModalScreen[None]):
    """A modal list of the active keys of ``screen``; arrows and page keys scroll it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", _l("Fermer"), id="help-close")]
    CSS_PATH = "help.tcss"

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        keys = screen_keys(self._for)
        keys.append((_("Tab"), _("Passer au champ suivant (Maj+Tab : précédent)")))
        width = max(len(k) for k, _d in keys)
        lines = [f"[b]{k:>{width}}[/b]  {d}" for k, d in keys]
        with VerticalScroll(id="help-frame"):
            yield Static(_("Aide — touches de cet écran"), classes="help-title")
            help_text = self._for.help_text() if isinstance(self._for, BaseScreen) else ""
            if help_text:
                yield Static(str(help_text), id="help-text")
            yield Static("\n".join(lines), id="help-keys")
            yield Static(_("↑ ↓ pour faire défiler · Échap pour fermer cette aide."), id="help-end")

    def on_mount(self) -> None:
        self.query_one("#help-frame").focus()

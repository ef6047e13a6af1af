"""F1: the keys of the screen the person is on, with what each does, and the screen's own help."""

from __future__ import annotations

from textual import actions
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from geg_tui.i18n import _

KEY_NAMES = {
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key.upper() if len(key) <= 3 else key.capitalize())


class HelpScreen(ModalScreen[None]):
    """A modal list of the active keys of ``screen``."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", _("Fermer"), id="help-close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 1 2; }
    HelpScreen .help-title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        lines = []
        seen: set[str] = set()
        for binding in self._bindings_of(self._for):
            _namespace, action, parameters = actions.parse(binding.action)
            if self._for.check_action(action, parameters) is False:
                continue  # a key the screen turns off now (Escape on login, « Payer » once paid)
            if binding.description and binding.key not in seen:
                seen.add(binding.key)
                lines.append(f"[b]{key_label(binding.key):>8}[/b]  {binding.description}")
        lines.append(f"[b]{'Tab':>8}[/b]  {_('Passer au champ suivant (Maj+Tab : précédent)')}")
        lines.append(f"[b]{'Ctrl+P':>8}[/b]  {_('Palette de commandes : aller à un écran')}")
        lines.append(f"[b]{'Ctrl+Q':>8}[/b]  {_('Quitter geg-tui')}")
        with Vertical():
            yield Static(_("Aide — touches de cet écran"), classes="help-title")
            help_text = getattr(self._for, "HELP", "")
            if help_text:
                yield Static(help_text)
                yield Static("")
            yield Static("\n".join(lines))
            yield Static("\n" + _("Échap pour fermer cette aide."))

    @staticmethod
    def _bindings_of(screen: Screen) -> list[Binding]:
        found: list[Binding] = []
        for cls in type(screen).__mro__:
            if not cls.__module__.startswith("geg_tui"):
                continue  # Textual's own keys (in English) are not this screen's keys
            for binding in vars(cls).get("BINDINGS", []):
                if isinstance(binding, Binding):
                    found.append(binding)
        return found

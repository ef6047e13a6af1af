"""Settings: the interface language, switched without restarting (issue 12).

The choice takes effect at once for every screen shown afterwards (``_()`` reads the current
language at each call) and is kept in config.toml for the next start. A screen already on the
stack keeps the words it was composed with: that is why the screen says so, and why it opens
itself again in the new language right after the switch, so that the person sees the change
where they made it. The app's title (« GEG Mon Compte ») is set again too: Textual read it
once, at the app's start. Reachable logged in and logged out (the command palette).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import RadioSet, Static

from geg_tui.i18n import LANGUAGE_NAMES, LANGUAGES, _, _l, current_language, set_language
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import MarkedRadioButton
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar


class SettingsScreen(BaseScreen):
    """« Paramètres »: the language, as a choice of the languages geg-tui speaks."""

    TITLE = _l("Paramètres")
    HELP = _l(
        "La langue de l'interface : flèches haut et bas pour choisir, Entrée ou Espace pour "
        "valider. Elle s'applique aux écrans affichés ensuite et reste choisie au prochain "
        "démarrage (config.toml)."
    )
    CSS_PATH = "settings.tcss"

    def __init__(self, *, notice: str | None = None) -> None:
        """``notice``: what the previous settings screen has just done (shown under the choice)."""
        super().__init__()
        # In the language of the moment, as str: Textual reads TITLE once, and F1 shows HELP
        # as it is (this screen is built again when the language changes).
        self.title = str(self.TITLE)
        self.HELP = str(type(self).HELP)
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="settings"):
            yield Static(_("Paramètres"), classes="screen-title")
            yield Static(_("Langue de l'interface"), classes="label", id="language-label")
            with RadioSet(id="language"):
                for language in LANGUAGES:
                    yield MarkedRadioButton(
                        LANGUAGE_NAMES[language],
                        value=language == current_language(),
                        id=f"language-{language}",
                    )
            yield Static(
                _(
                    "Le changement s'applique aux écrans affichés ensuite, sans redémarrer, et "
                    "il est gardé pour le prochain démarrage."
                ),
                classes="hint",
            )
            yield Static(self.notice or "", id="notice")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()
        # RadioSet highlights its first button when mounted; the arrows should start from the
        # language in use (after the RadioSet's own mount, hence after the refresh).
        self.call_after_refresh(self._highlight_current)

    def _highlight_current(self) -> None:
        choice = self.query_one(RadioSet)
        if choice.pressed_index >= 0:
            choice._selected = choice.pressed_index  # Textual has no public way to move it

    @on(RadioSet.Changed, "#language")
    def _language_chosen(self, event: RadioSet.Changed) -> None:
        assert event.pressed.id is not None
        self.choose(event.pressed.id.removeprefix("language-"))

    def choose(self, language: str) -> None:
        """Speak ``language`` from the next screen on, keep it for the next start, and show
        this screen again in it. A config file that cannot be written is said, not fatal:
        the language is still changed for this run."""
        if language == current_language():
            return
        set_language(language)
        self.app.title = _("GEG Mon Compte")
        try:
            self.geg.settings.save_language(language)
        except OSError as error:
            notice = _(
                "Langue changée pour cette session, mais non gardée pour le prochain "
                "démarrage : {error}"
            ).format(error=error.strerror or error)
        else:
            notice = _("Langue choisie : {language}. Gardée pour le prochain démarrage.").format(
                language=LANGUAGE_NAMES[language]
            )
        self.app.switch_screen(SettingsScreen(notice=notice))

"""Every screen a person can jump to (home menu, command palette), imported only when opened."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from textual.screen import Screen

from geg_tui.i18n import LazyText, _l


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    title: LazyText  # read in the language of the moment
    help: LazyText
    target: str  # "module:Class"
    logged_in: bool | None  # None: reachable logged in and logged out alike (settings)
    menu: bool = True  # among home's numbered areas (logged in); else the palette only


ENTRIES: tuple[Entry, ...] = (
    Entry("inscription", _l("Créer mon compte"), _l("Création du compte en ligne en 5 étapes"), "geg_tui.screens.signup:SignupScreen", False),
    Entry("mot_de_passe_oublie", _l("Mot de passe oublié"), _l("Réinitialiser le mot de passe"), "geg_tui.screens.reset:ResetPasswordScreen", False),
    Entry("identifiant_oublie", _l("Identifiant oublié"), _l("Joindre un conseiller"), "geg_tui.screens.contact:ForgottenIdentifierScreen", False),
    Entry("question_oubliee", _l("Question secrète oubliée"), _l("Écrire au service client"), "geg_tui.screens.contact:ForgottenQuestionScreen", False),
    Entry("acces_compte", _l("Demander l'accès au compte"), _l("Compte bloqué : écrire au service client"), "geg_tui.screens.contact:AccessRequestScreen", False),
    Entry("accueil", _l("Accueil"), _l("Mes contrats, le total à payer, le prochain prélèvement"), "geg_tui.screens.home:HomeScreen", True),
    Entry("factures", _l("Mes factures"), _l("Consulter, télécharger et payer mes factures"), "geg_tui.screens.invoices:InvoicesScreen", True),
    Entry("releve", _l("Relevé de compteur"), _l("Saisir un index et voir l'historique des relevés"), "geg_tui.screens.meter:MeterScreen", True),
    Entry("consommation", _l("Mes consommations"), _l("Graphiques par jour, mois et année, export CSV"), "geg_tui.screens.consumption:ConsumptionScreen", True),
    Entry("alertes", _l("Mes alertes"), _l("Alertes par e-mail ou SMS : factures, échéances, consommation"), "geg_tui.screens.alerts:AlertsScreen", True, menu=False),
    Entry("notifications", _l("Notifications"), _l("Les alertes reçues, lues ou non"), "geg_tui.screens.notifications:NotificationsScreen", True, menu=False),
    Entry("parametres", _l("Paramètres"), _l("Langue de l'interface (français, anglais)"), "geg_tui.screens.settings:SettingsScreen", None, menu=False),
)  # fmt: skip


def available(entry: Entry) -> bool:
    """Whether the screen's module exists in this version (areas arrive one issue at a time)."""
    return importlib.util.find_spec(entry.target.split(":")[0]) is not None


def entries(*, logged_in: bool) -> list[Entry]:
    """The screens one can open now: those of the session's state, and those of both."""
    return [e for e in ENTRIES if e.logged_in in (logged_in, None) and available(e)]


def build(name: str, *, logged_in: bool) -> Screen | None:
    for entry in entries(logged_in=logged_in):
        if entry.name == name:
            module, cls = entry.target.split(":")
            return getattr(importlib.import_module(module), cls)()
    return None

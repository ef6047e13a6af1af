"""Every screen a person can jump to (home menu, command palette), imported only when opened."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache

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
    Entry("pourquoi_ce_montant", _l("Pourquoi ce montant ?"), _l("Votre dernière facture comparée aux précédentes"), "geg_tui.screens.explain:ExplainScreen", True),
    Entry("paiement", _l("Paiement et échéancier"), _l("Mode de règlement, échéancier, facture électronique"), "geg_tui.screens.payment_mode:PaymentModeScreen", True),
    Entry("paiements", _l("Mes paiements"), _l("Paiements par carte et prélèvements, reçus"), "geg_tui.screens.payments:PaymentsScreen", True),
    Entry("contacter", _l("Contacter GEG"), _l("Écrire au service client"), "geg_tui.screens.requests:NewRequestScreen", True),
    Entry("demandes", _l("Mes demandes"), _l("Suivre mes demandes et lire les réponses du service client"), "geg_tui.screens.requests:RequestsScreen", True),
    Entry("parrainage", _l("Parrainage"), _l("Parrainer un proche, suivre mes invitations et mes primes"), "geg_tui.screens.referral:ReferralScreen", True),
    Entry("banque", _l("Coordonnées bancaires"), _l("IBAN, titulaire et mandat SEPA de vos prélèvements"), "geg_tui.screens.bank:BankScreen", True),
    Entry("informations", _l("Mes informations"), _l("Adresse, téléphones, e-mail, mot de passe, question secrète"), "geg_tui.screens.profile:ProfileScreen", True),
    Entry("courbe_de_charge", _l("Courbe de charge"), _l("Puissance par demi-heure, pics et talon (Linky)"), "geg_tui.screens.load_curve:LoadCurveScreen", True),
    Entry("simulateur", _l("Simulateur tarifaire"), _l("Quelle option me coûte le moins ? Base ou heures creuses, quelle puissance, sur votre consommation"), "geg_tui.screens.simulator:SimulatorScreen", True),
    Entry("alertes", _l("Mes alertes"), _l("Alertes par e-mail ou SMS : factures, échéances, consommation"), "geg_tui.screens.alerts:AlertsScreen", True),
    Entry("notifications", _l("Notifications"), _l("Les alertes reçues, lues ou non"), "geg_tui.screens.notifications:NotificationsScreen", True),
    Entry("parametres", _l("Paramètres"), _l("Langue de l'interface (français, anglais)"), "geg_tui.screens.settings:SettingsScreen", None, menu=False),
)  # fmt: skip


# Home's menu: columns of areas, each under a heading, in the order of their keys. A logged-in
# area missing here still gets a key, at the end of the last column (a new screen is never out of
# reach because nobody placed it). Names only: entries stay one line each. The keys are
# ``keymap.MENU_KEYS``, in this order.
MENU_COLUMNS: tuple[tuple[LazyText, tuple[str, ...]], ...] = (
    (_l("Factures et paiements"), ("factures", "pourquoi_ce_montant", "paiement", "paiements", "banque")),
    (_l("Énergie"), ("releve", "consommation", "courbe_de_charge", "simulateur")),
    (_l("Compte et service client"), ("informations", "alertes", "notifications", "demandes", "contacter", "parrainage")),
)  # fmt: skip


def menu(*, logged_in: bool = True) -> list[tuple[str, list[Entry]]]:
    """Home's columns (heading, areas) with the areas this version has, in key order."""
    by_name = {e.name: e for e in entries(logged_in=logged_in) if e.menu and e.name != "accueil"}
    columns: list[tuple[str, list[Entry]]] = []
    for heading, names in MENU_COLUMNS:
        columns.append((str(heading), [by_name.pop(n) for n in names if n in by_name]))
    columns[-1][1].extend(by_name.values())
    return [(heading, areas) for heading, areas in columns if areas]


def available(entry: Entry) -> bool:
    """Whether the screen's module exists in this version (areas arrive one issue at a time)."""
    return _module_exists(entry.target.split(":")[0])


@cache
def _module_exists(module: str) -> bool:
    """Asked for every entry each time home or the palette lists them: the files of a running
    program do not come and go, so the search is made once per module."""
    return importlib.util.find_spec(module) is not None


def entries(*, logged_in: bool) -> list[Entry]:
    """The screens one can open now: those of the session's state, and those of both."""
    return [e for e in ENTRIES if e.logged_in in (logged_in, None) and available(e)]


def build(name: str, *, logged_in: bool) -> Screen | None:
    for entry in entries(logged_in=logged_in):
        if entry.name == name:
            module, cls = entry.target.split(":")
            return getattr(importlib.import_module(module), cls)()
    return None

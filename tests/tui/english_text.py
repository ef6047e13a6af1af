"""Reading a screen as text, and the French words that betray an untranslated English screen:
shared by the English tests (issue 12)."""

from __future__ import annotations

import re
from typing import Any

# Whole words (case sensitive) of the French interface. A word that is the same in both
# languages (« Total », « Base », « Date ») is not here, nor data of the demo world (names,
# streets) nor GEG's own names.
FRENCH_WORDS = (
    "Mot de passe",
    "mot de passe",
    "Facture",
    "facture",
    "factures",
    "Connexion",
    "Retour",
    "Aide",
    "Quitter",
    "Accueil",
    "Relevé",
    "relevé",
    "Consommation",
    "consommation",
    "Payer",
    "Annuler",
    "Envoyer",
    "Suivant",
    "Précédent",
    "Valider",
    "Télécharger",
    "Compteur",
    "compteur",
    "Prélèvement",
    "prélèvement",
    "Montant",
    "Échéance",
    "échéance",
    "Chercher",
    "Fermer",
    "Actualiser",
    "Contrat",
    "contrat",
    "Gaz",
    "Électricité",
    "Heures pleines",
    "Heures creuses",
    "Identifiant",
    "identifiant",
    "Courriel",
    "courriel",
    "Créer",
    "Se connecter",
    "Se souvenir",
    "oublié",
    "Étape",
    "étape",
    "Question secrète",
    "Réponse",
    "Demande",
    "demande",
    "Paramètres",
    "Langue",
    "Mes",
    "Votre",
    "votre",
    "vous",
    "Vous",
    "avec",
    "pour",
    "sur",
    "les",
    "des",
    "du",
    "au",
    "à",
    "et",
    "le",
    "la",
    "Chargement",
    "Aucun",
    "aucune",
    "résultat",
    "janvier",
    "février",
    "novembre",
    "décembre",
    "à payer",
    "Payée",
    "En retard",
    "Estimation",
    "Saisissez",
    "Choisissez",
    "Statut",
    "Période",
    "Bonjour",
    "Total à payer",
    "€ TTC",
    "Afficher",
    "Échap",
    "Accès",
    "bloqué",
    "Demander",
    "Mon Compte",
    "caractères",
)
_PATTERN = re.compile(
    r"(?<![\w’'-])(" + "|".join(re.escape(w) for w in FRENCH_WORDS) + r")(?![\w’'-])"
)


def screen_text(app_or_pilot: Any) -> str:
    """What the screen on top shows now, line by line (no-break spaces as spaces)."""
    app = getattr(app_or_pilot, "app", app_or_pilot)
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip().replace("\xa0", " ") for strip in strips)


def french_left(text: str) -> list[str]:
    """The French words found in ``text``, with the line each is on. A quotation is not
    counted: GEG's paper documents are French, and the screen names their boxes as printed
    (« the "votre contrat" (your contract) box »)."""
    text = re.sub(r'"[^"]*"|“[^”]*”', "", text)
    found = []
    for line in text.splitlines():
        for match in _PATTERN.finditer(line):
            found.append(f"« {match[1]} » in: {line.strip()}")
    return found

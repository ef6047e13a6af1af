"""The keys a person remaps in ``config.toml`` (``[keymap]``, as posting does): every binding of
geg-tui has an id, and ``binding id = "keys"`` replaces its keys (Textual's ``App.set_keymap``).

A bad entry (an unknown id, a key Textual would never send, a value that is not text) is left
out with a message (in the person's language) saying which line and why, shown once the login
screen is up: a typo in a preferences file never keeps anyone out of their account. No Textual
widget here: this runs before the first screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from geg_tui.i18n import LazyText, _, _l

# The key of each area of home's menu, in order: digits, then letters that no home key uses
# (« d » logs out, « r » refreshes). A key shows on its button: no key is learnt by heart.
MENU_KEYS = "123456789abcefghijk"

# Every binding id of geg-tui, with what it does (README's table and the messages). One id may
# be shared by several screens (« refresh », « pay »…): one line of the keymap remaps it on all.
# tests/tui/test_keymap.py checks that this is exactly the set of ids the screens declare.
BINDING_IDS: Mapping[str, LazyText] = {
    "quit": _l("Quitter geg-tui"),
    "command-palette": _l("Ouvrir la palette de commandes"),
    "back": _l("Revenir à l'écran précédent"),
    "help": _l("Afficher l'aide de l'écran (F1)"),
    "help-close": _l("Fermer l'aide"),
    "refresh": _l("Actualiser l'écran"),
    "pay": _l("Payer la facture"),
    "show-password": _l("Afficher ou masquer le mot de passe"),
    "open-signup": _l("Connexion : créer un compte"),
    "open-reset": _l("Connexion : mot de passe oublié"),
    "open-forgotten-id": _l("Connexion : identifiant oublié"),
    "signup-previous": _l("Inscription : étape précédente"),
    "signup-next": _l("Inscription : étape suivante"),
    "request-access": _l("Accès bloqué : demander l'accès"),
    "logout": _l("Accueil : se déconnecter"),
    **{f"home-area-{n}": _l("Accueil : ouvrir l'espace n° {n} du menu", n=n) for n in range(1, len(MENU_KEYS) + 1)},
    "invoices-open": _l("Factures : ouvrir la facture sélectionnée"),
    "invoices-filters": _l("Factures : aller aux filtres"),
    "invoices-list": _l("Factures : aller à la liste"),
    "download-pdf": _l("Facture : télécharger le PDF"),
    "invoice-explain": _l("Facture : pourquoi ce montant ?"),
    "meter-send": _l("Relevé : envoyer les index"),
    "bank-save": _l("Coordonnées bancaires : enregistrer"),
    "profile-save": _l("Mes informations : envoyer l'onglet affiché"),
    "profile-next-tab": _l("Mes informations : onglet suivant"),
    "consumption-day": _l("Consommations : par jour"),
    "consumption-month": _l("Consommations : par mois"),
    "consumption-year": _l("Consommations : par année"),
    "consumption-unit": _l("Consommations : kWh ou euros"),
    "consumption-compare": _l("Consommations : comparer à l'année précédente"),
    "consumption-table": _l("Consommations : graphique ou tableau"),
    "consumption-export": _l("Consommations : export CSV"),
    "curve-day": _l("Courbe de charge : un jour"),
    "curve-week": _l("Courbe de charge : une semaine"),
    "curve-previous": _l("Courbe de charge : jour ou semaine précédente"),
    "curve-next": _l("Courbe de charge : jour ou semaine suivante"),
    "export-cancel": _l("Export CSV : annuler"),
    "payment-mode-save": _l("Paiement : enregistrer le mode de règlement"),
    "receipt-pdf": _l("Paiements : reçu en PDF"),
    "receipt-text": _l("Paiements : reçu en texte"),
    "request-send": _l("Demandes : envoyer la demande ou la réponse"),
    "requests-open": _l("Mes demandes : lire la demande sélectionnée"),
    "requests-new": _l("Mes demandes : nouvelle demande"),
    "referral-send": _l("Parrainage : envoyer le formulaire"),
    "alerts-save": _l("Alertes : enregistrer l'alerte où est le curseur"),
    "notices-read-all": _l("Notifications : tout marquer comme lu"),
}  # fmt: skip

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@dataclass(frozen=True, slots=True)
class Keymap:
    """The valid entries (id → Textual key string) and a message per entry left out."""

    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _key_names() -> frozenset[str]:
    """The names Textual gives keys that are not one character (« f5 », « escape », « pageup »,
    « question_mark »…)."""
    from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

    names = {key.value.rpartition("+")[2] for key in Keys}
    names |= set(KEY_TO_UNICODE_NAME) | set(KEY_NAME_REPLACEMENTS.values())
    names |= {"space", "tab", "enter", "escape", "backspace", "delete"}
    return frozenset(names)


def key_problem(key: str, names: frozenset[str]) -> str | None:
    """Why ``key`` (one key, e.g. « ctrl+s ») is not a key Textual sends, or None if it is."""
    if not key:
        return _("une touche est vide")
    *modifiers, name = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return _("« {modifier} » n'est pas un modificateur (ctrl, shift, alt)").format(
            modifier=unknown[0]
        )
    if len(name) == 1 and name.isprintable() and not name.isspace():
        return None
    if name.lower() in names:
        return None
    return _(
        "« {key} » n'est pas un nom de touche connu (exemples : f5, ctrl+s, escape, r)"
    ).format(key=key)


def parse_keymap(table: object) -> Keymap:
    """The ``[keymap]`` table of ``config.toml``: the entries Textual can use, and the rest
    explained. Keys are lower-cased as Textual names them (« F5 » → « f5 »), not single
    characters (« R » is Shift+R)."""
    result = Keymap()
    if table is None:
        return result
    if not isinstance(table, dict):
        result.problems.append(
            _('[keymap] doit être une table : une ligne « identifiant = "touches" » par touche.')
        )
        return result
    names = _key_names()
    for binding_id, value in table.items():
        if binding_id not in BINDING_IDS:
            result.problems.append(
                _(
                    "[keymap] « {id} » : identifiant inconnu, ligne ignorée (voir le README)."
                ).format(id=binding_id)
            )
            continue
        if not isinstance(value, str):
            result.problems.append(
                _(
                    '[keymap] « {id} » : la valeur doit être du texte entre guillemets, par exemple « {id} = "f5" ».'
                ).format(id=binding_id)
            )
            continue
        keys = [k.strip() if len(k.strip()) == 1 else k.strip().lower() for k in value.split(",")]
        problem = next((p for p in (key_problem(k, names) for k in keys) if p), None)
        if problem is not None:
            result.problems.append(
                _("[keymap] « {id} » : {problem} ; touche d'origine conservée.").format(
                    id=binding_id, problem=problem
                )
            )
            continue
        result.keys[binding_id] = ",".join(keys)
    return result

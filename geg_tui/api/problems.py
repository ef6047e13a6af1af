"""What went wrong, as a stable code and its parameters, and its message in each language.

A backend never sends prose of its own: it raises ``Problem("password_too_short", min=8)``
(for the whole request or for one field), and the message is rendered from :data:`TEMPLATES`
where it is read — in the person's language on the client, in French (the message id itself)
in the JSON body sent over HTTP, as a fallback for a client that does not know the code (an
older client, a newer server). The codes are part of the API: never reuse one for another
meaning; add a new code instead.

Parameters are JSON values (str, int, ISO dates). Those that name a date, a time, an amount or
another message are written in the reader's language by :data:`PARAM_KINDS`: ``until`` (an ISO
datetime) → ``format_datetime``, ``day`` → ``format_date``, ``amount`` (cents) →
``format_money``, ``label`` (a code of :data:`LABELS`) → that label. A ``variant`` param picks
another wording of the same code (``TEMPLATES["deja_payee/debited"]``): the code stays what
programs test, the sentence fits the case. No Textual here.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from geg_tui.i18n import LazyText, _l


class Problem:
    """A stable ``code`` and its JSON ``params``: what a backend says instead of a sentence."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params: dict[str, Any] = {k: _jsonable(v) for k, v in params.items()}

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)

    def text(self) -> str:
        """The message in the current language (the code itself if it has no template)."""
        return render(self.code, self.params) or render("erreur") or self.code

    def french(self) -> str:
        """The message in French: what travels over HTTP and what GEG's documents print."""
        return render(self.code, self.params, french=True) or render("erreur", french=True) or ""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, LazyText):
        return value.msgid
    return value


# --- parameters written in the reader's language ------------------------------------------------


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _datetime(value: Any, french: bool) -> str:
    from geg_tui import formats, formatting

    return (formatting if french else formats).format_datetime(_as_datetime(value))


def _date(value: Any, french: bool) -> str:
    from geg_tui import formats, formatting

    return (formatting if french else formats).format_date(_as_date(value))


def _money(value: Any, french: bool) -> str:
    from geg_tui import formats, formatting

    return (formatting if french else formats).format_money(int(value))


def _number(value: Any, french: bool) -> str:
    from geg_tui import formats, formatting

    return (formatting if french else formats).group_thousands(int(value))


def _label(value: Any, french: bool) -> str:
    found = LABELS.get(str(value))
    if found is None:
        return str(value)
    return found.msgid if french else str(found)


def _capitalised_label(value: Any, french: bool) -> str:
    text = _label(value, french)
    return text[:1].upper() + text[1:]


def _tenths_kwh(value: Any, french: bool) -> str:
    """Wh → kWh with one decimal (``1 234,5`` / ``1,234.5``), rounded half up."""
    from geg_tui import formats, formatting

    wh = int(value)
    text = formatting.format_kwh(wh, decimals=1) if french else formats.format_kwh(wh, decimals=1)
    return text.removesuffix(f"{formatting.NBSP}kWh")


def _kwh(value: Any, french: bool) -> str:
    """Wh → whole kWh with the unit (``1 234 kWh``)."""
    from geg_tui import formats, formatting

    return (formatting if french else formats).format_kwh(int(value))


def _month(value: Any, french: bool) -> str:
    """``2026-11`` → « novembre 2026 » / "November 2026"."""
    from geg_tui import formats, formatting

    day = date.fromisoformat(f"{value}-01")
    return f"{(formatting if french else formats).month_name(day.month)} {day.year}"


def _request_status(value: Any, french: bool) -> str:
    from geg_tui.api.models import RequestStatus
    from geg_tui.labels import french_label, label_of

    status = RequestStatus(value)
    return (french_label(status) if french else label_of(status)).lower()


#: How a parameter is written, by its name.
PARAM_KINDS: dict[str, Callable[[Any, bool], str]] = {
    "until": _datetime,
    "at": _datetime,
    "day": _date,
    "amount": _money,
    "max_index": _number,
    "index": _number,
    "label": _label,
    "request_status": _request_status,
    "register_label": _capitalised_label,
    "implied_wh": _tenths_kwh,
    "usual_wh": _tenths_kwh,
    "last_index": _number,
    "first": _date,
    "last": _date,
    "consumed_wh": _kwh,
    "month": _month,
}


def render(
    code: str,
    params: Mapping[str, Any] | None = None,
    *,
    french: bool = False,
    templates: Mapping[str, LazyText] | None = None,
) -> str | None:
    """The message of ``code`` with ``params``, in the current language (or French); ``None``
    when this client has no template for the code or the params do not fit it (the caller then
    shows the French text the server sent). ``templates``: another table than the problems'
    (the backend's texts that are not errors, ``api/texts.py``), with the same parameters."""
    table = TEMPLATES if templates is None else templates
    variant = (params or {}).get("variant")
    template = table.get(f"{code}/{variant}") if variant else None
    template = template or table.get(code)
    if template is None:
        return None
    text = template.msgid if french else str(template)
    values: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if name == "variant":
            continue
        kind = PARAM_KINDS.get(name)
        try:
            values[name] = kind(value, french) if kind else value
        except (TypeError, ValueError):
            return None
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def placeholders(code: str) -> set[str]:
    """The ``{names}`` the template of ``code`` expects (a test checks them against the raises)."""
    return {name for _, name, _, _ in string.Formatter().parse(TEMPLATES[code].msgid) if name}


# --- the tables (generated sections: keep one entry per line) ------------------------------------

#: Words that go inside a message (« {label} : champ obligatoire. »), by code.
LABELS: dict[str, LazyText] = {
    "email": _l("Adresse e-mail"),
    "contract_ref": _l("Référence contrat"),
    "invoice_ref": _l("Référence de facture"),
    "amount": _l("Montant"),
    "birth_date": _l("Date de naissance"),
    "phone": _l("Téléphone"),
    "answer": _l("Réponse"),
    "name": _l("Nom"),
    "card_holder": _l("Titulaire de la carte"),
    "expiry_month": _l("Mois d'expiration"),
    "expiry_year": _l("Année d'expiration"),
    "year": _l("Année"),
    "day": _l("Jour"),
    "start": _l("Date de début"),
    "end": _l("Date de fin"),
    "postcode": _l("Code postal"),
    "account_holder": _l("Titulaire du compte"),
    "iban": _l("IBAN"),
    "bic": _l("BIC"),
    "index": _l("index"),
    "index_hp": _l("index heures pleines"),
    "index_hc": _l("index heures creuses"),
    "index_gas": _l("index gaz"),
    "first_name": _l("Prénom"),
    "address": _l("Adresse"),
    "city": _l("Ville"),
    "subject": _l("Objet de la demande"),
}

#: The message of each code (French msgid, translated when read).
TEMPLATES: dict[str, LazyText] = {
    "erreur": _l("Une erreur est survenue. Veuillez réessayer."),
    "fault_drop_needs_a_write": _l(
        "« drop » perd la réponse d'une écriture enregistrée : {operation} ne fait que lire. Choisissez unavailable, timeout ou latency."
    ),
    "test_controls_loopback_only": _l(
        "Les contrôles de test ne répondent qu'à une adresse de la boucle locale (127.0.0.1, localhost, ::1) ; démarrez le serveur avec --allow-remote-test-controls pour les ouvrir au réseau."
    ),
    "json_body_required": _l(
        "Le corps de la requête doit être du JSON (Content-Type: application/json)."
    ),
    "erreur_interne": _l("Erreur interne du service GEG. Réessayez dans quelques instants."),
    "base_occupee": _l(
        "Le service est momentanément surchargé et votre demande n'a pas été enregistrée. Réessayez dans quelques instants."
    ),
    "validation": _l("Certaines informations sont incorrectes. Vérifiez les champs signalés."),
    "identifiants_invalides": _l("Identifiant ou mot de passe incorrect."),
    "compte_bloque": _l(
        "Votre compte est bloqué après trois tentatives infructueuses. Il sera débloqué le {until}. Vous pouvez aussi demander l'accès au service client avec le formulaire de contact."
    ),
    "session_expiree": _l("Votre session a expiré. Veuillez vous reconnecter."),
    "interdit": _l("Vous n'avez pas accès à cet élément."),
    "introuvable": _l("Élément introuvable."),
    "conflit": _l("Cette opération n'est pas possible dans l'état actuel."),
    "trop_de_tentatives": _l("Trop de tentatives. Réessayez plus tard."),
    "service_indisponible": _l(
        "Le service est momentanément indisponible. Vos saisies sont conservées : réessayez dans quelques instants."
    ),
    "issue_inconnue": _l(
        "La réponse du serveur GEG ne nous est pas parvenue : nous ne savons pas encore si votre demande a été enregistrée. Vos saisies sont conservées : vous pouvez la renvoyer sans risque, elle ne sera jamais prise en compte deux fois."
    ),
    "serveur_injoignable": _l(
        "Le serveur GEG ne répond pas. Vérifiez votre connexion : vos saisies sont conservées, réessayez dans quelques instants."
    ),
    "reponse_illisible": _l(
        "Le serveur GEG ne répond pas. Vérifiez votre connexion : vos saisies sont conservées, réessayez dans quelques instants."
    ),
    "delai_depasse": _l(
        "Le serveur GEG met trop de temps à répondre. Vos saisies sont conservées : réessayez dans quelques instants."
    ),
    "issue_inconnue_sans_cle": _l(
        "La réponse du serveur GEG ne nous est pas parvenue : votre demande a peut-être été enregistrée. Vérifiez-le avant de la renvoyer, pour ne pas la faire deux fois."
    ),
    "issue_inconnue_mot_de_passe": _l(
        "La réponse du serveur GEG ne nous est pas parvenue : votre mot de passe a peut-être été changé. Avant de recommencer, essayez de vous reconnecter avec le nouveau mot de passe."
    ),
    "issue_inconnue_demande": _l(
        "La réponse du serveur GEG ne nous est pas parvenue : votre demande a peut-être été enregistrée. Consultez la liste de vos demandes avant de l'envoyer à nouveau, pour ne pas la faire deux fois."
    ),
    "value_invalid": _l("{label} : valeur invalide."),
    "text_much_too_long": _l("{label} : texte beaucoup trop long."),
    "characters_not_allowed": _l("{label} : caractères non autorisés."),
    "field_required": _l("{label} : champ obligatoire."),
    "email_too_long": _l("L'adresse e-mail ne peut pas dépasser {max} caractères."),
    "email_invalid": _l("Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."),
    "password_invalid": _l("Mot de passe invalide."),
    "password_characters_not_allowed": _l("Le mot de passe contient des caractères non autorisés."),
    "password_too_short": _l("Le mot de passe doit contenir au moins {min} caractères."),
    "password_too_long": _l("Le mot de passe ne peut pas dépasser {max} caractères."),
    "password_is_login": _l("Le mot de passe doit être différent de l'identifiant."),
    "passwords_differ": _l("Les deux mots de passe ne sont pas identiques."),
    "digits_expected": _l("{label} : {count} chiffres attendus."),
    "amount_invalid": _l("Montant invalide (exemple : 123,45)."),
    "birth_date_format": _l("Date de naissance invalide (format JJ/MM/AAAA)."),
    "date_does_not_exist": _l("Cette date n'existe pas (format JJ/MM/AAAA)."),
    "birth_date_invalid": _l("Date de naissance invalide."),
    "phone_invalid": _l("Numéro invalide (formats : 06 12 34 56 78 ou +33 6 12 34 56 78)."),
    "mobile_invalid": _l("Un numéro de mobile commence par 06 ou 07."),
    "answer_too_short": _l("La réponse doit contenir au moins {min} caractères."),
    "answer_too_long": _l("La réponse ne peut pas dépasser {max} caractères."),
    "index_in_digits": _l("Saisissez l'{label} en chiffres."),
    "index_not_whole": _l("L'{label} doit être un nombre entier."),
    "index_required": _l("Saisissez l'{label}."),
    "index_not_whole_sign": _l("L'{label} doit être un nombre entier, sans virgule ni signe."),
    "index_negative": _l("L'{label} ne peut pas être négatif."),
    "index_too_many_digits": _l(
        "L'{label} a au plus {digits} chiffres sur ce compteur (au plus {max_index} {unit})."
    ),
    "indexes_required": _l("Saisissez l'index de chaque cadran du compteur."),
    "indexes_unreadable": _l("Index illisibles."),
    "register_unknown": _l("Ce compteur n'a pas ce cadran : saisissez seulement ses index."),
    "index_below_last": _l(
        "L'index ne peut pas être inférieur au dernier index connu : {index} {unit} le {day}."
    ),
    "index_below_last_estimated": _l(
        "L'index ne peut pas être inférieur au dernier index connu : {index} {unit} le {day} (index estimé). Si votre compteur affiche moins, contactez le service client pour faire corriger l'estimation."
    ),
    "index_inferieur": _l(
        "Un index saisi est inférieur au dernier index connu de votre compteur. Vérifiez les chiffres relevés."
    ),
    "compteur_communicant": _l(
        "Votre compteur Linky est communicant : il est relevé automatiquement chaque jour. Vous n'avez pas besoin de transmettre votre index."
    ),
    "confirmation_invalid": _l("Confirmation invalide."),
    "current_password_wrong": _l("Le mot de passe actuel est incorrect."),
    "login_email_unavailable": _l("Cette adresse ne peut pas être utilisée comme identifiant."),
    "postcode_invalid": _l("Le code postal a 5 chiffres (exemple : 38000)."),
    "text_too_long": _l("{label} : {max} caractères au plus."),
    "email_already_login": _l("C'est déjà votre identifiant."),
    "code_invalid_or_expired": _l("Code invalide ou expiré."),
    "secret_question_choose": _l("Choisissez une question secrète dans la liste."),
    "iban_too_long": _l("IBAN trop long."),
    "iban_not_sepa": _l("Seuls les comptes des pays de la zone SEPA sont acceptés."),
    "iban_invalid": _l(
        "IBAN invalide : vérifiez les caractères saisis (exemple : FR76 3000 6000 0112 3456 7890 189)."
    ),
    "bic_invalid": _l("BIC invalide (8 ou 11 caractères, exemple : AGRIFRPP)."),
    "holder_too_long": _l("Le nom du titulaire ne peut pas dépasser {max} caractères."),
    "mot_de_passe_incorrect": _l("Mot de passe incorrect."),
    "choose_yes_no": _l("Choisissez oui ou non."),
    "pas_d_echeancier": _l(
        "Ce contrat n'est pas en prélèvement mensuel : il n'a pas d'échéancier."
    ),
    "payment_mode_choose": _l("Choisissez un mode de règlement."),
    "trimestriel_non_autorise": _l(
        "Le prélèvement trimestriel est réservé au tarif réglementé (Tarif Bleu). Choisissez la mensualisation ou le paiement à réception."
    ),
    "regulated_tariff_only": _l("Réservé au tarif réglementé (Tarif Bleu)."),
    "debit_day_choose": _l("Choisissez le 5, le 10 ou le 15 du mois."),
    "mandat_requis": _l(
        "Le prélèvement demande des coordonnées bancaires et un mandat SEPA actif. Renseignez d'abord votre IBAN dans « Coordonnées bancaires »."
    ),
    "mandate_needed": _l("Coordonnées bancaires et mandat SEPA nécessaires."),
    "card_number_invalid": _l("Numéro de carte invalide."),
    "card_number_required": _l("Numéro de carte : champ obligatoire."),
    "card_number_digits_only": _l("Le numéro de carte ne doit contenir que des chiffres."),
    "card_number_length": _l("Le numéro de carte doit comporter de {min} à {max} chiffres."),
    "card_number_checksum": _l("Numéro de carte invalide : vérifiez les chiffres saisis."),
    "card_not_accepted": _l(
        "Carte non acceptée : utilisez une carte Visa, Mastercard, American Express ou CB."
    ),
    "label_invalid": _l("{label} invalide."),
    "expiry_month_invalid": _l("Mois d'expiration invalide (01 à 12)."),
    "expiry_year_invalid": _l("Année d'expiration invalide."),
    "security_code_invalid": _l("Cryptogramme invalide."),
    "security_code_required": _l("Cryptogramme : champ obligatoire."),
    "security_code_amex": _l(
        "Le cryptogramme comporte 4 chiffres (imprimés au recto de la carte)."
    ),
    "security_code_3_or_4": _l("Le cryptogramme comporte 3 ou 4 chiffres."),
    "security_code_3": _l("Le cryptogramme comporte 3 chiffres (imprimés au dos de la carte)."),
    "card_holder_name": _l("Indiquez le nom du titulaire tel qu'il figure sur la carte."),
    "card_expired": _l("Cette carte a expiré."),
    "card_details_wrong": _l(
        "Les informations de la carte sont incorrectes. Vérifiez les champs signalés."
    ),
    "deja_payee/debited": _l(
        "Cette facture a déjà été prélevée : aucun paiement n'est nécessaire."
    ),
    "deja_payee": _l("Cette facture est déjà payée : aucun nouveau paiement n'est nécessaire."),
    "prelevement_prevu": _l(
        "Cette facture sera prélevée automatiquement le {day} : elle ne peut pas être payée par carte."
    ),
    "prelevement_prevu/soon": _l(
        "Cette facture sera prélevée automatiquement prochainement : elle ne peut pas être payée par carte."
    ),
    "invoice_not_payable_by_card": _l("Cette facture ne peut pas être payée par carte."),
    "rien_a_payer": _l("Cette facture ne présente aucun montant à payer."),
    "carte_refusee": _l(
        "Paiement refusé : votre banque a refusé la carte. Aucun montant n'a été débité. Essayez une autre carte ou contactez votre banque."
    ),
    "provision_insuffisante": _l(
        "Paiement refusé : provision insuffisante. Aucun montant n'a été débité. Essayez une autre carte ou contactez votre banque."
    ),
    "paiement_a_reessayer": _l(
        "Le serveur de paiement n'a pas répondu à temps. Aucun montant n'a été débité : réessayez dans quelques instants."
    ),
    "payment_not_found": _l("Paiement introuvable."),
    "payment_request_invalid": _l("Requête de paiement invalide."),
    "invoice_not_found_ref": _l("Facture introuvable. Vérifiez la référence de la facture."),
    "message_value_invalid": _l("Message : valeur invalide."),
    "message_characters_not_allowed": _l("Le message contient des caractères non autorisés."),
    "message_too_short": _l("Le message doit contenir au moins {min} caractères."),
    "message_too_long": _l("Le message ne peut pas dépasser {max} caractères."),
    "contact_form_invalid": _l("Formulaire de contact invalide."),
    "category_choose": _l("Choisissez une catégorie."),
    "category_needs_login": _l(
        "Sans être connecté, vous pouvez écrire pour : accès au compte, question secrète oubliée ou identifiant oublié. Connectez-vous pour les autres demandes."
    ),
    "subject_too_long": _l("L'objet ne peut pas dépasser {max} caractères."),
    "name_too_long": _l("Le nom ne peut pas dépasser {max} caractères."),
    "request_not_found": _l("Demande introuvable."),
    "request_closed": _l("Cette demande est clôturée."),
    "demande_fermee": _l(
        "Cette demande est {request_status} : ouvrez une nouvelle demande pour écrire au service client."
    ),
    "recuperation_refusee": _l(
        "Les informations saisies ne permettent pas de retrouver votre compte."
    ),
    "answer_special_characters": _l("Réponse invalide : saisissez-la sans caractères spéciaux."),
    "code_required": _l("Saisissez le code reçu par e-mail."),
    "code_invalide": _l(
        "Ce code est invalide ou a expiré. Refaites une demande de réinitialisation."
    ),
    "secret_question_choose_new": _l("Choisissez une nouvelle question secrète."),
    "invoice_not_found": _l(
        "Facture introuvable : vérifiez sa référence dans la liste de vos factures."
    ),
    "facture_trop_ancienne": _l(
        "Cette facture a été émise il y a plus de {years} ans : elle n'est plus disponible dans l'espace client. Le service client peut vous en adresser une copie."
    ),
    "year_invalid": _l("Année invalide."),
    "status_unknown": _l("Statut inconnu."),
    "offset_invalid": _l("Position invalide."),
    "limit_invalid": _l("Nombre de factures invalide."),
    "date_out_of_range": _l("{label} hors des limites acceptées."),
    "date_format": _l("{label} invalide (format JJ/MM/AAAA)."),
    "date_not_real": _l("{label} : cette date n'existe pas."),
    "granularity_choose": _l("Choisissez un affichage par jour, par mois ou par année."),
    "comparison_invalid": _l("Choix de comparaison invalide."),
    "end_before_start": _l("La date de fin doit être égale ou postérieure à la date de début."),
    "period_too_long": _l("La période demandée ne peut pas dépasser {years} ans."),
    "compteur_non_communicant": _l(
        "La courbe de charge n'existe que pour un compteur communicant (Linky)."
    ),
    "load_curve_missing": _l("Pas de courbe de charge pour le {day}."),
    "load_curve_too_long": _l("La courbe de charge se demande par {days} jours au plus."),
    "load_curve_before_contract": _l(
        "Pas de courbe de charge avant le début du contrat, le {day}."
    ),
    "price_energy_unknown": _l("Énergie inconnue : électricité ou gaz."),
    "referral_not_in_grenoble": _l(
        "Le parrainage n'est pas ouvert aux habitants de Grenoble (38000 et 38100) : il sert à faire connaître GEG en dehors de sa zone historique."
    ),
    "referral_self": _l("Vous ne pouvez pas vous parrainer vous-même."),
    "referral_already_customer": _l("Cette personne est déjà cliente de GEG."),
    "invitation_existante": _l("Cette personne a déjà une invitation en cours ou acceptée."),
    "invitation_pending": _l("Invitation déjà en cours ou acceptée pour cette adresse."),
    "invitation_not_found": _l(
        "Aucune invitation en cours pour cette adresse (peut-être expirée)."
    ),
    "energy_unknown": _l("Énergie inconnue « {energy} » (elec, gas ou dual)."),
    "alert_setting_invalid": _l("Réglage d'alerte invalide."),
    "alert_kind_unknown": _l("Type d'alerte inconnu."),
    "alert_days_range": _l("Choisissez un nombre de jours entre {min} et {max}."),
    "alert_unit_choose": _l("Choisissez un seuil en kWh ou en euros."),
    "alert_threshold_range": _l("Le seuil doit être un nombre entier entre {min} et {max_index}."),
    "alert_channel_choose": _l("Choisissez au moins un canal : e-mail ou SMS."),
    "notification_ids_invalid": _l(
        "Liste de notifications invalide : des numéros entiers, {max} au plus."
    ),
    "alert_sms_needs_mobile": _l(
        "Les SMS demandent un numéro de mobile (06 ou 07) dans vos coordonnées."
    ),
    "horloge_deja_passee": _l(
        "Le monde simulé a déjà vécu jusqu'au {day} (consommations, factures, prélèvements, alertes) : l'horloge ne peut pas revenir avant. Pour recommencer plus tôt : geg-tui fake reset --start {start}."
    ),
    "reply_empty": _l("La réponse est vide."),
    "request_status_unknown": _l("Statut inconnu « {value} » (valeurs : {values})."),
    "no_account_to_unblock": _l("Aucun compte en ligne n'a cette adresse : rien à débloquer."),
    "no_account_for_code": _l("Aucun compte en ligne n'a cette adresse : aucun code envoyé."),
    "idempotency_key_invalid": _l("Requête invalide : clé d'idempotence manquante ou incorrecte."),
    "key_invalid": _l("Clé invalide."),
    "cle_idempotence_reutilisee": _l(
        "Cette demande a déjà été envoyée avec d'autres informations. Rechargez la page et recommencez."
    ),
    "request_too_deep": _l("Requête invalide : le JSON est trop imbriqué ({max} niveaux au plus)."),
    "request_not_json": _l("Requête invalide : le corps n'est pas du JSON."),
    "request_incomplete": _l("Requête incomplète."),
    "request_too_large": _l("Requête trop volumineuse."),
    "request_not_object": _l("Requête invalide : un objet JSON est attendu."),
    "required": _l("Champ obligatoire."),
    "method_not_allowed": _l("Méthode non autorisée."),
    "address_unknown": _l("Adresse inconnue."),
    "panne_simulee": _l(
        "Le service est momentanément indisponible (panne simulée). Vos saisies sont conservées : réessayez dans quelques instants."
    ),
    "contract_not_found": _l("Contrat introuvable."),
    "verification_contrat": _l(
        "Ces informations ne correspondent pas à un contrat GEG. Vérifiez la référence contrat, la référence et le montant de votre dernière facture (bloc « votre contrat »)."
    ),
    "email_indisponible": _l(
        "Impossible de créer un compte avec cette adresse. Si vous avez déjà un compte, connectez-vous ou utilisez « mot de passe oublié »."
    ),
    "contrat_deja_rattache": _l(
        "Ce contrat est déjà rattaché à un compte en ligne. Connectez-vous avec votre identifiant, ou utilisez « mot de passe oublié » si vous ne vous en souvenez plus."
    ),
    "inscription_bloquee": _l(
        "Trop de tentatives pour ce contrat. Réessayez après le {until} ou contactez le service client au {phone}."
    ),
    "date_naissance": _l(
        "La date de naissance ne correspond pas à nos informations. Si les informations enregistrées sont inexactes, contactez le service client au {phone}."
    ),
    "signup_request_invalid": _l("Demande d'inscription invalide."),
    "reading_implausible": _l(
        "{register_label} {index} {unit} : depuis le relevé du {day} ({last_index} {unit}), cela fait {implied_wh} kWh par jour en moyenne, alors que la consommation habituelle à cette saison est d'environ {usual_wh} kWh par jour."
    ),
    "reading_implausible_advice": _l(
        "C'est plus de {factor} fois l'habitude : vérifiez l'index saisi. S'il est juste, confirmez-le pour l'enregistrer."
    ),
    "fault_operation_unknown": _l("Opération inconnue « {operation} ». Opérations : * ou {known}."),
    "fault_kind_unknown": _l("Type de panne inconnu « {kind} » (valeurs : {kinds})."),
    "fault_count_range": _l("Le nombre d'appels doit être entre 1 et {max}."),
    "fault_latency_range": _l("La latence doit être entre 0 et {max} ms."),
    "fault_error_rate_range": _l("Le taux d'erreur doit être entre 0 et 1 (par exemple 0.3)."),
    "clock_date_out_of_range": _l("Date hors limites : « {text} » (de 2000 à 2099)."),
    "duration_too_long": _l("Durée trop longue : « {text} » ({days} jours au plus)."),
    "invoice_unknown": _l("Aucune facture {ref}."),
}

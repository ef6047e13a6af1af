"""What each value of the account's enumerations is called, in the person's language.

The models (``geg_tui/api/models.py``) carry codes only (``Energy.GAS`` is ``"gaz"``); the words
are here, French message ids translated when read. ``label_of(value)`` is what a screen shows;
``french_label(value)`` is what GEG's own documents (the fake backend's mails and PDFs, which
stay French) write. ``Channel`` has no label yet: no screen shows it.
No Textual here.
"""

from __future__ import annotations

from enum import Enum

from geg_tui.api.models import (
    AlertKind,
    CardBrand,
    Energy,
    Identity,
    InvitationStatus,
    InvoiceKind,
    InvoiceStatus,
    PaymentMeans,
    PaymentMode,
    PaymentStatus,
    ReadingKind,
    Register,
    RequestCategory,
    RequestStatus,
    Tariff,
)
from geg_tui.i18n import LazyText, _l, pgettext

# (member, words) pairs, not a dict literal: members of two enumerations may share a value
# (``Energy.GAS`` and ``Register.GAS`` are both ``"gaz"``) and a StrEnum member hashes as its
# value, so the lookup is keyed by (enumeration, member).
_WORDS: tuple[tuple[Enum, LazyText], ...] = (
    (Energy.ELECTRICITY, _l("Électricité")),
    (Energy.GAS, _l("Gaz naturel")),
    (Tariff.BLUE_BASE, _l("Tarif Bleu – Base")),
    (Tariff.BLUE_HPHC, _l("Tarif Bleu – Heures pleines / creuses")),
    (Tariff.MARKET_ELEC, _l("Électricité verte – offre de marché")),
    (Tariff.GAS, _l("Gaz naturel – offre GEG")),
    (Register.BASE, _l("Base")),
    (Register.HP, _l("Heures pleines")),
    (Register.HC, _l("Heures creuses")),
    (Register.GAS, _l("Gaz")),
    (PaymentMode.MONTHLY_DEBIT, _l("Prélèvement mensuel (mensualisation)")),
    (PaymentMode.QUARTERLY_DEBIT, _l("Prélèvement trimestriel")),
    (PaymentMode.ON_RECEIPT, _l("Paiement à réception de facture")),
    (InvoiceKind.REGULAR, _l("Facture")),
    (InvoiceKind.SETTLEMENT, _l("Facture de régularisation annuelle")),
    (InvoiceKind.FINAL, _l("Facture de résiliation")),
    (InvoiceStatus.TO_PAY, _l("À payer")),
    (InvoiceStatus.PAID, _l("Payée")),
    (InvoiceStatus.OVERDUE, _l("En retard")),
    (InvoiceStatus.DEBIT_SCHEDULED, _l("Prélèvement prévu")),
    (InvoiceStatus.DEBITED, _l("Prélevée")),
    (InvoiceStatus.REFUND_DUE, _l("À rembourser")),
    (InvoiceStatus.REFUNDED, _l("Remboursée")),
    (ReadingKind.REAL, _l("Relevé réel")),
    (ReadingKind.ESTIMATED, _l("Estimation")),
    (ReadingKind.CUSTOMER, _l("Relevé client")),
    (CardBrand.VISA, _l("Visa")),
    (CardBrand.MASTERCARD, _l("Mastercard")),
    (CardBrand.AMEX, _l("American Express")),
    (CardBrand.CB, _l("CB")),
    (PaymentMeans.CARD, _l("Carte bancaire")),
    (PaymentMeans.DIRECT_DEBIT, _l("Prélèvement")),
    (PaymentStatus.ACCEPTED, _l("Acceptée")),
    (PaymentStatus.DEBITED, _l("Prélevé")),
    (RequestCategory.BILL, _l("Facture")),
    (RequestCategory.PAYMENT, _l("Paiement")),
    (RequestCategory.METER, _l("Relevé de compteur")),
    (RequestCategory.CONTRACT, _l("Contrat")),
    (RequestCategory.MOVING, _l("Déménagement")),
    (RequestCategory.ACCOUNT_ACCESS, _l("Accès au compte")),
    (RequestCategory.FORGOTTEN_QUESTION, _l("Question secrète oubliée")),
    (RequestCategory.FORGOTTEN_IDENTIFIER, _l("Identifiant oublié")),
    (RequestCategory.COMPLAINT, _l("Réclamation")),
    (RequestCategory.OTHER, _l("Autre demande")),
    (RequestStatus.RECEIVED, _l("Reçue")),
    (RequestStatus.IN_PROGRESS, _l("En cours")),
    (RequestStatus.RESOLVED, _l("Résolue")),
    (RequestStatus.CLOSED, _l("Clôturée")),
    (InvitationStatus.SENT, _l("Envoyée")),
    (InvitationStatus.SUBSCRIBED, _l("Souscrite")),
    (InvitationStatus.EXPIRED, _l("Expirée")),
    (InvitationStatus.REFUSED, _l("Refusée")),
    (AlertKind.NEW_INVOICE, _l("Nouvelle facture disponible")),
    (AlertKind.PAYMENT_DUE, _l("Échéance de paiement proche")),
    (AlertKind.OVERDUE, _l("Facture en retard")),
    (AlertKind.CONSUMPTION_THRESHOLD, _l("Consommation mensuelle au-dessus d'un seuil")),
    (AlertKind.READING_WINDOW, _l("Période de relevé ouverte")),
    (AlertKind.DEBIT_SOON, _l("Prélèvement proche")),
)
LABELS: dict[tuple[type[Enum], Enum], LazyText] = {(type(m), m): words for m, words in _WORDS}


def label_of(value: Enum) -> str:
    """What ``value`` is called in the current language (``Energy.GAS`` → « Gaz naturel »)."""
    return str(LABELS[type(value), value])


def french_label(value: Enum) -> str:
    """What GEG's French documents call ``value``, whatever the screen's language."""
    return LABELS[type(value), value].msgid


def person_name(identity: Identity) -> str:
    """« Mme Claire Martin » / "Ms Claire Martin": the civility is stored as GEG writes it
    (« Mme », « M. ») and said in the reader's language; an unknown one is shown as stored."""
    civility = {
        "Mme": pgettext("civilité", "Mme"),
        "M.": pgettext("civilité", "M."),
    }.get(identity.civility, identity.civility)
    return f"{civility} {identity.first_name} {identity.last_name}"

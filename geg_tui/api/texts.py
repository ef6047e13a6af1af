"""Texts of the backend that are not errors, rendered in the reader's language from codes.

The fake backend fills the models with codes and params (``InvoiceLine.label_code``,
``MeterStatus.refusal_code``, ``ReadingResult.warning_parts``) next to the French text that
GEG's documents print (``label``, ``refusal_reason``, ``warning``): the screens call these
renderers, which fall back to the French text when there is no code or it is unknown (data from
an older server). Rendered in French, a code gives exactly the French text stored: a test reads
every line of the demo world both ways. No Textual here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from geg_tui.api.models import (
    InvoiceLine,
    MeterStatus,
    Notification,
    ReadingResult,
    RequestEvent,
    RequestStatus,
    SecretQuestion,
)
from geg_tui.api.problems import render
from geg_tui.i18n import LazyText, _, _l

#: The label of an invoice line, by code (``{kva}`` for a subscription).
LINE_LABELS: dict[str, LazyText] = {
    "subscription": _l("Abonnement"),
    "subscription_kva": _l("Abonnement {kva} kVA"),
    "cta": _l("Contribution tarifaire d'acheminement (CTA)"),
    "energy_base": _l("Consommation"),
    "energy_hp": _l("Consommation heures pleines"),
    "energy_hc": _l("Consommation heures creuses"),
    "energy_gas": _l("Consommation de gaz naturel"),
    "excise_electricity": _l("Accise sur l'électricité"),
    "excise_gas": _l("Accise sur le gaz naturel"),
}

#: Units of an invoice line that are words.
LINE_UNITS: dict[str, LazyText] = {"mois": _l("mois")}


def _line_text(code: str, params: dict[str, Any], french: bool) -> str | None:
    template = LINE_LABELS.get(code)
    if template is None:
        return None
    from geg_tui import formats, formatting

    fmt = formatting if french else formats
    text = (template.msgid if french else str(template)).format(kva=params.get("kva", ""))
    if params.get("first") and params.get("last"):
        period = "{line} du {first} au {last}" if french else _("{line} du {first} au {last}")
        text = period.format(
            line=text,
            first=fmt.format_date(date.fromisoformat(params["first"])),
            last=fmt.format_date(date.fromisoformat(params["last"])),
        )
    if params.get("estimated"):
        estimated = "{line} (index estimé)" if french else _("{line} (index estimé)")
        text = estimated.format(line=text)
    return text


def line_label_french(code: str, params: dict[str, Any]) -> str | None:
    """The French label of a line code: what GEG's bill prints (and what the store keeps)."""
    return _line_text(code, params, True)


def line_label(line: InvoiceLine) -> str:
    """The label of ``line`` in the current language (its French label without a known code)."""
    if line.label_code:
        text = _line_text(line.label_code, line.label_params, False)
        if text is not None:
            return text
    return line.label


def line_unit(line: InvoiceLine) -> str:
    """``kWh``, ``MWh``, or the word ``mois`` in the current language."""
    word = LINE_UNITS.get(line.unit)
    return str(word) if word is not None else line.unit


def refusal_text(status: MeterStatus) -> str | None:
    """Why this meter takes no reading (METER-7), in the current language."""
    if status.refusal_code:
        text = render(status.refusal_code)
        if text is not None:
            return text
    return status.refusal_reason


def warning_text(result: ReadingResult) -> str | None:
    """The METER-3 warning in the current language (the French one for unknown codes)."""
    if not result.warning_parts:
        return result.warning
    parts = []
    for part in result.warning_parts:
        text = render(str(part.get("code", "")), part.get("params") or {})
        if text is None:
            return result.warning
        parts.append(text)
    return " ".join(parts)


#: The secret questions (SIGNUP-8), by id: the fake backend's list is built from this table.
QUESTIONS: dict[int, LazyText] = {
    1: _l("Quel est le nom de votre premier animal de compagnie ?"),
    2: _l("Dans quelle ville êtes-vous né(e) ?"),
    3: _l("Quel est le nom de jeune fille de votre mère ?"),
    4: _l("Quel était le nom de votre école primaire ?"),
    5: _l("Quel est le prénom de votre meilleur(e) ami(e) d'enfance ?"),
    6: _l("Quelle est la marque de votre première voiture ?"),
}

#: Customer service's opening hours as the fake backend sends them (``SupportInfo.hours``).
SUPPORT_HOURS = _l("du lundi au vendredi de 8h30 à 17h30, le samedi de 9h à 12h")


def question_text(question: SecretQuestion) -> str:
    """A secret question in the current language; a question this version does not know (its
    id, or another wording from the server) is shown as sent."""
    known = QUESTIONS.get(question.id)
    return str(known) if known is not None and known.msgid == question.text else question.text


def support_hours(hours: str) -> str:
    """Customer service's hours in the current language, when they are the ones we know."""
    return str(SUPPORT_HOURS) if hours == SUPPORT_HOURS.msgid else hours


#: Customer service's notes in a request's history (REQ-2), by code: ``{status}`` is a
#: ``RequestStatus`` value, ``{effect}`` a code of ``REQUEST_EFFECTS``.
REQUEST_NOTES: dict[str, LazyText] = {
    "taken": _l("Prise en charge."),
    "status": _l("Statut : {status}."),
    "resolved": _l("Demande résolue ({effect})."),
}

#: What resolving a request did (LOCK-5, RESET-7), by code.
REQUEST_EFFECTS: dict[str, LazyText] = {
    "none": _l("aucun"),
    "unblocked": _l("compte débloqué"),
    "code_sent": _l("code de réinitialisation envoyé"),
}


def _note_text(code: str, params: dict[str, Any], french: bool) -> str | None:
    from geg_tui.labels import french_label, label_of

    template = REQUEST_NOTES.get(code)
    if template is None:
        return None
    words: dict[str, str] = {}
    try:
        if "status" in params:
            status = RequestStatus(params["status"])
            words["status"] = french_label(status) if french else label_of(status)
        if "effect" in params:
            effect = REQUEST_EFFECTS[params["effect"]]
            words["effect"] = effect.msgid if french else str(effect)
        return (template.msgid if french else str(template)).format(**words)
    except (ValueError, KeyError, IndexError):
        return None


def note_text_french(code: str, params: dict[str, Any]) -> str | None:
    """The French note of a code: what GEG's record of the request keeps."""
    return _note_text(code, params, True)


def event_text(event: RequestEvent) -> str:
    """A request event's text in the current language: a note of customer service is
    translated from its code, a message is shown as its author wrote it."""
    if event.text_code:
        text = _note_text(event.text_code, event.text_params, False)
        if text is not None:
            return text
    return event.text


#: What an alert says (ALERT-1/3), by code: the body of GEG's mail or SMS in French (the msgid
#: itself) and the notification in the terminal, in the reader's language. Parameters as in
#: ``problems.PARAM_KINDS`` (``amount`` in cents, ``day`` ISO, ``month`` ``YYYY-MM``,
#: ``consumed_wh``); ``variant`` picks another wording.
NOTIFICATIONS: dict[str, LazyText] = {
    "alert_new_invoice": _l("Votre facture {ref} du contrat {contract} ({amount}) est disponible."),
    "alert_new_invoice/credit": _l(
        "Votre facture {ref} du contrat {contract} (solde en votre faveur : {amount}) est "
        "disponible."
    ),
    "alert_overdue": _l(
        "Votre facture {ref} ({amount}) n'est pas réglée. Vous pouvez la payer par carte dans "
        "votre espace client."
    ),
    "alert_payment_due": _l("Votre facture {ref} ({amount}) est à régler avant le {day}."),
    "alert_debit_soon": _l("Un prélèvement de {amount} (contrat {contract}) aura lieu le {day}."),
    "alert_reading_window": _l(
        "Vous pouvez saisir le relevé de votre compteur (contrat {contract}) jusqu'au {day}."
    ),
    "alert_consumption_threshold": _l(
        "En {month}, le contrat {contract} a consommé {consumed_wh} ({amount}), au-dessus de "
        "votre seuil."
    ),
}


def notification_french(code: str, params: dict[str, Any]) -> str:
    """What GEG's mail or SMS says for an alert (the fake backend sends this)."""
    text = render(code, params, french=True, templates=NOTIFICATIONS)
    if text is None:
        raise KeyError(f"no notification template for {code!r} with {sorted(params)}")
    return text


def notification_text(notification: Notification) -> str:
    """A notification in the current language (the French text sent, for a code this version
    does not know)."""
    if notification.code:
        text = render(notification.code, notification.params, templates=NOTIFICATIONS)
        if text is not None:
            return text
    return notification.text

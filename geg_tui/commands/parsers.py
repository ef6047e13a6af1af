"""The customer commands' arguments: French names, each with its English alias
(``factures``/``invoices``, ``--contrat``/``--contract``, ``jour``/``day``…).

Built only when ``geg-tui`` is given a command (``cli.build_parser``); each parser records the
function that runs it (``customer_command``, ``"module:function"`` of this package), imported
only then (``common.run``).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from geg_tui.i18n import LANGUAGES, _

#: Invoice statuses as typed: the codes of the JSON (``a_payer``) or their English names.
STATUSES = {
    "a_payer": "a_payer",
    "to-pay": "a_payer",
    "payee": "payee",
    "paid": "payee",
    "en_retard": "en_retard",
    "overdue": "en_retard",
    "prelevement_prevu": "prelevement_prevu",
    "debit-scheduled": "prelevement_prevu",
    "prelevee": "prelevee",
    "debited": "prelevee",
    "a_rembourser": "a_rembourser",
    "refund-due": "a_rembourser",
    "remboursee": "remboursee",
    "refunded": "remboursee",
}
STEPS = {"jour": "jour", "day": "jour", "mois": "mois", "month": "mois"}
STEPS |= {"annee": "annee", "year": "annee"}


def _status(text: str) -> str:
    found = STATUSES.get(text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(
            _("statut inconnu : « {value} » (au choix : {choices})").format(
                value=text, choices=", ".join(STATUSES)
            )
        )
    return found


def _step(text: str) -> str:
    found = STEPS.get(text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(
            _("pas inconnu : « {value} » (au choix : {choices})").format(
                value=text, choices=", ".join(STEPS)
            )
        )
    return found


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("date invalide : « {value} » (format AAAA-MM-JJ, par exemple 2026-11-27)").format(
                value=text
            )
        ) from None


def _index(text: str) -> int:
    """A meter index as printed on the meter: whole digits (the backend checks the rest)."""
    value = text.strip().replace(" ", "")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(
            _("index invalide : « {value} » (un nombre entier, sans décimales)").format(value=text)
        )
    return int(value)


def _common(parser: argparse.ArgumentParser, *, csv: bool = False) -> None:
    """Options every customer command accepts after its name too (SUPPRESS: one given before
    the command, « geg-tui --backend http factures », is kept)."""
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "--json", action="store_true", help=_("sortie JSON pour les scripts (docs/cli.md)")
    )
    if csv:
        out.add_argument("--csv", action="store_true", help=_("sortie CSV (tableur, scripts)"))
    parser.add_argument(
        "--backend",
        choices=["fake", "http"],
        default=argparse.SUPPRESS,
        help=_("service utilisé : fake (fictif, local) ou http (serveur)"),
    )
    parser.add_argument(
        "--url", default=argparse.SUPPRESS, help=_("adresse du serveur (--backend http)")
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("dossier des données (backend fictif)"),
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=_("langue des messages")
    )


def _folder(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dossier",
        "--folder",
        dest="folder",
        type=Path,
        default=Path(),
        metavar="DIR",
        help=_("dossier où enregistrer (par défaut : le dossier courant)"),
    )


def add_customer_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """``factures``, ``payer``, ``releve``, ``conso``, ``echeances``, ``deconnexion``."""
    _invoices(sub, parser_class)
    p = sub.add_parser(
        "payer", aliases=["pay"], help=_("payer une facture par carte (saisie au clavier)")
    )
    p.add_argument("ref", metavar="REF", help=_("numéro de la facture"))
    _common(p)
    p.set_defaults(customer_command="pay:pay")

    p = sub.add_parser(
        "releve", aliases=["reading"], help=_("transmettre un relevé de compteur (index)")
    )
    p.add_argument("contract", metavar="CONTRAT", help=_("référence du contrat"))
    p.add_argument(
        "--index", type=_index, metavar="N", help=_("index du compteur (un seul cadran)")
    )
    p.add_argument("--hp", type=_index, metavar="N", help=_("index Heures pleines"))
    p.add_argument("--hc", type=_index, metavar="N", help=_("index Heures creuses"))
    p.add_argument(
        "--confirmer",
        "--confirm",
        dest="confirm",
        action="store_true",
        help=_("confirmer un index inhabituel (après l'avertissement)"),
    )
    _common(p)
    p.set_defaults(customer_command="reading:reading")

    p = sub.add_parser("conso", aliases=["consumption"], help=_("consommations d'un contrat"))
    p.add_argument("contract", metavar="CONTRAT", help=_("référence du contrat"))
    p.add_argument(
        "--du", "--from", dest="start", type=_day, required=True, metavar="AAAA-MM-JJ",
        help=_("premier jour"),
    )  # fmt: skip
    p.add_argument(
        "--au", "--to", dest="end", type=_day, required=True, metavar="AAAA-MM-JJ",
        help=_("dernier jour (inclus)"),
    )  # fmt: skip
    p.add_argument(
        "--pas", "--step", dest="step", type=_step, default="jour", metavar="jour|mois|annee",
        help=_("par jour (par défaut), mois ou année (day, month, year)"),
    )  # fmt: skip
    _common(p, csv=True)
    p.set_defaults(customer_command="consumption:consumption")

    p = sub.add_parser(
        "echeances",
        aliases=["calendar"],
        help=_("échéances, prélèvements, mensualités et périodes de relevé (iCalendar)"),
    )
    p.add_argument(
        "--ics",
        action="store_true",
        help=_("écrire un fichier iCalendar (.ics) pour votre agenda"),
    )
    _folder(p)
    _common(p)
    p.set_defaults(customer_command="calendar:calendar")

    p = sub.add_parser(
        "deconnexion", aliases=["logout"], help=_("fermer la session gardée pour les commandes")
    )
    _common(p)
    p.set_defaults(customer_command="login:logout_command")


def _invoices(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """``factures`` (the list) and ``factures telecharger`` (the PDFs)."""
    p = sub.add_parser(
        "factures", aliases=["invoices"], help=_("vos factures (5 dernières années)")
    )
    _filters(p)
    _common(p, csv=True)
    p.set_defaults(customer_command="invoices:list_invoices")
    isub = p.add_subparsers(dest="invoices_command", parser_class=parser_class)
    d = isub.add_parser(
        "telecharger",
        aliases=["download"],
        help=_("enregistrer les PDF des factures (AAAA-MM-JJ_<n°>.pdf)"),
    )
    d.add_argument("refs", nargs="*", metavar="REF", help=_("numéros des factures"))
    d.add_argument(
        "--toutes",
        "--all",
        dest="all",
        action="store_true",
        help=_("toutes les factures des 5 dernières années (filtrées par --contrat, --annee…)"),
    )
    _filters(d)
    _folder(d)
    _common(d)
    d.set_defaults(customer_command="invoices:download")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--contrat",
        "--contract",
        dest="contract",
        metavar="REF",
        default=argparse.SUPPRESS,
        help=_("seulement ce contrat"),
    )
    parser.add_argument(
        "--annee",
        "--year",
        dest="year",
        type=int,
        metavar="N",
        default=argparse.SUPPRESS,
        help=_("seulement cette année"),
    )
    parser.add_argument(
        "--statut",
        "--status",
        dest="status",
        type=_status,
        metavar="S",
        default=argparse.SUPPRESS,
        help=_("seulement ce statut (a_payer, payee, en_retard…, ou to-pay, paid, overdue…)"),
    )

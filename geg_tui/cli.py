"""The ``geg-tui`` command: the TUI by default, the customer's commands (``factures``,
``payer``, ``releve``, ``conso``, ``echeances``: ``geg_tui/commands/``, which this only
dispatches to) and the tester controls under ``geg-tui fake``.

Every tester command takes ``--data-dir DIR`` (default: the user data directory, or
``$GEG_TUI_DATA_DIR``) and ``--json`` for scripts. Wrong arguments print a message on stderr
(in the language chosen before the parser is built: ``choose_start_language``) and exit with
status 2; refusals from the backend exit with status 1. ``--json`` output is for scripts and
stays as the backend gives it, whatever the language.
Heavy modules are imported inside the command that needs them, so ``geg-tui --help`` stays quick.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from geg_tui.argparse_fr import own_words
from geg_tui.i18n import LANGUAGES, _, choose_language, ngettext, set_language

if TYPE_CHECKING:
    from geg_tui.fake_backend.backend import FakeBackend

APP_NAME = "geg-tui"


def default_data_dir() -> Path:
    env = os.environ.get("GEG_TUI_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


class GegParser(argparse.ArgumentParser):
    """argparse in the person's language (its own words too: geg_tui/argparse_fr.py), errors
    with status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with own_words():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with own_words():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with own_words():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with own_words():
            return super().format_usage()

    def format_help(self) -> str:
        with own_words():
            return super().format_help()

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(_("{prog} : erreur : {message}").format(prog=self.prog, message=message))
        sys.stderr.write("\n")
        raise SystemExit(2)


def _common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: « geg-tui --data-dir D fake … » keeps D (a None default here would replace it).
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("dossier des données du backend fictif"),
    )
    parser.add_argument("--json", action="store_true", help=_("sortie JSON pour les scripts"))
    # Read before any parser is built (``_lang_option``); here so that it is accepted after
    # the command too (« geg-tui fake cards --lang en »).
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=_("langue des messages")
    )


def build_parser(*, commands: bool = True) -> GegParser:
    """The whole command line; with ``commands=False`` only the TUI's own options (and no
    ``--help``: help, even abbreviated, is left over for the whole parser to answer)."""
    parser = GegParser(
        prog=APP_NAME, description=_("GEG Mon Compte dans un terminal."), add_help=commands
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=_("dossier des données (backend fictif)")
    )
    parser.add_argument(
        "--backend",
        choices=["fake", "http"],
        default="fake",
        help=_("service utilisé : fake (fictif, local) ou http (serveur)"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_("langue de l'interface (sinon : config.toml, puis LC_ALL, LC_MESSAGES, LANG)"),
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8787", help=_("adresse du serveur (--backend http)")
    )
    if not commands:
        return parser
    from geg_tui import __version__
    from geg_tui.commands.parsers import add_customer_commands

    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        help=_("afficher la version de geg-tui et quitter"),
    )
    sub = parser.add_subparsers(dest="command", parser_class=GegParser, metavar=_("COMMANDE"))
    add_customer_commands(sub, GegParser)
    _add_fake_commands(sub)
    _add_serve_command(sub)
    return parser


def _add_fake_commands(sub: argparse._SubParsersAction) -> None:
    """``geg-tui fake …``: the tester controls, one subcommand each."""
    fake = sub.add_parser("fake", help=_("contrôles du backend fictif (testeurs)"))
    # « geg-tui fake --data-dir D clock » too: a tester puts it where it comes to mind.
    fake.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("dossier des données du backend fictif"),
    )
    fsub = fake.add_subparsers(dest="fake_command", required=True, parser_class=GegParser)

    p = fsub.add_parser("customers", help=_("clients de démonstration"))
    _common(p)
    p = fsub.add_parser("outbox", help=_("courriels et SMS envoyés"))
    _common(p)
    p.add_argument("--to", help=_("seulement pour cette adresse"))
    p = fsub.add_parser("clock", help=_("horloge du backend fictif"))
    _common(p)
    p.add_argument(
        "action",
        nargs="?",
        default="show",
        choices=["show", "set", "advance", "freeze", "thaw"],
        help=_("afficher (par défaut), mettre à une date, avancer, figer ou relancer l'horloge"),
    )
    p.add_argument(
        "value", nargs="?", help=_("date ISO (set) ou durée comme 45d, 3h, 1d12h (advance)")
    )
    p = fsub.add_parser("reset", help=_("recréer les données de démonstration"))
    _common(p)
    p.add_argument("--seed", type=int, default=2026, help=_("graine du monde de démonstration"))
    p.add_argument("--start", help=_("date de départ ISO (l'horloge est alors figée à cette date)"))
    p = fsub.add_parser("requests", help=_("demandes au service client (jouer le service client)"))
    _common(p)
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "reply", "status", "resolve"],
        help=_("lister (par défaut), répondre, changer le statut ou résoudre une demande"),
    )
    p.add_argument("ref", nargs="?", help=_("référence de la demande"))
    p.add_argument("value", nargs="?", help=_("texte (reply) ou statut (status)"))
    p = fsub.add_parser("referral", help=_("jouer le filleul : accepter ou refuser une invitation"))
    _common(p)
    p.add_argument(
        "action", choices=["accept", "refuse"], help=_("accepter (souscrire) ou refuser")
    )
    p.add_argument("email", help=_("adresse e-mail invitée"))
    p.add_argument(
        "--energy",
        choices=["elec", "gas", "dual"],
        default="elec",
        help=_("accept : énergie souscrite (électricité, gaz ou les deux ; elec par défaut)"),
    )
    p = fsub.add_parser("faults", help=_("rendre le backend lent ou défaillant (SIM-5)"))
    _common(p)
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["set", "next", "list", "clear"],
        help=_(
            "lister (par défaut), régler une opération (set), faire échouer les prochains "
            "appels (next) ou tout effacer (clear)"
        ),
    )
    p.add_argument(
        "operation", nargs="?", help=_("opération du Backend (pay_invoice, login…) ou *")
    )
    p.add_argument(
        "--count",
        type=int,
        default=1,
        metavar="N",
        help=_("next : nombre des prochains appels touchés (SIM-6)"),
    )
    p.add_argument(
        "--kind",
        choices=["unavailable", "timeout", "drop", "latency"],
        default="unavailable",
        help=_("next : type de panne (503, délai dépassé, réponse perdue, latence)"),
    )
    p.add_argument("--latency", type=int, default=0, metavar="MS", help=_("latence ajoutée (ms)"))
    p.add_argument(
        "--error-rate", type=float, default=0.0, metavar="P", help=_("taux d'erreur 0–1")
    )
    p.add_argument(
        "--drop-after-commit",
        action="store_true",
        help=_("serveur HTTP : couper la connexion après l'écriture (la réponse est perdue)"),
    )
    p = fsub.add_parser("cards", help=_("cartes de test et leur résultat (PAY-5)"))
    _common(p)
    p = fsub.add_parser("scenario", help=_("jouer un fichier de scénario TOML (SIM-8)"))
    _common(p)
    p.add_argument("action", choices=["run"], help=_("jouer le fichier et vérifier ses attentes"))
    p.add_argument("file", type=Path, help=_("fichier de scénario (.toml)"))


def _add_serve_command(sub: argparse._SubParsersAction) -> None:
    """``geg-tui serve``: the fake backend over HTTP."""
    serve = sub.add_parser("serve", help=_("servir le backend fictif en HTTP (API REST + OpenAPI)"))
    serve.add_argument(
        "--host", default="127.0.0.1", help=_("adresse d'écoute (boucle locale par défaut)")
    )
    serve.add_argument("--port", type=int, default=8787, help=_("port d'écoute"))
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("dossier des données du backend fictif"),
    )
    serve.add_argument(
        "--test-controls",
        action="store_true",
        help=_("ajouter les contrôles des testeurs sous /_test/ (SIM-7)"),
    )
    serve.add_argument(
        "--allow-remote-test-controls",
        action="store_true",
        help=_("accepter --test-controls sur une adresse autre que la boucle locale"),
    )


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def run_fake(args: argparse.Namespace) -> int:
    from geg_tui.api.errors import BackendError
    from geg_tui.fake_backend import admin
    from geg_tui.fake_backend.backend import FakeBackend
    from geg_tui.fake_backend.clock import parse_instant
    from geg_tui.fake_backend.store import SchemaMismatch

    data_dir: Path = args.data_dir or default_data_dir()
    try:
        if args.fake_command == "scenario":  # its own world: in memory unless --data-dir
            return _scenario(args)
        if args.fake_command == "reset":
            start = parse_instant(args.start) if args.start else None
            backend = admin.reset(data_dir, seed=args.seed, start=start)
            state = admin.clock_state(backend)
            _print(
                {"data_dir": str(data_dir), "seed": args.seed, **state},
                args.json,
                (
                    _("Données recréées dans {dir} (graine {seed}), horloge : {now} (figée)")
                    if state["frozen"]
                    else _("Données recréées dans {dir} (graine {seed}), horloge : {now}")
                ).format(dir=data_dir, seed=args.seed, now=_instant(state["now"])),
            )
            return 0
        backend = FakeBackend.open(data_dir)
        return _dispatch(args, backend, admin)
    except SchemaMismatch as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(_("Erreur : {message}").format(message=exc), file=sys.stderr)
        return 2
    except BackendError as exc:
        if args.json:
            import json

            print(json.dumps(exc.to_payload(), ensure_ascii=False), file=sys.stderr)
        else:
            print(_("Refusé : {message}").format(message=exc.message), file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Run one tester command (``geg-tui fake <command>``) against the open backend."""
    return _FAKE_COMMANDS[args.fake_command](args, backend, admin)


def _instant(iso: str) -> str:
    """An ISO instant of ``--json`` as the run's language writes it (Paris time)."""
    from datetime import datetime

    from geg_tui.formats import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


def _money(cents: int) -> str:
    """An amount in the run's language with ordinary spaces: what a tester copies into a form."""
    from geg_tui.formats import NBSP, format_money

    return format_money(cents).replace(NBSP, " ")


def _label(enum: type[Any], code: str | None) -> str:
    """A stored code (``"gaz"``) as the screens call it, in the run's language; an unknown code
    (data written by a newer version) as it is."""
    from geg_tui.labels import label_of

    try:
        return label_of(enum(code))
    except (ValueError, KeyError):
        return str(code)


def _customers(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The demo customers, with what signup asks for (contract, last invoice and amount)."""
    from datetime import date

    from geg_tui.api.models import Energy, Identity, PaymentMode, Tariff
    from geg_tui.formats import format_date
    from geg_tui.labels import person_name

    rows = admin.customers(backend)
    lines = []
    for c in rows:
        account = (
            _("compte en ligne : {email}").format(email=c["email"])
            if c["registered"]
            else _("pas de compte en ligne")
        )
        lines.append(
            _("{name}, né(e) le {birth_date}, {postcode} {city} — {account}").format(
                name=person_name(Identity(c["civility"], c["first_name"], c["last_name"])),
                birth_date=format_date(date.fromisoformat(c["birth_date_iso"])),
                postcode=c["postcode"],
                city=c["city"],
                account=account,
            )
        )
        for k in c["contracts"]:
            words = {
                "contract_ref": k["contract_ref"],
                "energy": _label(Energy, k["energy"]),
                "tariff": _label(Tariff, k["tariff"]),
                "payment_mode": _label(PaymentMode, k["payment_mode"]),
            }
            if k["last_invoice_ref"] is None:
                contract = _(
                    "contrat {contract_ref} ({energy}, {tariff}, {payment_mode}) — aucune facture"
                ).format(**words)
            else:
                contract = _(
                    "contrat {contract_ref} ({energy}, {tariff}, {payment_mode}) — dernière "
                    "facture {last_invoice_ref} : {last_invoice_amount} ({last_invoice_amount_label})"
                ).format(
                    **words,
                    last_invoice_ref=k["last_invoice_ref"],
                    last_invoice_amount=_money(abs(k["last_invoice_amount_cents"])),
                    last_invoice_amount_label=admin.words_of(k["last_invoice_amount_label"]),
                )
            lines.append(f"    {contract}")
    _print(rows, args.json, "\n".join(lines))
    return 0


def _outbox(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The mails and SMS delivered by the clock's time, optionally for one address."""
    from geg_tui.formats import format_datetime

    messages = admin.read_outbox(backend, args.to)
    channels = {"email": _("courriel"), "sms": _("SMS")}
    text = "\n\n".join(
        _("[{when}] {channel} → {recipient}\nObjet : {subject}\n{body}").format(
            when=format_datetime(m.deliver_at),
            channel=channels.get(m.channel.value, m.channel.value),
            recipient=m.recipient,
            subject=m.subject,
            body=m.body,
        )
        for m in messages
    )
    _print([m.to_json() for m in messages], args.json, text or _("Aucun message."))
    return 0


def _clock(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Show, set, advance (the world lives the days), freeze or thaw the backend's clock."""

    action = args.action
    if action in ("set", "advance") and not args.value:
        print(
            _("Erreur : « {command} » attend une valeur.").format(command=f"clock {action}"),
            file=sys.stderr,
        )
        return 2
    if action == "set":
        admin.set_clock(backend, admin.bounded_instant(args.value))
    elif action == "advance":
        _state, days = admin.advance(backend, admin.bounded_duration(args.value))
        if not args.json:
            print(
                ngettext(
                    "{n} jour de la vie du monde simulé.",
                    "{n} jours de la vie du monde simulés.",
                    days,
                ).format(n=days)
            )
    elif action == "freeze":
        backend.clock.freeze()
    elif action == "thaw":
        backend.clock.thaw()
    state = admin.clock_state(backend)
    _print(
        state,
        args.json,
        (_("{now} (figée)") if state["frozen"] else _("{now} (en marche)")).format(
            now=_instant(state["now"])
        ),
    )
    return 0


def _referral(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Play the invited person: accept (with an energy) or refuse an invitation."""
    result = admin.referee(backend, args.email, args.energy if args.action == "accept" else None)
    statuses = {  # InvitationStatus has no screen label (labels.py): the tester's words here
        "envoyee": _("envoyée"),
        "souscrite": _("souscrite"),
        "expiree": _("expirée"),
        "refusee": _("refusée"),
    }
    _print(
        result,
        args.json,
        _("Invitation de {email} : {status} (prime {bonus}).").format(
            email=result["email"],
            status=statuses.get(result["status"], result["status"]),
            bonus=_money(result["bonus_cents"]),
        ),
    )
    return 0


def _cards(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The test card numbers and the outcome each one gives (PAY-5)."""
    from geg_tui.api.models import CardBrand
    from geg_tui.fake_backend.cards import OUTCOME_WORDS, Outcome

    rows = admin.test_cards()
    table = [
        (
            c["number"],
            _label(CardBrand, c["brand"]),
            str(OUTCOME_WORDS.get(Outcome(c["outcome"]), c["outcome"])),
            c["description"],
        )
        for c in rows
    ]
    text = _columns(table)
    _print(rows, args.json, text)
    return 0


def _faults(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    if args.action == "set":
        if not args.operation:
            print(
                _("Erreur : « faults set » attend une opération (par exemple pay_invoice, ou *)."),
                file=sys.stderr,
            )
            return 2
        fault = admin.set_fault(
            backend,
            args.operation,
            args.latency,
            args.error_rate,
            drop_after_commit=args.drop_after_commit,
        )
        _print(fault.to_json(), args.json, _fault_line(fault.to_json()))
    elif args.action == "next":
        return _plan_fault(args, backend, admin)
    elif args.action == "clear":
        admin.clear_faults(backend)
        _print([], args.json, _("Aucune panne simulée."))
    else:
        rows = [f.to_json() for f in admin.list_faults(backend)]
        planned = [f.to_json() for f in admin.list_planned_faults(backend)]
        text = "\n".join([*map(_fault_line, rows), *map(_planned_line, planned)])
        # --json stays the list of SIM-5 faults scripts read; the planned ones are in --json of
        # « faults next » and over HTTP (GET /_test/faults).
        _print(rows, args.json, text or _("Aucune panne simulée."))
    return 0


def _plan_fault(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """SIM-6: « the next N calls of OPERATION fail » with a kind."""
    if not args.operation:
        print(
            _("Erreur : « faults next » attend une opération (par exemple pay_invoice, ou *)."),
            file=sys.stderr,
        )
        return 2
    latency = args.latency if args.latency or args.kind == "latency" else None
    planned = admin.plan_fault(backend, args.operation, args.kind, args.count, latency)
    _print(planned.to_json(), args.json, _planned_line(planned.to_json()))
    return 0


def _planned_line(fault: dict[str, Any]) -> str:
    """One planned fault as text (SIM-6)."""
    kinds = {
        "unavailable": _("service indisponible (503)"),
        "timeout": _("délai dépassé"),
        "drop": _("réponse perdue après l'écriture"),
        "latency": _("latence"),
    }
    return ngettext(
        "{operation} : le prochain appel — {kind}, {latency} ms.",
        "{operation} : les {n} prochains appels — {kind}, {latency} ms.",
        fault["remaining"],
    ).format(
        operation=fault["operation"],
        n=fault["remaining"],
        kind=kinds.get(fault["kind"], fault["kind"]),
        latency=fault["latency_ms"],
    )


def _fault_line(fault: dict[str, Any]) -> str:
    """One fault as text, with every flag that ``--json`` shows (SIM-5)."""
    drop = (
        _("réponse perdue après l'écriture") if fault["drop_after_commit"] else _("réponse envoyée")
    )
    return _("{operation} : latence {latency} ms, taux d'erreur {rate}, {drop}.").format(
        operation=fault["operation"],
        latency=fault["latency_ms"],
        rate=f"{fault['error_rate']:.0%}",
        drop=drop,
    )


def _columns(rows: list[tuple[str, ...]]) -> str:
    """Rows as aligned columns (two spaces apart), each as wide as its longest word in the run's
    language; the last column is left as it is."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    )


def _requests(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    action = args.action
    if action == "list":
        from geg_tui.api.models import RequestCategory, RequestStatus

        rows = admin.list_requests(backend)
        table = [
            (
                r["ref"],
                _label(RequestStatus, r["status"]),
                _label(RequestCategory, r["category"]),
                r["subject"],
            )
            for r in rows
        ]
        _print(rows, args.json, _columns(table) or _("Aucune demande."))
        return 0
    if not args.ref:
        print(
            _("Erreur : « {command} » attend la référence d'une demande.").format(
                command=f"requests {action}"
            ),
            file=sys.stderr,
        )
        return 2
    if action in ("reply", "status") and not args.value:
        print(
            _("Erreur : « {command} » attend une valeur.").format(command=f"requests {action}"),
            file=sys.stderr,
        )
        return 2
    if action == "reply":
        admin.reply(backend, args.ref, args.value)
        _print(
            {"ref": args.ref, "replied": True},
            args.json,
            _("Réponse ajoutée à {ref}.").format(ref=args.ref),
        )
    elif action == "status":
        from geg_tui.api.models import RequestStatus

        admin.set_status(backend, args.ref, args.value)
        _print(
            {"ref": args.ref, "status": args.value},
            args.json,
            _("{ref} : {status}.").format(ref=args.ref, status=_label(RequestStatus, args.value)),
        )
    else:
        effect = admin.resolve(backend, args.ref)
        _print(
            {"ref": args.ref, "effect": effect},
            args.json,
            _("{ref} résolue : {effect}.").format(ref=args.ref, effect=admin.words_of(effect)),
        )
    return 0


def _scenario(args: argparse.Namespace) -> int:
    """SIM-8: play a scenario file and report; status 1 at the first unmet expectation."""
    import asyncio

    from geg_tui.fake_backend import scenario

    report = asyncio.run(scenario.run_file(args.file, args.data_dir))
    words = scenario.outcome_text
    if args.json:
        _print(report.to_json(), True, "")
        return 0 if report.passed else 1
    print(_("Scénario « {name} »").format(name=report.name))
    for step in report.steps:
        if step.ok:
            print(f"  ✓ {step.index}. {step.detail}")
            continue
        print(f"  ✗ {step.index}. {step.detail}")
        print(
            "    "
            + _("attendu : {expected} — trouvé : {found}").format(
                expected=words(step.expected), found=words(step.found)
            )
        )
    if report.passed:
        print(
            ngettext(
                "Scénario réussi ({n} étape).", "Scénario réussi ({n} étapes).", len(report.steps)
            ).format(n=len(report.steps))
        )
        return 0
    print(_("Scénario en échec à l'étape {n}.").format(n=report.steps[-1].index), file=sys.stderr)
    return 1


# ``geg-tui fake <command>`` (``reset`` excepted: it runs before the backend is opened).
_FAKE_COMMANDS: dict[str, Callable[[argparse.Namespace, FakeBackend, ModuleType], int]] = {
    "customers": _customers,
    "outbox": _outbox,
    "clock": _clock,
    "requests": _requests,
    "referral": _referral,
    "faults": _faults,
    "cards": _cards,
}


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def test_controls_refusal(args: argparse.Namespace) -> str | None:
    """SIM-7: why ``serve`` refuses to start, or ``None``. The ``/_test/`` routes reset the
    world and read every mail: on an address others reach, only when the tester says so."""
    if not args.test_controls or args.allow_remote_test_controls:
        return None
    if args.host.strip().strip("[]").lower() in LOOPBACK:
        return None
    return _(
        "Refusé : --test-controls n'est permis que sur la boucle locale (127.0.0.1, ::1, "
        "localhost), pas sur {host} : n'importe qui sur le réseau pourrait remettre le monde à "
        "zéro et lire les courriels. Ajoutez --allow-remote-test-controls si c'est voulu."
    ).format(host=args.host)


def demo_hint() -> str:
    """The line under the login form on the fake backend: the demo account, in the language of
    the run (chosen before the app is built)."""
    from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

    return _(
        "Mode démonstration — compte de test : {email} / {password}. "
        "Autres clients : geg-tui fake customers"
    ).format(email=DEMO_EMAIL, password=DEMO_PASSWORD)


def run_tui(args: argparse.Namespace) -> int:
    """Start the Textual app on the chosen backend (imported only when built, off the UI loop)."""
    # Starting allocates tens of thousands of objects (modules, styles, widgets) that all stay:
    # the garbage collector would walk them again and again for nothing (a twentieth of the
    # time to the login screen). It resumes after the first paint, those objects frozen out of
    # its way (``GegApp(resume_gc=True)``).
    gc.disable()
    from geg_tui.app import GegApp

    def backend_class(name: str) -> Any:
        # Entry points are read in the factory's thread, after the first paint (a wrong name is
        # then shown on the login screen as « Impossible d'ouvrir le service »).
        from geg_tui.api.registry import backend_class as lookup

        return lookup(name)

    hint = None
    if args.backend == "fake":
        data_dir: Path = args.data_dir or default_data_dir()
        hint = demo_hint()

        def factory() -> Any:
            return backend_class("fake").open(data_dir)

    else:

        def factory() -> Any:
            return backend_class(args.backend)(args.url)

    GegApp(factory, demo_hint=hint, resume_gc=True, watch_terminal=os.isatty(0)).run()
    return 0


def _lang_option(words: list[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` before any parser is built: their help is in that language.
    Abbreviated as argparse allows (``--la en``, ``--lan=en``), so that the two agree."""
    for i, word in enumerate(words):
        name, equals, value = word.partition("=")
        if len(name) < 4 or not "--lang".startswith(name):
            continue
        if equals:
            return value
        if i + 1 < len(words):
            return words[i + 1]
    return None


def choose_start_language(words: list[str]) -> str:
    """The language of this run: ``--lang``, then config.toml, then the environment, French."""
    from geg_tui.config import Settings

    language = choose_language(_lang_option(words), Settings().language(), os.environ)
    set_language(language)
    return language


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # The collector is paused from the very start of a TUI run (see ``run_tui``): reading the
    # catalogue and the options allocates what a collection would only walk for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        choose_start_language(words)
        # Starting the TUI does not build the parsers of the tester commands (a dozen of them,
        # a hundredth of the time to the login screen): only when something is left over.
        args, rest = build_parser(commands=False).parse_known_args(words)
        if not rest:
            return run_tui(args)
    finally:
        # The app resumes it after its first paint; a tester command may run long and
        # allocate much (scenarios), and a caller in-process (tests) gets it back as it was.
        if collecting:
            gc.enable()
    args = build_parser().parse_args(words)
    if getattr(args, "customer_command", None):  # the customer's commands: geg_tui/commands/
        from geg_tui.commands.common import run

        try:
            return run(args)
        except BrokenPipeError:  # « geg-tui conso … --csv | head »: as for the tester's
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    if args.command == "fake":
        try:
            return run_fake(args)
        except BrokenPipeError:
            # « geg-tui fake outbox | head »: the reader left, which is no error of ours. Python
            # would print a traceback when flushing stdout at exit: point it at /dev/null first.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    if args.command == "serve":
        from geg_tui.fake_backend.server import serve

        refusal = test_controls_refusal(args)
        if refusal:
            print(refusal, file=sys.stderr)
            return 2
        data_dir = args.data_dir or default_data_dir()
        print(
            _(
                "Backend fictif sur http://{host}:{port} (données : {dir}) — Ctrl+C pour arrêter."
            ).format(host=args.host, port=args.port, dir=data_dir)
        )
        # « [::1] » is how a URL writes an IPv6 address; uvicorn wants it bare.
        host = args.host.strip().removeprefix("[").removesuffix("]")
        serve(
            str(data_dir),
            host,
            args.port,
            test_controls=args.test_controls,
            remote_test_controls=args.allow_remote_test_controls,
        )
        return 0
    return run_tui(args)


if __name__ == "__main__":
    raise SystemExit(main())

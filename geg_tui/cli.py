"""The ``geg-tui`` command: the TUI by default, and the tester controls under ``geg-tui fake``.

Every tester command takes ``--data-dir DIR`` (default: the user data directory, or
``$GEG_TUI_DATA_DIR``) and ``--json`` for scripts. Wrong arguments print a French message on
stderr and exit with status 2; refusals from the backend exit with status 1.
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

from geg_tui.argparse_fr import french_words
from geg_tui.i18n import LANGUAGES, _, choose_language, set_language

if TYPE_CHECKING:
    from geg_tui.fake_backend.backend import FakeBackend

APP_NAME = "geg-tui"


def default_data_dir() -> Path:
    env = os.environ.get("GEG_TUI_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


class FrenchParser(argparse.ArgumentParser):
    """argparse in French (its own words too: geg_tui/argparse_fr.py), errors with status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with french_words():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with french_words():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with french_words():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with french_words():
            return super().format_usage()

    def format_help(self) -> str:
        with french_words():
            return super().format_help()

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog} : erreur : {message}\n")
        raise SystemExit(2)


def _common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: « geg-tui --data-dir D fake … » keeps D (a None default here would replace it).
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="dossier des données du backend fictif",
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")


def build_parser(*, commands: bool = True) -> FrenchParser:
    """The whole command line; with ``commands=False`` only the TUI's own options (and no
    ``--help``: help, even abbreviated, is left over for the whole parser to answer)."""
    parser = FrenchParser(
        prog=APP_NAME, description="GEG Mon Compte dans un terminal.", add_help=commands
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="dossier des données (backend fictif)"
    )
    parser.add_argument("--backend", choices=["fake", "http"], default="fake")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_("langue de l'interface (sinon : config.toml, puis LC_ALL, LC_MESSAGES, LANG)"),
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8787", help="adresse du serveur (--backend http)"
    )
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", parser_class=FrenchParser)
    _add_fake_commands(sub)
    _add_serve_command(sub)
    return parser


def _add_fake_commands(sub: argparse._SubParsersAction) -> None:
    """``geg-tui fake …``: the tester controls, one subcommand each."""
    fake = sub.add_parser("fake", help="contrôles du backend fictif (testeurs)")
    # « geg-tui fake --data-dir D clock » too: a tester puts it where it comes to mind.
    fake.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="dossier des données du backend fictif",
    )
    fsub = fake.add_subparsers(dest="fake_command", required=True, parser_class=FrenchParser)

    p = fsub.add_parser("customers", help="clients de démonstration")
    _common(p)
    p = fsub.add_parser("outbox", help="courriels et SMS envoyés")
    _common(p)
    p.add_argument("--to", help="seulement pour cette adresse")
    p = fsub.add_parser("clock", help="horloge du backend fictif")
    _common(p)
    p.add_argument(
        "action", nargs="?", default="show", choices=["show", "set", "advance", "freeze", "thaw"]
    )
    p.add_argument(
        "value", nargs="?", help="date ISO (set) ou durée comme 45d, 3h, 1d12h (advance)"
    )
    p = fsub.add_parser("reset", help="recréer les données de démonstration")
    _common(p)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--start", help="date de départ ISO (l'horloge est alors figée à cette date)")
    p = fsub.add_parser("requests", help="demandes au service client (jouer le service client)")
    _common(p)
    p.add_argument(
        "action", nargs="?", default="list", choices=["list", "reply", "status", "resolve"]
    )
    p.add_argument("ref", nargs="?")
    p.add_argument("value", nargs="?", help="texte (reply) ou statut (status)")
    p = fsub.add_parser("referral", help="jouer le filleul : accepter ou refuser une invitation")
    _common(p)
    p.add_argument("action", choices=["accept", "refuse"])
    p.add_argument("email")
    p.add_argument("--energy", choices=["elec", "gas", "dual"], default="elec")
    p = fsub.add_parser("faults", help="rendre le backend lent ou défaillant (SIM-5)")
    _common(p)
    p.add_argument("action", nargs="?", default="list", choices=["set", "list", "clear"])
    p.add_argument("operation", nargs="?", help="opération du Backend (pay_invoice, login…) ou *")
    p.add_argument("--latency", type=int, default=0, metavar="MS", help="latence ajoutée (ms)")
    p.add_argument("--error-rate", type=float, default=0.0, metavar="P", help="taux d'erreur 0–1")
    p.add_argument(
        "--drop-after-commit",
        action="store_true",
        help="serveur HTTP : couper la connexion après l'écriture (la réponse est perdue)",
    )
    p = fsub.add_parser("cards", help="cartes de test et leur résultat (PAY-5)")
    _common(p)


def _add_serve_command(sub: argparse._SubParsersAction) -> None:
    """``geg-tui serve``: the fake backend over HTTP."""
    serve = sub.add_parser("serve", help="servir le backend fictif en HTTP (API REST + OpenAPI)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="adresse d'écoute (boucle locale par défaut)"
    )
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="dossier des données du backend fictif",
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
        if args.fake_command == "reset":
            start = parse_instant(args.start) if args.start else None
            backend = admin.reset(data_dir, seed=args.seed, start=start)
            state = admin.clock_state(backend)
            _print(
                {"data_dir": str(data_dir), "seed": args.seed, **state},
                args.json,
                f"Données recréées dans {data_dir} (graine {args.seed}), horloge : {state['now']}"
                + (" (figée)" if state["frozen"] else ""),
            )
            return 0
        backend = FakeBackend.open(data_dir)
        return _dispatch(args, backend, admin)
    except SchemaMismatch as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except BackendError as exc:
        if args.json:
            import json

            print(json.dumps(exc.to_payload(), ensure_ascii=False), file=sys.stderr)
        else:
            print(f"Refusé : {exc.message}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Run one tester command (``geg-tui fake <command>``) against the open backend."""
    return _FAKE_COMMANDS[args.fake_command](args, backend, admin)


def _customers(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The demo customers, with what signup asks for (contract, last invoice and amount)."""
    rows = admin.customers(backend)
    lines = []
    for c in rows:
        account = f"compte en ligne : {c['email']}" if c["registered"] else "pas de compte en ligne"
        lines.append(
            f"{c['civility']} {c['first_name']} {c['last_name']}, né(e) le {c['birth_date']}, "
            f"{c['postcode']} {c['city']} — {account}"
        )
        for k in c["contracts"]:
            lines.append(
                f"    contrat {k['contract_ref']} ({k['energy']}, {k['tariff']}, {k['payment_mode']}) — "
                f"dernière facture {k['last_invoice_ref']} : {k['last_invoice_amount']} "
                f"({k['last_invoice_amount_label']})"
            )
    _print(rows, args.json, "\n".join(lines))
    return 0


def _outbox(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The mails and SMS delivered by the clock's time, optionally for one address."""
    from geg_tui.formats import format_datetime

    messages = admin.read_outbox(backend, args.to)
    text = "\n\n".join(
        f"[{format_datetime(m.deliver_at)}] {m.channel.value} → {m.recipient}\nObjet : {m.subject}\n{m.body}"
        for m in messages
    )
    _print([m.to_json() for m in messages], args.json, text or "Aucun message.")
    return 0


def _clock(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Show, set, advance (the world lives the days), freeze or thaw the backend's clock."""
    from geg_tui.fake_backend.clock import parse_duration, parse_instant
    from geg_tui.formats import format_datetime

    action = args.action
    if action in ("set", "advance") and not args.value:
        print(f"Erreur : « clock {action} » attend une valeur.", file=sys.stderr)
        return 2
    if action == "set":
        admin.set_clock(backend, parse_instant(args.value))
    elif action == "advance":
        _, days = admin.advance(backend, parse_duration(args.value))
        if not args.json:
            print(f"{days} jour(s) de la vie du monde simulés.")
    elif action == "freeze":
        backend.clock.freeze()
    elif action == "thaw":
        backend.clock.thaw()
    state = admin.clock_state(backend)
    from datetime import datetime

    now = datetime.fromisoformat(state["now"])
    _print(
        state,
        args.json,
        f"{format_datetime(now)}" + (" (figée)" if state["frozen"] else " (en marche)"),
    )
    return 0


def _referral(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """Play the invited person: accept (with an energy) or refuse an invitation."""
    result = admin.referee(backend, args.email, args.energy if args.action == "accept" else None)
    _print(
        result,
        args.json,
        f"Invitation de {result['email']} : {result['status']} (prime {result['bonus']}).",
    )
    return 0


def _cards(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    """The test card numbers and the outcome each one gives (PAY-5)."""
    from geg_tui.fake_backend.cards import TEST_CARDS

    rows = [
        {
            "number": c.number,
            "brand": c.brand.value,
            "outcome": str(c.outcome),
            "description": c.description,
        }
        for c in TEST_CARDS
    ]
    text = "\n".join(
        f"{c['number']}  {c['brand']:<10} {c['outcome']:<22} {c['description']}" for c in rows
    )
    _print(rows, args.json, text)
    return 0


def _faults(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    if args.action == "set":
        if not args.operation:
            print(
                "Erreur : « faults set » attend une opération (par exemple pay_invoice, ou *).",
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
    elif args.action == "clear":
        admin.clear_faults(backend)
        _print([], args.json, "Aucune panne simulée.")
    else:
        rows = [f.to_json() for f in admin.list_faults(backend)]
        text = "\n".join(_fault_line(r) for r in rows)
        _print(rows, args.json, text or "Aucune panne simulée.")
    return 0


def _fault_line(fault: dict[str, Any]) -> str:
    """One fault as text, with every flag that ``--json`` shows (SIM-5)."""
    drop = "réponse perdue après l'écriture" if fault["drop_after_commit"] else "réponse envoyée"
    return (
        f"{fault['operation']} : latence {fault['latency_ms']} ms, "
        f"taux d'erreur {fault['error_rate']:.0%}, {drop}."
    )


def _requests(args: argparse.Namespace, backend: FakeBackend, admin: ModuleType) -> int:
    action = args.action
    if action == "list":
        rows = admin.list_requests(backend)
        text = "\n".join(
            f"{r['ref']}  {r['status']:<10} {r['category']:<26} {r['subject']}" for r in rows
        )
        _print(rows, args.json, text or "Aucune demande.")
        return 0
    if not args.ref:
        print(f"Erreur : « requests {action} » attend la référence d'une demande.", file=sys.stderr)
        return 2
    if action in ("reply", "status") and not args.value:
        print(f"Erreur : « requests {action} » attend une valeur.", file=sys.stderr)
        return 2
    if action == "reply":
        admin.reply(backend, args.ref, args.value)
        _print({"ref": args.ref, "replied": True}, args.json, f"Réponse ajoutée à {args.ref}.")
    elif action == "status":
        admin.set_status(backend, args.ref, args.value)
        _print({"ref": args.ref, "status": args.value}, args.json, f"{args.ref} : {args.value}.")
    else:
        effect = admin.resolve(backend, args.ref)
        _print({"ref": args.ref, "effect": effect}, args.json, f"{args.ref} résolue : {effect}.")
    return 0


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
        # then shown on the login screen as « impossible d'ouvrir le service »).
        from geg_tui.api.registry import backend_class as lookup

        return lookup(name)

    demo_hint = None
    if args.backend == "fake":
        from geg_tui.fake_backend.demo_account import DEMO_EMAIL, DEMO_PASSWORD

        data_dir: Path = args.data_dir or default_data_dir()
        demo_hint = (
            f"Mode démonstration — compte de test : {DEMO_EMAIL} / {DEMO_PASSWORD}. "
            "Autres clients : geg-tui fake customers"
        )

        def factory() -> Any:
            return backend_class("fake").open(data_dir)

    else:

        def factory() -> Any:
            return backend_class(args.backend)(args.url)

    GegApp(factory, demo_hint=demo_hint, resume_gc=True).run()
    return 0


def _lang_option(words: list[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` before any parser is built: their help is in that language."""
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def choose_start_language(words: list[str]) -> str:
    """The language of this run: ``--lang``, then config.toml, then the environment, French."""
    from geg_tui.config import Settings

    language = choose_language(_lang_option(words), Settings().language(), os.environ)
    set_language(language)
    return language


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    choose_start_language(words)
    # Starting the TUI does not build the parsers of the tester commands (a dozen of them, a
    # hundredth of the time to the login screen): only when something is left over.
    args, rest = build_parser(commands=False).parse_known_args(words)
    if not rest:
        return run_tui(args)
    args = build_parser().parse_args(words)
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

        data_dir = args.data_dir or default_data_dir()
        print(
            f"Backend fictif sur http://{args.host}:{args.port} (données : {data_dir}) — Ctrl+C pour arrêter."
        )
        serve(str(data_dir), args.host, args.port)
        return 0
    return run_tui(args)


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``geg-tui`` command: the TUI by default, and the tester controls under ``geg-tui fake``.

Every tester command takes ``--data-dir DIR`` (default: the user data directory, or
``$GEG_TUI_DATA_DIR``) and ``--json`` for scripts. Wrong arguments print a French message on
stderr and exit with status 2; refusals from the backend exit with status 1.
Heavy modules are imported inside the command that needs them, so ``geg-tui --help`` stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

APP_NAME = "geg-tui"


def default_data_dir() -> Path:
    env = os.environ.get("GEG_TUI_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


class FrenchParser(argparse.ArgumentParser):
    """argparse with French error lines and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog} : erreur : {message}\n")
        raise SystemExit(2)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="dossier des données du backend fictif"
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")


def build_parser() -> FrenchParser:
    parser = FrenchParser(prog=APP_NAME, description="GEG Mon Compte dans un terminal.")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="dossier des données (backend fictif)"
    )
    parser.add_argument("--backend", choices=["fake", "http"], default="fake")
    parser.add_argument(
        "--url", default="http://127.0.0.1:8787", help="adresse du serveur (--backend http)"
    )
    sub = parser.add_subparsers(dest="command", parser_class=FrenchParser)

    fake = sub.add_parser("fake", help="contrôles du backend fictif (testeurs)")
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
    return parser


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def run_fake(args: argparse.Namespace) -> int:
    from geg_tui.api.errors import BackendError
    from geg_tui.fake_backend import admin
    from geg_tui.fake_backend.backend import FakeBackend
    from geg_tui.fake_backend.clock import parse_duration, parse_instant
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
        return _dispatch(args, backend, admin, parse_duration, parse_instant)
    except SchemaMismatch as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except BackendError as exc:
        if args.json:
            print(json.dumps(exc.to_payload(), ensure_ascii=False), file=sys.stderr)
        else:
            print(f"Refusé : {exc.message}", file=sys.stderr)
        return 1


def _dispatch(args, backend, admin, parse_duration, parse_instant) -> int:
    from geg_tui.formatting import format_datetime

    cmd = args.fake_command
    if cmd == "customers":
        rows = admin.customers(backend)
        lines = []
        for c in rows:
            account = (
                f"compte en ligne : {c['email']}" if c["registered"] else "pas de compte en ligne"
            )
            lines.append(
                f"{c['civility']} {c['first_name']} {c['last_name']}, né(e) le {c['birth_date']}, "
                f"{c['postcode']} {c['city']} — {account}"
            )
            for k in c["contracts"]:
                lines.append(
                    f"    contrat {k['contract_ref']} ({k['energy']}, {k['tariff']}, {k['payment_mode']}) — "
                    f"dernière facture {k['last_invoice_ref']} : {k['last_invoice_amount']}"
                )
        _print(rows, args.json, "\n".join(lines))
    elif cmd == "outbox":
        messages = admin.read_outbox(backend, args.to)
        text = "\n\n".join(
            f"[{format_datetime(m.deliver_at)}] {m.channel.value} → {m.recipient}\nObjet : {m.subject}\n{m.body}"
            for m in messages
        )
        _print([m.to_json() for m in messages], args.json, text or "Aucun message.")
    elif cmd == "clock":
        action = args.action
        if action in ("set", "advance") and not args.value:
            print(f"Erreur : « clock {action} » attend une valeur.", file=sys.stderr)
            return 2
        if action == "set":
            backend.clock.set(parse_instant(args.value))
        elif action == "advance":
            admin.advance(backend, parse_duration(args.value))
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
    elif cmd == "requests":
        return _requests(args, backend, admin)
    return 0


def _requests(args, backend, admin) -> int:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "fake":
        return run_fake(args)
    print(
        "L'interface en terminal n'est pas encore livrée dans cette version ; les contrôles du "
        "backend fictif sont disponibles : geg-tui fake --help",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

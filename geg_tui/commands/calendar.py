"""``geg-tui echeances [--ics] [--dossier DIR]``: what is coming, as a list or an iCalendar file.

The events: each invoice to pay (its due date), each direct debit announced (its date), each
refund due, each monthly instalment to come (DEBIT-4), and each meter's reading window where a
reading is expected from the customer (METER-1: not for a Linky, read by itself). ``--ics``
writes them as ``geg-echeances_AAAA-MM-JJ.ics`` (RFC 5545 by the ``icalendar`` library: all-day
events, one stable ``UID`` each, so that importing a newer file updates the events rather
than doubling them), never over another file: the same file already there is skipped. Its
``DTSTAMP`` is the day of the export (by GEG's clock), so that two exports of the same day
with nothing changed are the same file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from geg_tui.commands.common import EXIT_OK, Context, UsageError, day, money, table
from geg_tui.i18n import _, ngettext

#: ``kind`` of an event in ``--json`` (docs/cli.md).
DUE, DEBIT, REFUND, INSTALMENT, READING = "due", "debit", "refund", "instalment", "reading"


@dataclass(frozen=True, slots=True)
class Deadline:
    """One event: ``start``..``end`` inclusive (one day but for a reading window); ``title``
    says what, in the run's language (the calendar's summary adds « GEG : » before it)."""

    kind: str
    start: date
    end: date
    title: str
    contract_ref: str
    invoice_ref: str | None = None
    amount_cents: int | None = None

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.invoice_ref or self.contract_ref}-{self.start:%Y%m%d}@geg-tui"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["uid"] = self.uid
        return data


async def deadlines(ctx: Context) -> list[Deadline]:
    """Every event to come, by date."""
    from geg_tui.api.models import InvoiceStatus, PaymentMode

    token = await ctx.token()
    backend = ctx.backend
    events: list[Deadline] = []
    page = await backend.list_invoices(token)
    invoices = list(page.invoices)
    while len(invoices) < page.total_count and page.invoices:
        page = await backend.list_invoices(token, offset=len(invoices))
        invoices += page.invoices
    for invoice in invoices:
        words = {"ref": invoice.ref, "amount": money(abs(invoice.balance))}
        if invoice.status in (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE):
            kind, when = DUE, invoice.due_date
            title = _("facture n° {ref} à payer, {amount}").format(**words)
        elif invoice.status is InvoiceStatus.DEBIT_SCHEDULED:
            kind, when = DEBIT, invoice.debit_date or invoice.due_date
            title = _("prélèvement de la facture n° {ref}, {amount}").format(**words)
        elif invoice.status is InvoiceStatus.REFUND_DUE:
            kind, when = REFUND, invoice.refund_date or invoice.due_date
            title = _("remboursement de la facture n° {ref}, {amount}").format(**words)
        else:
            continue
        events.append(
            Deadline(kind, when, when, title, invoice.contract_ref, invoice.ref, invoice.balance)
        )
    account = await backend.account(token)
    for contract in account.contracts:
        if contract.payment_mode is PaymentMode.MONTHLY_DEBIT:
            schedule = await backend.debit_schedule(token, contract.ref)
            for instalment in schedule.instalments:
                if instalment.status != "a_venir":
                    continue
                title = _("mensualité de {amount} (contrat {contract})").format(
                    amount=money(instalment.amount), contract=contract.ref
                )
                events.append(
                    Deadline(
                        INSTALMENT,
                        instalment.due_date,
                        instalment.due_date,
                        title,
                        contract.ref,
                        amount_cents=instalment.amount,
                    )
                )
        status = await backend.meter_status(token, contract.ref)
        if status.manual_allowed:
            title = _("relevé du compteur à transmettre (contrat {contract})").format(
                contract=contract.ref
            )
            events.append(
                Deadline(READING, status.window_start, status.window_end, title, contract.ref)
            )
    return sorted(events, key=lambda e: (e.start, e.kind, e.uid))


def ics_bytes(events: list[Deadline], stamp: datetime) -> bytes:
    """The events as an iCalendar file (RFC 5545): all-day events, ``DTEND`` exclusive."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//geg-tui//GEG Mon Compte//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("GEG — échéances"))
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + timedelta(days=1))
        event.add("summary", _("GEG : {what}").format(what=item.title))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


async def calendar(ctx: Context) -> int:
    from geg_tui.commands.invoices import save_unless_identical
    from geg_tui.formats import PARIS

    events = await deadlines(ctx)
    if not ctx.args.ics:
        if ctx.as_json:
            payload = {"events": [e.to_json() for e in events]}
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        elif not events:
            print(_("Aucune échéance à venir."))
        else:
            rows = [
                [
                    day(e.start),
                    "" if e.end == e.start else day(e.end),
                    e.title,
                ]
                for e in events
            ]
            print(table([_("Date"), _("Jusqu'au"), _("Événement")], rows))
        return EXIT_OK
    today = (await ctx.backend.server_time()).astimezone(PARIS).date()
    stamp = datetime.combine(today, time(0, 0), tzinfo=PARIS)
    folder = ctx.args.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            _("impossible de créer le dossier {folder} : {reason}").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc
    name = f"geg-echeances_{today:%Y-%m-%d}.ics"
    path, outcome = save_unless_identical(folder, name, ics_bytes(events, stamp))
    if ctx.as_json:
        payload = {"path": str(path), "outcome": outcome, "events": [e.to_json() for e in events]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if outcome == "identical":
        print(_("{path} est déjà à jour : rien à écrire.").format(path=path))
    elif outcome == "renamed":
        print(
            ngettext(
                "{name} existe déjà avec un autre contenu : il est gardé tel quel, l'agenda est "
                "enregistré sous {path} ({n} événement).",
                "{name} existe déjà avec un autre contenu : il est gardé tel quel, l'agenda est "
                "enregistré sous {path} ({n} événements).",
                len(events),
            ).format(name=name, path=path, n=len(events))
        )
    else:
        print(
            ngettext(
                "Agenda enregistré : {path} ({n} événement).",
                "Agenda enregistré : {path} ({n} événements).",
                len(events),
            ).format(path=path, n=len(events))
        )
    print(
        _("Importez-le dans votre agenda (Thunderbird, Google Agenda, Outlook…)."), file=sys.stderr
    )
    return EXIT_OK

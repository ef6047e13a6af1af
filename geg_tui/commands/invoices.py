"""``geg-tui factures`` (the list: text, ``--json``, ``--csv``), ``factures telecharger``
(every PDF, one file each, never overwritten).

PDFs are saved as ``AAAA-MM-JJ_<ref>.pdf`` (the issue date first, so that a folder sorts by
date). A file of that name already there with the same bytes is skipped; one with other bytes
is kept as it is, the PDF going to a new name (``… (2).pdf``), and the run says so. A progress
bar is drawn on a terminal only (rich); piped, the run prints its summary alone.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geg_tui.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    Context,
    UsageError,
    day,
    money,
    print_json,
    table,
)
from geg_tui.i18n import _, current_language, ngettext

if TYPE_CHECKING:
    from geg_tui.api.models import Invoice

#: Outcomes of one PDF in ``--json`` (docs/cli.md).
SAVED, IDENTICAL, RENAMED = "saved", "identical", "renamed"


async def all_invoices(ctx: Context) -> tuple[list[Invoice], int]:
    """Every invoice the filters select (the backend pages them: INV-5), and the total to pay."""
    from geg_tui.api.models import InvoiceStatus

    args = ctx.args
    status = getattr(args, "status", None)
    token = await ctx.token()
    page = await ctx.backend.list_invoices(
        token,
        contract_ref=getattr(args, "contract", None),
        year=getattr(args, "year", None),
        status=InvoiceStatus(status) if status else None,
    )
    invoices = list(page.invoices)
    while len(invoices) < page.total_count and page.invoices:
        page = await ctx.backend.list_invoices(
            token,
            contract_ref=getattr(args, "contract", None),
            year=getattr(args, "year", None),
            status=InvoiceStatus(status) if status else None,
            offset=len(invoices),
        )
        invoices += page.invoices
    return invoices, page.total_to_pay


async def list_invoices(ctx: Context) -> int:
    """``geg-tui factures``: newest first, with the total still to pay."""
    from geg_tui.api.models import InvoicePage

    invoices, total_to_pay = await all_invoices(ctx)
    if ctx.as_json:
        print_json(InvoicePage(tuple(invoices), len(invoices), total_to_pay))
    elif ctx.args.csv:
        sys.stdout.write(invoices_csv(invoices))
    elif not invoices:
        print(_("Aucune facture."))
    else:
        print(invoices_text(invoices))
        print()
        print(_("Total restant à payer : {amount}").format(amount=money(total_to_pay)))
    return EXIT_OK


def _row(invoice: Invoice) -> list[str]:
    from geg_tui.labels import label_of

    return [
        invoice.ref,
        day(invoice.issue_date),
        invoice.contract_ref,
        label_of(invoice.energy),
        money(invoice.balance),
        day(invoice.due_date),
        label_of(invoice.status),
    ]


def _header() -> list[str]:
    return [
        _("N° facture"),
        _("Émise le"),
        _("Contrat"),
        _("Énergie"),
        _("Montant"),
        _("Échéance"),
        _("Statut"),
    ]


def invoices_text(invoices: list[Invoice]) -> str:
    return table(_header(), [_row(i) for i in invoices], right=(4,))


def invoices_csv(invoices: list[Invoice]) -> str:
    """The list as a spreadsheet reads it in the run's language, like the consumption export:
    ``;`` and decimal comma, dates JJ/MM/AAAA in French; ``,``, decimal point, ISO dates in
    English. Amounts are plain numbers (no symbol), statuses their labels, plus the code."""
    from geg_tui.labels import label_of

    english = current_language() == "en"
    point = "." if english else ","

    def euros(cents: int) -> str:
        sign = "-" if cents < 0 else ""
        whole, frac = divmod(abs(cents), 100)
        return f"{sign}{whole}{point}{frac:02d}"

    def when(value: Any) -> str:
        if value is None:
            return ""
        return value.isoformat() if english else value.strftime("%d/%m/%Y")

    rows = [
        [
            _("N° facture"),
            _("Émise le"),
            _("Contrat"),
            _("Énergie"),
            _("Début de période"),
            _("Fin de période"),
            _("Total TTC (€)"),
            _("Montant (€)"),
            _("Échéance"),
            _("Statut"),
            _("Code statut"),
        ]
    ]
    for i in invoices:
        rows.append(
            [
                i.ref,
                when(i.issue_date),
                i.contract_ref,
                label_of(i.energy),
                when(i.period_start),
                when(i.period_end),
                euros(i.total),
                euros(i.balance),
                when(i.due_date),
                label_of(i.status),
                i.status.value,
            ]
        )
    text = io.StringIO(newline="")
    csv.writer(text, delimiter="," if english else ";", lineterminator="\n").writerows(rows)
    return text.getvalue()


def pdf_name(invoice: Invoice) -> str:
    return f"{invoice.issue_date:%Y-%m-%d}_{invoice.ref}.pdf"


def save_unless_identical(folder: Path, name: str, data: bytes) -> tuple[Path, str]:
    """``folder/name`` with ``data``: skipped when that file (or one of its renamed copies)
    already holds these bytes, else written under a new name, never over a file. A folder
    that cannot be written (rights, full disk) stops the run with the reason (status 2)."""
    try:
        return _save(folder, name, data)
    except OSError as exc:
        raise UsageError(
            _("impossible d'écrire dans {folder} : {reason}").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc


def _save(folder: Path, name: str, data: bytes) -> tuple[Path, str]:
    from geg_tui.downloads import save_new

    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = folder / name, 2
    while candidate.exists():
        try:
            if candidate.is_file() and candidate.read_bytes() == data:
                return candidate, IDENTICAL
        except OSError:
            pass
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    path = save_new(folder, name, data)
    return path, SAVED if path.name == name else RENAMED


async def download(ctx: Context) -> int:
    """``geg-tui factures telecharger``: the PDFs asked for (``REF…``) or all (``--toutes``)."""
    args = ctx.args
    if bool(args.refs) == bool(args.all):
        raise UsageError(
            _("donnez les numéros des factures, ou --toutes pour toutes (pas les deux).")
        )
    folder: Path = args.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            _("impossible de créer le dossier {folder} : {reason}").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc
    token = await ctx.token()
    status = EXIT_OK
    if args.all:
        invoices, _total = await all_invoices(ctx)
    else:
        invoices, status = await _invoices_named(ctx, token, args.refs)
    results, fetched = await _fetch_all(ctx, token, invoices, folder)
    status = max(status, fetched)
    if ctx.as_json:
        import json

        print(json.dumps({"folder": str(folder), "files": results}, ensure_ascii=False, indent=2))
    else:
        _summary(results, folder)
    return status


async def _invoices_named(ctx: Context, token: str, refs: list[str]) -> tuple[list[Invoice], int]:
    """The invoices asked for by number: one GEG does not know is said (status 1) and the
    others are downloaded all the same."""
    from geg_tui.api.errors import BackendError, BackendUnavailable
    from geg_tui.commands.common import report_error

    invoices: list[Invoice] = []
    status = EXIT_OK
    for ref in refs:
        try:
            invoices.append(await ctx.backend.get_invoice(token, ref.strip()))
        except BackendUnavailable:
            raise
        except BackendError as exc:
            report_error(exc, ctx.args)
            status = EXIT_REFUSED
    return invoices, status


async def _fetch_all(
    ctx: Context, token: str, invoices: list[Invoice], folder: Path
) -> tuple[list[dict[str, Any]], int]:
    """Each PDF in turn, a progress bar on a terminal; a refusal of one invoice (older than 5
    years…) does not stop the others, a service that stops answering does."""
    from geg_tui.api.errors import BackendError, BackendUnavailable
    from geg_tui.commands.common import report_error

    results: list[dict[str, Any]] = []
    status = EXIT_OK
    with _progress(len(invoices)) as advance:
        for invoice in invoices:
            try:
                data = await ctx.backend.invoice_pdf(token, invoice.ref)
            except BackendUnavailable:
                raise
            except BackendError as exc:
                report_error(exc, ctx.args)
                status = EXIT_REFUSED
                advance()
                continue
            path, outcome = save_unless_identical(folder, pdf_name(invoice), data)
            results.append(
                {
                    "ref": invoice.ref,
                    "issue_date": invoice.issue_date.isoformat(),
                    "path": str(path),
                    "outcome": outcome,
                }
            )
            advance()
    return results, status


class _progress:
    """rich's progress bar on a terminal (drawn on stderr, so that stdout stays the summary),
    nothing when either output is piped or redirected."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Any:
        if sys.stdout.isatty() and sys.stderr.isatty() and self.total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn(_("Téléchargement")),
                BarColumn(),
                MofNCompleteColumn(),
                transient=True,
            )
            self.bar.start()
            task = self.bar.add_task("pdf", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(results: list[dict[str, Any]], folder: Path) -> None:
    """What was saved, what was already there, and each PDF that had to take a new name."""
    saved = sum(r["outcome"] == SAVED for r in results)
    same = sum(r["outcome"] == IDENTICAL for r in results)
    for r in results:
        if r["outcome"] == RENAMED:
            print(
                _(
                    "{name} existe déjà avec un autre contenu : il est gardé tel quel, la facture "
                    "n° {ref} est enregistrée sous {path}."
                ).format(name=pdf_name_of(r), ref=r["ref"], path=r["path"])
            )
    if saved or not same:
        print(
            ngettext(
                "{n} facture enregistrée dans {folder}.",
                "{n} factures enregistrées dans {folder}.",
                saved,
            ).format(n=saved, folder=folder)
        )
    if same:
        print(
            ngettext(
                "{n} facture déjà présente, identique : ignorée.",
                "{n} factures déjà présentes, identiques : ignorées.",
                same,
            ).format(n=same)
        )


def pdf_name_of(result: dict[str, Any]) -> str:
    return f"{result['issue_date']}_{result['ref']}.pdf"

"""One invoice (INV-1, INV-2): its lines, totals, the readings it used and the payment mode;
« Télécharger le PDF » (INV-3, INV-4) into the download folder or one the person types, never
overwriting a file (``facture-<ref>.pdf``, then ``facture-<ref> (2).pdf``…); « Payer » when the
invoice is to pay or overdue (PAY-1)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.api import texts
from geg_tui.api.models import Account, Invoice, InvoiceLine, InvoiceStatus
from geg_tui.downloads import downloads_folder, save_new
from geg_tui.formats import (
    decimal_point,
    format_date,
    format_money,
    format_unit_price,
    group_thousands,
)
from geg_tui.i18n import _, _l, ngettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.status_badge import PAYABLE, StatusBadge
from geg_tui.widgets.titlebar import TitleBar


def save_pdf(folder: Path, ref: str, data: bytes) -> Path:
    """``facture-<ref>.pdf`` in ``folder``, or ``facture-<ref> (2).pdf``…: never overwrite."""
    return save_new(folder, f"facture-{ref}.pdf", data)


def _number(value: float) -> str:
    whole = int(value)
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    frac = text.partition(".")[2]
    return group_thousands(whole) + (decimal_point() + frac if frac else "")


# The screen's own words for a settlement (DEBIT-4). ``geg_tui.formatting`` has the French ones
# that GEG's PDF prints (it stays French); these follow the language of the screen.


def balance_label(balance: int) -> str:
    """What a settlement's balance is called: what is left to pay, or a credit."""
    return _("Solde en votre faveur") if balance < 0 else _("Reste à payer")


def already_paid_label(count: int) -> str:
    """``Déjà réglé : 11 mensualités prélevées`` (``1 mensualité prélevée``)."""
    return ngettext(
        "Déjà réglé : {n} mensualité prélevée", "Déjà réglé : {n} mensualités prélevées", count
    ).format(n=count)


def refund_sentence(credit: int, day: date) -> str:
    """The credit of a settlement and when it is (``done``) or will be refunded, the amount in
    bold. ``credit`` in cents, positive."""
    amount, when = format_money(abs(credit)), format_date(day)
    return _(
        "Solde en votre faveur : [b]{amount}[/b] — à rembourser sur votre compte le {date}"
    ).format(amount=amount, date=when)


def refunded_sentence(credit: int, day: date) -> str:
    """:func:`refund_sentence` once the refund is made."""
    amount, when = format_money(abs(credit)), format_date(day)
    return _(
        "Solde en votre faveur : [b]{amount}[/b] — remboursé sur votre compte le {date}"
    ).format(amount=amount, date=when)


def lines_table(invoice: Invoice) -> Table:
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    table.add_column(_("Libellé"), ratio=1, overflow="fold")
    table.add_column(_("Montant HT"), justify="right", no_wrap=True)
    for line in invoice.lines:
        table.add_row(line_label(line), format_money(line.amount))
    table.add_row("", "")
    table.add_row(_("Total HT"), format_money(invoice.amount_excl_tax))
    table.add_row(_("TVA 20 %"), format_money(invoice.vat))
    if not invoice.already_paid:
        table.add_row(
            Text(_("Total TTC"), style="bold"), Text(format_money(invoice.total), style="bold")
        )
        return table
    # An annual settlement (DEBIT-4): the consumption, what was already paid, the balance.
    table.add_row(_("Total TTC"), format_money(invoice.total))
    table.add_row(already_paid_label(invoice.instalments_paid), format_money(-invoice.already_paid))
    table.add_row(
        Text(balance_label(invoice.balance), style="bold"),
        Text(format_money(abs(invoice.balance)), style="bold"),
    )
    return table


def amount_fact(invoice: Invoice) -> str:
    """The invoice's main figure and how it is settled (the figure signup asks for, SIGNUP-4)."""
    if invoice.refund_date is not None:
        if invoice.status is InvoiceStatus.REFUNDED:
            return refunded_sentence(-invoice.balance, invoice.refund_date)
        return refund_sentence(-invoice.balance, invoice.refund_date)
    label = balance_label(invoice.balance) if invoice.already_paid else _("Montant")
    values = {
        "label": label,
        "amount": format_money(invoice.balance),
        "due": format_date(invoice.due_date),
    }
    if invoice.already_paid and invoice.balance == 0:
        return _(
            "{label} : [b]{amount}[/b] · échéance le {due} — vos mensualités couvrent cette facture"
        ).format(**values)
    return _("{label} : [b]{amount}[/b] · échéance le {due}").format(**values)


def line_label(line: InvoiceLine) -> Text:
    text = Text(texts.line_label(line))
    values = {
        "quantity": _number(line.quantity),
        "unit": texts.line_unit(line),
        "price": format_unit_price(line.unit_price_micro),
    }
    if line.vat_rate_pct:
        detail = _("{quantity} {unit} × {price} · TVA {rate} %").format(
            rate=_number(line.vat_rate_pct), **values
        )
    else:
        detail = "{quantity} {unit} × {price}".format(**values)  # no words: nothing to translate
    text.append(f"\n  {detail}", style="dim")
    return text


def readings_table(invoice: Invoice, unit: str) -> Table | str:
    if not invoice.readings:
        return _("Aucun relevé utilisé pour cette facture.")
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    table.add_column(_("Registre"))
    table.add_column(_("Ancien index"), justify="right")
    table.add_column(_("Nouvel index"), justify="right")
    table.add_column(_("Type"))
    for reading in invoice.readings:
        table.add_row(
            label_of(reading.register),
            f"{group_thousands(reading.previous_index)} {unit}\n{format_date(reading.previous_date)}",
            f"{group_thousands(reading.current_index)} {unit}\n{format_date(reading.current_date)}",
            label_of(reading.kind),
        )
    return table


class InvoiceDetailScreen(BaseScreen):
    HELP = _l(
        "Le détail d'une facture : ses lignes, ses totaux, les relevés utilisés et le mode de "
        "paiement. T télécharge le PDF dans le dossier indiqué en bas de l'écran (sans jamais "
        "remplacer un fichier existant) ; P paie la facture par carte lorsqu'elle est à payer ; "
        "E explique son montant (« Pourquoi ce montant ? »)."
    )
    BINDINGS = [
        Binding("t", "download", _l("Télécharger le PDF"), id="download-pdf"),
        Binding("p", "pay", _l("Payer"), id="pay"),
        Binding("r", "refresh", _l("Actualiser"), show=False, id="refresh"),
        Binding("e", "explain", _l("Pourquoi ce montant ?"), id="invoice-explain"),
    ]
    # At 80 columns the bar cannot hold every key: the invoice's own keys first; Escape then
    # goes behind « … », as F1 says (a person who came here knows how they came).
    ESSENTIAL_KEYS = ("pay", "download-pdf", "invoice-explain")
    CSS_PATH = "invoice_detail.tcss"

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.invoice: Invoice | None = None
        self._account: Account | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="detail"):
            with Horizontal(id="title-row"):
                yield Static(_("Facture n° {ref}").format(ref=self.ref), classes="screen-title")
                yield StatusBadge(id="status")
            yield FormError(id="form-error")
            yield Static("", id="facts")
            with Horizontal(classes="buttons", id="actions"):
                yield Button(_("T Télécharger le PDF"), id="download", compact=True)
                yield Button(_("P Payer"), id="pay", variant="primary", compact=True)
            yield Static(_("Détail de la facture"), classes="section")
            yield Static("", id="lines")
            yield Static(_("Relevés utilisés"), classes="section")
            yield Static("", id="readings")
            yield Static(_("Enregistrer le PDF dans"), classes="section")
            yield Field(_("Dossier (modifiable)"), "folder", value=str(downloads_folder()))
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#pay", Button).display = False

    def on_screen_resume(self) -> None:
        """On the first show and on every return (after a payment)."""
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False, group="detail")
    async def load(self) -> None:
        if self.geg.session is None:
            return
        token = self.geg.session.token
        scroll = self.query_one("#detail")
        invoice = await self.backend_call(
            lambda b: b.get_invoice(token, self.ref),
            label=_("Chargement de la facture…"),
            widget=scroll,
        )
        if invoice is None:
            return
        if self._account is None:
            self._account = await self.backend_call(
                lambda b: b.account(token), label=_("Chargement de vos contrats…"), widget=scroll
            )
        self.show(invoice)

    def show(self, invoice: Invoice) -> None:
        self.invoice = invoice
        self.query_one(StatusBadge).show(invoice.status, invoice.debit_date or invoice.refund_date)
        contract = None
        if self._account is not None:
            contract = next(
                (c for c in self._account.contracts if c.ref == invoice.contract_ref), None
            )
        mode = label_of(contract.payment_mode) if contract else "—"
        unit = contract.meter.unit if contract else "kWh"
        facts = [
            _("{kind} — {energy}, contrat {ref}").format(
                kind=label_of(invoice.kind),
                energy=label_of(invoice.energy),
                ref=invoice.contract_ref,
            ),
            _("Émise le {issued} · période du {start} au {end}").format(
                issued=format_date(invoice.issue_date),
                start=format_date(invoice.period_start),
                end=format_date(invoice.period_end),
            ),
            amount_fact(invoice),
            _("Mode de paiement : {mode}").format(mode=mode),
        ]
        if invoice.debit_date is not None:
            facts.append(_("Prélèvement le {date}").format(date=format_date(invoice.debit_date)))
        self.query_one("#facts", Static).update("\n".join(facts))
        self.query_one("#lines", Static).update(lines_table(invoice))
        self.query_one("#readings", Static).update(readings_table(invoice, unit))
        self.query_one("#pay", Button).display = invoice.status in PAYABLE
        self.refresh_bindings()

    # --- PDF -------------------------------------------------------------------------------
    @on(Button.Pressed, "#download")
    def _download(self) -> None:
        self.action_download()

    def action_download(self) -> None:
        self.download()

    @work(exclusive=True, exit_on_error=False, group="pdf")
    async def download(self) -> None:
        if self.geg.session is None:
            return
        token = self.geg.session.token
        field = self.query_one("#field-folder", Field)
        typed = field.value.strip()
        self.clear_errors()
        default = downloads_folder()
        folder = Path(typed).expanduser() if typed else default
        if not folder.is_dir():
            if folder == default:
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    field.set_error(
                        _("Impossible de créer ce dossier : {error}").format(error=exc.strerror)
                    )
                    return
            else:
                field.set_error(_("Ce dossier n'existe pas : indiquez un dossier existant."))
                field.input.focus()
                return
        data = await self.backend_call(
            lambda b: b.invoice_pdf(token, self.ref), label=_("Téléchargement de la facture PDF…")
        )
        if data is None:
            return
        try:
            target = await asyncio.to_thread(save_pdf, folder, self.ref, data)
        except OSError as exc:
            field.set_error(
                _("Impossible d'enregistrer le PDF ici : {error}").format(
                    error=exc.strerror or str(exc)
                )
            )
            return
        message = _("PDF enregistré : {path}").format(path=target)
        self.query_one(FormError).show(message, info=True)
        self.notify(message, title=_("Facture téléchargée"), timeout=6)

    # --- why this amount (issue 15) ---------------------------------------------------------
    def action_explain(self) -> None:
        """« Pourquoi ce montant ? »: this invoice against the earlier ones of its contract."""
        from geg_tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(self.ref))

    # --- payment ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """« Payer » in the footer only while the invoice is to pay (PAY-1)."""
        if action == "pay":
            return self.invoice is not None and self.invoice.status in PAYABLE
        return True

    @on(Button.Pressed, "#pay")
    def _pay(self) -> None:
        self.action_pay()

    def action_pay(self) -> None:
        invoice = self.invoice
        if invoice is None:
            return
        if invoice.status not in PAYABLE:
            from geg_tui.screens.invoices import why_not_payable

            self.notify(why_not_payable(invoice), severity="warning", timeout=5)
            return
        from geg_tui.screens.payment import PaymentScreen

        self.app.push_screen(PaymentScreen(invoice))

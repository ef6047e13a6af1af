"""« Mes paiements » (PAY-3, DEBIT-4): every card payment and direct debit, and their receipts.

``list_payments`` gives the account's card payments and the debits taken on its contracts,
newest first. Each row: date, what was paid (the invoice, or a monthly instalment), amount,
means (the card's brand and last 4 digits, or the mandate's IBAN masked: BANK-4), status in
words and the transaction reference. No full card number or IBAN exists on this side (PAY-3).

The highlighted payment's receipt is saved as a PDF (« R ») or as text (« X ») by
``geg_tui.receipts``, into the downloads folder or the one typed, never over a file, as the
invoice PDFs are.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from geg_tui.api.models import Payment
from geg_tui.downloads import downloads_folder
from geg_tui.formats import format_date, format_money
from geg_tui.i18n import _, _l, ngettext
from geg_tui.labels import label_of
from geg_tui.receipts import save_receipt, short_means, short_subject, subject_text
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar


class PaymentsScreen(BaseScreen):
    """The account's payments, and a receipt of one saved as PDF or text."""

    TITLE = _l("Mes paiements")
    HELP = _l(
        "Vos paiements par carte et vos prélèvements, du plus récent au plus ancien : date, "
        "facture (ou mensualité), montant, moyen de paiement (carte : marque et 4 derniers "
        "chiffres ; prélèvement : IBAN masqué), statut et référence de la transaction. "
        "Choisissez un paiement avec les flèches, puis R enregistre son reçu en PDF et X en "
        "texte, dans le dossier indiqué (jamais par-dessus un fichier existant)."
    )
    BINDINGS = [
        Binding("r", "receipt_pdf", _l("Reçu PDF"), id="receipt-pdf"),
        Binding("x", "receipt_text", _l("Reçu texte"), id="receipt-text"),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("receipt-pdf", "receipt-text")
    CSS_PATH = "payments.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.payments: list[Payment] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="payments"):
            yield Static(_("Mes paiements"), classes="screen-title")
            yield Static("", id="summary")
            yield DataTable(id="list", cursor_type="row", zebra_stripes=True)
            with Form(id="receipt-form"):
                yield Static("", id="selected")
                yield FormError(id="receipt-error")
                with Horizontal(classes="buttons"):
                    yield Button(_("R Reçu PDF"), id="save-pdf", variant="primary", compact=True)
                    yield Button(_("X Reçu texte"), id="save-text", compact=True)
                yield Field(
                    _("Enregistrer les reçus dans (modifiable)"),
                    "folder",
                    value=str(downloads_folder()),
                )
        yield KeyBar()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="payments")
    async def load(self) -> None:
        payments = await self.backend_call(
            lambda backend: backend.list_payments(self.geg.token),
            label=_("Chargement de vos paiements…"),
            widget=self.query_one("#list"),
        )
        if payments is None:
            return
        self.payments = payments
        self.show()
        self._loaded = True

    def show(self) -> None:
        table = self.query_one("#list", DataTable)
        table.clear(columns=True)
        table.add_column(_("Date"), key="date")
        table.add_column(_("Facture"), key="what")
        table.add_column(_("Montant"), key="amount")
        table.add_column(_("Moyen"), key="means")
        table.add_column(_("Statut"), key="status")
        table.add_column(_("Référence"), key="ref")
        for payment in self.payments:
            table.add_row(
                format_date(payment.paid_at),
                short_subject(payment),
                format_money(payment.amount),
                short_means(payment),
                label_of(payment.status),
                payment.transaction_ref,
                key=payment.transaction_ref,
            )
        count = len(self.payments)
        summary = (
            ngettext("{count} paiement", "{count} paiements", count).format(count=count)
            if count
            else _("Aucun paiement ni prélèvement sur ce compte pour l'instant.")
        )
        self.query_one("#summary", Static).update(summary)
        self.query_one("#receipt-form").display = bool(count)
        if count:
            table.focus()

    @on(DataTable.RowHighlighted, "#list")
    def _highlighted(self) -> None:
        """Which payment the receipt keys act on, in words (the highlight is only a colour)."""
        payment = self.selected()
        text = ""
        if payment is not None:
            text = _("Reçu de : {date} · {subject} · {amount}").format(
                date=format_date(payment.paid_at),
                subject=subject_text(payment),
                amount=format_money(payment.amount),
            )
        self.query_one("#selected", Static).update(text)

    def selected(self) -> Payment | None:
        table = self.query_one("#list", DataTable)
        if not self.payments or not 0 <= table.cursor_row < len(self.payments):
            return None
        return self.payments[table.cursor_row]

    # --- receipts --------------------------------------------------------------------------
    def action_receipt_pdf(self) -> None:
        self.save(pdf=True)

    def action_receipt_text(self) -> None:
        self.save(pdf=False)

    @on(Button.Pressed, "#save-pdf")
    def _pdf(self) -> None:
        self.save(pdf=True)

    @on(Button.Pressed, "#save-text")
    def _text(self) -> None:
        self.save(pdf=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The receipt keys only when there is a payment to print."""
        if action in ("receipt_pdf", "receipt_text"):
            return bool(self.payments)
        return True

    @work(exclusive=True, exit_on_error=False, group="receipt")
    async def save(self, *, pdf: bool) -> None:
        payment = self.selected()
        if payment is None:
            return
        field = self.query_one("#field-folder", Field)
        banner = self.query_one("#receipt-error", FormError)
        self.clear_errors()
        typed = field.value.strip()
        default = downloads_folder()
        folder = Path(typed).expanduser() if typed else default
        if not folder.is_dir():
            if folder != default:
                field.set_error(_("Ce dossier n'existe pas : indiquez un dossier existant."))
                field.input.focus()
                return
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                field.set_error(
                    _("Impossible de créer ce dossier : {error}").format(error=exc.strerror)
                )
                return
        try:
            with self.busy(self.query_one("#receipt-form"), label=_("Enregistrement du reçu…")):
                target = await asyncio.to_thread(save_receipt, folder, payment, pdf=pdf)
        except OSError as exc:
            field.set_error(
                _("Impossible d'enregistrer le reçu ici : {error}").format(
                    error=exc.strerror or str(exc)
                )
            )
            return
        message = _("Reçu enregistré : {path}").format(path=target)
        banner.show(message, info=True)
        self.notify(message, title=_("Reçu de paiement"), timeout=6)

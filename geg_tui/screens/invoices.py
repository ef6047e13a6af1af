"""« Mes factures » (INV-3, INV-5): the list, newest first, filtered by contract, year and status,
with the total still to pay; Enter opens an invoice, P pays it when it is to pay.

Rows are loaded by pages (``offset``/``limit``): the first page is painted at once and the next
ones arrive as the cursor or the scroll nears the end of what is loaded, so a customer with
10,000 invoices sees the screen as fast as one with 100.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.models import Account, Invoice, InvoicePage, InvoiceStatus
from geg_tui.formats import (
    format_date,
    format_money,
    format_month_range,
    format_month_year,
    group_thousands,
    widest_date,
)
from geg_tui.i18n import _, _l, ngettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.status_badge import PAYABLE, status_text, status_width
from geg_tui.widgets.titlebar import TitleBar

PAGE_SIZE = 60
PREFETCH = 15  # rows before the end of the loaded ones that trigger the next page
ALL = "tous"

# Fixed widths: the table looks the same whenever it is painted (auto widths are computed as
# rows arrive, so a first paint could show them too narrow).
# The order is what 80 columns must show whole: the due date right after the amount, before the
# status; the energy and the billed months, which the detail repeats, last (scroll right).
# Dates, statuses and billed months are wider in English (``27 Sept 2026``, ``Nov 25–Jan 26``):
# their widths are the language's (``None`` below), in French those of the French screen.
COLUMNS = (
    ("date", _l("Date"), None),
    ("ref", _l("Référence"), 12),
    ("amount", _l("Montant"), 11),
    ("due", _l("Échéance"), None),
    ("status", _l("Statut"), None),
    ("energy", _l("Énergie"), 7),
    ("period", _l("Période"), None),
)


def column_width(key: str, width: int | None) -> int:
    """The fixed width of a column in the current language."""
    if width is not None:
        return width
    if key == "period":
        return len(format_month_range(date(2025, 11, 1), date(2026, 1, 31)))
    if key == "status":  # `` Prélèvement prévu ``: 19 in French
        return status_width()
    return widest_date()


class InvoiceTable(DataTable[Any]):
    """The list. While the screen lays itself out the table may be hidden for an instant (its
    region empty), which takes the focus away to a filter; it takes it back when shown again."""

    _lost_on_hide = False

    def _on_hide(self, event: events.Hide) -> None:
        self._lost_on_hide = self.has_focus
        super()._on_hide(event)

    def _on_show(self, event: events.Show) -> None:
        super()._on_show(event)
        if self._lost_on_hide:
            self._lost_on_hide = False
            self.focus()


def short_period(invoice: Invoice) -> str:
    """``08/26–10/26`` / ``Aug–Oct 26``: the billed months, compact enough for 80 columns."""
    start, end = invoice.period_start, invoice.period_end
    if (start.year, start.month) == (end.year, end.month):
        return format_month_year(start)
    return format_month_range(start, end)


def energy_short(invoice: Invoice) -> str:
    return _("Gaz") if invoice.energy.value == "gaz" else _("Élec.")  # the column is 7 wide


def invoice_row(invoice: Invoice) -> tuple[Any, ...]:
    from rich.text import Text

    # The balance: what is (or was) to pay; a credit, negative, in green (DEBIT-4).
    amount = Text(format_money(invoice.balance), justify="right")
    if invoice.is_credit:
        amount.stylize("green")
    return (
        format_date(invoice.issue_date),
        invoice.ref,
        amount,
        format_date(invoice.due_date),
        status_text(invoice.status),
        energy_short(invoice),
        short_period(invoice),
    )


class InvoicesScreen(BaseScreen):
    HELP = _l(
        "Vos factures des 5 dernières années, les plus récentes d'abord. Filtrez par contrat, "
        "année et statut ; Entrée ouvre la facture (détail, relevés, PDF) ; P paie par carte "
        "la facture sélectionnée lorsqu'elle est à payer ou en retard."
    )
    BINDINGS = [
        Binding("enter", "open_invoice", _l("Ouvrir"), show=False, id="invoices-open"),
        Binding(
            "p", "pay", _l("Payer"), tooltip=_l("Payer la facture sélectionnée par carte"), id="pay"
        ),
        Binding(
            "f", "filters", _l("Filtres"), tooltip=_l("Aller aux filtres"), id="invoices-filters"
        ),
        Binding("l", "list", _l("Aller à la liste"), show=False, id="invoices-list"),
        Binding("r", "refresh", _l("Actualiser"), id="refresh"),
    ]
    AUTO_FOCUS = "#invoice-table"
    CSS_PATH = "invoices.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._invoices: dict[str, Invoice] = {}
        self._total = 0
        self._loading_more = False
        self._account: Account | None = None
        self._years_asked = False
        self._asked: dict[str, Any] | None = None  # the filters of the last list asked for
        self._shown: dict[str, Any] | None = None  # the filters of the list on screen

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="invoices"):
            yield Static(_("Mes factures"), classes="screen-title")
            yield Static("", id="summary")
            yield FormError(id="form-error")
            with Horizontal(id="filters"):
                yield Select(
                    [(_("Tous les contrats"), ALL)],
                    value=ALL,
                    allow_blank=False,
                    id="filter-contract",
                    compact=True,
                )
                yield Select(
                    [(_("Toutes les années"), ALL)],
                    value=ALL,
                    allow_blank=False,
                    id="filter-year",
                    compact=True,
                )
                yield Select(
                    [(_("Tous les statuts"), ALL)]
                    + [(label_of(s), s.value) for s in InvoiceStatus],
                    value=ALL,
                    allow_blank=False,
                    id="filter-status",
                    compact=True,
                )
            table = InvoiceTable(id="invoice-table", cursor_type="row", zebra_stripes=True)
            for key, label, width in COLUMNS:
                table.add_column(str(label), key=key, width=column_width(key, width))
            yield table
            yield Static("", id="count")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        self.watch(table, "scroll_y", self._scrolled, init=False)

    def on_screen_resume(self) -> None:
        """On the first show and on every return: a payment made meanwhile shows here."""
        self.reload()

    # --- filters ---------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        contract = self.query_one("#filter-contract", Select).value
        year = self.query_one("#filter-year", Select).value
        status = self.query_one("#filter-status", Select).value
        return {
            "contract_ref": None if contract == ALL else str(contract),
            "year": None if year == ALL else int(str(year)),
            "status": None if status == ALL else InvoiceStatus(str(status)),
        }

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._account is not None and self.filters() != self._asked:
            self.reload()

    def action_filters(self) -> None:
        self.query_one("#filter-contract", Select).focus()

    def action_list(self) -> None:
        self.query_one(DataTable).focus()

    def action_refresh(self) -> None:
        self.reload()

    # --- loading ---------------------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="invoices")
    async def reload(self) -> None:
        """The first page for the current filters (the table keeps its place on a reload)."""
        if self.geg.session is None:
            return
        token = self.geg.session.token
        table = self.query_one(DataTable)
        busy = self.query_one("#count")  # not the table: a loading widget loses the focus
        first = self._account is None
        if self._account is None:
            account = await self.backend_call(
                lambda b: b.account(token), label=_("Chargement de vos contrats…"), widget=busy
            )
            if account is None:
                return
            self._account = account
            self._fill_contracts(account)
        filters = self._asked = self.filters()
        keep = max(PAGE_SIZE, len(self._invoices)) if self._invoices else PAGE_SIZE
        try:
            page = await self.backend_call(
                lambda b: b.list_invoices(token, offset=0, limit=keep, **filters),
                label=_("Chargement des factures…"),
                widget=busy,
                propagate=(BackendUnavailable,),
            )
        except BackendUnavailable as exc:
            self.show_unavailable(exc, filters)
            return
        if page is None:
            return
        self._shown = filters
        self.clear_errors()
        selected = self._selected_ref()
        table.clear()
        self._invoices.clear()
        self._add(page)
        if selected in self._invoices:
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        if first:  # the list, not a filter, has the keys when the screen opens
            self.call_after_refresh(table.focus)
        if not self._years_asked:
            self._years_asked = True
            self.call_after_refresh(self.load_years)

    @work(exit_on_error=False, group="more")
    async def load_more(self) -> None:
        """The next page (``_loading_more`` is set by the caller, so one page at a time)."""
        if self.geg.session is None or len(self._invoices) >= self._total:
            self._loading_more = False
            return
        token = self.geg.session.token
        try:
            offset = len(self._invoices)
            filters = self.filters()
            page = await self.backend_call(
                lambda b: b.list_invoices(token, offset=offset, limit=PAGE_SIZE, **filters),
                label=_("Chargement des factures suivantes…"),
                widget=self.query_one("#count"),
            )
        finally:
            self._loading_more = False
        if page is not None and page.offset == len(self._invoices) and filters == self.filters():
            self._add(page)

    @work(exit_on_error=False, group="years")
    async def load_years(self) -> None:
        """The years of the year filter: from the newest listed invoice to the oldest (INV-3)."""
        if self.geg.session is None:
            return
        token = self.geg.session.token
        # The indicator over the year filter it fills, not over the screen (the list is already
        # there and keeps the focus).
        select = self.query_one("#filter-year", Select)
        newest = await self.backend_call(
            lambda b: b.list_invoices(token, limit=1),
            label=_("Chargement des années…"),
            widget=select,
        )
        if newest is None or not newest.invoices:
            return
        last = newest.total_count - 1
        oldest = await self.backend_call(
            lambda b: b.list_invoices(token, offset=last, limit=1),
            label=_("Chargement des années…"),
            widget=select,
        )
        if oldest is None or not oldest.invoices:
            return
        first_year = newest.invoices[0].issue_date.year
        last_year = oldest.invoices[0].issue_date.year
        current = select.value
        with self.prevent(Select.Changed):
            select.set_options(
                [(_("Toutes les années"), ALL)]
                + [(str(y), str(y)) for y in range(first_year, last_year - 1, -1)]
            )
            select.value = current

    def show_unavailable(self, error: BackendUnavailable, filters: dict[str, Any]) -> None:
        """The service did not answer: its message in the banner. The list on screen stays if
        it is the one asked for (a refresh); the list of other filters is taken away, never
        left under filters it does not match, and the count says why there is none."""
        self.query_one(FormError).show(error.message)
        if filters == self._shown:
            return
        self._shown = None
        self._invoices.clear()
        self._total = 0
        self.query_one(DataTable).clear()
        self.query_one("#count", Static).update(
            _("Factures indisponibles pour le moment : R pour réessayer.")
        )

    def _fill_contracts(self, account: Account) -> None:
        select = self.query_one("#filter-contract", Select)
        with self.prevent(Select.Changed):
            select.set_options(
                [(_("Tous les contrats"), ALL)]
                + [(f"{label_of(c.energy)} — {c.ref}", c.ref) for c in account.contracts]
            )
            select.value = ALL

    def _add(self, page: InvoicePage) -> None:
        table = self.query_one(DataTable)
        self._total = page.total_count
        rows = []
        for invoice in page.invoices:
            if invoice.ref in self._invoices:
                continue
            self._invoices[invoice.ref] = invoice
            rows.append(invoice_row(invoice))
        keys = [i.ref for i in page.invoices]
        for key, row in zip(keys, rows, strict=False):
            table.add_row(*row, key=key)
        self.query_one("#summary", Static).update(
            _("Total restant à payer : [b]{amount}[/b]").format(
                amount=format_money(page.total_to_pay)
            )
        )
        self._show_count()

    def _show_count(self) -> None:
        loaded, total = len(self._invoices), self._total
        if total == 0:
            text = _("Aucune facture pour ces filtres.")
        elif loaded >= total:
            # French says « facture(s) » whatever the count (as it always has); the catalogue
            # gives English its singular and plural.
            text = ngettext(
                "{n} facture(s) — Entrée : ouvrir · P : payer",
                "{n} facture(s) — Entrée : ouvrir · P : payer",
                total,
            ).format(n=group_thousands(total))
        else:
            text = _(
                "{loaded} sur {total} factures affichées — la suite se charge en descendant"
            ).format(loaded=group_thousands(loaded), total=group_thousands(total))
        self.query_one("#count", Static).update(text)

    def _need_more(self, row: int) -> None:
        loaded = len(self._invoices)
        if not self._loading_more and loaded < self._total and row >= loaded - PREFETCH:
            self._loading_more = True
            self.load_more()

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one(DataTable)
        self._need_more(int(scroll_y) + table.size.height)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._need_more(event.cursor_row)

    # --- the selected invoice --------------------------------------------------------------
    def _selected_ref(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    def selected(self) -> Invoice | None:
        ref = self._selected_ref()
        return self._invoices.get(ref) if ref else None

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_invoice()

    def action_open_invoice(self) -> None:
        invoice = self.selected()
        if invoice is None:
            return
        from geg_tui.screens.invoice_detail import InvoiceDetailScreen

        self.app.push_screen(InvoiceDetailScreen(invoice.ref))

    def action_pay(self) -> None:
        invoice = self.selected()
        if invoice is None:
            return
        if invoice.status not in PAYABLE:
            self.notify(why_not_payable(invoice), severity="warning", timeout=5)
            return
        from geg_tui.screens.payment import PaymentScreen

        self.app.push_screen(PaymentScreen(invoice))


def why_not_payable(invoice: Invoice) -> str:
    """PAY-1 in words, for a key pressed on an invoice that cannot be paid by card."""
    if invoice.status is InvoiceStatus.DEBIT_SCHEDULED:
        if invoice.debit_date:
            return _(
                "Cette facture sera prélevée automatiquement le {date} : rien à payer."
            ).format(date=format_date(invoice.debit_date))
        return _("Cette facture sera prélevée automatiquement prochainement : rien à payer.")
    if invoice.status is InvoiceStatus.DEBITED:
        return _("Cette facture a déjà été prélevée : rien à payer.")
    if invoice.is_credit:
        return _(
            "Cette facture est un solde en votre faveur : rien à payer, GEG vous le "
            "rembourse sur votre compte."
        )
    return _("Cette facture est déjà payée.")

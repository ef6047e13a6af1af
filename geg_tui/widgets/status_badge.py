"""An invoice's status (INV-1) as a coloured badge, for a table cell or on its own."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from geg_tui.api.models import InvoiceStatus
from geg_tui.formats import format_date
from geg_tui.i18n import _, pgettext
from geg_tui.labels import label_of
from geg_tui.widgets.styles import widget_css

STYLES = {
    InvoiceStatus.OVERDUE: "bold white on dark_red",
    InvoiceStatus.TO_PAY: "bold black on yellow",
    InvoiceStatus.PAID: "bold black on green",
    InvoiceStatus.DEBIT_SCHEDULED: "bold white on blue",
    InvoiceStatus.DEBITED: "black on grey70",
    InvoiceStatus.REFUND_DUE: "bold black on cyan",
    InvoiceStatus.REFUNDED: "black on grey70",
}
DATED = (InvoiceStatus.DEBIT_SCHEDULED, InvoiceStatus.REFUND_DUE)

PAYABLE = (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE)


def short_label(status: InvoiceStatus) -> str:
    """A status in a table column, where 80 columns leave it no more room than the French
    « Prélèvement prévu »: the same words in French, shorter ones where a language needs them
    (« Debit scheduled », not the label's « Direct debit scheduled »)."""
    if status is InvoiceStatus.DEBIT_SCHEDULED:
        return pgettext("statut dans une colonne", "Prélèvement prévu")
    return label_of(status)


def status_width() -> int:
    """The width of a table column of badges: the longest short label and its two spaces."""
    return max(len(short_label(status)) for status in InvoiceStatus) + 2


def status_text(status: InvoiceStatus, day: date | None = None, *, long: bool = False) -> Text:
    """`` En retard `` in white on red…; ``long`` (a badge on its own, not in a table) says the
    status in full and adds the date of a scheduled debit or refund."""
    if not long:
        return Text(f" {short_label(status)} ", style=STYLES.get(status, ""), no_wrap=True)
    text = label_of(status)
    if status in DATED and day is not None:
        text = _("{status} le {date}").format(status=text, date=format_date(day))
    return Text(f" {text} ", style=STYLES.get(status, ""), no_wrap=True)


class StatusBadge(Static):
    DEFAULT_CSS = widget_css(__file__, "status_badge.tcss")

    def show(self, status: InvoiceStatus, day: date | None = None) -> None:
        """``day``: the debit date of a scheduled debit, the refund date of a credit."""
        self.update(status_text(status, day, long=True))

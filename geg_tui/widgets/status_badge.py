"""An invoice's status (INV-1) as a coloured badge, for a table cell or on its own."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from geg_tui.api.models import InvoiceStatus
from geg_tui.formats import format_date
from geg_tui.i18n import _
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


def status_text(status: InvoiceStatus, day: date | None = None, *, long: bool = False) -> Text:
    """`` En retard `` in white on red…; ``long`` adds the date of a scheduled debit or refund."""
    text = label_of(status)
    if long and status in DATED and day is not None:
        text = _("{status} le {date}").format(status=text, date=format_date(day))
    return Text(f" {text} ", style=STYLES.get(status, ""), no_wrap=True)


class StatusBadge(Static):
    DEFAULT_CSS = widget_css(__file__, "status_badge.tcss")

    def show(self, status: InvoiceStatus, day: date | None = None) -> None:
        """``day``: the debit date of a scheduled debit, the refund date of a credit."""
        self.update(status_text(status, day, long=True))

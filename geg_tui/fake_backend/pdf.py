"""The invoice PDF (INV-3, INV-4), drawn with fpdf2 and the bundled DejaVu Sans font.

``fpdf`` is imported inside the functions only, so that importing this module (or starting the
TUI) does not load it. Core PDF fonts cannot print ``1 234,56 €`` (no-break spaces, euro sign,
``œ``…), hence the bundled DejaVu Sans (regular and bold, Bitstream Vera licence beside them in
``fonts/``).

Speed: the bundled fonts are subsets of DejaVu Sans made once with ``pyftsubset`` (Latin
scripts, punctuation, currency and letter-like symbols: ``GLYPH_RANGES``; how to regenerate them
is in ``fonts/README.md``). At about 110 kB and 1 100 glyphs each instead of 700 kB and 6 000,
fpdf2 loads them in a few milliseconds, so every PDF, the first one of the process included,
simply registers them; fpdf2 then subsets them per document, so each PDF embeds only the glyphs
it uses.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from geg_tui.api.models import Contract, Invoice, InvoiceStatus, PaymentMode, Tariff
from geg_tui.fake_backend import invoices, read_models
from geg_tui.fake_backend.store import Tx
from geg_tui.fake_backend.support import GEG_ADDRESS, GEG_NAME, GEG_WEBSITE, SUPPORT
from geg_tui.formatting import (
    NBSP,
    balance_label,
    format_date,
    format_money,
    group_thousands,
    instalments_paid_label,
    refund_sentence,
)
from geg_tui.labels import french_label

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans-Latin.ttf", "B": "DejaVuSans-Bold-Latin.ttf"}


# --- data ---------------------------------------------------------------------------------------


def _load(db: Tx, today: date, account_id: int, ref: object) -> dict[str, Any]:
    """INV-3 and AUTH-6: one of this account's invoices issued in the last 5 years, else NotFound."""
    row = invoices.own_invoice_row(db, account_id, ref, today)
    invoice = read_models.invoice_from_row(db, row, details=True)
    contract_row = db.one("SELECT * FROM contracts WHERE id = ?", (row["contract_id"],))
    customer = db.one("SELECT * FROM customers WHERE id = ?", (contract_row["customer_id"],))
    return {
        "invoice": invoice,
        "contract": read_models.contract_from_row(contract_row),
        "customer": customer,
    }


# --- French number formatting ------------------------------------------------------------------


def _decimal(value: float, max_decimals: int, min_decimals: int = 0) -> str:
    """``1234.5`` → ``1 234,5`` (no-break thousands separator, trailing zeros trimmed)."""
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{max_decimals}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(min_decimals, "0")
    out = group_thousands(int(whole))
    return f"{sign}{out},{frac}" if frac else f"{sign}{out}"


def _unit_price(micro: int, unit: str) -> str:
    return f"{_decimal(micro / 1_000_000, 6, 2)}{NBSP}€/{unit}"


def _quantity(quantity: float, unit: str) -> str:
    return f"{_decimal(quantity, 4)}{NBSP}{unit}"


# --- rendering -----------------------------------------------------------------------------------


# What an invoice may print, i.e. what the bundled fonts cover (``fonts/README.md``, ``--unicodes``).
GLYPH_RANGES = (
    (0x0020, 0x024F),  # Basic Latin … Latin Extended-B (é, œ, ß, ł, ș…)
    (0x0300, 0x036F),  # combining accents
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # general punctuation (– — ’ … • no-break spaces)
    (0x20A0, 0x20CF),  # currency symbols (€)
    (0x2100, 0x214F),  # letter-like symbols (№, ℃)
)


def _add_fonts(pdf: Any) -> None:
    """Register the bundled DejaVu Sans subsets (regular and bold) with this document."""
    for style, filename in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, FONT_DIR / filename)


def render(data: dict[str, Any], *, core_font: str | None = None) -> bytes:
    """The PDF bytes of one invoice (INV-4).

    ``core_font`` (e.g. ``"Helvetica"``) draws the same page with a PDF core font in the
    Windows-1252 encoding instead of DejaVu Sans: only the benchmark uses it, as its baseline.
    """
    invoice: Invoice = data["invoice"]
    contract: Contract = data["contract"]
    page = _Page.start(invoice, core_font)
    _header(page, invoice)
    _customer_block(page, data["customer"])
    _contract_block(page, invoice, contract)
    _lines_table(page, invoice)
    _totals(page, invoice, contract.payment_mode)
    _readings_table(page, invoice, contract.meter.unit)
    _footer(page)
    return bytes(page.pdf.output())


class _Page:
    """The document being drawn, its font family and text width, with the two ways every block
    writes: a bold section heading and a plain line."""

    def __init__(self, pdf: Any, family: str) -> None:
        from fpdf.enums import XPos, YPos

        self.pdf = pdf
        self.family = family
        self.width = pdf.epw
        self.nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    @classmethod
    def start(cls, invoice: Invoice, core_font: str | None) -> _Page:
        """A new A4 document for ``invoice`` with its metadata, fonts and first page."""
        from fpdf import FPDF

        pdf = FPDF(format="A4", unit="mm")
        pdf.set_title(f"Facture {invoice.ref}")
        pdf.set_author(GEG_NAME)
        pdf.set_creation_date(_creation_moment(invoice.issue_date))
        family = core_font or FONT_FAMILY
        if core_font:
            pdf.core_fonts_encoding = "windows-1252"
        else:
            _add_fonts(pdf)
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        return cls(pdf, family)

    def heading(self, text: str, size: float = 11) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(self.family, "B", size)
        self.pdf.cell(self.width, 7, text, **self.nl)
        self.pdf.set_font(self.family, "", 9.5)

    def line(self, text: str, h: float = 5) -> None:
        self.pdf.cell(self.width, h, text, **self.nl)


def _header(page: _Page, invoice: Invoice) -> None:
    """The supplier and the invoice's identity: number, dates, status."""
    pdf, family, width, nl, line = page.pdf, page.family, page.width, page.nl, page.line
    pdf.set_font(family, "B", 16)
    pdf.cell(width, 9, GEG_NAME, **nl)
    pdf.set_font(family, "", 9)
    line(f"{GEG_ADDRESS} – {GEG_WEBSITE}")
    pdf.ln(3)
    pdf.set_font(family, "B", 13)
    pdf.cell(width, 8, f"{french_label(invoice.kind)} n° {invoice.ref}", **nl)
    pdf.set_font(family, "", 9.5)
    line(f"Date d'émission : {format_date(invoice.issue_date)}")
    line(
        f"Période facturée : du {format_date(invoice.period_start)} "
        f"au {format_date(invoice.period_end)}"
    )
    if invoice.refund_date is not None:  # a credit has no date to pay by
        line(f"Date de remboursement : {format_date(invoice.refund_date)}")
    else:
        line(f"Date d'échéance : {format_date(invoice.due_date)}")
    line(f"Statut : {french_label(invoice.status)}")


def _customer_block(page: _Page, customer: Any) -> None:
    """The customer (a ``customers`` row): name, number, postal address."""
    line = page.line
    page.heading("Votre compte client")
    line(f"{customer['civility']} {customer['first_name']} {customer['last_name']}")
    line(f"N° client : {customer['number']}")
    line(customer["street"])
    line(f"{customer['postcode']} {customer['city']}")


def _contract_block(page: _Page, invoice: Invoice, contract: Contract) -> None:
    """The contract billed, its meter and how it is paid (with the debit date, if any)."""
    line = page.line
    page.heading("Votre contrat")
    tariff: Tariff = contract.tariff
    power = f" – {contract.power_kva}{NBSP}kVA" if contract.power_kva else ""
    line(f"Contrat n° {contract.ref} – {french_label(contract.energy)}")
    line(f"Offre : {french_label(tariff)}{power}")
    line(f"Point de livraison : {contract.delivery_point}")
    line(f"Adresse de livraison : {contract.address.one_line}")
    line(f"Compteur n° {contract.meter.number}")
    mode: PaymentMode = contract.payment_mode
    line(f"Mode de règlement : {french_label(mode)}")
    if invoice.debit_date is not None:
        line(f"Prélèvement le {format_date(invoice.debit_date)} : {format_money(invoice.balance)}")


def _lines_table(page: _Page, invoice: Invoice) -> None:
    """The invoice's lines: label, quantity, unit price and amount before tax."""
    pdf, family = page.pdf, page.family
    page.heading("Détail de la facture")
    pdf.set_font(family, "", 8.5)
    with pdf.table(
        col_widths=(92, 30, 38, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        first_row_as_headings=True,
        headings_style=_bold_style(family),
    ) as table:
        table.row(("Libellé", "Quantité", "Prix unitaire HT", "Montant HT"))
        for item in invoice.lines:
            table.row(
                (
                    item.label,
                    _quantity(item.quantity, item.unit),
                    _unit_price(item.unit_price_micro, item.unit),
                    format_money(item.amount),
                )
            )


def _totals(page: _Page, invoice: Invoice, mode: PaymentMode) -> None:
    """The consumption, then what was already paid and the balance (DEBIT-4), and how the
    balance is settled."""
    pdf, family, width, nl = page.pdf, page.family, page.width, page.nl
    pdf.ln(2)
    vat_rate = next((item.vat_rate_pct for item in invoice.lines if item.vat_rate_pct), 20.0)
    totals = [
        ("Total HT", format_money(invoice.amount_excl_tax)),
        (f"TVA ({_decimal(vat_rate, 1)}{NBSP}%)", format_money(invoice.vat)),
        ("Total TTC", format_money(invoice.total)),
    ]
    if invoice.already_paid:
        totals.append(
            (
                f"Déjà réglé : {instalments_paid_label(invoice.instalments_paid)}",
                format_money(-invoice.already_paid),
            )
        )
        totals.append((balance_label(invoice.balance), format_money(abs(invoice.balance))))
    for number, (label, amount) in enumerate(totals, start=1):
        pdf.set_font(family, "B" if number == len(totals) else "", 10)
        pdf.cell(width - 40, 6, label, align="R")
        pdf.cell(40, 6, amount, align="R", **nl)
    pdf.set_font(family, "", 9.5)
    page.line(_settlement_sentence(invoice, mode))


def _readings_table(page: _Page, invoice: Invoice, unit: str) -> None:
    """The readings the invoice used, per register (or a sentence when there is none)."""
    pdf, family = page.pdf, page.family
    page.heading("Relevés utilisés")
    if invoice.readings:
        pdf.set_font(family, "", 8.5)
        with pdf.table(
            col_widths=(34, 40, 40, 40, 36),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            line_height=5,
            first_row_as_headings=True,
            headings_style=_bold_style(family),
        ) as table:
            table.row(("Registre", "Ancien relevé", "Nouveau relevé", "Consommation", "Type"))
            for reading in invoice.readings:
                table.row(
                    (
                        french_label(reading.register),
                        f"{format_date(reading.previous_date)} : "
                        f"{group_thousands(reading.previous_index)}",
                        f"{format_date(reading.current_date)} : "
                        f"{group_thousands(reading.current_index)}",
                        f"{group_thousands(reading.current_index - reading.previous_index)}"
                        f"{NBSP}{unit}",
                        french_label(reading.kind),
                    )
                )
    else:
        page.line("Aucun relevé pour cette facture.")


def _footer(page: _Page) -> None:
    """Where to call, and for how long the invoice stays available (INV-3)."""
    pdf = page.pdf
    pdf.ln(4)
    pdf.set_font(page.family, "", 8)
    pdf.multi_cell(
        page.width,
        4,
        f"Service client GEG : {SUPPORT.phone}, {SUPPORT.hours}. "
        "Cette facture reste disponible dans votre espace client pendant 5 ans.",
    )


def _settlement_sentence(invoice: Invoice, mode: PaymentMode) -> str:
    """How the balance is settled: debited, paid, to pay by a date, refunded, or nothing to do."""
    if invoice.refund_date is not None:
        done = invoice.status is InvoiceStatus.REFUNDED
        return refund_sentence(-invoice.balance, invoice.refund_date, done=done)
    if invoice.balance == 0:
        return "Rien à payer : vos mensualités couvrent cette facture."
    if invoice.debit_date is not None:
        done = "Prélevé" if invoice.status is InvoiceStatus.DEBITED else "Sera prélevé"
        return (
            f"{done} sur votre compte le {format_date(invoice.debit_date)} – {french_label(mode)}"
        )
    if invoice.status is InvoiceStatus.PAID:  # a copy downloaded later must not ask for it again
        return f"Payée : rien à régler (échéance du {format_date(invoice.due_date)})."
    return f"À régler avant le {format_date(invoice.due_date)} – {french_label(mode)}"


def _bold_style(family: str) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD")


def _creation_moment(day: date):
    """A fixed creation date (the issue date): the same invoice always gives the same bytes."""
    from datetime import datetime

    from geg_tui.formatting import PARIS

    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=PARIS)


def invoice_pdf(db: Tx, today: date, account_id: int, ref: object) -> bytes:
    """INV-3/INV-4: the PDF of one of this account's invoices issued in the last 5 years."""
    return render(_load(db, today, account_id, ref))

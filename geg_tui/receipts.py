"""A payment receipt the customer keeps (« Mes paiements »): as plain text or as a PDF.

The receipt says what the customer's own records need: the date, the invoice (or the monthly
instalment), the amount, the means — card brand and last 4 digits, or the mandate's IBAN
masked (BANK-4) — the status and the transaction reference. Nothing more is known of a card
(PAY-3), so nothing more can leak: no full card number or IBAN is ever written.

It is written in the reader's language (``geg_tui.i18n``), as the screen that saves it. The
PDF is drawn with fpdf2 and the DejaVu Sans subset bundled with the invoice PDFs (core PDF
fonts cannot print « 1 234,56 € » nor « • »); the font is read as a file, the fake backend is
not imported. Files go where invoice PDFs go (``downloads.save_new``: never over a file). No
Textual here.
"""

from __future__ import annotations

from pathlib import Path

from geg_tui.api.models import Payment, PaymentMeans
from geg_tui.downloads import save_new
from geg_tui.formats import format_datetime, format_money
from geg_tui.i18n import _
from geg_tui.labels import label_of

FONT_DIR = Path(__file__).resolve().parent / "fake_backend" / "fonts"
FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans-Latin.ttf", "B": "DejaVuSans-Bold-Latin.ttf"}
GEG_NAME = "GEG – Gaz Électricité de Grenoble"


def means_text(payment: Payment) -> str:
    """« Visa •••• 4242 », or « Prélèvement FR76 •••• … 0189 » (never a full number)."""
    if payment.means is PaymentMeans.CARD:
        brand = label_of(payment.brand) if payment.brand is not None else ""
        return _("{brand} •••• {last4}").format(brand=brand, last4=payment.last4 or "")
    if payment.iban_masked:
        return _("Prélèvement {iban}").format(iban=payment.iban_masked)
    return label_of(payment.means)


def short_means(payment: Payment) -> str:
    """The means in a table cell: « Visa …4242 », « FR76…0189 » (the masked IBAN's country,
    check digits and last 4 only, BANK-4)."""
    if payment.means is PaymentMeans.CARD:
        brand = label_of(payment.brand) if payment.brand is not None else ""
        return _("{brand} …{last4}").format(brand=brand, last4=payment.last4 or "")
    if payment.iban_masked:
        parts = payment.iban_masked.split()
        return f"{parts[0]}…{parts[-1]}"
    return label_of(payment.means)


def short_subject(payment: Payment) -> str:
    """What was paid in a table cell: the invoice number, or « Mensualité »."""
    return payment.invoice_ref or _("Mensualité")


def subject_text(payment: Payment) -> str:
    """What was paid: the invoice, or a monthly instalment of a contract."""
    if payment.invoice_ref:
        return _("Facture n° {ref}").format(ref=payment.invoice_ref)
    return _("Mensualité, contrat {ref}").format(ref=payment.contract_ref or "—")


def receipt_lines(payment: Payment) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order a receipt reads."""
    return [
        (_("Date"), format_datetime(payment.paid_at)),
        (_("Objet"), subject_text(payment)),
        (_("Montant"), format_money(payment.amount)),
        (_("Moyen de paiement"), means_text(payment)),
        (_("Statut"), label_of(payment.status)),
        (_("Référence de la transaction"), payment.transaction_ref),
    ]


def receipt_title(payment: Payment) -> str:
    if payment.means is PaymentMeans.CARD:
        return _("Reçu de paiement par carte")
    return _("Avis de prélèvement")


def receipt_text(payment: Payment) -> str:
    """The receipt as plain text (UTF-8 when saved)."""
    lines = [GEG_NAME, receipt_title(payment), ""]
    width = max(len(label) for label, _value in receipt_lines(payment))
    lines += [f"{label.ljust(width)} : {value}" for label, value in receipt_lines(payment)]
    lines += ["", _("Conservez ce document comme justificatif de paiement.")]
    return "\n".join(lines) + "\n"


def receipt_pdf(payment: Payment) -> bytes:
    """The receipt as a one-page A4 PDF; the same payment always gives the same bytes."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(receipt_title(payment))
    pdf.set_author(GEG_NAME)
    pdf.set_creation_date(payment.paid_at)  # not the time of saving: reproducible bytes
    for style, filename in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, FONT_DIR / filename)
    pdf.add_page()
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.cell(0, 8, GEG_NAME, **nl)
    pdf.set_font(FONT_FAMILY, "B", 12)
    pdf.cell(0, 10, receipt_title(payment), **nl)
    pdf.ln(2)
    for label, value in receipt_lines(payment):
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.cell(60, 7, label)
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.cell(0, 7, value, **nl)
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.cell(0, 6, _("Conservez ce document comme justificatif de paiement."), **nl)
    return bytes(pdf.output())


def receipt_name(payment: Payment, suffix: str) -> str:
    """``recu-<reference>.pdf`` / ``.txt``: the reference is letters, digits and dashes."""
    safe = "".join(ch for ch in payment.transaction_ref if ch.isalnum() or ch == "-")
    return f"recu-{safe}.{suffix}"


def save_receipt(folder: Path, payment: Payment, *, pdf: bool) -> Path:
    """Write the receipt (PDF or text) under a new name in ``folder``; returns where it went."""
    if pdf:
        return save_new(folder, receipt_name(payment, "pdf"), receipt_pdf(payment))
    return save_new(folder, receipt_name(payment, "txt"), receipt_text(payment).encode("utf-8"))

"""The account screens in English (issue 12, items 4 and 5): home, the invoice list and its
filters, an invoice's detail, the payment form and its errors, the meter entry, the month view
of consumption (chart and table) and the CSV export, read as a person reads them — the text on
the screen at 80×24 — with English words, amounts (``€1,234.56``) and dates (``27 Nov 2026``).
The French screens are the snapshots' and the other tests' (unchanged)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Select

from geg_tui.api.models import InvoiceStatus
from geg_tui.screens import invoice_detail
from geg_tui.screens.consumption import ConsumptionScreen, ExportDialog, csv_rows
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.invoice_detail import InvoiceDetailScreen
from geg_tui.screens.invoices import InvoicesScreen
from geg_tui.screens.meter import MeterScreen
from geg_tui.screens.payment import PaymentScreen
from tests.tui.english_text import french_left, screen_text
from tests.tui.pilot_helpers import on_home, open_area, settle
from tests.tui.test_invoices_payment import open_invoices, select_row, type_card

pytestmark = pytest.mark.usefixtures("english")

OVERDUE_GAS = "968320100013"  # the demo's overdue gas invoice (€145.00)
CREDIT_ELEC = "523216467517"  # the 2025 settlement: €19.54 in Claire's favour, refunded
SIZE = (80, 24)


def assert_english(text: str) -> None:
    left = french_left(text)
    assert not left, "French left on an English screen:\n" + "\n".join(left) + f"\n{text}"


@pytest.fixture(autouse=True)
def fixed_download_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the detail screen shows is fixed (not the tester's own)."""
    folder = Path("/tmp/geg-tests/Downloads")
    monkeypatch.setattr(invoice_detail, "downloads_folder", lambda: folder)
    return folder


async def test_home_in_english(make_home_app: Any, demo_credentials: dict[str, str]) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_home(pilot, demo_credentials)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(pilot)
        assert_english(text)
        for words in (
            "Hello Ms Claire Martin — customer no.",
            "1 My invoices",
            "Total to pay",
            "€145.00",
            "Next direct debit",
            "€56.07 on 8 Dec 2026",
            "Electricity — contract 5092891721",
            "9 kVA · Linky meter",
            "Monthly direct debit on day 10 of the month · e-invoice",
            "Payment on receipt of invoice",
        ):
            assert words in text, words
        readings = str(app.screen.query_one("#readings").render())
        assert "Latest meter readings" in readings
        assert "Electricity: Peak hours 41,293 kWh" in readings
        assert "(actual reading, 23 Nov 2026)" in readings
        # The keys 1…9 of the menu have their words in English too (F1 lists them).
        descriptions = {b.id: str(b.description) for b in HomeScreen.BINDINGS}
        assert descriptions["home-area-3"] == "Open menu item 3"


async def test_invoice_list_and_filters_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "factures")
        assert isinstance(screen, InvoicesScreen)
        text = screen_text(pilot)
        assert_english(text)
        lines = text.splitlines()
        header = next(line for line in lines if "Reference" in line)
        assert header.split()[:6] == ["Date", "Reference", "Amount", "Due", "date", "Status"]
        assert "Total left to pay: €145.00" in text
        assert "35 invoices — Enter: open · P: pay" in text
        # The newest row whole at 80 columns: dates in English, the status not cut.
        newest = next(line for line in lines if "275928246893" in line)
        assert " ".join(newest.split()).startswith(
            "24 Nov 2026 275928246893 €56.07 8 Dec 2026 Debit scheduled "
        )
        assert "11 Sep 2026" in text  # the widest English date is not cut either
        assert "-€19.54" in text and "Refunded" in text
        filters = [
            str(screen.query_one(f"#filter-{name}", Select).selection or "")
            for name in ("contract", "year", "status")
        ]
        assert filters == ["tous", "tous", "tous"]
        options = [str(label) for label, _v in screen.query_one("#filter-status", Select)._options]
        assert options[:3] == ["All statuses", "To pay", "Paid"]
        screen.query_one("#filter-status", Select).value = InvoiceStatus.OVERDUE.value
        await settle(pilot)
        text = screen_text(pilot)
        assert "All contracts" in text and "All years" in text and "Overdue" in text
        assert "1 invoice — Enter: open · P: pay" in text
        assert [str(k.value) for k in screen.query_one(DataTable).rows] == [OVERDUE_GAS]
        # Period and energy, the columns to the right of 80: in English too.
        row = screen.query_one(DataTable).get_row(OVERDUE_GAS)
        assert [str(c) for c in row[5:]] == ["Gas", "Aug–Oct 26"]


async def test_invoice_detail_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(100, 70)) as pilot:
        await open_area(pilot, demo_credentials, "factures")
        app.push_screen(InvoiceDetailScreen("275928246893"))
        await settle(pilot)
        text = screen_text(pilot)
        for words in (
            "Invoice no. 275928246893",
            "Direct debit scheduled on 8 Dec 2026",
            "Annual settlement invoice — Electricity, contract 5092891721",
            "Issued on 24 Nov 2026 · period 24 Nov 2025 to 23 Nov 2026",
            "Left to pay: €56.07 · due on 8 Dec 2026",
            "Payment method: Monthly direct debit",
            "Amount excl. VAT",
            "× €14.17 · VAT 20%",
            "1,069.993 kWh × €0.13556",
            "Total incl. VAT",
            "€1,464.07",
            "Already paid: 11 monthly debits",
            "-€1,408.00",
            "Meter readings used",
            "Previous reading",
            "Save the PDF in",
        ):
            assert words in text, words
        app.push_screen(InvoiceDetailScreen(CREDIT_ELEC))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Balance in your favour: €19.54 — refunded to your account on 8 Dec 2025" in text
        assert "Refunded" in text


async def test_payment_form_and_its_errors_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("p")
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        text = screen_text(pilot)
        assert_english(text)
        for words in (
            "Pay an invoice by card",
            "Invoice no. 968320100013 — Natural gas — €145.00",
            "Card number",
            "Expiry (MM/YY)",
            "Security code",
            "Cardholder",
            "Pay €145.00",
            "Cancel",
        ):
            assert words in text, words
        await type_card(pilot, "4242424242424241", expiry="0120", code="12", holder="")
        await pilot.press("f9")
        await settle(pilot)
        assert pay.sent == 0
        flat = " ".join(screen_text(pilot).split())
        for words in (
            "Invalid card number: check the digits you typed.",
            "This card has expired.",
            "The security code has 3 digits (on the back of the card).",
            "Cardholder is required.",
            "Please correct the highlighted fields. Nothing has been sent.",
        ):
            assert words in flat, words


async def test_meter_entry_in_english(make_home_app: Any, demo_credentials: dict[str, str]) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        assert isinstance(screen, MeterScreen)
        assert screen.title == "Meter reading"
        status = str(screen.query_one("#status").render())
        assert "Natural gas — meter no." in status
        assert "Last reading: Gas 24,843\u00a0m³ on 27 Oct 2026 (estimate)" in status
        assert "Reading period: 18 Dec 2026 to 27 Dec 2026 (before your next invoice)" in status
        label = str(screen.query_one("#field-gaz Label").render())
        assert label == "Gas reading (m³) — last: 24,843\u00a0m³"
        assert screen.query_one("#field-gaz Input").placeholder == "5 digits at most"
        history = screen.query_one("#history", DataTable)
        assert [str(c.label) for c in history.columns.values()] == ["Date", "Gas (m³)", "Type"]
        assert [str(c) for c in history.get_row_at(0)] == ["27 Oct 2026", "24,843", "Estimate"]
        assert_english(screen_text(pilot))
        screen.query_one("#field-gaz Input").value = "26000"  # three times the usual: a warning
        await pilot.click("#submit")
        await settle(pilot)
        assert "Confirm this reading" in screen_text(pilot)
        await pilot.click("#confirm")
        await settle(pilot)
        saved = " ".join(str(screen.query_one("#form-error").render()).split())
        assert "Reading of 27 Nov 2026 saved: 26,000" in saved
        assert [str(c) for c in history.get_row_at(0)] == [
            "27 Nov 2026",
            "26,000",
            "Customer reading",
        ]


async def test_consumption_month_chart_table_and_export_in_english(
    make_home_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        assert isinstance(screen, ConsumptionScreen)
        assert screen.title == "My consumption"
        text = screen_text(pilot)
        assert_english(text)
        assert "By month" in text and "From" in text and "Compare with the year before" in text
        # Dates are typed DD/MM/YYYY in both languages.
        assert screen.query_one("#field-start Input").value == "01/12/2025"
        assert screen.query_one("#field-start Input").placeholder == "DD/MM/YYYY"
        assert "1 Dec 2025 to 26 Nov 2026: 6,453 kWh · €1,220.69" in text
        assert "Peak hours" in text and "Off-peak hours" in text and "· in kWh" in text
        chart = screen.query_one("#chart").data
        assert chart.labels[0] == "Dec 25" and chart.labels[-1] == "Nov 26"
        assert "Dec 25" in text  # the x axis
        await pilot.press("t")
        await pilot.pause()
        table = screen.query_one("#table", DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers == [
            "Period",
            "Peak hours (kWh)",
            "Off-peak hours (kWh)",
            "Total (kWh)",
            "Cost incl. VAT",
        ]
        first = [str(c) for c in table.get_row_at(0)]
        assert first[0] == "Dec 2025" and first[-1] == "€131.32"
        await pilot.press("c")
        await settle(pilot)
        flat = " ".join(screen_text(pilot).split())
        assert "— a year earlier: 6,375 kWh (+1.2%)" in flat
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert "Comma separator, decimal point" in " ".join(screen_text(pilot).split())
        dialog.query_one("#field-folder Input").value = str(tmp_path)
        await pilot.click("#export-ok")
        await pilot.pause()
        path = screen.last_export
        assert path is not None
        assert f"Exported to {path}" in str(screen.query_one("#form-error").render())
        series = screen.series
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))  # an English spreadsheet's defaults: comma, point
    assert rows == csv_rows(series)
    header, first_row = rows[0], rows[1]
    assert header == [
        "Period",
        "Start",
        "End",
        "Peak hours (kWh)",
        "Off-peak hours (kWh)",
        "Total (kWh)",
        "Cost incl. VAT (€)",
        "Start previous year",
        "End previous year",
        "Total previous year (kWh)",
        "Cost incl. VAT previous year (€)",
        "Change kWh (%)",
    ]
    assert first_row[:3] == ["Dec 2025", "2025-12-01", "2025-12-31"]
    assert first_row[6] == "131.32"
    assert round(float(first_row[5]) * 1000) == series.totals_wh[0]
    assert float(first_row[11]) == pytest.approx(
        (series.totals_wh[0] - series.previous.totals_wh[0]) * 100 / series.previous.totals_wh[0],
        abs=0.05,
    )


def test_french_csv_keeps_its_semicolons(tmp_path: Path) -> None:
    """The English file is another format; the French one is what it always was."""
    from geg_tui import i18n
    from geg_tui.screens.consumption import csv_delimiter

    assert csv_delimiter() == ","
    i18n.set_language("fr")
    assert csv_delimiter() == ";"


async def test_payment_receipt_in_english(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, "275928246893")
        await pilot.press("p")  # a scheduled debit: nothing to pay, and why
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said == ["This invoice will be paid by direct debit on 8 Dec 2026: nothing to pay."]
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("p")
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        await type_card(pilot, "4242424242424242")
        await pilot.press("f9")
        await settle(pilot)
        assert pay.payment is not None
        receipt = str(pay.query_one("#receipt-text").render())
        for words in (
            "Invoice no. 968320100013: Paid",
            "Amount charged: €145.00",
            "Card: Visa ending in 4242 (exp. 12/30)",
            "On 27 Nov 2026 at ",
            "Transaction reference: ",
            "A receipt has been sent to you by e-mail.",
        ):
            assert words in receipt, words
        assert "Payment accepted — receipt" in screen_text(pilot)

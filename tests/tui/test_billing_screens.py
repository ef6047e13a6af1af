"""« Paiement et échéancier » (DEBIT-1…5, EINV-1/2) and « Mes paiements » (PAY-3, DEBIT-4) as a
customer uses them (Pilot), a receipt saved and read back, and one snapshot per screen and
language (the English one with an error).

The demo account (Claire Martin): electricity on Tarif Bleu HP/HC (regulated), monthly direct
debit on the 10th, e-invoice; gas on GEG's market offer, paid on receipt, its latest invoice
overdue; a SEPA mandate on file. The clock is frozen on 27/11/2026 at 09:00 (Paris).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Select

from geg_tui.api.models import PaymentMeans, PaymentMode
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.widgets.fields import Field, SelectField
from tests.payment_helpers import card
from tests.test_invoice_pdf import flat, pdf_text
from tests.tui.pilot_helpers import open_area, settle

ELEC, GAS = "5092891721", "9600821651"
OVERDUE_GAS = "968320100013"
SIZE = (80, 24)


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render()).replace("\xa0", " ")


def rows(screen: Any) -> list[list[str]]:
    table = screen.query_one("#schedule", DataTable)
    return [
        [str(cell).replace("\xa0", " ") for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def choose(pilot: Pilot, selector: str, value: object) -> None:
    pilot.app.screen.query_one(selector, Select).value = value
    await settle(pilot)


async def set_mode(pilot: Pilot, mode: PaymentMode, day: int | None = None) -> None:
    """Choose the mode (and day) in the form, then « Enregistrer le mode » (Ctrl+S)."""
    await choose(pilot, "#mode", mode.value)
    if day is not None:
        await choose(pilot, "#debit_day", day)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def contract(backend: FakeBackend, token: str, ref: str) -> Any:
    return next(c for c in (await backend.account(token)).contracts if c.ref == ref)


async def test_debit_2_quarterly_refused_on_market_offer_accepted_on_regulated_then_debit_4_schedule_changes_and_einv_1_toggled(
    make_home_app: Any, demo_credentials: dict[str, str], backend: FakeBackend, demo_session: Any
) -> None:
    from geg_tui.screens.payment_mode import PaymentModeScreen

    token = demo_session.token
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "paiement")
        assert isinstance(screen, PaymentModeScreen)
        # Electricity first: its mode, its schedule (DEBIT-4: 11 instalments + the settlement).
        assert "Prélèvement mensuel (mensualisation), le 10 du mois" in text_of(screen, "#current")
        before = rows(screen)
        assert len(before) == 12 and all(r[0].startswith("10/") for r in before[:11])
        assert before[-1][1] == "Facture de régularisation"
        assert {r[3] for r in before[:11]} <= {"✓ Prélevée", "À venir"}
        assert "Total des 11 mensualités" in text_of(screen, "#schedule-total")
        # issue 15: the settlement forecast of the cycle, below the schedule
        assert f"Régularisation du {before[-1][0]} : " in text_of(screen, "#forecast")

        # DEBIT-2 on the gas contract (a market offer): refused, the reason under the mode.
        await choose(pilot, "#contract", GAS)
        assert "Pas d'échéancier" in text_of(screen, "#schedule-note")
        assert not screen.query_one("#schedule").display
        assert not screen.query_one("#forecast").display  # nothing to forecast
        await set_mode(pilot, PaymentMode.QUARTERLY_DEBIT)
        field = screen.query_one("#field-mode", SelectField)
        assert "tarif réglementé" in text_of(field, ".field-error")
        assert "Choisissez la mensualisation" in text_of(screen, "#mode-error")
        assert field.value == PaymentMode.QUARTERLY_DEBIT.value  # the choice is kept
        assert (await contract(backend, token, GAS)).payment_mode is PaymentMode.ON_RECEIPT

        # On the regulated tariff, quarterly debit is accepted (DEBIT-2); then paid on receipt.
        await choose(pilot, "#contract", ELEC)
        assert field.value == PaymentMode.MONTHLY_DEBIT.value  # the form starts from its mode
        await set_mode(pilot, PaymentMode.QUARTERLY_DEBIT)
        assert "enregistré : Prélèvement trimestriel" in text_of(screen, "#mode-error")
        assert (await contract(backend, token, ELEC)).payment_mode is PaymentMode.QUARTERLY_DEBIT
        assert not screen.query_one("#field-debit_day").display  # no day but for monthly debit
        await set_mode(pilot, PaymentMode.ON_RECEIPT)
        assert "Paiement à réception" in text_of(screen, "#current")
        assert not screen.query_one("#schedule").display  # DEBIT-5: the instalments cancelled

        # Back to monthly debit on the 10th: a new schedule, from the next invoice (DEBIT-5).
        await set_mode(pilot, PaymentMode.MONTHLY_DEBIT, day=10)
        after = rows(screen)
        changed = await contract(backend, token, ELEC)
        assert changed.payment_mode is PaymentMode.MONTHLY_DEBIT and changed.debit_day == 10
        assert len(after) == 12 and after != before
        assert all(r[3] == "À venir" and r[0].startswith("10/") for r in after[:11])
        assert "le 10 du mois" in text_of(screen, "#current")

        # EINV-1: e-invoice off, then on again, and what it changes is said.
        box = screen.query_one("#e-invoice", Checkbox)
        assert box.value is True
        box.focus()  # scrolled into view, then toggled as a person does
        await pilot.press("space")
        await settle(pilot)
        assert (await contract(backend, token, ELEC)).e_invoice is False
        assert "Factures papier" in text_of(screen, "#einvoice-note")
        assert "désactivée" in text_of(screen, "#einvoice-error")
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert (await contract(backend, token, ELEC)).e_invoice is True
        assert "date et le montant" in text_of(screen, "#einvoice-note")


async def test_pay_3_payments_listed_with_debits_and_receipts_saved_and_read_back(
    make_home_app: Any,
    demo_credentials: dict[str, str],
    backend: FakeBackend,
    demo_session: Any,
    tmp_path: Path,
) -> None:
    from geg_tui.screens.payments import PaymentsScreen

    paid = await backend.pay_invoice(demo_session.token, card(OVERDUE_GAS))
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "paiements")
        assert isinstance(screen, PaymentsScreen)
        table = screen.query_one("#list", DataTable)
        first = [str(c).replace("\xa0", " ") for c in table.get_row_at(0)]
        assert first == [
            "27/11/2026", OVERDUE_GAS, "145,00 €", "Visa …4242", "Acceptée", paid.transaction_ref,
        ]  # fmt: skip
        debits = [p for p in screen.payments if p.means is PaymentMeans.DIRECT_DEBIT]
        assert debits and table.row_count == len(screen.payments)
        assert f"Facture n° {OVERDUE_GAS}" in text_of(screen, "#selected")  # said, not coloured
        debit_row = [str(c) for c in table.get_row_at(screen.payments.index(debits[0]))]
        assert debit_row[4] == "Prélevé" and debit_row[5].startswith("PRLV-")

        # Nothing saved into a folder that does not exist: said under the folder, kept as typed.
        folder = screen.query_one("#field-folder", Field)
        folder.value = str(tmp_path / "absent")
        await pilot.press("r")
        await settle(pilot)
        assert "n'existe pas" in text_of(folder, ".field-error")
        assert folder.value == str(tmp_path / "absent")

        folder.value = str(tmp_path)
        table.focus()
        await pilot.press("r")
        await settle(pilot)
        pdf = tmp_path / f"recu-{paid.transaction_ref}.pdf"
        assert pdf.exists() and str(pdf) in text_of(screen, "#receipt-error")
        text = flat(pdf_text(pdf.read_bytes()))
        for expected in (paid.transaction_ref, OVERDUE_GAS, "145,00 €", "Visa •••• 4242"):
            assert expected in text
        assert "4242 4242" not in text and "987" not in text  # PAY-3

        await pilot.press("x")
        await settle(pilot)
        receipt = (tmp_path / f"recu-{paid.transaction_ref}.txt").read_text("utf-8")
        assert paid.transaction_ref in receipt and "Acceptée" in receipt
        await pilot.press("x")  # never over a file
        await settle(pilot)
        assert (tmp_path / f"recu-{paid.transaction_ref} (2).txt").exists()

        # A debit's receipt: the mandate's IBAN masked, never in full.
        table.move_cursor(row=screen.payments.index(debits[0]))
        await settle(pilot)
        assert f"Facture n° {debits[0].invoice_ref}" in text_of(screen, "#selected")
        await pilot.press("x")
        await settle(pilot)
        saved = (tmp_path / f"recu-{debits[0].transaction_ref}.txt").read_text("utf-8")
        assert "Avis de prélèvement" in saved and "Prélevé" in saved
        assert debits[0].iban_masked is None or debits[0].iban_masked in saved


async def test_debit_4_instalments_taken_are_listed_with_the_mandate_of_their_day(
    backend: FakeBackend, demo_session: Any, demo_credentials: dict[str, str]
) -> None:
    """Backend only (no app): an instalment debited by the world is a payment without an
    invoice, with a stable reference; new bank details (BANK-3) mask the next debits' IBAN,
    the older debits keep the mandate of their day (BANK-4)."""
    token = demo_session.token
    before = await backend.list_payments(token)
    old_iban = next(p.iban_masked for p in before if p.iban_masked)
    await backend.set_bank_details(
        token, "FR76 3000 6000 0112 3456 7890 189", None, "Claire Martin",
        demo_credentials["password"],
    )  # fmt: skip
    schedule = await backend.debit_schedule(token, ELEC)
    first = schedule.instalments[0]
    backend.clock.advance(first.due_date - backend.clock.today() + timedelta(days=1))
    token = (await backend.login(demo_credentials["email"], demo_credentials["password"])).token
    listed = await backend.list_payments(token)
    instalment = listed[0]
    assert instalment.transaction_ref == f"PRLV-{ELEC}-{first.due_date:%Y%m%d}"
    assert instalment.invoice_ref is None and instalment.contract_ref == ELEC
    assert instalment.amount == first.amount and instalment.brand is None
    assert instalment.iban_masked == "FR76 •••• •••• •••• •••• •••• 0189"
    assert old_iban in [p.iban_masked for p in listed[1:]]  # the older debits' own mandate
    assert await backend.list_payments(token) == listed  # the same at every reading


# --- snapshots: one French, one English with an error, per screen ------------------------------


def test_snapshot_payment_mode(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "paiement")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_payment_mode_quarterly_refused_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "paiement")
        await choose(pilot, "#contract", GAS)
        await set_mode(pilot, PaymentMode.QUARTERLY_DEBIT)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_payments(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], monkeypatch: Any
) -> None:
    from geg_tui.screens import payments

    # The same folder shown on every machine (the real one is the user's downloads folder).
    monkeypatch.setattr(payments, "downloads_folder", lambda: Path("/home/claire/Téléchargements"))

    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "paiements")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_payments_folder_error_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        screen = await open_area(pilot, demo_credentials, "paiements")
        screen.query_one("#field-folder", Field).value = "/nonexistent/receipts"
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

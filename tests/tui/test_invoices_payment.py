"""Invoices and card payment as a person uses them (Pilot): the list and its filters (INV-3,
INV-5), the detail and its PDF (INV-3, INV-4), paying by card (PAY-1…PAY-5), and the snapshots
of the list, the detail and the payment form with errors at 80×24 and 120×40."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from geg_tui.api.errors import BackendUnavailable, OutcomeUnknown
from geg_tui.api.models import InvoiceStatus, Session
from geg_tui.fake_backend import admin
from geg_tui.screens import invoice_detail
from geg_tui.screens.home import HomeScreen
from geg_tui.screens.invoice_detail import InvoiceDetailScreen
from geg_tui.screens.invoices import InvoicesScreen
from geg_tui.screens.payment import PaymentScreen
from geg_tui.widgets.card import CardForm, check, detect_brand, masked
from geg_tui.widgets.fields import Field, FormError
from tests.payment_helpers import card, payments_count
from tests.tui.pilot_helpers import open_area, type_keys
from tests.tui.test_login_home import log_in, settle

OVERDUE_GAS = "968320100013"  # the demo's overdue gas invoice (145,00 €)
GAS_CONTRACT = "9600821651"
CREDIT_ELEC = "523216467517"  # the 2025 settlement: -19,54 € in Claire's favour, refunded
ELEC_CONTRACT = "5092891721"
VALID_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


@pytest.fixture(autouse=True)
def fixed_download_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The default folder shown by the detail screen is fixed (stable snapshots)."""
    folder = Path("/tmp/geg-tests/Téléchargements")
    monkeypatch.setattr(invoice_detail, "downloads_folder", lambda: folder)
    return folder


async def open_invoices(pilot: Pilot, credentials: dict[str, str]) -> InvoicesScreen:
    """From home, where the app starts logged in as ``credentials`` (``make_home_app``,
    ``app_on``: the login has its own tests), to the invoice list."""
    screen = await open_area(pilot, credentials, "factures")
    assert isinstance(screen, InvoicesScreen)
    return screen


async def select_row(pilot: Pilot, ref: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(ref), animate=False)
    await pilot.pause()


async def open_detail(pilot: Pilot, ref: str) -> InvoiceDetailScreen:
    """From the invoice list, the detail of the invoice ``ref`` (Entrée on its row)."""
    await select_row(pilot, ref)
    await pilot.press("enter")
    await settle(pilot)
    detail = pilot.app.screen
    assert isinstance(detail, InvoiceDetailScreen)
    return detail


def row_status(screen: InvoicesScreen, ref: str) -> str:
    table = screen.query_one(DataTable)
    return str(table.get_cell(ref, "status")).strip()


async def type_card(
    pilot: Pilot,
    number: str,
    expiry: str = "1230",
    code: str = "123",
    holder: str = "Claire Martin",
) -> None:
    """Types as a person would: digits one key at a time (the widget groups and masks them)."""
    screen = pilot.app.screen
    screen.query_one("#card_number").focus()
    await type_keys(pilot, number.replace(" ", ""))
    screen.query_one("#expiry").focus()
    await type_keys(pilot, expiry)
    screen.query_one("#security_code").focus()
    await type_keys(pilot, code)
    screen.query_one("#field-holder", Field).value = holder
    await pilot.pause()


def text_of(widget: Any) -> str:
    """What a Static shows, as plain text (rich tables included)."""
    from rich.console import Console

    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def banner_text(screen: Any) -> str:
    return str(screen.query_one(FormError).render())


def banner_flat(screen: Any) -> str:
    """The banner's text on one line (a phrase is found whatever the wrapping)."""
    return " ".join(banner_text(screen).split())


def field_error(screen: Any, name: str) -> str:
    return str(screen.query_one(f"#field-{name} .field-error").render())


def add_invoices(backend: Any, contract_ref: str, count: int) -> None:
    """The benchmark's stress customer: ``count`` more invoices inserted in the store."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_invoice_list.py"
    spec = importlib.util.spec_from_file_location("bench_invoice_list", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.add_invoices(backend, contract_ref, count)


# --- the list (INV-3, INV-5) -------------------------------------------------------------------


async def open_payment(pilot: Any, credentials: dict[str, str]) -> PaymentScreen:
    """Log in, open the overdue gas invoice's payment form (the path of every PAY-4 test)."""
    await open_invoices(pilot, credentials)
    await select_row(pilot, OVERDUE_GAS)
    await pilot.press("p")
    await settle(pilot)
    pay = pilot.app.screen
    assert isinstance(pay, PaymentScreen)
    return pay


async def test_inv_5_list_newest_first_with_total_to_pay(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        table = screen.query_one(DataTable)
        assert table.row_count == 35
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert first == "275928246893"  # the newest: the electricity settlement
        assert "145,00" in str(screen.query_one("#summary").render())
        assert row_status(screen, OVERDUE_GAS) == "En retard"


async def test_inv_5_filters_by_contract_year_and_status(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        table = screen.query_one(DataTable)
        screen.query_one("#filter-contract", Select).value = ELEC_CONTRACT
        await settle(pilot)
        refs = [screen._invoices[str(k.value)] for k in table.rows]
        assert refs and all(i.contract_ref == ELEC_CONTRACT for i in refs)
        screen.query_one("#filter-contract", Select).value = "tous"
        screen.query_one("#filter-year", Select).value = "2025"
        await settle(pilot)
        refs = [screen._invoices[str(k.value)] for k in table.rows]
        assert refs and all(i.issue_date.year == 2025 for i in refs)
        screen.query_one("#filter-year", Select).value = "tous"
        screen.query_one("#filter-status", Select).value = InvoiceStatus.OVERDUE.value
        await settle(pilot)
        assert [str(k.value) for k in table.rows] == [OVERDUE_GAS]


async def test_inv_3_nothing_older_than_five_years(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    with backend.store.transaction() as db:
        oldest = db.one(
            "SELECT i.ref, i.issue_date FROM invoices i JOIN contracts c ON c.id = i.contract_id "
            "WHERE c.ref = ? ORDER BY i.issue_date LIMIT 1",
            (GAS_CONTRACT,),
        )
    assert oldest["issue_date"] < "2021-11-27"  # the demo world has six years of history
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        assert oldest["ref"] not in screen._invoices
        assert all(i.issue_date.isoformat() >= "2021-11-27" for i in screen._invoices.values())
        years = [v for _label, v in screen.query_one("#filter-year", Select)._options]
        assert "2020" not in years and "2021" in years and "2026" in years


async def test_inv_5_rows_load_by_pages(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    add_invoices(backend, GAS_CONTRACT, 500)
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        table = screen.query_one(DataTable)
        first = table.row_count
        assert first < 100 and screen._total == 535
        assert "sur 535" in str(screen.query_one("#count").render())
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.row_count > first


# --- the detail and the PDF (INV-1, INV-3, INV-4) ----------------------------------------------


async def test_inv_1_detail_lines_totals_readings_and_mode(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        await select_row(pilot, "275928246893")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        facts = str(detail.query_one("#facts").render())
        assert "Prélèvement mensuel" in facts and "56,07" in facts
        assert "Heures pleines" in text_of(detail.query_one("#readings"))
        assert "Total TTC" in text_of(detail.query_one("#lines"))
        assert not detail.query_one("#pay").display  # a scheduled debit is not paid by card
        del screen


async def test_debit_4_a_settlement_in_the_customers_favour_reads_as_a_refund(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """The consumption, then the 11 instalments already paid, then « Solde en votre faveur »
    refunded on a date: never « Prélevée », never a date to pay by, nothing to pay by card."""
    app = make_home_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        assert row_status(screen, CREDIT_ELEC) == "Remboursée"
        assert str(screen.query_one(DataTable).get_cell(CREDIT_ELEC, "amount")) == "-19,54\u00a0€"
        await select_row(pilot, CREDIT_ELEC)
        await pilot.press("p")  # PAY-1: nothing to pay, and why
        await settle(pilot)
        assert any("solde en votre faveur" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, InvoicesScreen)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        badge = str(detail.query_one("#status").render())
        facts = str(detail.query_one("#facts").render())
        lines = " ".join(text_of(detail.query_one("#lines")).replace("\u00a0", " ").split())
        assert "Remboursée" in badge and "Prélev" not in badge
        assert "Solde en votre faveur : 19,54 € — remboursé sur votre compte le 08/12/2025" in (
            facts.replace("\u00a0", " ")
        )
        assert "échéance" not in facts and "Prélèvement le" not in facts
        for text in (
            "Total TTC",
            "Total TTC 1 399,46 € Déjà réglé : 11 mensualités prélevées -1 419,00 €",
            "Solde en votre faveur 19,54 €",
        ):
            assert text in lines
        assert "Mensualités prélevées" not in lines  # not a line before tax any more
        assert not detail.query_one("#pay").display


async def test_inv_3_inv_4_pdf_twice_gets_a_new_name_and_says_where(
    make_home_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        detail.query_one("#field-folder", Field).value = str(tmp_path)
        await pilot.press("t")
        await settle(pilot)
        first = tmp_path / f"facture-{OVERDUE_GAS}.pdf"
        assert first.read_bytes().startswith(b"%PDF")
        assert str(first) in banner_text(detail)
        await pilot.press("t")
        await settle(pilot)
        second = tmp_path / f"facture-{OVERDUE_GAS} (2).pdf"
        assert second.read_bytes().startswith(b"%PDF")
        assert str(second) in banner_text(detail)
        assert first.read_bytes().startswith(b"%PDF")  # the first one untouched
        assert {p.name for p in tmp_path.iterdir()} == {first.name, second.name}


async def test_pdf_into_a_missing_folder_is_refused_next_to_the_field(
    make_home_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        detail.query_one("#field-folder", Field).value = str(tmp_path / "nulle-part")
        await pilot.press("t")
        await settle(pilot)
        assert "n'existe pas" in field_error(detail, "folder")
        assert not (tmp_path / "nulle-part").exists()


# --- paying (PAY-1…PAY-5) ----------------------------------------------------------------------


async def test_pay_1_2_3_pay_the_overdue_invoice_and_see_it_paid_everywhere(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("enter")  # the detail first, then « Payer » from there
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, InvoiceDetailScreen)
        assert detail.query_one("#pay").display
        await pilot.press("p")
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        await type_card(pilot, VALID_CARD)
        card_input = pay.query_one("#card_number")
        assert card_input.value == VALID_CARD  # grouped by 4
        assert str(card_input._value) == "•••• •••• •••• 4242"  # masked but the last 4
        assert "Visa" in str(pay.query_one("#brand").render())
        assert pay.query_one("#security_code").password
        await pilot.press("enter")
        await settle(pilot)
        assert pay.payment is not None
        receipt = str(pay.query_one("#receipt-text").render())
        assert pay.payment.transaction_ref in receipt
        assert "145,00" in receipt and "4242" in receipt and "Visa" in receipt
        assert "4242 4242" not in receipt  # SEC-3
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
        assert "Payée" in str(detail.query_one("#status").render())
        assert not detail.query_one("#pay").display
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert row_status(screen, OVERDUE_GAS) == "Payée"
        assert "0,00" in str(screen.query_one("#summary").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "0,00" in str(app.screen.query_one("#to-pay").render())
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_1_p_from_the_list_on_a_scheduled_debit_says_why_not(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        await select_row(pilot, "275928246893")
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen
        assert any("prélevée automatiquement" in str(n.message) for n in app._notifications)


async def test_pay_5_declined_card_shows_the_decline_and_the_invoice_stays_to_pay(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await pilot.press("p")
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        await type_card(pilot, DECLINED_CARD)
        await pilot.press("enter")
        await settle(pilot)
        assert pay.payment is None
        assert "refusé" in field_error(pay, "card_number")  # next to the card field
        assert pay.query_one("#field-holder", Field).value == "Claire Martin"  # kept
        assert app.focused is pay.query_one("#card_number")  # ready to be corrected
        await pilot.press("end", "backspace")
        assert not pay.query_one("#field-card_number").has_class("-invalid")
        assert pay.query_one("#card_number").value == "4000 0000 0000 000"
        await pilot.press("escape")
        await settle(pilot)
        assert row_status(screen, OVERDUE_GAS) == "En retard"
    assert payments_count(backend, OVERDUE_GAS) == 0


async def test_pay_4_retry_after_a_failure_charges_once_with_the_same_key(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str], demo_session: Session
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await open_payment(pilot, demo_credentials)
        await type_card(pilot, VALID_CARD)
        admin.set_fault(backend, "pay_invoice", 0, 1.0)
        await pilot.press("enter")
        await settle(pilot)
        assert pay.payment is None
        # PAY-4: a service that does not answer is no refusal: it never says nothing was charged
        assert "ne répond pas" in banner_flat(pay) and "réessayez" in banner_flat(pay)
        assert "aucun montant" not in banner_flat(pay).lower()
        assert pay.query_one("#card_number").value == VALID_CARD  # everything kept
        key = pay._attempt[1] if pay._attempt else None
        admin.clear_faults(backend)
        await pilot.press("enter")
        await settle(pilot)
        assert pay.payment is not None
        assert pay._attempt is not None and pay._attempt[1] == key  # the same attempt
        assert pay.sent == 2
    assert payments_count(backend, OVERDUE_GAS) == 1


class LosingBackend:
    """The fake backend behind a link that loses answers (PAY-4), as ``HttpBackend`` reports it.

    ``losing``: a payment reaches the backend (``reaches``: else it is still on its way, kept in
    ``in_flight`` to arrive later), then its answer is lost: ``OutcomeUnknown``; the link then
    goes down (``down``) unless ``down_after_loss`` is off. ``down``: reads fail as a server
    that does not answer. Everything else is the fake backend itself.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.losing = False
        self.reaches = True
        self.down_after_loss = True
        self.down = False
        self.checks = 0  # get_invoice calls while down
        self.payments = 0  # pay_invoice calls (the person's sends and the check's replays)
        self.in_flight: tuple[str, Any] | None = None  # a payment lost on its way

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def pay_invoice(self, token: str, payment: Any) -> Any:
        self.payments += 1
        if not self.losing:
            return await self.inner.pay_invoice(token, payment)
        if self.reaches:
            await self.inner.pay_invoice(token, payment)
        else:
            self.in_flight = (token, payment)
        if self.down_after_loss:
            self.down = True  # the link is gone for a while
        raise OutcomeUnknown()

    async def get_invoice(self, token: str, ref: str) -> Any:
        if self.down:
            self.checks += 1
            raise BackendUnavailable(code="serveur_injoignable")
        return await self.inner.get_invoice(token, ref)


def app_on(backend: Any, tmp_path: Path, session: Session) -> Any:
    """A GegApp on ``backend`` logged in with ``session``, on home (as ``make_home_app`` builds
    it on the plain fake backend)."""
    from geg_tui.app import GegApp
    from geg_tui.config import Settings

    return GegApp(
        lambda: backend,
        settings=Settings(tmp_path / "settings"),
        cursor_blink=False,
        owns_backend=False,
        defer_keyring_check=False,
        session=session,
    )


@pytest.fixture
def lossy_app(lossy: LosingBackend, tmp_path: Path, demo_session: Session) -> Any:
    """The app on the losing backend, logged in as the demo customer, on home (PAY-4 tests)."""
    return app_on(lossy, tmp_path, demo_session)


async def wait_for(pilot: Pilot, condition: Any) -> None:
    """Let the app run until ``condition()`` holds (at most 2 s), without waiting for workers:
    the invoice check goes on while the service is down."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the condition never held within 2 s")


@pytest.fixture
def lossy(backend: Any, monkeypatch: Any) -> LosingBackend:
    """PAY-4's test double over the test backend, with the screen's checks 20 ms apart."""
    monkeypatch.setattr(PaymentScreen, "CHECK_AFTER", (0.02,), raising=False)
    return LosingBackend(backend)


async def pay_with_lost_answer(
    pilot: Pilot, lossy: LosingBackend, credentials: dict[str, str], *, expiry: str = "1230"
) -> PaymentScreen:
    """Open the payment of the overdue gas invoice, type a card, send it: the answer is lost."""
    pay = await open_payment(pilot, credentials)
    await type_card(pilot, VALID_CARD, expiry=expiry)
    lossy.losing = True
    await pilot.press("enter")
    await wait_for(pilot, lambda: "ne savons pas" in banner_flat(pay))
    text = banner_flat(pay)
    assert "sans risque" in text and "jamais débité deux fois" in text
    assert "aucun montant" not in text.lower() and "n'a été débité" not in text
    assert pay.payment is None and pay.query_one("#card_number").value == VALID_CARD
    return pay


async def test_pay_4_answer_lost_says_unknown_then_shows_the_receipt_once_the_service_answers(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: the payment was charged but its answer lost: « outcome unknown », safe to send
    again; the invoice is checked until the service answers, then the receipt is shown."""
    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        assert payments_count(backend, OVERDUE_GAS) == 1  # it was charged, nobody knows yet
        await wait_for(pilot, lambda: lossy.checks >= 2)  # checked again and again while down
        assert pay.payment is None and "ne savons pas" in banner_flat(pay)
        lossy.down = lossy.losing = False
        await wait_for(pilot, lambda: pay.payment is not None)
        await settle(pilot)
        assert pay.has_class("-paid")
        receipt = str(pay.query_one("#receipt-text").render())
        assert pay.payment.transaction_ref in receipt and "145,00" in receipt
        assert pay.sent == 1  # the person sent it once: the check replayed it (same key)
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_payment_still_in_flight_is_never_said_unpaid_the_check_replays_it(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: the answer is lost while the request is still on its way (latency, a lock): when
    the service answers again the invoice is still unpaid, which says nothing of this payment.
    The check sends the same payment again (same key): charged once, its receipt shown; the
    late request then gets that same payment. « pas payée » is never said."""
    lossy.reaches = False
    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        key = pay._attempt[1] if pay._attempt else None
        assert payments_count(backend, OVERDUE_GAS) == 0 and lossy.in_flight is not None
        lossy.down = lossy.losing = False
        await wait_for(pilot, lambda: pay.payment is not None or "payée" in banner_flat(pay))
        assert "pas payée" not in banner_flat(pay) and "Renvoyez" not in banner_flat(pay)
        assert pay.payment is not None and pay.has_class("-paid")
        assert pay._attempt is not None and pay._attempt[1] == key and pay.sent == 1
        late = await backend.pay_invoice(*lossy.in_flight)  # the lost request arrives at last
        assert late.transaction_ref == pay.payment.transaction_ref
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_replays_lost_and_invoice_unpaid_says_still_unknown_and_keeps_checking(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: every answer to the payment is lost (the replays' too) and the invoice reads
    unpaid: the payment may still be in flight, so the screen says the outcome is still not
    known and goes on checking — never « pas payée ». Once an answer comes, the receipt."""
    lossy.reaches = False
    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        lossy.down_after_loss = lossy.down = False  # reads answer; payments' answers are lost
        before = lossy.payments
        await wait_for(pilot, lambda: lossy.payments >= before + 3)  # replayed again and again
        text = banner_flat(pay)
        assert "ne savons toujours pas" in text and "vérifier" in text
        assert "pas payée" not in text and "Renvoyez" not in text and "aucun" not in text.lower()
        assert pay.payment is None and payments_count(backend, OVERDUE_GAS) == 0
        lossy.losing = False
        await wait_for(pilot, lambda: pay.payment is not None)
        assert pay.sent == 1
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_invoice_paid_by_another_card_is_settled_not_our_receipt(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: while this payment's outcome is unknown (its answers lost), the invoice gets paid
    from another device with another card: the screen says the invoice is settled, and never
    shows that other payment as this one's receipt."""
    lossy.reaches = False
    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        other = await backend.login(demo_credentials["email"], demo_credentials["password"])
        await backend.pay_invoice(other.token, card(OVERDUE_GAS, "5555 5555 5555 4444"))
        lossy.down_after_loss = lossy.down = False  # reads answer; payments' answers are lost
        await wait_for(pilot, lambda: "réglée" in banner_flat(pay) or pay.payment is not None)
        assert pay.payment is None and not pay.has_class("-paid")
        assert "déjà réglée" in banner_flat(pay) and "4444" not in banner_flat(pay)
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_invoice_now_under_direct_debit_shows_the_servers_refusal(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: the answer was lost before the request was done, and meanwhile the invoice went
    under direct debit: the check's replay is refused by the server, whose own words are shown
    (not « Renvoyez le paiement », which the server would refuse), and the check stops."""
    lossy.reaches = False
    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        with backend.store.transaction() as db:
            db.execute(
                "UPDATE invoices SET status = ?, debit_date = ? WHERE ref = ?",
                (InvoiceStatus.DEBIT_SCHEDULED.value, "2026-12-05", OVERDUE_GAS),
            )
        lossy.down = lossy.losing = False
        await wait_for(pilot, lambda: "ne savons pas" not in banner_flat(pay))
        text = banner_flat(pay)
        assert "prélevée automatiquement le 05/12/2026" in text and "Renvoyez" not in text
        sent = lossy.payments
        await pilot.pause(0.2)
        assert lossy.payments == sent and pay.payment is None  # the answer is final
    assert payments_count(backend, OVERDUE_GAS) == 0


async def test_pay_4_session_expired_during_the_check_says_the_outcome_is_not_known(
    backend: Any,
    lossy: LosingBackend,
    demo_credentials: dict[str, str],
    lossy_app: Any,
) -> None:
    """PAY-4: the session ends while the outcome is being checked: the login screen says that
    the outcome of this invoice's payment is not known yet and where to look after logging in
    (not just « session expirée », the payment screen promising a check that no longer runs);
    logged in again, the check goes on and shows the receipt."""
    from geg_tui.screens.login import LoginScreen

    app = lossy_app
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials)
        await backend.logout(app.session.token)
        lossy.down = lossy.losing = False
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause()
        text = banner_flat(app.screen)
        assert OVERDUE_GAS in text and "Mes factures" in text and "ne savons pas" in text
        assert "vérifions" not in banner_flat(pay)
        await log_in(pilot, demo_credentials["email"], demo_credentials["password"])
        assert app.screen is pay
        await wait_for(pilot, lambda: pay.payment is not None)
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_over_http_every_answer_lost_shows_the_receipt_of_this_card(
    backend: Any,
    demo_credentials: dict[str, str],
    tmp_path: Path,
    monkeypatch: Any,
    demo_session: Session,
) -> None:
    """PAY-4 over HTTP with « drop after commit » left on: the payment is charged and every
    answer to it is lost, the check's replays' too; the invoice reads paid by this very card
    (brand, last 4 digits, expiry): its receipt, charged once."""
    from geg_tui.api.http import HttpBackend
    from tests.contract.conftest import inject_fault
    from tests.contract.test_http_outcome_unknown import Dropping

    monkeypatch.setattr(PaymentScreen, "CHECK_AFTER", (0.02,), raising=False)
    transport = Dropping(backend)
    client = HttpBackend("http://test", transport=transport, retries=0, backoff=0.0)
    app = app_on(client, tmp_path, demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await open_payment(pilot, demo_credentials)
        await type_card(pilot, VALID_CARD)
        inject_fault(backend, "pay_invoice", drop_after_commit=True)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pay.payment is not None)
        receipt = str(pay.query_one("#receipt-text").render())
        assert "Visa se terminant par 4242" in receipt and "145,00" in receipt
        assert pay.sent == 1
    await client.close()
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_send_again_after_the_card_expired_gets_the_first_payment(
    backend: Any, demo_credentials: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    """PAY-4: paid at 23:50 on the last day of the card's month, the answer lost; sent again
    after midnight, the request is the same one: neither the form nor the backend refuse the
    now expired card, and the first payment comes back."""
    from datetime import date, datetime

    from geg_tui.formatting import PARIS

    # the person sends it again, not the check
    monkeypatch.setattr(PaymentScreen, "CHECK_AFTER", (60.0,), raising=False)
    backend.clock.set(datetime(2026, 11, 30, 23, 50, tzinfo=PARIS))
    lossy = LosingBackend(backend)
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    app = app_on(lossy, tmp_path, session)  # logged in at 23:50, not before the clock moved
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await pay_with_lost_answer(pilot, lossy, demo_credentials, expiry="1126")
        assert payments_count(backend, OVERDUE_GAS) == 1
        backend.clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=PARIS))
        pay.read_backend_day()  # as if read after midnight: the card has expired for the form
        await wait_for(pilot, lambda: pay.backend_day == date(2026, 12, 1))
        lossy.losing = False  # the link is back for payments; reads still fail
        await pilot.press("enter")
        await wait_for(pilot, lambda: pay.payment is not None)
        await settle(pilot)
        assert pay.payment is not None and pay.payment.expiry == "11/26"
        assert pay.sent == 2
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_4_retry_card_then_same_key_succeeds_once(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    """The documented « needs a retry » test card (PAY-5) fails once, then succeeds once."""
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await open_payment(pilot, demo_credentials)
        await type_card(pilot, "4000 0000 0000 0119")
        await pilot.press("enter")
        await settle(pilot)
        assert pay.payment is None and "réessayez" in banner_text(pay)
        await pilot.press("f9")
        await settle(pilot)
        assert pay.payment is not None
    assert payments_count(backend, OVERDUE_GAS) == 1


async def test_pay_2_client_side_errors_per_field_and_nothing_sent(
    make_home_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pay = await open_payment(pilot, demo_credentials)
        await type_card(pilot, "4242 4242 4242 4241", expiry="0120", code="12", holder="")
        await pilot.press("f9")
        await settle(pilot)
        assert pay.sent == 0
        assert "invalide" in field_error(pay, "card_number")
        assert "expiré" in field_error(pay, "expiry")
        assert "3 chiffres" in field_error(pay, "security_code")
        assert "obligatoire" in field_error(pay, "holder")
        assert "rien n'a été envoyé" in banner_text(pay)
    assert payments_count(backend, OVERDUE_GAS) == 0


def test_pay_2_card_widget_brand_mask_and_checks() -> None:
    from datetime import date

    assert detect_brand("4242") is not None and detect_brand("4242").value == "visa"
    assert detect_brand("4970 10").value == "cb"
    assert detect_brand("37").value == "amex"
    assert detect_brand("2223").value == "mastercard"
    assert detect_brand("55").value == "mastercard"
    assert detect_brand("9") is None
    assert masked("4242 4242 42") == "•••• ••42 42"
    today = date(2026, 11, 27)
    ok = CardForm("3782 8224 6310 005", "11/26", "1234", "C. Martin")
    assert check(ok, today) == {}
    amex_short_code = CardForm("3782 8224 6310 005", "11/26", "123", "C. Martin")
    assert set(check(amex_short_code, today)) == {"security_code"}
    assert set(check(CardForm("4242", "13/30", "123", "X"), today)) == {"card_number", "expiry"}
    assert repr(ok) == "CardForm(****)"  # SEC-3


# --- snapshots (clock, data and download folder fixed; cursor blink off) ------------------------


async def pay_with_a_bad_card(pilot: Pilot, credentials: dict[str, str]) -> None:
    """The overdue gas invoice's payment form sent with every field wrong (snapshots in both
    languages)."""
    await open_invoices(pilot, credentials)
    await select_row(pilot, OVERDUE_GAS)
    await pilot.press("p")
    await settle(pilot)
    await type_card(pilot, "4242 4242 4242 4241", expiry="0120", code="12", holder="")
    await pilot.press("f9")
    await settle(pilot)


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_invoice_list(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, OVERDUE_GAS)
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_invoice_detail(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_invoices(pilot, demo_credentials)
        await select_row(pilot, "275928246893")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_payment_form_with_errors(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pay_with_a_bad_card(pilot, demo_credentials)

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)

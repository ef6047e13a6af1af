"""Customer service (REQ-1…5) and referral (REF-1…6) as a customer uses them (Pilot), the tester
playing customer service and the referee through ``admin`` (what ``geg-tui fake requests reply``
and ``geg-tui fake referral accept`` call), and snapshots at 80×24 in French and English.

The demo account is Claire Martin's; the clock is frozen on 27/11/2026 at 09:00 (Paris), so
every event of a thread has the same time: their order is the backend's.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Select, Static

from geg_tui.fake_backend import admin
from geg_tui.fake_backend.backend import FakeBackend
from geg_tui.screens.home import HomeScreen
from geg_tui.widgets.fields import Field, TextAreaField
from tests.tui.pilot_helpers import open_area, settle

GOOD_IBAN = "FR76 3000 6000 0112 3456 7890 189"
SIZE = (80, 24)


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render()).replace("\xa0", " ")


def error_of(screen: Any, name: str) -> str:
    """The error line under the field ``name`` (empty when it has none)."""
    field = screen.query_one(f"#field-{name}")
    return str(field.query_one(".field-error").render()) if field.has_class("-invalid") else ""


def cells(table: DataTable, row: int) -> list[str]:
    return [str(cell).replace("\xa0", " ") for cell in table.get_row_at(row)]


async def write_request(pilot: Pilot, credentials: dict[str, str], *, category: str | None) -> Any:
    """On « Contacter GEG », a subject and a message typed, the category chosen (or not), sent."""
    screen = await open_area(pilot, credentials, "contacter")
    if category is not None:
        screen.query_one("#category", Select).value = category
    screen.query_one("#field-subject", Field).value = "Ma facture de novembre"
    screen.query_one("#field-message", TextAreaField).value = "Pourquoi ce montant ?"
    await pilot.press("ctrl+s")
    await settle(pilot)
    return screen


async def invite(pilot: Pilot, postcode: str) -> None:
    screen = pilot.app.screen
    for name, value in {
        "first_name": "Paul",
        "last_name": "Voisin",
        "email": "paul.voisin@exemple.fr",
        "postcode": postcode,
    }.items():
        screen.query_one(f"#field-{name}", Field).value = value
    await pilot.click("#invite")
    await settle(pilot)


# --- customer service ------------------------------------------------------------------------


async def test_req_1_to_5_write_see_the_unread_reply_read_it_and_answer(
    make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    from geg_tui.screens.request_thread import RequestThreadScreen
    from geg_tui.screens.requests import RequestsScreen

    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await write_request(pilot, demo_credentials, category=None)
        # REQ-1: without a category nothing is sent, and every field's problem is said at once
        assert "catégorie" in error_of(screen, "category")
        assert error_of(screen, "message") == error_of(screen, "subject") == ""
        assert screen.query_one("#field-subject", Field).value == "Ma facture de novembre"
        assert admin.list_requests(backend) == []

        screen.query_one("#category", Select).value = "facture"
        screen.query_one(
            "#field-message", TextAreaField
        ).value = "Pourquoi ce montant en novembre ?"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [sent] = admin.list_requests(backend)
        banner = text_of(screen, "#form-error")
        assert sent["ref"] in banner and "envoyée" in banner  # REQ-2: its reference
        acknowledgement = admin.read_outbox(backend, demo_credentials["email"])[-1]
        assert sent["ref"] in acknowledgement.subject  # REQ-5
        assert screen.query_one("#field-subject", Field).value == ""  # not sent twice

        # REQ-4: the tester replies (`geg-tui fake requests reply`)
        admin.reply(backend, sent["ref"], "Bonjour, c'est la régularisation annuelle.")
        await pilot.press("escape")  # home says an answer waits, and where (issue 14)
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        key = home.key_of("demandes")
        assert key is not None
        assert text_of(home, "#news") == (
            f"● 1 demande a du nouveau du service client (touche {key})"
        )
        assert str(home.query_one("#open-demandes", Button).label).endswith("Mes demandes (1)")
        await pilot.press(key)
        await settle(pilot)
        requests = app.screen
        assert isinstance(requests, RequestsScreen)
        table = requests.query_one(DataTable)
        assert cells(table, 0)[:2] == ["● Non lue", sent["ref"]]
        assert "En cours" in cells(table, 0)
        assert "1 avec du nouveau" in text_of(requests, "#summary")

        await pilot.press("enter")  # REQ-3: the thread, in order, authors in words
        await settle(pilot)
        thread = app.screen
        assert isinstance(thread, RequestThreadScreen)
        headings = [str(s.render()) for s in thread.query(".event-heading").results(Static)]
        texts = [str(s.render()) for s in thread.query(".event-text").results(Static)]
        assert [h.split(" — ")[0] for h in headings] == ["Vous", "Service client", "Service client"]
        assert all("27/11/2026 à 09h00" in h for h in headings)
        assert texts == [
            "Pourquoi ce montant en novembre ?",
            "Prise en charge. Statut : En cours.",
            "Bonjour, c'est la régularisation annuelle.",
        ]

        await pilot.press("ctrl+s")  # an empty reply: refused under the field, nothing sent
        await settle(pilot)
        assert "10 caractères" in error_of(thread, "text")
        thread.query_one("#field-text", TextAreaField).value = "Merci, c'est bien clair."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [str(s.render()) for s in thread.query(".event-text").results(Static)][-1] == (
            "Merci, c'est bien clair."
        )
        assert "envoyé" in text_of(thread, "#form-error")

        await pilot.press("escape")  # back on the list: read now
        await settle(pilot)
        assert cells(app.screen.query_one(DataTable), 0)[0] == ""
        assert text_of(app.screen, "#summary") == "1 demande"

        admin.resolve(backend, sent["ref"])  # a resolved request takes no more message
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query_one("#reply-form").display
        assert "résolue" in text_of(app.screen, "#closed")

        app.back_to(HomeScreen)  # read: nothing waits on home any more
        await settle(pilot)
        assert not home.query_one("#news").display
        assert str(home.query_one("#open-demandes", Button).label).endswith("Mes demandes")


def test_unread_requests_counts_for_home() -> None:
    from datetime import UTC, datetime

    from geg_tui.api.models import RequestCategory, RequestStatus, ServiceRequest
    from geg_tui.screens.requests import unread_requests

    def request(unread: bool) -> ServiceRequest:
        moment = datetime(2026, 11, 27, tzinfo=UTC)
        return ServiceRequest(
            "DEM", RequestCategory.BILL, "x", RequestStatus.RECEIVED, moment, unread=unread
        )

    assert unread_requests([request(True), request(False), request(True)]) == 2
    assert unread_requests([]) == 0


# --- referral --------------------------------------------------------------------------------


async def test_ref_1_to_6_grenoble_refused_then_invite_accepted_bonus_paid_to_the_iban(
    make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "parrainage")
        assert "Aucune invitation" in text_of(screen, "#no-invitation")

        await invite(pilot, "38000")  # REF-2: refused with the reason, under the postcode
        assert "Grenoble" in error_of(screen, "postcode")
        assert screen.query_one("#field-email", Field).value == "paul.voisin@exemple.fr"
        assert app.screen.focused is screen.query_one("#field-postcode", Field).input

        await invite(pilot, "38500")  # REF-1, REF-3: sent, 30 days
        table = screen.query_one("#invitations", DataTable)
        assert cells(table, 0) == ["Paul Voisin", "38500", "Envoyée", "27/12/2026", "—"]
        assert "27/12/2026" in text_of(screen, "#invite-error")
        await invite(pilot, "38500")  # REF-4: not twice
        assert "invitation" in error_of(screen, "email").lower()

        admin.referee(backend, "paul.voisin@exemple.fr", "dual")  # the referee subscribes
        await pilot.press("f5")
        await settle(pilot)
        assert cells(table, 0)[2:] == ["Souscrite", "—", "40,00 €"]  # REF-5
        bonus = text_of(screen, "#bonus")
        assert "Primes gagnées : 40,00 € — versées : 0,00 €" in bonus
        assert "en attente de vos coordonnées bancaires" in bonus  # REF-6

        screen.query_one("#field-iban", Field).value = GOOD_IBAN[:-1] + "8"
        screen.query_one("#field-holder", Field).value = "Claire Martin"
        screen.query_one("#field-holder", Field).input.focus()
        await pilot.press("ctrl+s")  # the form where the focus is
        await settle(pilot)
        assert "IBAN invalide" in error_of(screen, "iban")  # said before anything is sent
        assert screen.query_one("#field-iban", Field).value.endswith("188")
        assert app.screen.focused is screen.query_one("#field-iban", Field).input
        scroll = screen.query_one("#referral")
        error_line = screen.query_one("#field-iban .field-error").region
        assert error_line.height and scroll.region.contains_region(error_line)  # in view

        screen.query_one("#field-iban", Field).value = GOOD_IBAN
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(screen, "iban") == ""
        assert "versées : 40,00 €" in text_of(screen, "#bonus")
        shown = text_of(screen, "#iban-now")
        assert "FR76" in shown and "189" in shown and "3456" not in shown  # masked (BANK-4)
        assert screen.query_one("#field-iban", Field).value == ""


# --- snapshots ---------------------------------------------------------------------------------


def test_snapshot_new_request_with_errors(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await write_request(pilot, demo_credentials, category=None)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_new_request_with_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await write_request(pilot, demo_credentials, category=None)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


async def answered_thread(pilot: Pilot, backend: FakeBackend, credentials: dict[str, str]) -> None:
    """A request written, answered by customer service, opened from « Mes demandes »."""
    await write_request(pilot, credentials, category="facture")
    [sent] = admin.list_requests(backend)
    admin.reply(backend, sent["ref"], "Bonjour, le montant comprend la régularisation annuelle.")
    pilot.app.open_screen("demandes")  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_snapshot_request_thread(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await answered_thread(pilot, backend, demo_credentials)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_request_thread_with_error_english(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await answered_thread(pilot, backend, demo_credentials)
        pilot.app.screen.query_one("#field-text", TextAreaField).value = "Merci"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_referral_grenoble_refused(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "parrainage")
        await invite(pilot, "38000")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_referral_with_errors_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "parrainage")
        await invite(pilot, "38000")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


async def test_sec_4_brackets_typed_by_a_customer_are_shown_as_typed(
    make_home_app: Any, backend: FakeBackend, demo_session: Any, demo_credentials: dict[str, str]
) -> None:
    """A subject, a referee's name or an account holder with « [/] » in it is text, never Rich
    markup: each screen that shows it opens and shows it as typed (it used to fail on open, and
    keep the customer out of « Mes demandes » for good)."""
    from geg_tui.api.models import ContactForm, RequestCategory

    token = demo_session.token
    sent = await backend.create_request(
        token,
        ContactForm(RequestCategory.BILL, "Index [/] faux [b]", "Mon index est faux, merci."),
    )
    await backend.invite(token, "Paul", "Voisin [/]", "paul.voisin@exemple.fr", "38500")
    await backend.set_bank_details(
        token, "FR14 2004 1010 0505 0001 3M02 606", None, "Claire [/] Martin",
        demo_credentials["password"],
    )  # fmt: skip
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_screen("demandes")
        await settle(pilot)
        assert cells(app.screen.query_one(DataTable), 0)[2].startswith("Index [/] faux")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app.screen, "#request-head").startswith("Index [/] faux [b]\n")
        assert sent.ref in str(app.screen.query_one(".screen-title", Static).render())
        app.open_screen("parrainage")
        await settle(pilot)
        assert "Paul Voisin [/]" in cells(app.screen.query_one(DataTable), 0)
        app.open_screen("banque")
        await settle(pilot)
        assert "Titulaire : Claire [/] Martin" in text_of(app.screen, "#on-file")


async def requests_list_with_news(pilot: Pilot, backend: FakeBackend, token: str) -> None:
    """Two requests, customer service has answered the newer one: « Mes demandes »."""
    from geg_tui.api.models import ContactForm, RequestCategory

    await backend.create_request(
        token, ContactForm(RequestCategory.METER, "Index de juillet", "Mon index semble faux.")
    )
    newer = await backend.create_request(
        token, ContactForm(RequestCategory.BILL, "Facture de novembre", "Pourquoi ce montant ?")
    )
    admin.reply(backend, newer.ref, "Bonjour, c'est la régularisation annuelle.")
    pilot.app.open_screen("demandes")  # type: ignore[attr-defined]
    await settle(pilot)
    table = pilot.app.screen.query_one(DataTable)
    assert table.row_count == 2
    # the table lays its rows out on a later refresh: seen missing from a snapshot under load
    table.refresh(layout=True)
    await pilot.pause(0.05)
    await settle(pilot)


def test_snapshot_requests_list_with_news(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_session: Any
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await requests_list_with_news(pilot, backend, demo_session.token)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_requests_list_with_news_english(
    snap_compare: Any, make_home_app: Any, backend: FakeBackend, demo_session: Any
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await requests_list_with_news(pilot, backend, demo_session.token)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

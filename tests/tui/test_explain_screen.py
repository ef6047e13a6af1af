"""« Pourquoi ce montant ? » as a customer reaches it (issue 15, item 4): E on an invoice, the
command palette for the latest invoice, an unknown invoice; then the snapshots at 80×24 in French
and in English."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from geg_tui.insight.explain import Part
from geg_tui.screens.explain import ExplainScreen
from geg_tui.screens.invoice_detail import InvoiceDetailScreen
from geg_tui.widgets.fields import FormError
from tests.tui.english_text import french_left, screen_text
from tests.tui.pilot_helpers import on_home, settle

OVERDUE_GAS = "968320100013"  # 28/08–27/10/2026: previous 28/06–27/08, a year before 2025
GAS_PREVIOUS = "457855599386"
ELEC_SETTLEMENT = "275928246893"  # the 2026 settlement: the previous one is a year before
SIZE = (80, 24)


async def test_explain_from_an_invoice_the_palette_and_an_unknown_invoice(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_home(pilot, demo_credentials)
        # E on the invoice detail: this invoice, against the previous one and a year before.
        await app.push_screen(InvoiceDetailScreen(OVERDUE_GAS))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExplainScreen) and screen.explanation is not None
        explanation = screen.explanation
        assert explanation.previous is not None and explanation.year_before is not None
        assert explanation.previous.reference.ref == GAS_PREVIOUS
        for comparison in (explanation.previous, explanation.year_before):
            assert sum(comparison.parts.values()) == comparison.difference
        text = screen_text(pilot)
        assert "Facture précédente" in text and "Un an avant" in text
        assert "Écart total" in text and "vient surtout" in text
        # The signs say which way, not a colour: a difference shows + or -.
        difference = explanation.previous.difference
        assert ("+" if difference > 0 else "-") in text
        # F1 tells the key on the detail screen; Escape goes back to the invoice.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert "Pourquoi ce montant" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # The palette's entry explains the latest invoice of the account.
        app.open_screen("pourquoi_ce_montant")
        await settle(pilot)
        latest = app.screen
        assert isinstance(latest, ExplainScreen) and latest.explanation is not None
        assert latest.explanation.invoice.ref == ELEC_SETTLEMENT
        assert latest.explanation.same_reference  # a yearly settlement: one column
        assert latest.explanation.previous is not None
        assert latest.explanation.previous.parts[Part.CORRECTIONS] == 0
        text = screen_text(pilot)
        assert "avant déduction des mensualités" in text and "Un an avant" not in text
        app.pop_screen()
        await settle(pilot)
        # An invoice that is not the customer's: the refusal in the banner, nothing else shown.
        await app.push_screen(ExplainScreen("123456789012"))
        await settle(pilot)
        banner = app.screen.query_one(FormError)
        assert banner.display and "facture" in screen_text(pilot).lower()
        assert app.screen.explanation is None  # type: ignore[attr-defined]


async def _explain(pilot: Pilot, ref: str) -> None:
    await settle(pilot)
    await pilot.app.push_screen(ExplainScreen(ref))
    await settle(pilot)


def test_snapshot_explain_invoice(snap_compare: Any, make_home_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _explain(pilot, OVERDUE_GAS)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_explain_invoice_english(snap_compare: Any, make_home_app: Any) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _explain(pilot, OVERDUE_GAS)
        left = french_left(screen_text(pilot))
        assert not left, left

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

"""« Courbe de charge » and « Quelle option me coûte le moins ? » (issue 15) as a customer uses
them (one long Pilot run), and their snapshots at 80×24, French and English with an error.

The demo account (Claire Martin): electricity Tarif Bleu HP/HC 9 kVA on a Linky meter, whose
curve starts in 2020; the clock is frozen on 27/11/2026 at 09:00 (Paris), so the last day with a
curve is 26/11/2026.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from geg_tui.api.models import Tariff
from geg_tui.fake_backend import admin
from geg_tui.widgets.fields import Field
from tests.tui.pilot_helpers import open_area, settle, type_keys

SIZE = (80, 24)


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render()).replace("\xa0", " ")


async def type_day(pilot: Pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#field-day", Field)
    field.value = ""
    field.input.focus()
    await type_keys(pilot, text)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.pause()  # the focus back on the field to correct (after the loading indicator)


async def test_conso_1_curve_day_week_peaks_baseline_errors_then_simulator(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any
) -> None:
    app = make_home_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_area(pilot, demo_credentials, "courbe_de_charge")
        assert type(screen).__name__ == "LoadCurveScreen"
        assert screen.day == date(2026, 11, 26) and screen.data.days == 1  # the backend's day
        summary = text_of(screen, "#summary")
        assert "Pic : " in summary and "des 9 kVA" in summary and "Talon" in summary
        assert "€ TTC." in summary
        legend = text_of(screen, "#legend")
        assert "█ heures pleines" in legend and "▒ heures creuses 22:00–06:00" in legend
        await pilot.press("s")  # a week: each day's peak
        await settle(pilot)
        assert screen.data.days == 7 and screen.data.start == date(2026, 11, 20)
        assert text_of(screen, "#summary").count(" · ") == 6
        await pilot.press("left")
        await settle(pilot)
        assert screen.data.start == date(2026, 11, 13)
        # A date that does not exist: said in the banner, what was typed kept, nothing shown
        # that could be read as this day's curve.
        await type_day(pilot, "31/02/2026")
        assert "Ce jour n'existe pas" in text_of(screen, "#form-error")
        assert screen.query_one("#field-day", Field).value == "31/02/2026"
        await type_day(pilot, "le 3 mars")
        assert "au format JJ/MM/AAAA" in text_of(screen, "#form-error")
        # Before the contract: the backend's refusal, under the typed day.
        await type_day(pilot, "01/01/2001")
        assert "début du contrat" in text_of(screen, "#form-error")
        assert screen.query_one("#field-day", Field).value == "01/01/2001"
        assert screen.data is None
        await type_day(pilot, "02/03/2026")
        assert screen.data.end == date(2026, 3, 2) and screen.data.days == 7
        assert not text_of(screen, "#form-error").strip()
        # The simulator: every option from the power above the peak, today's one marked.
        pilot.app.open_screen("simulateur")
        await settle(pilot)
        simulator = pilot.app.screen
        result = simulator.result
        assert result is not None and result.days == 365 and result.last == date(2026, 11, 26)
        current = result.current
        assert current is not None and (current.tariff, current.kva) == (Tariff.BLUE_HPHC, 9)
        table = simulator.query_one("#options", DataTable)
        assert table.row_count == len(result.options) >= 4
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert "★" in rows[0][-1] and any("◀ actuelle" in row[-1] for row in rows)
        assert "Hypothèses" in text_of(simulator, "#assumptions")
        assert "kVA au moins" in text_of(simulator, "#summary")

        # The curve cannot be fetched: said in the banner, the options of before kept.
        admin.set_fault(backend, "load_curve", 0, 1.0)
        await pilot.press("f5")
        await settle(pilot)
        assert "momentanément indisponible" in text_of(simulator, "#form-error")
        assert simulator.query_one("#options", DataTable).row_count == table.row_count


def test_snapshot_load_curve_week(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "courbe_de_charge")
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_simulator(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "simulateur")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_load_curve_week_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """The curve's summary, legend and axes in English (its errors: the Pilot test above)."""

    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "courbe_de_charge")
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("english")
def test_snapshot_simulator_english(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """The options, the verdict and the assumptions in English (a service error: the Pilot
    test above)."""

    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "simulateur")

    assert snap_compare(make_home_app(), terminal_size=SIZE, run_before=run_before)

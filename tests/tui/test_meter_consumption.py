"""Meter reading (METER-1…7) and consumption (CONSO-1…5) as a person uses them (Pilot), plotext
kept out of start-up, the CSV export read back, and snapshots at 80×24 and 120×40.

The demo account (Claire Martin) has electricity HP/HC on a Linky meter (no manual reading,
METER-7; five years of 30-minute data) and gas on an ordinary meter (last index 24 843 m³ on
27/10/2026, an estimate). The clock is frozen on 27/11/2026 at 09:00 (Paris).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Select

from geg_tui.screens.home import HomeScreen
from geg_tui.widgets.fields import Field, FormError
from tests.tui.pilot_helpers import open_area, settle

GAS = "9600821651"
ELEC = "5092891721"


def cells(table: DataTable, row: int) -> list[str]:
    return [str(cell).replace("\xa0", " ") for cell in table.get_row_at(row)]


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render()).replace("\xa0", " ")


# --- meter -----------------------------------------------------------------------------------


async def choose_contract(pilot: Pilot, ref: str) -> None:
    pilot.app.screen.query_one("#contract", Select).value = ref
    await settle(pilot)


async def type_reading(pilot: Pilot, **values: str) -> None:
    for register, value in values.items():
        pilot.app.screen.query_one(f"#field-{register}", Field).value = value
    await pilot.pause()
    await pilot.click("#submit")
    await settle(pilot)


async def test_meter_gas_is_chosen_first_with_last_index_and_window(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """METER-1 (one gas register, in m³), METER-5 (the window), the last index in the label."""
    from geg_tui.screens.meter import MeterScreen

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        assert isinstance(screen, MeterScreen)
        assert screen.contract_ref == GAS  # the meter a person can read comes first
        status = text_of(screen, "#status")
        assert "24 843" in status and "27/10/2026" in status
        assert "du 18/12/2026 au 27/12/2026" in status  # METER-5
        fields = list(screen.query("#registers Field").results(Field))
        assert [f.field_name for f in fields] == ["gaz"]
        label = str(fields[0].query_one("Label").render()).replace("\xa0", " ")
        assert "m³" in label and "24 843" in label


async def test_meter_2_lower_reading_refused_next_to_the_field(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        await type_reading(pilot, gaz="24800")
        field = screen.query_one("#field-gaz", Field)
        assert field.has_class("-invalid")
        error = str(field.query_one(".field-error").render()).replace("\xa0", " ")
        assert "inférieur au dernier index connu" in error and "24 843" in error
        assert field.value == "24800"  # kept as typed
        assert (
            cells(screen.query_one("#history", DataTable), 0)[0] == "27/10/2026"
        )  # nothing stored


async def test_meter_3_implausible_reading_warns_then_confirm_stores_it(
    make_home_app: Any, demo_credentials: dict[str, str], backend: Any
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        await type_reading(pilot, gaz="26000")
        warning = screen.query_one("#warning")
        assert warning.has_class("-shown")
        assert "3 fois" in text_of(screen, "#warning-text")
        history = screen.query_one("#history", DataTable)
        assert cells(history, 0)[0] == "27/10/2026"  # not stored yet
        key = screen._pending[1]
        await pilot.click("#confirm")
        await settle(pilot)
        assert not warning.has_class("-shown")
        assert cells(history, 0) == ["27/11/2026", "26 000", "Relevé client"]
        assert "enregistré" in str(screen.query_one("#form-error", FormError).render())
        assert key  # the confirmation went with the warned attempt's key
    token = (await backend.login(demo_credentials["email"], demo_credentials["password"])).token
    newest = (await backend.reading_history(token, GAS))[0]
    assert (
        newest.reading_date == date(2026, 11, 27)
        and newest.indexes[next(iter(newest.indexes))] == 26000
    )


async def test_meter_3_correct_hides_the_warning_and_keeps_nothing(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        await type_reading(pilot, gaz="26000")
        assert screen.query_one("#warning").has_class("-shown")
        await pilot.click("#correct")
        await pilot.pause()
        assert not screen.query_one("#warning").has_class("-shown")
        assert screen.focused is screen.query_one("#field-gaz", Field).input
        assert cells(screen.query_one("#history", DataTable), 0)[0] == "27/10/2026"


async def test_meter_3_the_warning_focuses_correct_so_enter_stores_nothing(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    """Safer default: the implausible-reading question has « Corriger » focused, not
    « Confirmer »; Enter right away corrects instead of storing the doubtful index."""
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        await type_reading(pilot, gaz="26000")
        assert screen.query_one("#warning").has_class("-shown")
        assert screen.focused is screen.query_one("#correct")
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.query_one("#warning").has_class("-shown")
        assert screen.focused is screen.query_one("#field-gaz", Field).input
        assert cells(screen.query_one("#history", DataTable), 0)[0] == "27/10/2026"


async def test_meter_4_6_valid_reading_first_in_history_as_customer_reading(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        history = screen.query_one("#history", DataTable)
        before = history.row_count
        await type_reading(pilot, gaz="24 900")
        assert not screen.query_one("#warning").has_class("-shown")
        assert cells(history, 0) == ["27/11/2026", "24 900", "Relevé client"]  # METER-6
        assert history.row_count == before + 1
        assert screen.query_one("#field-gaz", Field).value == ""
        assert "24 900" in text_of(screen, "#status")  # the new last index
        # METER-4: a second reading the same day replaces the first.
        await type_reading(pilot, gaz="24910")
        assert cells(history, 0) == ["27/11/2026", "24 910", "Relevé client"]
        assert history.row_count == before + 1


async def test_meter_7_linky_shows_the_reason_and_no_input(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "releve")
        await choose_contract(pilot, ELEC)
        assert screen.contract_ref == ELEC
        assert "relevé automatiquement" in text_of(screen, "#linky")
        assert screen.query_one("#linky").has_class("-shown")
        assert not screen.query("#registers Field")
        assert not screen.query_one("#entry").display or screen.query_one("#entry").has_class(
            "-hidden"
        )
        history = screen.query_one("#history", DataTable)
        assert [str(c.label) for c in history.columns.values()][1:3] == [
            "Heures pleines (kWh)",
            "Heures creuses (kWh)",
        ]


async def test_meter_reachable_from_home_palette_and_f1(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    from geg_tui.screens.help import HelpScreen
    from geg_tui.screens.meter import MeterScreen

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Relevé de compteur" in titles and "Mes consommations" in titles
        await pilot.click("#open-releve")
        await settle(pilot)
        assert isinstance(app.screen, MeterScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# --- consumption -----------------------------------------------------------------------------


def test_plotext_not_imported_by_start_up_and_home() -> None:
    """DESIGN.md: plotext is imported only when the consumption screen opens."""
    code = (
        "import sys, asyncio\n"
        "from geg_tui.app import GegApp\n"
        "import geg_tui.screens.home, geg_tui.screens.meter, geg_tui.screens.registry\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('plotext', 'textual_plotext'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


async def test_plotext_loaded_only_when_the_screen_opens(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] in ("plotext", "textual_plotext")]:
        del sys.modules[name]
    sys.modules.pop("geg_tui.screens.consumption", None)
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "plotext" not in sys.modules and "textual_plotext" not in sys.modules
        key = app.screen.key_of("consommation")  # « Mes consommations » in the home menu
        assert key is not None
        await pilot.press(key)
        await settle(pilot)
        assert type(app.screen).__name__ == "ConsumptionScreen"
        assert "textual_plotext" in sys.modules


async def test_conso_2_month_day_year_and_kwh_euros(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        series = screen.series
        assert screen.contract_ref == ELEC and series.granularity.value == "mois"
        assert (series.start, series.end) == (date(2025, 12, 1), date(2026, 11, 30))
        assert series.size == 12 and [r.value for r in series.registers] == ["hp", "hc"]
        chart = screen.query_one("#chart").data
        assert [s[0] for s in chart.stacks] == ["Heures pleines", "Heures creuses"]  # stacked
        assert chart.labels[0] == "déc 25"
        await pilot.press("j")
        await settle(pilot)
        assert screen.series.granularity.value == "jour" and screen.series.size == 31
        assert screen.series.ends[-1] == date(2026, 11, 26)  # yesterday: today is not over
        await pilot.press("a")
        await settle(pilot)
        assert screen.series.granularity.value == "annee"
        assert [s.year for s in screen.series.starts] == [2022, 2023, 2024, 2025, 2026]
        assert screen.query_one("#field-start", Field).value == "01/01/2022"
        await pilot.press("u")
        await pilot.pause()
        chart = screen.query_one("#chart").data
        assert len(chart.stacks) == 1 and chart.stacks[0][2][-1] == screen.series.costs[-1] / 100
        assert "€ TTC" in text_of(screen, "#summary")
        await pilot.press("m")
        await settle(pilot)
        assert screen.series.size == 12 and screen.unit == "eur"


async def test_conso_2_the_backends_clock_in_2031_not_the_computers_date(
    make_app: Any, backend: Any, demo_credentials: dict[str, str]
) -> None:
    """A tester sets the backend's clock to 14/03/2031 (the world catches up day by day): the
    screen's default ranges end on the backend's yesterday, whatever this computer's date —
    the range comes from the backend (``consumption_range``), not from probing around today."""
    from datetime import datetime

    from geg_tui.formatting import PARIS

    backend.clock.set(datetime(2031, 3, 14, 9, 0, tzinfo=PARIS))
    session = await backend.login(demo_credentials["email"], demo_credentials["password"])
    app = make_app(session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        series = screen.series
        assert (series.start, series.end) == (date(2030, 4, 1), date(2031, 3, 31))
        assert series.ends[-1] == date(2031, 3, 13) and series.size == 12
        assert screen.query_one("#chart").data.labels[-1] == "mar 31"
        assert "13/03/2031" in text_of(screen, "#summary")
        await pilot.press("a")
        await settle(pilot)
        assert [s.year for s in screen.series.starts] == [2027, 2028, 2029, 2030, 2031]
        assert screen.query_one("#field-end", Field).value == "31/12/2031"


async def test_conso_2_edited_range_and_its_errors(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        start = screen.query_one("#field-start", Field)
        start.value = "01/06/2026"
        start.input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.series.starts[0] == date(2026, 6, 1) and screen.series.size == 6
        screen.query_one("#field-end", Field).value = "01/01/2026"
        start.input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "postérieure" in text_of(screen, "#form-error")
        assert screen.query_one("#field-end", Field).value == "01/01/2026"  # kept as typed


async def test_conso_3_compare_with_the_year_before(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        box = screen.query_one("#compare", Checkbox)
        assert "✓" not in box.render().plain  # off: an empty box, not Textual's grey « X »
        await pilot.press("c")
        await settle(pilot)
        series = screen.series
        assert box.value and "✓" in box.render().plain  # WCAG 1.4.1: told without colour
        assert series.previous is not None and series.previous.starts[0] == date(2024, 12, 1)
        chart = screen.query_one("#chart").data
        assert chart.previous == tuple(v / 1000 for v in series.previous.totals_wh)
        summary = text_of(screen, "#summary")
        change = (series.total_wh - series.previous.total_wh) * 100 / series.previous.total_wh
        assert "un an avant" in summary and f"{change:+.1f}".replace(".", ",") in summary


async def test_table_view_shows_the_same_numbers(
    make_home_app: Any, demo_credentials: dict[str, str]
) -> None:
    from geg_tui.formatting import format_kwh, format_money

    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        table = screen.query_one("#table", DataTable)
        assert table.display and not screen.query_one("#chart").display
        series = screen.series
        assert table.row_count == series.size
        for i in (0, series.size - 1):
            row = [str(c) for c in table.get_row_at(i)]
            assert row[1] == format_kwh(series.wh[next(iter(series.wh))][i])
            assert row[3] == format_kwh(series.totals_wh[i])
            assert row[4] == format_money(series.costs[i])
            assert row[5] == format_kwh(series.previous.totals_wh[i])
        await pilot.press("t")
        await pilot.pause()
        assert screen.query_one("#chart").display


async def test_conso_5_export_csv_and_read_it_back(
    make_home_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        await pilot.press("c")
        await settle(pilot)
        paths = []
        for _ in range(2):  # the second export must not overwrite the first
            await pilot.press("x")
            await pilot.pause()
            app.screen.query_one("#field-folder", Field).value = str(tmp_path)
            await pilot.click("#export-ok")
            await pilot.pause()
            assert screen.last_export is not None
            paths.append(screen.last_export)
            assert str(screen.last_export) in text_of(screen, "#form-error")
        series = screen.series
    assert paths[0] != paths[1] and paths[1].name.endswith(" (2).csv")
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with paths[0].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Période", "Début", "Fin", "Heures pleines (kWh)", "Heures creuses (kWh)"]
    assert len(body) == series.size
    for i, row in enumerate(body):
        assert row[1] == series.starts[i].strftime("%d/%m/%Y")
        assert round(float(row[3].replace(",", ".")) * 1000) == series.wh[next(iter(series.wh))][i]
        assert round(float(row[5].replace(",", ".")) * 1000) == series.totals_wh[i]
        assert round(float(row[6].replace(",", ".")) * 100) == series.costs[i]
        assert round(float(row[9].replace(",", ".")) * 1000) == series.previous.totals_wh[i]


async def test_export_to_a_missing_folder_is_refused(
    make_home_app: Any, demo_credentials: dict[str, str], tmp_path: Path
) -> None:
    app = make_home_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_area(pilot, demo_credentials, "consommation")
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#field-folder", Field).value = str(tmp_path / "absent")
        await pilot.click("#export-ok")
        await pilot.pause()
        assert app.screen is dialog
        assert "n'existe pas" in str(dialog.query_one("#field-folder .field-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.last_export is None


# --- snapshots (theme and clock fixed, cursor blink off, workers awaited) ------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_meter_entry(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "releve")
        pilot.app.screen.query_one("#field-gaz", Field).value = "24900"
        await pilot.pause()

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_consumption_month(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "consommation")

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_consumption_year_over_year(
    snap_compare: Any, make_home_app: Any, demo_credentials: dict[str, str], size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_area(pilot, demo_credentials, "consommation")
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(make_home_app(), terminal_size=size, run_before=run_before)

"""« Courbe de charge » (CONSO-1, issue 15): a day or a week of 30-minute power, read for the
customer — the peak of each day and of the period against the subscribed power, and the standby
baseline (« talon ») with what it costs a year.

The numbers come from ``geg_tui.tariffs.curve`` (no Textual: tested on generated curves); this
screen fetches (``Backend.load_curve``, one day or seven, and ``price_tables`` once for the
baseline's cost) and draws. Choices:

- The default day is the last one the backend has data for (``consumption_range``), never this
  computer's date. « Jour » (JJ/MM/AAAA, Entrée) picks another; ← / → move by a day or a week;
  J / S switch day and week. The week shown is the seven days ending on the chosen day.
- Bars are half-hours in kW; off-peak hours (22:00–06:00) are ▒, peak hours █, and the legend
  says it in words, so the shading is not told by colour alone; the subscribed power is a
  horizontal line named in the legend. The peak is a 30-minute average (the summary says so):
  the instantaneous peak a breaker sees can be higher.
- The baseline is the night floor (module ``tariffs.curve``); its yearly cost is energy and
  accise VAT included at the prices of the day shown, for the contract's own option.
This module imports ``textual_plotext`` at its top: it is imported only when the screen opens.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static
from textual_plotext import PlotextPlot

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.models import Contract, LoadCurve, PriceTables, Tariff
from geg_tui.formats import (
    format_date,
    format_decimal,
    format_input_date,
    format_kwh,
    format_money,
    format_percent,
    format_short_date,
)
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.consumption import nice_step
from geg_tui.screens.electricity import load_electricity
from geg_tui.tariffs import curve, grid
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

DAY = "jour"
WEEK = "semaine"
HP_MARK = "█"
HC_MARK = "▒"
HP_COLOR = "orange"
HC_COLOR = "blue"
POWER_COLOR = "red"
VIEWS = ((_l("Un jour"), DAY), (_l("Une semaine"), WEEK))


def kw(watts: int) -> str:
    """``5,2 kW`` / ``5.2 kW``."""
    return _("{value} kW").format(value=format_decimal(watts / 1000, 1))


def parse_day(text: str) -> date | None:
    """``JJ/MM/AAAA`` → a date (``None`` when it is not one: the screen says so)."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def day_problem(text: str) -> str:
    """Why ``text`` is not a day: not written JJ/MM/AAAA, or written so but no such day (31/02)."""
    parts = text.strip().split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return _("Ce jour n'existe pas : vérifiez le jour et le mois (JJ/MM/AAAA).")
    return _("Date invalide : tapez le jour au format JJ/MM/AAAA.")


def span(view: str, day: date) -> tuple[date, date]:
    """The days shown: ``day`` alone, or the seven days ending on it."""
    return (day, day) if view == DAY else (day - timedelta(days=6), day)


def summary_lines(
    data: LoadCurve, kva: int | None, tariff: Tariff, tables: PriceTables | None
) -> str:
    """The summary (Rich markup): the period's peak against the power, each day's peak in a
    week, the baseline and its yearly cost."""
    peak = curve.period_peak(data.start, data.watts)
    if peak is None:
        return _("Pas de courbe de charge sur cette période.")
    values = {
        "peak": escape(kw(peak.watts)),
        "time": peak.time,
        "day": escape(format_date(peak.day)),
    }
    if kva:
        values["share"] = format_percent(peak.watts * 100 / (kva * 1000), decimals=0)
        values["kva"] = str(kva)
        line = _("Pic : [b]{peak}[/b] le {day} à {time} (moyenne 30 min), {share} des {kva} kVA.")
    else:
        line = _("Pic : [b]{peak}[/b] le {day} à {time} (moyenne 30 min).")
    lines = [line.format(**values)]
    if data.days > 1:
        peaks = " · ".join(
            f"{p.day.day:02d} {format_decimal(p.watts / 1000, 1)}"
            for p in curve.day_peaks(data.start, data.watts)
        )
        lines.append(_("Pics (kW) : {peaks}").format(peaks=peaks))
    base = curve.baseline_watts(data.watts)
    if base is not None:
        yearly = base * curve.HOURS_PER_YEAR
        values = {"watts": str(base), "kwh": escape(format_kwh(yearly))}
        last = data.start + timedelta(days=data.days - 1)
        if tables is not None:
            row = grid.row_at(tables.rows(tariff), last)
            cost = curve.baseline_yearly_cost(base, tariff, row)
            values["cost"] = escape(format_money(cost))
            text = _(
                "Talon (le plus bas de chaque nuit) : [b]{watts} W[/b] ; toute l'année, "
                "{kwh} et {cost} TTC."
            )
        else:
            text = _(
                "Talon (le plus bas de chaque nuit) : [b]{watts} W[/b] ; toute l'année, {kwh}."
            )
        lines.append(text.format(**values))
    return "\n".join(lines)


class CurveChart(PlotextPlot):
    """The half-hours as bars (peak hours █, off-peak ▒), the subscribed power as a line."""

    can_focus = True
    DEFAULT_CSS = "CurveChart { height: 1fr; min-height: 8; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: LoadCurve | None = None
        self.kva: int | None = None

    def show(self, data: LoadCurve | None, kva: int | None) -> None:
        self.data, self.kva = data, kva
        self.refresh()

    def render(self) -> RenderResult:
        data = self.data
        if data is None:
            return Text("")
        if not data.days:
            return Text(_("Pas de courbe de charge sur cette période."), style="italic")
        plt = self.plt
        plt.clear_figure()
        values = data.watts[: data.days * curve.SLOTS_PER_DAY]
        xs = list(range(len(values)))
        hp = [w / 1000 if not curve.is_off_peak(i % 48) else 0 for i, w in enumerate(values)]
        hc = [w / 1000 if curve.is_off_peak(i % 48) else 0 for i, w in enumerate(values)]
        plt.stacked_bar(
            xs, [hp, hc], color=[HP_COLOR, HC_COLOR], marker=[HP_MARK, HC_MARK], width=1
        )
        top = max(values) / 1000
        if self.kva:
            plt.hline(self.kva, POWER_COLOR)
            top = max(top, self.kva)
        step = nice_step(top * 1.1)
        ticks_y = [step * i for i in range(int(top * 1.1 / step) + 2)]
        plt.ylim(0, ticks_y[-1])
        plt.yticks(ticks_y, [format_decimal(t, 1) for t in ticks_y])
        if data.days == 1:
            ticks = list(range(0, 48, 6))
            plt.xticks(ticks, [f"{t // 2:02d}:00" for t in ticks])
        else:
            ticks = [48 * d for d in range(data.days)]
            plt.xticks(
                ticks, [format_short_date(data.start + timedelta(days=d)) for d in range(data.days)]
            )
        return super().render()


def contract_label(contract: Contract) -> str:
    """Short enough for the row it shares: « 5092891721 · HP/HC 9 kVA »."""
    return _("{ref} · {kva} kVA").format(ref=contract.ref, kva=contract.power_kva or "—")


def legend(kva: int | None) -> Text:
    """The words of the chart's marks (not colour alone)."""
    text = Text()
    text.append(f"{HP_MARK} ", style="color(208)")
    text.append(_("heures pleines") + "  ")
    text.append(f"{HC_MARK} ", style="blue")
    text.append(_("heures creuses 22:00–06:00") + "  ")
    if kva:
        text.append("── ", style="red")
        text.append(_("{kva} kVA souscrits").format(kva=kva))
    return text


class LoadCurveScreen(BaseScreen):
    """A day or a week of the Linky curve, its peaks and its standby baseline."""

    TITLE = _l("Courbe de charge")
    AUTO_FOCUS = "#chart"
    HELP = _l(
        "La puissance moyenne de chaque demi-heure (kW) mesurée par votre compteur Linky, sur "
        "un jour ou une semaine. Heures pleines █, heures creuses ▒ (22:00–06:00) ; la ligne est "
        "votre puissance souscrite. Le pic est une moyenne sur 30 minutes : la puissance "
        "instantanée peut être plus haute. Le talon est la puissance la plus basse de chaque "
        "nuit (la médiane sur la période) : les veilles et le réfrigérateur, mais aussi le "
        "chauffage ou le chauffe-eau s'ils tournent la nuit. « Toute l'année » suppose ce talon "
        "constant, au prix du jour affiché. Jour : JJ/MM/AAAA puis Entrée ; ← et → changent de "
        "jour ou de semaine."
    )
    BINDINGS = [
        Binding("j", "view('jour')", _l("Jour"), id="curve-day"),
        Binding("s", "view('semaine')", _l("Semaine"), id="curve-week"),
        Binding("left", "move(-1)", _l("Précédent"), id="curve-previous"),
        Binding("right", "move(1)", _l("Suivant"), id="curve-next"),
        Binding("f5", "reload", _l("Actualiser"), show=False, id="refresh"),
    ]
    CSS_PATH = "load_curve.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.contracts: tuple[Contract, ...] = ()
        self.contract: Contract | None = None
        self.view = DAY
        self.day: date | None = None
        self.last_day: dict[str, date] = {}
        self.tables: PriceTables | None = None
        self.data: LoadCurve | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="curve"):
            with Form(id="period"):
                with Horizontal(classes="row"):
                    yield Select[str]([], id="contract", compact=True, allow_blank=True, prompt="…")
                    yield Select[str](
                        [(str(label), value) for label, value in VIEWS],
                        id="view",
                        value=DAY,
                        allow_blank=False,
                        compact=True,
                    )
                    yield Label(_("Jour"))
                    yield Field(
                        "",
                        "day",
                        placeholder=_("JJ/MM/AAAA"),
                        max_length=10,
                        restrict=r"[0-9/]*",
                        error_below=False,
                        also=("start", "end"),
                    )
                yield FormError(id="form-error")
            yield Static("", id="summary")
            yield Static("", id="legend")
            yield CurveChart(id="chart")
        yield KeyBar()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="curve")
    async def load(self) -> None:
        """The contracts and the prices (first time), then the curve shown."""
        if not self.contracts:
            loaded = await load_electricity(
                self,
                widget=self.query_one("#curve"),
                nothing=_("Aucun contrat d'électricité sur ce compte : pas de courbe de charge."),
            )
            if loaded is None:
                return
            self.contracts, self.contract, self.tables = loaded
            select = self.query_one("#contract", Select)
            with self.prevent(Select.Changed):
                select.set_options((contract_label(c), c.ref) for c in self.contracts)
                select.value = self.contract.ref
        if await self.fetch():
            self._loaded = True

    async def fetch(self, typed: str | None = None) -> bool:
        """The curve of the view around ``self.day`` (or the typed day, or the last day)."""
        contract = self.contract
        if contract is None:
            return False
        day_field = self.query_one("#field-day", Field)
        if typed is not None:
            picked = parse_day(typed)
            if picked is None:
                self.clear_errors()
                problem = day_problem(typed)
                day_field.set_error(problem)
                self.query_one("#form-error", FormError).show(problem)
                return False
            self.day = picked
        ref, view, day = contract.ref, self.view, self.day

        async def call(backend: Backend) -> tuple[LoadCurve, date]:
            token = self.geg.token
            shown = day or self.last_day.get(ref)
            if shown is None:
                last = (await backend.consumption_range(token, ref)).last
                shown = last or contract.start_date
            first, last_shown = span(view, shown)
            return await backend.load_curve(token, ref, first, last_shown), shown

        self.clear_errors()
        try:
            result = await self.backend_call(
                call,
                label=_("Chargement de la courbe de charge…"),
                widget=self.query_one("#curve"),
                propagate=(BackendUnavailable,),
            )
        except BackendUnavailable as exc:
            self.show_curve(None)
            self.query_one("#form-error", FormError).show(exc.message)
            return False
        if result is None:  # refused: the day typed stays, selected, to be typed over
            self.show_curve(None)
            day_field.input.focus()
            day_field.input.select_all()
            return False
        data, shown = result
        if day is None:
            self.last_day[ref] = shown
        self.day = shown
        with day_field.input.prevent(Input.Changed):
            day_field.value = format_input_date(shown)
        self.show_curve(data)
        return True

    def refetch(self, typed: str | None = None) -> None:
        self._refetch(typed)

    @work(exclusive=True, exit_on_error=False, group="curve")
    async def _refetch(self, typed: str | None) -> None:
        await self.fetch(typed)

    # --- showing -------------------------------------------------------------------------
    def show_curve(self, data: LoadCurve | None) -> None:
        """Nothing of an older curve stays on screen when this one could not be loaded."""
        self.data = data
        contract = self.contract
        kva = contract.power_kva if contract else None
        summary = self.query_one("#summary", Static)
        if data is None or contract is None:
            summary.update(_("La courbe de charge n'a pas pu être chargée."))
            self.query_one("#legend", Static).update("")
            self.query_one(CurveChart).show(None, None)
            return
        summary.update(summary_lines(data, kva, contract.tariff, self.tables))
        self.query_one("#legend", Static).update(legend(kva))
        self.query_one(CurveChart).show(data, kva)

    # --- actions -------------------------------------------------------------------------
    @on(Select.Changed, "#contract")
    def contract_changed(self, event: Select.Changed) -> None:
        chosen = next((c for c in self.contracts if c.ref == event.value), None)
        if chosen is not None and chosen is not self.contract:
            self.contract, self.day = chosen, None
            self.refetch()

    @on(Select.Changed, "#view")
    def view_changed(self, event: Select.Changed) -> None:
        if event.value in (DAY, WEEK) and event.value != self.view:
            self.view = str(event.value)
            self.refetch()

    def action_view(self, view: str) -> None:
        self.query_one("#view", Select).value = view

    def action_move(self, step: int) -> None:
        if self.day is None:
            return
        self.day += timedelta(days=step * (1 if self.view == DAY else 7))
        self.refetch()

    @on(Input.Submitted, "#period Input")
    def day_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.refetch(event.value)

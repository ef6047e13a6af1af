"""« Mes consommations » (CONSO-1…5): charts by day, month and year, a table, a CSV export.

The backend aggregates (CONSO-4): the screen asks for the granularity and range shown and gets a
columnar ``ConsumptionSeries`` (twelve points for a month view, whatever the size of the load
curve behind it). This module imports ``textual_plotext`` (hence plotext) at its top: it is
imported only when the screen opens (``screens.registry``), never at start-up.

Choices:

- Default ranges end on the last day the backend has data for (yesterday as the backend sees it,
  asked once per contract with ``consumption_range``), so the screen agrees with the backend's
  clock, never with this computer's date: month view, the 12 calendar months up to that day; day view, its last 31 days; year
  view, the last 5 calendar years. Changing the granularity resets the range to its default;
  « Du » / « Au » (JJ/MM/AAAA in both languages) can then be edited and applied with Entrée.
- Chart: HP and HC stacked (kWh) where the contract has them; in € a single bar per period
  (the backend prices each period as a whole, not per register). Comparing with the year
  before (CONSO-3) draws last year's bar (grey) next to this year's, and gives the % change.
  The chart adapts to the width: x labels are thinned to fit; y ticks are French numbers.
- Table view (T): the same numbers, per register, total, cost, and last year's when compared.
- CSV export (X, CONSO-5) of what is shown (the points of the chart or table, with both kWh and
  €, and last year's when compared), headers in the person's language, UTF-8 with a BOM. In
  French: ``;`` separator, decimal comma, dates JJ/MM/AAAA — what a French spreadsheet opens as
  is. In English: ``,`` separator, decimal point, dates YYYY-MM-DD — what an English
  spreadsheet opens as is (a comma separator needs the point; ISO dates are never read month
  first). No thousands separator in either: a spreadsheet reads the figures as numbers. Into the downloads folder
  (platformdirs) or a folder typed in the export dialog; an existing file is never overwritten:
  the name gets « (2) », « (3) »… and the message says where the file went.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    Static,
)
from textual_plotext import PlotextPlot

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.models import ConsumptionSeries, Contract, Granularity, Register
from geg_tui.downloads import downloads_folder, save_new
from geg_tui.failure_guard import GuardedDispatch
from geg_tui.formats import (
    PARIS,
    format_date,
    format_decimal,
    format_input_date,
    format_kwh,
    format_money,
    format_percent,
    format_short_date,
    group_thousands,
    month_short,
)
from geg_tui.i18n import _, _l, current_language, pgettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError, MarkedCheckbox
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

KWH = "kwh"
EUR = "eur"
COLORS = {Register.HP: "orange", Register.HC: "blue", Register.BASE: "cyan", Register.GAS: "green"}
TOTAL_COLOR = "cyan"
PREVIOUS_COLOR = "gray"
# Not by colour alone (WCAG 2.2 SC 1.4.1, NO_COLOR): each stack has its own fill, the legend
# shows the same one. HP plain, HC shaded, the year before light.
PATTERNS = {Register.HP: "█", Register.HC: "▒"}
PLAIN = "█"
PREVIOUS_PATTERN = "░"
# The same colours for Rich (the legend): plotext names are not all Rich names.
RICH = {
    "orange": "color(208)",
    "blue": "blue",
    "cyan": "cyan",
    "green": "green",
    "gray": "bright_black",
}
UNAVAILABLE_CHART = _l(
    "Consommations indisponibles pour le moment (voir le message ci-dessus) : ce n'est pas une "
    "consommation nulle. Réessayez avec F5."
)
UNAVAILABLE_SUMMARY = _l("Les consommations n'ont pas pu être chargées.")
GRANULARITIES = (
    (_l("Par jour"), Granularity.DAY),
    (_l("Par mois"), Granularity.MONTH),
    (_l("Par année"), Granularity.YEAR),
)


# --- ranges and numbers ----------------------------------------------------------------------


def default_range(granularity: Granularity, last: date) -> tuple[date, date]:
    """The default range ending on ``last`` (the last day with data)."""
    if granularity is Granularity.DAY:
        return last - timedelta(days=30), last
    if granularity is Granularity.YEAR:
        return date(last.year - 4, 1, 1), date(last.year, 12, 31)
    first_month = last.month - 11
    year = last.year
    if first_month < 1:
        first_month += 12
        year -= 1
    next_month = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return date(year, first_month, 1), next_month - timedelta(days=1)


def parse_day(text: str) -> date | None:
    """``JJ/MM/AAAA`` (DD/MM/YYYY in English too) → a date (None when it is not one; the backend then says why)."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def period_label(start: date, end: date, granularity: Granularity, *, long: bool = False) -> str:
    """The x label of a point (``long`` for the table and the CSV)."""
    if granularity is Granularity.DAY:
        return format_date(start) if long else format_short_date(start)
    if granularity is Granularity.YEAR:
        return str(start.year)
    if long:
        return f"{month_short(start.month)} {start.year}"
    return f"{month_short(start.month)} {start.year % 100:02d}"


def change_pct(current: int, previous: int) -> float | None:
    """The change from ``previous`` to ``current`` in %, None when there was nothing before."""
    if previous == 0:
        return None
    return (current - previous) * 100 / previous


def percent(current: int, previous: int) -> str:
    """``+12,5 %`` / ``+12.5%``, ``—`` when there is nothing to compare with."""
    change = change_pct(current, previous)
    return "—" if change is None else format_percent(change, signed=True)


def nice_step(top: float, count: int = 4) -> float:
    raw = top / count
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def tick_label(value: float) -> str:
    """A y tick in the person's language: ``1 200``, ``12,5`` / ``1,200``, ``12.5``."""
    if value == int(value):
        return group_thousands(int(value))
    return format_decimal(value, 1)


@dataclass(frozen=True)
class ChartData:
    """What the chart draws, in display units (kWh or €)."""

    labels: tuple[str, ...]
    stacks: tuple[tuple[str, str, tuple[float, ...]], ...]  # (name, colour, values) bottom-up
    previous: tuple[float, ...] | None
    patterns: tuple[str, ...] = ()  # the fill of each stack, as in the legend


def chart_data(series: ConsumptionSeries, unit: str) -> ChartData:
    labels = tuple(
        period_label(s, e, series.granularity)
        for s, e in zip(series.starts, series.ends, strict=True)
    )
    if unit == EUR:
        stacks = ((_("Coût"), TOTAL_COLOR, tuple(c / 100 for c in series.costs)),)
        patterns: tuple[str, ...] = (PLAIN,)
        prev = series.previous.costs if series.previous is not None else None
        previous = tuple(c / 100 for c in prev) if prev is not None else None
    else:
        stacks = tuple(
            (label_of(register), COLORS.get(register, TOTAL_COLOR), tuple(v / 1000 for v in values))
            for register, values in series.wh.items()
        )
        patterns = tuple(PATTERNS.get(register, PLAIN) for register in series.wh)
        prev_wh = series.previous.totals_wh if series.previous is not None else None
        previous = tuple(v / 1000 for v in prev_wh) if prev_wh is not None else None
    if previous is not None:  # one total bar against the year before's
        patterns = (patterns[0] if len(patterns) == 1 else PLAIN,)
    return ChartData(labels, stacks, previous, patterns)


# --- the chart -------------------------------------------------------------------------------


def pattern(data: ChartData, index: int) -> str:
    """The fill of stack ``index`` (plain when the data names none)."""
    return data.patterns[index] if index < len(data.patterns) else PLAIN


class ConsumptionChart(PlotextPlot):
    """Bars drawn for the widget's current size (labels thinned to fit the width).

    Three states that must not be confused: nothing loaded (blank, while the first call runs),
    a service error (``unavailable``: says so — never « no data », which would tell the person
    they consumed nothing) and a loaded series, which may truly be empty."""

    can_focus = True
    DEFAULT_CSS = "ConsumptionChart { height: 1fr; min-height: 8; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: ChartData | None = None
        self.unavailable = False

    def show(self, data: ChartData | None) -> None:
        self.data = data
        self.unavailable = False
        self.refresh()

    def show_unavailable(self) -> None:
        self.data = None
        self.unavailable = True
        self.refresh()

    def render(self) -> RenderResult:
        data = self.data
        if self.unavailable:
            return Text(str(UNAVAILABLE_CHART), style="bold")
        if data is None:
            return Text("")
        if not data.labels:
            return Text(_("Aucune donnée à afficher sur cette période."), style="italic")
        plt = self.plt
        plt.clear_figure()
        count = len(data.labels)
        xs = list(range(1, count + 1))
        totals = [sum(values) for values in zip(*(s[2] for s in data.stacks), strict=True)]
        top = max([*totals, *(data.previous or ()), 0.0])
        if data.previous is not None:
            plt.multiple_bar(
                xs,
                [list(data.previous), totals],
                color=[PREVIOUS_COLOR, data.stacks[0][1] if len(data.stacks) == 1 else TOTAL_COLOR],
                marker=[PREVIOUS_PATTERN, pattern(data, 0)],
                width=0.6,
            )
        elif len(data.stacks) > 1:
            plt.stacked_bar(
                xs,
                [list(s[2]) for s in data.stacks],
                color=[s[1] for s in data.stacks],
                marker=[pattern(data, i) for i in range(len(data.stacks))],
                width=0.7,
            )
        else:
            plt.bar(
                xs,
                list(data.stacks[0][2]),
                color=data.stacks[0][1],
                marker=pattern(data, 0),
                width=0.7,
            )
        # y: ticks in the person's language from 0 to a round top.
        step = nice_step(top or 1)
        ticks = [step * i for i in range(int((top or 1) / step) + 2)]
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [tick_label(t) for t in ticks])
        # x: one label every ``every`` points so they do not overlap at this width.
        width = max(self.size.width - 10, 10)
        longest = max(len(label) for label in data.labels) + 1
        every = max(1, math.ceil(count * longest / width))
        shown = xs[::every]
        plt.xticks(shown, [data.labels[x - 1] for x in shown])
        return super().render()


# --- export ----------------------------------------------------------------------------------


def csv_delimiter() -> str:
    """``;`` in French (the comma is the decimal sign), ``,`` in English."""
    return "," if current_language() == "en" else ";"


def csv_rows(series: ConsumptionSeries) -> list[list[str]]:
    """The shown points as CSV rows (header first), as the person's spreadsheet reads them:
    French decimals and dates JJ/MM/AAAA, or English decimal point and ISO dates (module doc).
    """
    english = current_language() == "en"
    point = "." if english else ","

    def kwh(wh: int) -> str:
        sign = "-" if wh < 0 else ""
        whole, frac = divmod(abs(wh), 1000)
        return f"{sign}{whole}{point}{frac:03d}"

    def euros(cents: int) -> str:
        sign = "-" if cents < 0 else ""
        whole, frac = divmod(abs(cents), 100)
        return f"{sign}{whole}{point}{frac:02d}"

    def day(value: date) -> str:
        return value.isoformat() if english else format_date(value)

    def change(current: int, previous: int) -> str:
        pct = change_pct(current, previous)
        return "" if pct is None else f"{pct:+.1f}".replace(".", point)

    registers = series.registers
    header = [_("Période"), _("Début"), _("Fin")]
    header += [_("{name} (kWh)").format(name=label_of(r)) for r in registers]
    header += [_("Total (kWh)"), _("Coût TTC (€)")]
    previous = series.previous
    if previous is not None:
        header += [
            _("Début année précédente"),
            _("Fin année précédente"),
            _("Total année précédente (kWh)"),
            _("Coût TTC année précédente (€)"),
            _("Écart kWh (%)"),
        ]
    rows = [header]
    totals = series.totals_wh
    prev_totals = previous.totals_wh if previous is not None else ()
    for i in range(series.size):
        row = [
            period_label(series.starts[i], series.ends[i], series.granularity, long=True),
            day(series.starts[i]),
            day(series.ends[i]),
        ]
        row += [kwh(series.wh[r][i]) for r in registers]
        row += [kwh(totals[i]), euros(series.costs[i])]
        if previous is not None:
            row += [
                day(previous.starts[i]),
                day(previous.ends[i]),
                kwh(prev_totals[i]),
                euros(previous.costs[i]),
                change(totals[i], prev_totals[i]),
            ]
        rows.append(row)
    return rows


def write_csv(series: ConsumptionSeries, folder: Path) -> Path:
    gran, first, last = series.granularity.value, series.start, series.end
    name = f"consommation_{series.contract_ref}_{gran}_{first:%Y-%m-%d}_{last:%Y-%m-%d}.csv"
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=csv_delimiter()).writerows(csv_rows(series))
    return save_new(folder, name, text.getvalue().encode("utf-8-sig"))


class ExportDialog(GuardedDispatch, ModalScreen[Path | None]):
    """Where to write the CSV (the downloads folder by default)."""

    BINDINGS = [Binding("escape", "cancel", _l("Annuler"), id="export-cancel")]
    CSS_PATH = "export_dialog.tcss"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Form(id="export"):
            yield Static(_("Exporter en CSV ce qui est affiché"), classes="screen-title")
            yield Static(
                csv_hint(),
                classes="hint",
            )
            yield Field(_("Dossier"), "folder", value=str(self.folder))
            with Horizontal(classes="buttons"):
                yield Button(_("Exporter"), id="export-ok", variant="primary", compact=True)
                yield Button(_("Annuler"), id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-folder", Field).input.focus()

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        field = self.query_one("#field-folder", Field)
        text = field.value.strip()
        try:  # « ~inconnu/x », a NUL, a folder we may not create: said, never a crash
            folder = Path(text).expanduser() if text else downloads_folder()
            if folder == downloads_folder():
                folder.mkdir(parents=True, exist_ok=True)  # the standard folder may not exist yet
            exists = folder.is_dir()
        except (OSError, RuntimeError, ValueError):
            message = _("Ce dossier ne peut pas être utilisé : {path}").format(path=text)
            self.query_one(Form).show_error({"folder": message})
            return
        if not exists:
            message = _("Ce dossier n'existe pas : {path}").format(path=folder)
            self.query_one(Form).show_error({"folder": message})
            return
        self.dismiss(folder)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def csv_hint() -> str:
    """What the export writes, so that the person knows their spreadsheet will open it."""
    if current_language() == "en":
        # Not a translation of the French hint: the English file is another format.
        return _("Séparateur « , », point décimal, dates AAAA-MM-JJ, UTF-8 : pour un tableur.")
    return _("Séparateur « ; », virgule décimale, UTF-8 : s'ouvre tel quel dans un tableur.")


# --- the screen ------------------------------------------------------------------------------


def contract_label(contract: Contract) -> str:
    if contract.meter.communicating:
        return _("{energy} (Linky) — {ref}").format(
            energy=label_of(contract.energy), ref=contract.ref
        )
    return f"{label_of(contract.energy)} — {contract.ref}"


class ConsumptionScreen(BaseScreen):
    """Consumption by day, month or year, as a chart or a table, exported as CSV."""

    TITLE = _l("Mes consommations")
    AUTO_FOCUS = "#chart"
    HELP = _l(
        "Votre consommation par jour, par mois ou par année, en kWh ou en euros TTC (prix de "
        "chaque période, hors abonnement). Heures pleines (█) et heures creuses (▒) sont "
        "empilées quand votre contrat les distingue. « Comparer » ajoute la même période un an "
        "avant (░, en gris) et l'écart en %. Les dates Du/Au (JJ/MM/AAAA) se valident avec "
        "Entrée. L'export CSV reprend ce qui est affiché (séparateur «\u00a0;\u00a0», "
        "virgule décimale)."
    )
    BINDINGS = [
        Binding("j", "granularity('jour')", _l("Jour"), id="consumption-day"),
        Binding("m", "granularity('mois')", _l("Mois"), id="consumption-month"),
        Binding("a", "granularity('annee')", _l("Année"), id="consumption-year"),
        Binding(
            "u",
            "toggle_unit",
            _l("kWh/€"),
            tooltip=_l("Afficher en kWh ou en euros"),
            id="consumption-unit",
        ),
        Binding(
            "c",
            "toggle_compare",
            _l("Comparer"),
            tooltip=_l("Comparer à l'année précédente"),
            id="consumption-compare",
        ),
        Binding(
            "t",
            "toggle_table",
            _l("Tableau"),
            tooltip=_l("Graphique ou tableau"),
            id="consumption-table",
        ),
        Binding(
            "x",
            "export",
            _l("Export CSV"),
            tooltip=_l("Exporter ce qui est affiché"),
            id="consumption-export",
        ),
        Binding("f5", "reload", _l("Actualiser"), show=False, id="refresh"),
    ]
    CSS_PATH = "consumption.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)  # Textual wants a str: the language of this screen's opening
        self.contracts: tuple[Contract, ...] = ()
        self.contract_ref: str | None = None
        self.granularity = Granularity.MONTH
        self.unit = KWH
        self.compare = False
        self.series: ConsumptionSeries | None = None
        self.last_day: dict[str, date] = {}  # per contract: the last day with data
        self.last_export: Path | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="conso"):
            with Horizontal(classes="row"):
                yield Select[str]([], id="contract", compact=True, allow_blank=True, prompt="…")
                yield Select[Granularity](
                    [(str(label), value) for label, value in GRANULARITIES],
                    id="granularity",
                    value=Granularity.MONTH,
                    allow_blank=False,
                    compact=True,
                )
                yield Select[str](
                    # 9 columns for the list: a short word where « € TTC » needs a long one.
                    ((_("kWh"), KWH), (pgettext("liste des unités", "€ TTC"), EUR)),
                    id="unit",
                    value=KWH,
                    allow_blank=False,
                    compact=True,
                )
            with Form(id="period"):
                with Horizontal(classes="row", id="dates"):
                    yield Label(_("Du"))
                    yield Field(
                        "",
                        "start",
                        placeholder=_("JJ/MM/AAAA"),
                        max_length=10,
                        restrict=r"[0-9/]*",
                        error_below=False,  # no room in the toolbar: the banner says it
                    )
                    yield Label(_(" au "))
                    yield Field(
                        "",
                        "end",
                        placeholder=_("JJ/MM/AAAA"),
                        max_length=10,
                        restrict=r"[0-9/]*",
                        error_below=False,
                    )
                    yield MarkedCheckbox(
                        _("Comparer à l'année précédente"), id="compare", compact=True
                    )
                yield FormError(id="form-error")
            yield Static("", id="summary")
            yield ConsumptionChart(id="chart")
            yield DataTable(id="table", zebra_stripes=True, cursor_type="row")
        yield KeyBar()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="conso")
    async def load(self) -> None:
        """The contracts (first time), then the series shown."""
        if not self.contracts:
            try:
                account = await self.backend_call(
                    lambda backend: backend.account(self.geg.token),
                    label=_("Chargement de vos contrats…"),
                    widget=self.query_one("#conso"),
                    propagate=(BackendUnavailable,),
                )
            except BackendUnavailable as exc:
                self.show_unavailable(exc)
                return
            if account is None:
                return
            self.contracts = account.contracts
            if not self.contracts:
                self.query_one("#summary", Static).update(_("Aucun contrat sur ce compte."))
                return
            linky = [c for c in self.contracts if c.meter.communicating]
            self.contract_ref = (linky or list(self.contracts))[0].ref
            select = self.query_one("#contract", Select)
            with self.prevent(Select.Changed):
                select.set_options((contract_label(c), c.ref) for c in self.contracts)
                select.value = self.contract_ref
        if await self.fetch(reset_range=not self.query_one("#field-start", Field).value):
            self._loaded = True

    async def fetch(self, *, reset_range: bool) -> bool:
        ref = self.contract_ref
        if ref is None:
            return False
        granularity, compare = self.granularity, self.compare
        start_field = self.query_one("#field-start", Field)
        end_field = self.query_one("#field-end", Field)
        known_last = self.last_day.get(ref)

        async def call(backend: Backend) -> tuple[ConsumptionSeries, date | None]:
            token = self.geg.token
            last = known_last
            if reset_range and last is None:
                last = await self.last_data_day(backend, token, ref)
            if reset_range:
                assert last is not None  # known, or just asked for above
                first, end = default_range(granularity, last)
                start: date | str = first
            else:
                start, end = start_field.value, end_field.value  # checked by the backend
                start = parse_day(start) or start
                end = parse_day(end) or end  # type: ignore[assignment]
            series = await backend.consumption(
                token, ref, start, end, granularity, compare_previous_year=compare
            )
            return series, last

        self.clear_errors()
        try:
            result = await self.backend_call(
                call,
                label=_("Chargement des consommations…"),
                widget=self.query_one("#conso"),
                propagate=(BackendUnavailable,),
            )
        except BackendUnavailable as exc:
            self.show_unavailable(exc)
            return False
        if result is None:
            return False
        series, last = result
        if last is not None:
            self.last_day[ref] = last
        self.series = series
        with start_field.input.prevent(Input.Changed), end_field.input.prevent(Input.Changed):
            start_field.value = format_input_date(series.start)
            end_field.value = format_input_date(series.end)
        self.show_series()
        return True

    @staticmethod
    async def last_data_day(backend: Backend, token: str, ref: str) -> date:
        """The last day the backend has data for, as the backend says (``consumption_range``);
        for a contract without data yet, the backend's yesterday — never this computer's date,
        which may not be the backend's (a tester's clock set to 2031, a server abroad)."""
        days = await backend.consumption_range(token, ref)
        if days.last is not None:
            return days.last
        now = await backend.server_time()
        return now.astimezone(PARIS).date() - timedelta(days=1)

    def refetch(self, *, reset_range: bool) -> None:
        self._refetch(reset_range)

    @work(exclusive=True, exit_on_error=False, group="conso")
    async def _refetch(self, reset_range: bool) -> None:
        await self.fetch(reset_range=reset_range)

    # --- showing -------------------------------------------------------------------------
    def show_unavailable(self, error: BackendUnavailable) -> None:
        """The service did not answer: its message in the banner, and nothing left on screen
        that could be read as this range's consumption (no « no data », no older chart)."""
        self.series = None
        self.query_one("#form-error", FormError).show(error.message)
        self.query_one("#summary", Static).update(str(UNAVAILABLE_SUMMARY))
        self.query_one(ConsumptionChart).show_unavailable()
        self.query_one("#table", DataTable).clear(columns=True)

    def show_series(self) -> None:
        series = self.series
        if series is None:
            return
        self.query_one("#summary", Static).update(self.summary(series))
        self.query_one(ConsumptionChart).show(chart_data(series, self.unit))
        self.fill_table(series)

    def summary(self, series: ConsumptionSeries) -> Text:
        if not series.size:
            return Text(_("Aucune consommation connue sur cette période."))
        total = series.total_wh
        values = {
            "start": escape(format_date(series.starts[0])),
            "end": escape(format_date(series.ends[-1])),
            "total": escape(format_kwh(total)),
            "cost": escape(format_money(series.total_cost)),
        }
        if series.previous is None:
            line = _("Du {start} au {end} : [b]{total} · {cost}[/b]").format(**values)
        else:
            prev = series.previous
            if self.unit == EUR:
                change = percent(series.total_cost, prev.total_cost)
                before = format_money(prev.total_cost)
            else:
                change = percent(total, prev.total_wh)
                before = format_kwh(prev.total_wh)
            line = _(
                "Du {start} au {end} : [b]{total} · {cost}[/b] — un an avant : {before} ({change})"
            ).format(before=escape(before), change=escape(change), **values)
        text = Text.from_markup(line)
        text.append("\n")
        if self.unit == EUR:
            text.append(PLAIN * 2 + " ", style=RICH[TOTAL_COLOR])
            text.append(_("coût TTC"))
        elif series.previous is not None:
            single = len(series.wh) == 1
            color = COLORS.get(series.registers[0], TOTAL_COLOR) if single else None
            fill = PATTERNS.get(series.registers[0], PLAIN) if single else PLAIN
            text.append(fill * 2 + " ", style=RICH[color or TOTAL_COLOR])
            text.append(_("total"))
        else:
            for i, register in enumerate(series.registers):
                fill = PATTERNS.get(register, PLAIN) * 2 + " "
                text.append(
                    ("  " if i else "") + fill, style=RICH[COLORS.get(register, TOTAL_COLOR)]
                )
                text.append(label_of(register))
        if series.previous is not None:
            text.append("  " + PREVIOUS_PATTERN * 2 + " ", style="bright_black")
            text.append(_("un an avant"))
        text.append(_("  · en {unit}").format(unit=_("€ TTC") if self.unit == EUR else _("kWh")))
        if series.estimated:
            text.append(_(" · estimations (compteur non communicant)"), style="italic")
        return text

    def fill_table(self, series: ConsumptionSeries) -> None:
        table = self.query_one("#table", DataTable)
        table.clear(columns=True)
        table.add_column(_("Période"), key="period")
        for register in series.registers:
            table.add_column(_("{name} (kWh)").format(name=label_of(register)), key=register.value)
        if len(series.registers) > 1:
            table.add_column(_("Total (kWh)"), key="total")
        table.add_column(_("Coût TTC"), key="cost")
        previous = series.previous
        if previous is not None:
            table.add_column(_("Un an avant"), key="previous")
            table.add_column(_("Écart"), key="change")
        totals = series.totals_wh
        prev_totals = previous.totals_wh if previous is not None else ()
        for i in range(series.size):
            row = [period_label(series.starts[i], series.ends[i], series.granularity, long=True)]
            row += [format_kwh(series.wh[r][i]) for r in series.registers]
            if len(series.registers) > 1:
                row.append(format_kwh(totals[i]))
            row.append(format_money(series.costs[i]))
            if previous is not None:
                if self.unit == EUR:
                    row += [
                        format_money(previous.costs[i]),
                        percent(series.costs[i], previous.costs[i]),
                    ]
                else:
                    row += [format_kwh(prev_totals[i]), percent(totals[i], prev_totals[i])]
            table.add_row(
                *(Text(c, justify="left" if n == 0 else "right") for n, c in enumerate(row))
            )

    # --- controls ------------------------------------------------------------------------
    @on(Select.Changed, "#contract")
    def _contract(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.contract_ref:
            self.contract_ref = event.value
            self.refetch(reset_range=True)

    @on(Select.Changed, "#granularity")
    def _granularity(self, event: Select.Changed) -> None:
        if isinstance(event.value, Granularity) and event.value is not self.granularity:
            self.granularity = event.value
            self.refetch(reset_range=True)

    @on(Select.Changed, "#unit")
    def _unit(self, event: Select.Changed) -> None:
        if event.value in (KWH, EUR) and event.value != self.unit:
            self.unit = str(event.value)
            self.show_series()

    @on(Checkbox.Changed, "#compare")
    def _compare(self, event: Checkbox.Changed) -> None:
        if event.value != self.compare:
            self.compare = event.value
            self.refetch(reset_range=False)

    @on(Input.Submitted, "#dates Input")
    def _dates(self) -> None:
        self.refetch(reset_range=False)

    def action_granularity(self, value: str) -> None:
        self.query_one("#granularity", Select).value = Granularity(value)

    def action_toggle_unit(self) -> None:
        select = self.query_one("#unit", Select)
        select.value = EUR if self.unit == KWH else KWH

    def action_toggle_compare(self) -> None:
        self.query_one("#compare", Checkbox).toggle()

    def action_toggle_table(self) -> None:
        self.toggle_class("-table")
        target = self.query_one("#table") if self.has_class("-table") else self.query_one("#chart")
        target.focus()

    def action_export(self) -> None:
        if self.series is None:
            return
        self.app.push_screen(ExportDialog(downloads_folder()), self._export_to)

    def _export_to(self, folder: Path | None) -> None:
        if folder is None or self.series is None:
            return
        banner = self.query_one("#form-error", FormError)
        try:
            path = write_csv(self.series, folder)
        except OSError as exc:
            banner.show(_("Export impossible : {error}").format(error=exc.strerror or exc))
            return
        self.last_export = path
        if path.name != f"{path.stem.rsplit(' (', 1)[0]}.csv":
            message = _(
                "Exporté dans {path} (un fichier du même nom existait déjà : il est conservé)"
            ).format(path=path)
        else:
            message = _("Exporté dans {path}").format(path=path)
        banner.show(message, info=True)
        self.notify(message, title=_("Export CSV"), timeout=6)

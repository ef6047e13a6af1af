"""« Quelle option me coûte le moins ? » (issue 15): Base or HP/HC, and which power, priced on
the customer's own last 12 months of Linky curve.

The screen fetches (the last day with data, then the curve in pieces of at most 31 days, and the
published price grid) and shows; the arithmetic is ``geg_tui.tariffs.simulate``, the code that
bills (a test redoes every past invoice with it). Choices:

- The 12 months end on the last day the backend has data for (never this computer's date) and
  start no earlier than the contract: with less than a year of curve, the figures are for the
  days there are, and the summary says how many.
- Costs are VAT included, subscription and taxes in, each day at its own prices; the table is
  sorted cheapest first, today's option marked « ◀ actuelle » and the cheapest « ★ » (words and
  symbols, not colour). What the simulation assumes is written under the table.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from geg_tui.api.errors import BackendUnavailable
from geg_tui.api.models import Contract, PriceTables, Tariff
from geg_tui.formats import format_date, format_decimal, format_money
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.electricity import load_electricity
from geg_tui.tariffs import simulate
from geg_tui.tariffs.curve import kva_needed
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

ASSUMPTIONS = _l(
    "Hypothèses : la même consommation, aux mêmes heures, que sur la période ; heures creuses "
    "de 22:00 à 06:00 ; une puissance convient si ses kVA (pris comme des kW) dépassent le plus "
    "haut pic sur 30 minutes (la puissance instantanée peut être plus haute) ; les prix de "
    "chaque jour simulé, abonnement et taxes compris, pas ceux à venir."
)


SHORT_LABELS = {
    Tariff.BLUE_BASE: _l("Base"),
    Tariff.BLUE_HPHC: _l("HP / HC"),
    Tariff.MARKET_ELEC: _l("Offre de marché"),
}


def option_label(option: simulate.OptionCost) -> str:
    """A short name, for a table at 80 columns (the full one is in the contract list)."""
    short = SHORT_LABELS.get(option.tariff)
    return str(short) if short is not None else label_of(option.tariff)


def summary_text(result: simulate.Simulation, contract: Contract) -> str:
    """The period, the peak and the power it needs, and the verdict against today's option."""
    values = {
        "first": escape(format_date(result.first)),
        "last": escape(format_date(result.last)),
        "days": str(result.days),
    }
    lines = [_("Sur {days} jours de votre courbe, du {first} au {last}.").format(**values)]
    peak = result.peak
    if peak is not None:
        # the powers the grid offers (the options priced include every one above the peak)
        need = kva_needed(peak.watts, sorted({option.kva for option in result.options}))
        peak_values = {
            "peak": escape(format_decimal(peak.watts / 1000, 1)),
            "day": escape(format_date(peak.day)),
            "time": peak.time,
        }
        if need is None:
            lines.append(
                _(
                    "Pic atteint : {peak} kW le {day} à {time}, plus que toutes les "
                    "puissances proposées : parlez-en au service client."
                ).format(**peak_values)
            )
        else:
            lines.append(
                _("Pic atteint : {peak} kW le {day} à {time}, donc {kva} kVA au moins.").format(
                    kva=need, **peak_values
                )
            )
    current, best = result.current, result.cheapest
    if current is not None and best is not None:
        if best is current or best.total == current.total:
            lines.append(_("[b]Votre option actuelle est déjà la moins chère.[/b]"))
        else:
            saving = result.saving(best) or 0
            lines.append(
                _(
                    "[b]Le moins cher : {option} {kva} kVA, {saving} de moins que "
                    "votre option actuelle.[/b]"
                ).format(
                    option=escape(option_label(best)),
                    kva=best.kva,
                    saving=escape(format_money(saving)),
                )
            )
    return "\n".join(lines)


class SimulatorScreen(BaseScreen):
    """Every option and power priced on the customer's last 12 months of curve."""

    TITLE = _l("Quelle option me coûte le moins ?")
    AUTO_FOCUS = "#options"
    HELP = _l(
        "Le coût sur 12 mois de chaque option (Base, heures pleines / heures creuses) et de "
        "chaque puissance assez grande pour votre pic, calculé sur votre propre courbe de "
        "charge Linky aux prix de chaque jour, abonnement et taxes compris (TTC). « ◀ » "
        "marque votre option actuelle, « ★ » la moins chère ; l'écart est ce que chaque "
        "option coûte de plus (+) ou de moins (−) que la vôtre. F5 recalcule."
    )
    BINDINGS = [Binding("f5", "reload", _l("Actualiser"), id="refresh")]
    CSS_PATH = "simulator.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.contracts: tuple[Contract, ...] = ()
        self.contract: Contract | None = None
        self.tables: PriceTables | None = None
        self.result: simulate.Simulation | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="simulator"):
            with Horizontal(classes="row"):
                yield Select[str]([], id="contract", compact=True, allow_blank=True, prompt="…")
            yield FormError(id="form-error")
            yield Static("", id="summary")
            yield DataTable(id="options", zebra_stripes=True, cursor_type="row")
            yield Static(str(ASSUMPTIONS), id="assumptions")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False, group="simulator")
    async def load(self) -> None:
        if not self.contracts:
            loaded = await load_electricity(
                self,
                widget=self.query_one("#simulator"),
                nothing=_("Aucun contrat d'électricité sur ce compte : rien à simuler."),
            )
            if loaded is None:
                return
            self.contracts, self.contract, self.tables = loaded
            select = self.query_one("#contract", Select)
            with self.prevent(Select.Changed):
                select.set_options(
                    (
                        _("{ref} · {option} {kva} kVA").format(
                            ref=c.ref, option=label_of(c.tariff), kva=c.power_kva or "—"
                        ),
                        c.ref,
                    )
                    for c in self.contracts
                )
                select.value = self.contract.ref
        await self.run_simulation()

    async def run_simulation(self) -> None:
        contract, tables = self.contract, self.tables
        if contract is None or tables is None:
            return

        async def call(backend: Backend) -> simulate.Simulation:
            token = self.geg.token
            last = (await backend.consumption_range(token, contract.ref)).last
            if last is None:
                return simulate.simulate(
                    tables, contract.tariff, contract.power_kva, contract.start_date, []
                )
            first = max(contract.start_date, last - timedelta(days=simulate.YEAR_DAYS - 1))
            watts: list[int] = []
            for lo, hi in simulate.pieces(first, last):
                watts.extend((await backend.load_curve(token, contract.ref, lo, hi)).watts)
            return simulate.simulate(tables, contract.tariff, contract.power_kva, first, watts)

        self.clear_errors()
        self.show(None)
        try:
            result = await self.backend_call(
                call,
                label=_("Calcul sur 12 mois de votre courbe de charge…"),
                widget=self.query_one("#simulator"),
                propagate=(BackendUnavailable,),
            )
        except BackendUnavailable as exc:
            self.query_one("#form-error", FormError).show(exc.message)
            return
        self.show(result)

    def show(self, result: simulate.Simulation | None) -> None:
        """The verdict and the table; nothing of an earlier result when this one failed."""
        self.result = result
        table = self.query_one("#options", DataTable)
        table.clear(columns=True)
        summary = self.query_one("#summary", Static)
        contract = self.contract
        if result is None or contract is None:
            summary.update("")
            return
        if not result.options:
            summary.update(_("Pas encore de courbe de charge à simuler sur ce contrat."))
            return
        summary.update(summary_text(result, contract))
        table.add_columns(_("Option"), _("Puissance"), _("Coût TTC"), _("Écart"), _("Remarque"))
        best = result.cheapest
        for option in result.options:
            saving = result.saving(option)
            gap = "—" if saving is None or option.current else format_money(-saving)
            if saving is not None and -saving > 0 and not option.current:
                gap = "+" + gap
            marks = []
            if option.current:
                marks.append(_("◀ actuelle"))
            if option is best:
                marks.append(_("★ la moins chère"))
            table.add_row(
                option_label(option),
                f"{option.kva} kVA",
                format_money(option.total),
                gap,
                " ".join(marks),
            )

    @on(Select.Changed, "#contract")
    def contract_changed(self, event: Select.Changed) -> None:
        chosen = next((c for c in self.contracts if c.ref == event.value), None)
        if chosen is not None and chosen is not self.contract:
            self.contract = chosen
            self.load()

"""« Pourquoi ce montant ? » (issue 15): an invoice against the previous one of its contract and
against the same period a year before, the difference split into number of days, consumption,
prices and corrections of estimated readings (``geg_tui.insight.explain`` computes; this screen
lays out). Opened with E on an invoice, or from the command palette for the latest invoice."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from geg_tui.api.models import InvoiceKind
from geg_tui.formats import format_date, format_kwh, format_money, format_unit_price
from geg_tui.i18n import _, _l, ngettext
from geg_tui.insight.explain import Comparison, Explanation, Figures, Part, explain_invoice
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

#: The rows of the split, in the order the arithmetic takes them.
PART_LABELS = {
    Part.DAYS: _l("Nombre de jours"),
    Part.CONSUMPTION: _l("Consommation"),
    Part.PRICES: _l("Prix"),
    Part.CORRECTIONS: _l("Corrections d'index estimés"),
}

#: How the main part is told in a sentence (« L'écart vient surtout de … »).
PART_REASONS = {
    Part.DAYS: _l("du nombre de jours facturés"),
    Part.CONSUMPTION: _l("de votre consommation"),
    Part.PRICES: _l("des prix"),
    Part.CORRECTIONS: _l("de la correction d'index estimés"),
}


def signed_money(cents: int) -> str:
    """``+12,30 €``, ``-12,30 €`` or ``0,00 €``: the sign says which way, not a colour."""
    return ("+" if cents > 0 else "") + format_money(cents)


def days_text(days: int) -> str:
    return ngettext("{n} jour", "{n} jours", days).format(n=days)


def average_price(figures: Figures) -> int | None:
    """µ€ per kWh, VAT included, of the energy and excise lines (``None`` without kWh)."""
    wh = sum(figures.billed_wh.values())
    if not wh:
        return None
    variable = sum(figures.energy.values()) + figures.excise
    # cents per Wh × 10 000 µ€ per cent × 1 000 Wh per kWh, × (100 + VAT) / 100; to the
    # hundredth of a cent (four decimals of a euro): an average needs no more
    micro = variable * 10_000_000 * (100 + figures.vat_rate_pct) / 100 / wh
    return round(micro / 100) * 100


def kwh_range(before_wh: int, after_wh: int) -> str:
    """``490 → 937 kWh``: the unit once."""
    before = format_kwh(before_wh).removesuffix("kWh").rstrip()
    return f"{before} → {format_kwh(after_wh)}"


def part_detail(part: Part, comparison: Comparison) -> str:
    """The figures behind one part: then → now."""
    then, now = comparison.reference, comparison.current
    if part is Part.DAYS:
        return f"{then.days} → {days_text(now.days)}"
    if part is Part.CONSUMPTION:
        return kwh_range(sum(then.used_wh.values()), sum(now.used_wh.values()))
    if part is Part.PRICES:
        before, after = average_price(then), average_price(now)
        if before is None or after is None:
            return ""
        return _("{before} → {after}/kWh").format(
            before=format_unit_price(before), after=format_unit_price(after)
        )
    extra_then = sum(then.billed_wh.values()) - sum(then.used_wh.values())
    extra_now = sum(now.billed_wh.values()) - sum(now.used_wh.values())
    if not extra_then and not extra_now:
        return _("rien à corriger")
    return _("relevés − mesure :\n{range}").format(range=kwh_range(extra_then, extra_now))


def comparison_table(explanation: Explanation) -> Table | None:
    """One column per comparison (one only when the previous invoice is the one of a year
    before), one row per part, then the difference the parts add up to."""
    columns: list[tuple[str, Comparison]] = []
    if explanation.same_reference and explanation.previous is not None:
        columns.append((_("Facture précédente (un an avant)"), explanation.previous))
    else:
        if explanation.previous is not None:
            columns.append((_("Facture précédente"), explanation.previous))
        if explanation.year_before is not None:
            columns.append((_("Un an avant"), explanation.year_before))
    if not columns:
        return None
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    table.add_column("", ratio=2, overflow="fold")
    for title, _comparison in columns:
        table.add_column(title, justify="right", overflow="fold", ratio=3)
    table.add_row(
        _("Comparée à"),
        *(
            _("n° {ref}\n{start} – {end}").format(
                ref=c.reference.ref,
                start=format_date(c.reference.period_start),
                end=format_date(c.reference.period_end),
            )
            for _t, c in columns
        ),
    )
    table.add_row(_("Son montant TTC"), *(format_money(c.reference.total) for _t, c in columns))
    for part, label in PART_LABELS.items():
        cells = []
        for _title, comparison in columns:
            cell = Text(signed_money(comparison.parts[part]))
            if detail := part_detail(part, comparison):
                cell.append(f"\n{detail}", style="dim")
            cells.append(cell)
        table.add_row(str(label), *cells)
    table.add_row(
        Text(_("Écart total"), style="bold"),
        *(Text(signed_money(c.difference), style="bold") for _t, c in columns),
    )
    return table


def summary_text(explanation: Explanation) -> str:
    """The invoice and, in one sentence, where the difference with the previous one comes from."""
    invoice = explanation.invoice
    lines = [
        _("Facture n° {ref} — {energy}, contrat {contract}").format(
            ref=invoice.ref, energy=label_of(invoice.energy), contract=invoice.contract_ref
        ),
        _("Du {start} au {end} ({days}) : [b]{amount}[/b] TTC").format(
            start=format_date(invoice.period_start),
            end=format_date(invoice.period_end),
            days=days_text((invoice.period_end - invoice.period_start).days + 1),
            amount=format_money(invoice.total),
        ),
    ]
    if invoice.kind is InvoiceKind.SETTLEMENT:
        lines.append(_("Montants de la consommation, avant déduction des mensualités."))
    comparison = explanation.previous or explanation.year_before
    if comparison is None:
        lines.append(_("Aucune facture antérieure de ce contrat à comparer."))
    elif (main := comparison.main_part) is None:
        lines.append(_("Même montant que la facture comparée."))
    else:
        values = {"amount": signed_money(comparison.difference), "reason": str(PART_REASONS[main])}
        if comparison is explanation.previous:
            sentence = _("L'écart avec la facture précédente ({amount}) vient surtout {reason}.")
        else:
            sentence = _(
                "L'écart avec la même période un an avant ({amount}) vient surtout {reason}."
            )
        lines.append(sentence.format(**values))
    return "\n".join(lines)


class ExplainScreen(BaseScreen):
    """Why an invoice costs what it does, against earlier ones of its contract."""

    TITLE = _l("Pourquoi ce montant ?")
    HELP = _l(
        "Pourquoi une facture coûte ce qu'elle coûte : son montant TTC comparé à celui de la "
        "facture précédente du même contrat et à celui de la même période un an avant. L'écart "
        "est réparti entre le nombre de jours, la consommation (mesurée par le compteur), les "
        "prix et les corrections d'index estimés (ce que les relevés ont facturé en plus ou en "
        "moins de ce qui a été mesuré). Chaque part est arrondie au centime et les parts font "
        "exactement l'écart : les centimes d'arrondi vont aux parts les plus proches du centime "
        "supérieur."
    )
    BINDINGS = [Binding("r", "refresh", _l("Actualiser"), show=False, id="refresh")]
    CSS_PATH = "explain.tcss"

    def __init__(self, ref: str | None = None) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.ref = ref
        self.explanation: Explanation | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="explain"):
            yield FormError(id="form-error")
            yield Static("", id="summary")
            yield Static("", id="parts")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False, group="explain")
    async def load(self) -> None:
        if self.geg.session is None:
            return
        token = self.geg.session.token
        scroll = self.query_one("#explain")
        if self.ref is None:
            page = await self.backend_call(
                lambda b: b.list_invoices(token, limit=1),
                label=_("Chargement des factures…"),
                widget=scroll,
            )
            if page is None:
                return
            if not page.invoices:
                self.query_one("#summary", Static).update(_("Aucune facture à expliquer."))
                return
            self.ref = page.invoices[0].ref
        ref = self.ref
        explanation = await self.backend_call(
            lambda b: explain_invoice(b, token, ref),
            label=_("Comparaison avec vos factures précédentes…"),
            widget=scroll,
        )
        if explanation is not None:
            self.show(explanation)

    def show(self, explanation: Explanation) -> None:
        self.explanation = explanation
        self.query_one("#summary", Static).update(summary_text(explanation))
        table = comparison_table(explanation)
        self.query_one("#parts", Static).update(table if table is not None else "")

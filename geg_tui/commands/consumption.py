"""``geg-tui conso CONTRAT --du AAAA-MM-JJ --au AAAA-MM-JJ --pas jour|mois|annee``: the
consumption of a contract as a table, ``--csv`` or ``--json`` (CONSO-1…4, aggregated by the
backend).

``--csv`` is the very export of the consumption screen (``screens/consumption.csv_rows``: same
columns, French ``;`` and decimal comma or English ``,`` and point), written to stdout without
the byte-order mark a saved file has for spreadsheets, so that it pipes into other tools. That
module is the screen's (it imports Textual): imported only by ``--csv``.
"""

from __future__ import annotations

import sys

from geg_tui.commands.common import EXIT_OK, Context, UsageError, money, print_json, table
from geg_tui.i18n import _


async def consumption(ctx: Context) -> int:
    from geg_tui.api.models import Granularity

    args = ctx.args
    if args.end < args.start:
        raise UsageError(_("--au ({end}) est avant --du ({start}).").format(
            end=args.end.isoformat(), start=args.start.isoformat()
        ))  # fmt: skip
    token = await ctx.token()
    series = await ctx.backend.consumption(
        token, args.contract.strip(), args.start, args.end, Granularity(args.step)
    )
    if ctx.as_json:
        print_json(series)
    elif args.csv:
        import csv

        from geg_tui.screens.consumption import csv_delimiter, csv_rows

        writer = csv.writer(sys.stdout, delimiter=csv_delimiter(), lineterminator="\n")
        writer.writerows(csv_rows(series))
    else:
        print(series_text(series))
    return EXIT_OK


def series_text(series: object) -> str:
    """The points as aligned columns: period, each register, total, cost; then the totals."""
    from geg_tui.api.models import ConsumptionSeries, Granularity
    from geg_tui.formats import format_date, month_short
    from geg_tui.labels import label_of

    assert isinstance(series, ConsumptionSeries)
    if not series.size:
        return _("Aucune consommation sur cette période.")

    def kwh(wh: int) -> str:
        from geg_tui.formats import format_kwh

        return format_kwh(wh).replace("\u00a0", " ").replace("\u202f", " ")

    def period(i: int) -> str:
        start = series.starts[i]
        if series.granularity is Granularity.DAY:
            return format_date(start)
        if series.granularity is Granularity.YEAR:
            return str(start.year)
        return f"{month_short(start.month)} {start.year}"

    registers = series.registers
    header = [_("Période"), *(label_of(r) for r in registers), _("Total"), _("Coût TTC")]
    totals = series.totals_wh
    rows = [
        [
            period(i),
            *(kwh(series.wh[r][i]) for r in registers),
            kwh(totals[i]),
            money(series.costs[i]),
        ]
        for i in range(series.size)
    ]
    rows.append(
        [
            _("Total"),
            *(kwh(sum(series.wh[r])) for r in registers),
            kwh(series.total_wh),
            money(series.total_cost),
        ]
    )
    text = table(header, rows, right=tuple(range(1, len(header))))
    if series.estimated:
        text += "\n" + _("Estimations (compteur non communicant).")
    return text

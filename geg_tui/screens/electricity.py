"""What « Courbe de charge » and the tariff simulator both load first: the account's electricity
contracts, the one shown first (a Linky meter's, since only it has a load curve), and the dated
price tables the backend bills with (issue 15)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Static

from geg_tui.api.models import Contract, Energy, PriceTables
from geg_tui.i18n import _

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend
    from geg_tui.screens.base import BaseScreen


async def load_electricity(
    screen: BaseScreen, *, widget: Widget, nothing: str
) -> tuple[tuple[Contract, ...], Contract, PriceTables] | None:
    """The electricity contracts, the first to show and the price tables; ``None`` when the
    call failed (the screen has said why) or the account has no electricity contract (then
    ``nothing`` is written in the screen's ``#summary``)."""

    async def first(backend: Backend) -> tuple[tuple[Contract, ...], PriceTables]:
        account = await backend.account(screen.geg.token)
        return account.contracts, await backend.price_tables(Energy.ELECTRICITY)

    result = await screen.backend_call(first, label=_("Chargement de vos contrats…"), widget=widget)
    if result is None:
        return None
    contracts, tables = result
    electricity = tuple(c for c in contracts if c.energy is Energy.ELECTRICITY)
    if not electricity:
        screen.query_one("#summary", Static).update(nothing)
        return None
    linky = [c for c in electricity if c.meter.communicating]
    return electricity, (linky or list(electricity))[0], tables

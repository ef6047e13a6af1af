"""``geg-tui releve CONTRAT --index N | --hp N --hc N [--confirmer]``: send a meter reading.

The meter's registers come from ``meter_status`` (METER-1): ``--index`` for a one-register
meter (Base, gas), ``--hp`` and ``--hc`` for peak/off-peak. A meter that takes no manual
reading (Linky, METER-7) is refused with its reason, as every other METER refusal, in GEG's
words (status 1). An unusual index (METER-3) is not recorded: the warning is shown and the
command exits with status 1 until it is run again with ``--confirmer``. One idempotency key per
run: a send retried by the HTTP client is never recorded twice.
"""

from __future__ import annotations

import sys
import uuid
from typing import TYPE_CHECKING

from geg_tui.commands.common import EXIT_OK, EXIT_REFUSED, Context, UsageError, day, print_json
from geg_tui.i18n import _

if TYPE_CHECKING:
    from geg_tui.api.models import MeterStatus, Register


def indexes_for(status: MeterStatus, index: int | None, hp: int | None, hc: int | None) -> dict:
    """The indexes typed, by register of this meter; a usage error when they do not fit it."""
    from geg_tui.api.models import Register

    registers = status.meter.registers
    if set(registers) == {Register.HP, Register.HC}:
        if index is not None or hp is None or hc is None:
            raise UsageError(
                _("ce compteur a deux cadrans : donnez --hp N et --hc N (pas --index).")
            )
        return {Register.HP: hp, Register.HC: hc}
    if hp is not None or hc is not None or index is None:
        raise UsageError(_("ce compteur a un seul cadran : donnez --index N (pas --hp, --hc)."))
    return {registers[0]: index}


async def reading(ctx: Context) -> int:
    from geg_tui.api.texts import refusal_text, warning_text

    args = ctx.args
    token = await ctx.token()
    contract = args.contract.strip()
    status = await ctx.backend.meter_status(token, contract)
    if not status.manual_allowed:
        message = refusal_text(status) or ""
        if ctx.as_json:
            import json

            payload = {"code": status.refusal_code, "message": message}
            print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
        else:
            print(_("Refusé : {message}").format(message=message), file=sys.stderr)
        return EXIT_REFUSED
    indexes = indexes_for(status, args.index, args.hp, args.hc)
    result = await ctx.backend.submit_reading(
        token,
        contract,
        indexes,
        confirm_implausible=args.confirm,
        idempotency_key=str(uuid.uuid4()),
    )
    if ctx.as_json:
        print_json(result)
    if result.needs_confirmation:
        if not ctx.as_json:
            print(warning_text(result) or "", file=sys.stderr)
            print(
                _(
                    "Relevé non enregistré : si l'index est juste, relancez la commande avec "
                    "--confirmer."
                ),
                file=sys.stderr,
            )
        return EXIT_REFUSED
    if not ctx.as_json and result.reading is not None:
        print(
            _("Relevé enregistré le {date} : {indexes}.").format(
                date=day(result.reading.reading_date),
                indexes=_indexes_text(result.reading.indexes, status.meter.unit),
            )
        )
        warning = warning_text(result)
        if warning and not args.confirm:  # confirmed: the person has read it already
            print(warning)
    return EXIT_OK


def _indexes_text(indexes: dict[Register, int], unit: str) -> str:
    from geg_tui.formats import group_thousands
    from geg_tui.labels import label_of

    return ", ".join(
        f"{label_of(register)} {group_thousands(value)} {unit}".replace("\u00a0", " ")
        for register, value in indexes.items()
    )

"""« Relevé de compteur » (METER-1…7): send an index per register, see the window and the history.

One contract at a time (a chooser when the account has several; a meter a person can read is
chosen first). Each register of the meter has its field, labelled with the last known index and
its date (METER-1, METER-2); the reading window « du … au … » is shown (METER-5). A Linky meter
is read automatically: the screen says why there is nothing to type (METER-7).

Sending: every press of « Envoyer » is a new attempt with its own idempotency key (uuid4), so a
retried network call never stores a reading twice; a METER-3 warning stores nothing, and
« Confirmer ce relevé » resends the same values under the same key with the confirmation.
« Corriger » puts the cursor back in the field. The history (METER-6) lists date, index per
register and kind, newest first; a customer reading shows as « Relevé client » (METER-4: dated
today, a second one the same day replaces the first).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from geg_tui.api.models import Contract, MeterReading, MeterStatus, ReadingResult, Register
from geg_tui.api.texts import refusal_text, warning_text
from geg_tui.formats import format_date, group_thousands
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend


def contract_label(contract: Contract) -> str:
    if contract.meter.communicating:
        return _("{energy} (Linky) — {ref}").format(
            energy=label_of(contract.energy), ref=contract.ref
        )
    return f"{label_of(contract.energy)} — {contract.ref}"


def index_text(value: int, unit: str) -> str:
    return f"{group_thousands(value)}\u00a0{unit}"


def register_label(register: Register, unit: str) -> str:
    if register is Register.GAS:
        return _("Index gaz ({unit})").format(unit=unit)
    return _("Index {name} ({unit})").format(name=label_of(register).lower(), unit=unit)


class MeterScreen(BaseScreen):
    """Send a meter reading and read the reading history."""

    TITLE = _l("Relevé de compteur")
    HELP = _l(
        "Saisissez l'index affiché par votre compteur, un champ par cadran (chiffres entiers, "
        "sans la partie après la virgule). Un index plus bas que le dernier connu est refusé ; "
        "un index qui ferait une consommation inhabituelle vous est signalé : confirmez-le "
        "s'il est juste. Un relevé est daté d'aujourd'hui ; un second relevé le même jour "
        "remplace le premier. Un compteur Linky est relevé automatiquement. La période de "
        "relevé est celle des 10 jours avant votre prochaine facture."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "submit",
            _l("Envoyer le relevé"),
            tooltip=_l("Envoyer les index saisis"),
            id="meter-send",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    CSS_PATH = "meter.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)  # Textual wants a str: the language of this screen's opening
        self.contracts: tuple[Contract, ...] = ()
        self.contract_ref: str | None = None
        self.status: MeterStatus | None = None
        self.history: list[MeterReading] = []
        self._fields_for: str | None = None
        # METER-3: the values warned about, and the key of that attempt (resent on confirmation).
        self._pending: tuple[dict[Register, str], str] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="meter"):
            yield Static(_("Relevé de compteur"), classes="screen-title")
            with Horizontal(id="contract-row"):
                yield Label(_("Contrat"))
                yield Select[str]([], id="contract", allow_blank=True, compact=True, prompt="…")
            yield Static("", id="status", classes="card")
            yield Static("", id="linky")
            with Form(id="entry"):
                yield Horizontal(id="registers")
                yield FormError(id="form-error")
                with Vertical(id="warning"):
                    yield Static("", id="warning-text")
                    with Horizontal(classes="buttons"):
                        yield Button(
                            _("Confirmer ce relevé"), id="confirm", variant="warning", compact=True
                        )
                        yield Button(_("Corriger"), id="correct", compact=True)
                with Horizontal(classes="buttons", id="send-row"):
                    yield Button(
                        _("Envoyer le relevé"), id="submit", variant="primary", compact=True
                    )
            yield Static(_("Historique des relevés"), id="history-title", classes="screen-title")
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="meter")
    async def load(self) -> None:
        account = await self.backend_call(
            lambda backend: backend.account(self.geg.token),
            label=_("Chargement de vos contrats…"),
            widget=self.query_one("#meter"),
        )
        if account is None:
            return
        self.contracts = account.contracts
        if not self.contracts:
            self.query_one("#status", Static).update(_("Aucun contrat sur ce compte."))
            self.query_one("#entry").set_class(True, "-hidden")
            self._loaded = True
            return
        refs = [c.ref for c in self.contracts]
        if self.contract_ref not in refs:
            readable = [c for c in self.contracts if not c.meter.communicating]
            self.contract_ref = (readable or list(self.contracts))[0].ref
        select = self.query_one("#contract", Select)
        with self.prevent(Select.Changed):
            select.set_options((contract_label(c), c.ref) for c in self.contracts)
            select.value = self.contract_ref
        self.query_one("#contract-row").set_class(len(self.contracts) < 2, "-single")
        if await self.load_contract():
            self._loaded = True

    async def load_contract(self) -> bool:
        ref = self.contract_ref
        if ref is None:
            return False

        async def both(backend: Backend) -> tuple[MeterStatus, list[MeterReading]]:
            token = self.geg.token
            status, history = await asyncio.gather(
                backend.meter_status(token, ref), backend.reading_history(token, ref)
            )
            return status, history

        result = await self.backend_call(
            both, label=_("Chargement du compteur et des relevés…"), widget=self.query_one("#meter")
        )
        if result is None:
            return False
        self.status, self.history = result
        self.show_status()
        await self.build_fields()
        self.show_history()
        return True

    @on(Select.Changed, "#contract")
    def _contract_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.contract_ref:
            self.contract_ref = event.value
            self._pending = None
            self.switch_contract()

    @work(exclusive=True, exit_on_error=False, group="meter")
    async def switch_contract(self) -> None:
        self.clear_errors()
        self.hide_warning()
        await self.load_contract()

    # --- showing -------------------------------------------------------------------------
    def contract(self) -> Contract | None:
        return next((c for c in self.contracts if c.ref == self.contract_ref), None)

    def show_status(self) -> None:
        status = self.status
        contract = self.contract()
        if status is None or contract is None:
            return
        meter = status.meter
        title = (
            _("[b]{energy}[/b] — compteur n° {number} (Linky, communicant)")
            if meter.communicating
            else _("[b]{energy}[/b] — compteur n° {number}")
        )
        lines = [title.format(energy=label_of(contract.energy), number=meter.number)]
        last = status.last_reading
        if last is not None:
            indexes = " · ".join(
                f"{label_of(register)} {index_text(value, meter.unit)}"
                for register, value in last.indexes.items()
            )
            lines.append(
                _("Dernier index : {indexes} le {day} ({kind})").format(
                    indexes=indexes,
                    day=format_date(last.reading_date),
                    kind=label_of(last.kind).lower(),
                )
            )
        else:
            lines.append(_("Aucun relevé connu pour ce compteur."))
        lines.append(
            _("Période de relevé : du {start} au {end} (avant votre prochaine facture)").format(
                start=format_date(status.window_start), end=format_date(status.window_end)
            )
        )
        self.query_one("#status", Static).update("\n".join(lines))

        allowed = status.manual_allowed
        linky = self.query_one("#linky", Static)
        linky.set_class(not allowed, "-shown")
        linky.update(
            ""
            if allowed
            else _("[b]Saisie impossible[/b] — {reason}").format(
                reason=refusal_text(status) or _("ce compteur est relevé automatiquement.")
            )
        )
        self.query_one("#entry").set_class(not allowed, "-hidden")

    async def build_fields(self) -> None:
        """One field per register, labelled with the last known index (METER-1, METER-2).

        The fields are rebuilt only when the contract changes, so a reload keeps them (and the
        focus); their labels follow the last index."""
        status = self.status
        if status is None:
            return
        box = self.query_one("#registers", Horizontal)
        meter = status.meter
        wanted = [r.value for r in meter.registers] if status.manual_allowed else []
        present = [f.field_name for f in box.query(Field).results(Field)]
        if present != wanted or self._fields_for != status.contract_ref:
            await box.remove_children()
            await box.mount_all(
                Field(
                    "",
                    register.value,
                    placeholder=_("{n} chiffres au plus").format(n=meter.digits),
                    max_length=meter.digits + meter.digits // 3 + 1,
                    restrict=r"[0-9 ]*",
                )
                for register in meter.registers
                if status.manual_allowed
            )
            self._fields_for = status.contract_ref
            first = box.query(Field).first(Field) if status.manual_allowed else None
            if first is not None:
                first.input.focus()  # ready to type the index
        last = status.last_reading
        for register in meter.registers if status.manual_allowed else ():
            label = register_label(register, meter.unit)
            if last is not None and register in last.indexes:
                label = _("{label} — dernier : {value}").format(
                    label=label, value=index_text(last.indexes[register], meter.unit)
                )
            self.query_one(f"#field-{register.value} > Label", Label).update(label)

    def show_history(self) -> None:
        """METER-6: date, index per register and kind, newest first."""
        table = self.query_one("#history", DataTable)
        table.clear(columns=True)
        status = self.status
        if status is None:
            return
        meter = status.meter
        table.add_column(_("Date"), key="date")
        for register in meter.registers:
            table.add_column(
                _("{register} ({unit})").format(register=label_of(register), unit=meter.unit),
                key=register.value,
            )
        table.add_column(_("Type"), key="kind")
        for reading in self.history:
            table.add_row(
                format_date(reading.reading_date),
                *(
                    group_thousands(reading.indexes[r]) if r in reading.indexes else "—"
                    for r in meter.registers
                ),
                label_of(reading.kind),
            )

    # --- sending -------------------------------------------------------------------------
    def typed_indexes(self) -> dict[Register, str]:
        status = self.status
        if status is None:
            return {}
        values: dict[Register, str] = {}
        for register in status.meter.registers:
            values[register] = self.query_one(f"#field-{register.value}", Field).value.strip()
        return values

    def action_submit(self) -> None:
        if self.status is None or not self.status.manual_allowed:
            return
        indexes = self.typed_indexes()
        self._pending = (indexes, str(uuid.uuid4()))  # a new attempt, a new key
        self.send(confirm=False)

    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        self.action_submit()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter in the last register's field sends; in another, goes to the next field."""
        fields = list(self.query("#registers Field").results(Field))
        inputs = [f.input for f in fields]
        if event.input in inputs and event.input is not inputs[-1]:
            inputs[inputs.index(event.input) + 1].focus()
        elif event.input in inputs:
            self.action_submit()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        if self._pending is not None:
            self.send(confirm=True)

    @on(Button.Pressed, "#correct")
    def _correct(self) -> None:
        self._pending = None
        self.hide_warning()
        fields = list(self.query("#registers Field").results(Field))
        if fields:
            fields[0].input.focus()

    @on(Input.Changed, "#registers Input")
    def _typing(self) -> None:
        """Changing a value after a METER-3 warning is a correction: the warning goes."""
        if self.query_one("#warning").has_class("-shown"):
            self._pending = None
            self.hide_warning()

    def hide_warning(self) -> None:
        self.query_one("#warning").set_class(False, "-shown")
        self.query_one("#send-row").display = True

    def show_warning(self, text: str) -> None:
        self.query_one("#warning-text", Static).update(text)
        self.query_one("#warning").set_class(True, "-shown")
        self.query_one("#send-row").display = False
        # The safe choice has the focus: Enter corrects, confirming takes a deliberate move.
        self.query_one("#correct", Button).focus()

    @work(exclusive=True, exit_on_error=False, group="send")
    async def send(self, *, confirm: bool) -> None:
        if self._pending is None or self.contract_ref is None:
            return
        indexes, key = self._pending
        ref = self.contract_ref
        self.clear_errors()
        sent: dict[Register, int | str] = dict(indexes)
        result: ReadingResult | None = await self.backend_call(
            lambda backend: backend.submit_reading(
                self.geg.token, ref, sent, confirm_implausible=confirm, idempotency_key=key
            ),
            label=_("Envoi du relevé…"),
            widget=self.query_one("#entry"),
        )
        if result is None:  # refused: the message is next to its field, the values stay
            self._pending = None
            self.hide_warning()
            return
        if result.needs_confirmation:
            self.show_warning(
                warning_text(result)
                or _("Cet index paraît inhabituel : confirmez-le s'il est juste, ou corrigez-le.")
            )
            return
        self._pending = None
        self.hide_warning()
        reading = result.reading
        message = ""
        if reading is not None:
            unit = self.status.meter.unit if self.status else ""
            values = ", ".join(index_text(v, unit) for v in reading.indexes.values())
            message = _(
                "Relevé du {day} enregistré : {values}. Il servira pour votre prochaine facture."
            ).format(day=format_date(reading.reading_date), values=values)
            self.query_one("#form-error", FormError).show(message, info=True)
        for field in self.query("#registers Field").results(Field):
            with field.input.prevent(Input.Changed):
                field.value = ""
        await self.load_contract()
        if message:  # keep the confirmation after the reload rebuilt the fields
            self.query_one("#form-error", FormError).show(message, info=True)

"""« Paiement et échéancier » (DEBIT-1…5, EINV-1/2): how a contract is paid, its schedule, e-invoice.

One contract at a time (a chooser when the account has several, as on « Relevé de compteur »):

- the current payment mode, and what each of the three choices means (DEBIT-1): monthly direct
  debit on the 5th, 10th or 15th (DEBIT-4), quarterly direct debit on the regulated tariff only
  (DEBIT-2), or paying each invoice on receipt;
- a form to change it (``set_payment_mode``): the debit day is asked only for monthly debit; a
  refusal (a market offer for quarterly debit, no SEPA mandate: DEBIT-2, DEBIT-3) is placed by
  the ``Form`` under the mode, with what to do; a change applies from the next invoice (DEBIT-5);
- the schedule of the current yearly cycle under monthly debit (``debit_schedule``): each
  instalment's date, amount and state in words (« Prélevée », « À venir »: not a colour), the
  annual settlement invoice that closes the cycle, and the total of the instalments;
- ``#forecast``, below the schedule: the settlement forecast of the cycle and the instalment
  that would balance it (``geg_tui.insight.forecast``, issue 15), for a monthly-debit contract;
- e-invoice on or off (``set_e_invoice``, EINV-1/2), saved when the box is toggled, with what
  it changes (no paper; a mail per invoice, with the debit date and amount under direct debit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Label, Select, Static

from geg_tui.api.models import Contract, DebitSchedule, PaymentMode
from geg_tui.formats import format_date, format_money
from geg_tui.i18n import _, _l, ngettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.meter import contract_label
from geg_tui.widgets.fields import CheckField, FormError, SelectField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

DEBIT_DAYS = (5, 10, 15)  # DEBIT-4
INSTALMENT_DEBITED, INSTALMENT_UPCOMING = "prelevee", "a_venir"


def mode_text(contract: Contract) -> str:
    """« Prélèvement mensuel (mensualisation), le 10 du mois », or the mode alone."""
    if contract.payment_mode is PaymentMode.MONTHLY_DEBIT and contract.debit_day:
        return _("{mode}, le {day} du mois").format(
            mode=label_of(contract.payment_mode), day=contract.debit_day
        )
    return label_of(contract.payment_mode)


def instalment_state(status: str) -> str:
    """An instalment's state in words (DEBIT-4)."""
    if status == INSTALMENT_DEBITED:
        return _("✓ Prélevée")
    if status == INSTALMENT_UPCOMING:
        return _("À venir")
    return _("Annulée")


def mode_meaning(mode: PaymentMode) -> str:
    """What a choice means (DEBIT-1…4), shown under the form for the mode chosen."""
    if mode is PaymentMode.MONTHLY_DEBIT:
        return _(
            "11 mensualités égales, prélevées le 5, le 10 ou le 15 du mois, puis une facture "
            "de régularisation annuelle."
        )
    if mode is PaymentMode.QUARTERLY_DEBIT:
        return _(
            "Une facture tous les 3 mois, prélevée à son échéance. Réservé au tarif réglementé "
            "(Tarif Bleu)."
        )
    return _("Une facture tous les 2 mois, à payer par carte dans votre espace client.")


class PaymentModeScreen(BaseScreen):
    """The payment mode, the direct-debit schedule and e-invoice of a contract."""

    TITLE = _l("Paiement et échéancier")
    HELP = _l(
        "Choisissez le mode de règlement de chaque contrat : prélèvement mensuel "
        "(mensualisation, le 5, le 10 ou le 15 du mois), prélèvement trimestriel (tarif "
        "réglementé Tarif Bleu seulement) ou paiement à réception de chaque facture. Tout "
        "prélèvement demande des coordonnées bancaires et un mandat SEPA actif. Le changement "
        "s'applique à partir de la prochaine facture ; quitter la mensualisation annule les "
        "mensualités à venir. L'échéancier montre les mensualités de "
        "l'année en cours et la facture de régularisation. La facture électronique remplace "
        "le papier : chaque facture vous est annoncée par e-mail, avec la date et le montant "
        "du prélèvement."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "submit",
            _l("Enregistrer le mode"),
            tooltip=_l("Enregistrer le mode de règlement choisi"),
            id="payment-mode-save",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("payment-mode-save",)
    CSS_PATH = "payment_mode.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.contracts: tuple[Contract, ...] = ()
        self.contract_ref: str | None = None
        self.schedule: DebitSchedule | None = None
        self._error_form = "#mode-form"  # the form of the call under way places its refusal

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="payment-mode"):
            yield Static(_("Paiement et échéancier"), classes="screen-title")
            with Horizontal(id="contract-row"):
                yield Label(_("Contrat"))
                yield Select[str]([], id="contract", allow_blank=True, compact=True, prompt="…")
            yield Static("", id="current", classes="card")
            with Form(id="mode-form"):
                with Horizontal(id="mode-row"):
                    yield SelectField(_("Nouveau mode de règlement"), "mode", _("Choisir…"))
                    yield SelectField(_("Jour de prélèvement"), "debit_day", _("Choisir…"))
                yield Static("", id="mode-meaning")
                yield FormError(id="mode-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Enregistrer le mode"), id="save-mode", variant="primary", compact=True
                    )
            yield Static(_("Échéancier"), classes="section")
            yield Static("", id="schedule-note")
            yield DataTable(id="schedule", cursor_type="row", zebra_stripes=True)
            yield Static("", id="schedule-total")
            yield Static("", id="forecast")
            yield Static(_("Facture électronique"), classes="section")
            with Form(id="einvoice-form"):
                yield CheckField(
                    _("Recevoir mes factures par e-mail (plus de papier)"), "enabled",
                    control_id="e-invoice",
                )  # fmt: skip
                yield FormError(id="einvoice-error")
            yield Static("", id="einvoice-note")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#field-debit_day", SelectField).set_options(
            (_("le {day} du mois").format(day=day), day) for day in DEBIT_DAYS
        )
        self.query_one("#field-mode", SelectField).set_options(
            (label_of(mode), mode.value) for mode in PaymentMode
        )

    def active_form(self) -> Form | None:
        """Two forms are shown at once: the refusal goes to the one whose call it answers."""
        return self.query_one(self._error_form, Form)

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="payment-mode")
    async def load(self) -> None:
        account = await self.backend_call(
            lambda backend: backend.account(self.geg.token),
            label=_("Chargement de vos contrats…"),
            widget=self.query_one("#payment-mode"),
        )
        if account is None:
            return
        self.contracts = account.contracts
        if not self.contracts:
            self.query_one("#current", Static).update(_("Aucun contrat sur ce compte."))
            self.query_one("#mode-form").display = False
            self._loaded = True
            return
        if self.contract_ref not in [c.ref for c in self.contracts]:
            self.contract_ref = self.contracts[0].ref
        select = self.query_one("#contract", Select)
        with self.prevent(Select.Changed):
            select.set_options((contract_label(c), c.ref) for c in self.contracts)
            select.value = self.contract_ref
        self.query_one("#contract-row").set_class(len(self.contracts) < 2, "-single")
        self.show_contract(choose=True)
        await self.load_schedule()
        self._loaded = True

    async def load_schedule(self) -> None:
        """DEBIT-4: only a monthly-debit contract has a schedule."""
        contract = self.contract()
        self.schedule = None
        if contract is not None and contract.payment_mode is PaymentMode.MONTHLY_DEBIT:
            ref = contract.ref

            async def call(backend: Backend) -> DebitSchedule:
                return await backend.debit_schedule(self.geg.token, ref)

            self.schedule = await self.backend_call(
                call, label=_("Chargement de l'échéancier…"), widget=self.query_one("#schedule")
            )
        self.show_schedule()
        await self.load_forecast(contract if self.schedule is not None else None)

    async def load_forecast(self, contract: Contract | None) -> None:
        """The settlement forecast below the schedule: only with a schedule to forecast."""
        from geg_tui.insight.forecast import forecast_text, settlement_forecast

        card = self.query_one("#forecast", Static)
        card.update("")
        card.display = contract is not None
        if contract is None:
            return
        ref, token = contract.ref, self.geg.token
        forecast = await self.backend_call(
            lambda backend: settlement_forecast(backend, token, ref),
            label=_("Calcul de la prévision de régularisation…"),
            widget=card,
        )
        card.update(forecast_text(forecast) if forecast is not None else "")
        card.display = forecast is not None

    @on(Select.Changed, "#contract")
    def _contract_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str) and self.contract_ref is not None:
            with self.prevent(Select.Changed):  # the blank line is no contract: keep the one shown
                event.select.value = self.contract_ref
        elif isinstance(event.value, str) and event.value != self.contract_ref:
            self.contract_ref = event.value
            self.switch_contract()

    @work(exclusive=True, exit_on_error=False, group="payment-mode")
    async def switch_contract(self) -> None:
        self.clear_errors()
        self.show_contract(choose=True)
        await self.load_schedule()

    # --- showing -------------------------------------------------------------------------
    def contract(self) -> Contract | None:
        return next((c for c in self.contracts if c.ref == self.contract_ref), None)

    def show_contract(self, *, choose: bool) -> None:
        """The contract's mode and e-invoice; ``choose``: the form starts from the current mode."""
        contract = self.contract()
        if contract is None:
            return
        self.query_one("#current", Static).update(
            "\n".join(
                [
                    _("[b]{energy}[/b] — contrat {ref} · {tariff}").format(
                        energy=label_of(contract.energy),
                        ref=contract.ref,
                        tariff=label_of(contract.tariff),
                    ),
                    _("Mode de règlement actuel : [b]{mode}[/b]").format(mode=mode_text(contract)),
                ]
            )
        )
        if choose:
            mode = self.query_one("#field-mode", SelectField)
            mode.select.value = contract.payment_mode.value
            day = self.query_one("#field-debit_day", SelectField)
            day.select.value = contract.debit_day or 10
        self.show_day_field()
        box = self.query_one("#e-invoice", Checkbox)
        with box.prevent(Checkbox.Changed):
            box.value = contract.e_invoice
        self.show_einvoice_note(contract)

    def show_day_field(self) -> None:
        """The debit day is a choice of monthly debit only (DEBIT-4)."""
        chosen = self.query_one("#field-mode", SelectField).value
        self.query_one("#field-debit_day").display = chosen == PaymentMode.MONTHLY_DEBIT.value
        meaning = ""
        if chosen is not None:
            mode = PaymentMode(chosen)
            meaning = mode_meaning(mode)
            if mode.is_debit:
                meaning = _("{meaning} Demande un mandat SEPA (Coordonnées bancaires).").format(
                    meaning=meaning
                )
        self.query_one("#mode-meaning", Static).update(meaning)

    @on(Select.Changed, "#mode")
    def _mode_changed(self) -> None:
        self.show_day_field()

    def show_schedule(self) -> None:
        table = self.query_one("#schedule", DataTable)
        table.clear(columns=True)
        note = self.query_one("#schedule-note", Static)
        total = self.query_one("#schedule-total", Static)
        schedule = self.schedule
        contract = self.contract()
        table.display = schedule is not None
        if schedule is None:
            total.update("")
            if contract is not None and contract.payment_mode is not PaymentMode.MONTHLY_DEBIT:
                note.update(
                    _(
                        "Pas d'échéancier : ce contrat n'est pas mensualisé. Chaque facture "
                        "est réglée selon son mode ({mode})."
                    ).format(mode=label_of(contract.payment_mode))
                )
            else:
                note.update("")
            return
        note.update(
            _("Mensualités prélevées le {day} du mois, puis régularisation le {date}.").format(
                day=schedule.debit_day, date=format_date(schedule.settlement_date)
            )
        )
        table.add_column(_("Date"), key="date")
        table.add_column(_("Échéance"), key="what")
        table.add_column(_("Montant"), key="amount")
        table.add_column(_("État"), key="state")
        count = len(schedule.instalments)
        for number, instalment in enumerate(schedule.instalments, start=1):
            table.add_row(
                format_date(instalment.due_date),
                _("Mensualité {n}/{count}").format(n=number, count=count),
                format_money(instalment.amount),
                instalment_state(instalment.status),
            )
        table.add_row(
            format_date(schedule.settlement_date),
            _("Facture de régularisation"),
            _("selon consommation"),
            _("À venir"),
        )
        debited = sum(i.amount for i in schedule.instalments if i.status == INSTALMENT_DEBITED)
        total.update(
            "\n".join(
                [
                    ngettext(
                        "Total de {count} mensualité : [b]{total}[/b]",
                        "Total des {count} mensualités : [b]{total}[/b]",
                        count,
                    ).format(count=count, total=format_money(schedule.estimated_annual_total)),
                    _("Déjà prélevé : {debited} · reste à prélever : {left}").format(
                        debited=format_money(debited),
                        left=format_money(schedule.estimated_annual_total - debited),
                    ),
                ]
            )
        )

    def show_einvoice_note(self, contract: Contract) -> None:
        """What e-invoice changes (EINV-1/2), for the state the contract is in."""
        if contract.e_invoice:
            text = _(
                "✓ Facture électronique : plus de facture papier. Chaque facture vous est "
                "annoncée par e-mail avec son montant et, en prélèvement, la date et le montant "
                "prélevé. Vos factures restent en PDF dans votre espace pendant 5 ans."
            )
        else:
            text = _(
                "Factures papier par courrier. Avec la facture électronique, vous recevez à la "
                "place un e-mail par facture (montant, date et montant du prélèvement)."
            )
        self.query_one("#einvoice-note", Static).update(text)

    # --- changing the mode (DEBIT-1…5) -----------------------------------------------------
    def action_submit(self) -> None:
        self.save_mode()

    @on(Button.Pressed, "#save-mode")
    def _save(self) -> None:
        self.save_mode()

    @work(exclusive=True, exit_on_error=False, group="save-mode")
    async def save_mode(self) -> None:
        contract = self.contract()
        if contract is None:
            return
        form = self.query_one("#mode-form", Form)
        form.clear_errors()
        self.query_one("#mode-error", FormError).show(None)
        chosen = self.query_one("#field-mode", SelectField).value
        if chosen is None:
            form.show_error({"mode": _("Choisissez un mode de règlement.")})
            return
        mode = PaymentMode(chosen)
        day = self.query_one("#field-debit_day", SelectField).value
        debit_day = day if mode is PaymentMode.MONTHLY_DEBIT else None
        ref = contract.ref

        async def call(backend: Backend) -> Contract:
            return await backend.set_payment_mode(self.geg.token, ref, mode, debit_day)

        self._error_form = "#mode-form"
        changed = await self.backend_call(
            call, label=_("Enregistrement du mode de règlement…"), widget=form
        )
        if changed is None:  # refused: the reason is under the mode, the choice kept
            return
        self.replace_contract(changed)
        self.show_contract(choose=False)
        await self.load_schedule()
        message = _(
            "Mode de règlement enregistré : {mode}. Il s'applique à partir de votre prochaine "
            "facture."
        ).format(mode=mode_text(changed))
        self.query_one("#mode-error", FormError).show(message, info=True)
        self.notify(message, title=_("Mode de règlement"), timeout=6)

    def replace_contract(self, changed: Contract) -> None:
        self.contracts = tuple(changed if c.ref == changed.ref else c for c in self.contracts)

    # --- e-invoice (EINV-1/2) --------------------------------------------------------------
    @on(Checkbox.Changed, "#e-invoice")
    def _einvoice_toggled(self, event: Checkbox.Changed) -> None:
        self.save_einvoice(event.value)

    @work(exclusive=True, exit_on_error=False, group="e-invoice")
    async def save_einvoice(self, enabled: bool) -> None:
        contract = self.contract()
        if contract is None:
            return
        ref = contract.ref
        self.query_one("#einvoice-form", Form).clear_errors()

        async def call(backend: Backend) -> Contract:
            return await backend.set_e_invoice(self.geg.token, ref, enabled)

        self._error_form = "#einvoice-form"
        changed = await self.backend_call(
            call,
            label=_("Enregistrement de la facture électronique…"),
            widget=self.query_one("#einvoice-form"),
        )
        box = self.query_one("#e-invoice", Checkbox)
        if changed is None:  # refused: the box shows the state on file again
            with box.prevent(Checkbox.Changed):
                box.value = contract.e_invoice
            return
        self.replace_contract(changed)
        self.show_einvoice_note(changed)
        message = (
            _("Facture électronique activée pour le contrat {ref}.")
            if changed.e_invoice
            else _("Facture électronique désactivée pour le contrat {ref} : retour au papier.")
        ).format(ref=changed.ref)
        self.query_one("#einvoice-error", FormError).show(message, info=True)
        self.notify(message, title=_("Facture électronique"), timeout=6)

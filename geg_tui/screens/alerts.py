"""« Mes alertes » (ALERT-1/2): each kind of alert on or off, by e-mail and/or SMS, with its
parameter.

One small form per kind (``Form``), saved on its own: a refusal (a number of days out of 1…15,
a threshold out of range, no channel, SMS without a mobile number) goes under the field it is
about, what was typed stays. The parameter is sent as typed when it is not a whole number
(``None``): the backend's reason (« entre 1 et 15 ») says what to type, in one place.

SMS are sent to the mobile number of « Mes informations » (the profile): the screen says which
number, or that there is none, with a button to that screen; coming back, it reads the number
again (the forms keep what was typed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.api.models import AlertKind, AlertSetting
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import CheckField, Field, FormError, FormInput, SelectField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.models import Profile

DAY_KINDS = (AlertKind.PAYMENT_DUE, AlertKind.DEBIT_SOON)
THRESHOLD = AlertKind.CONSUMPTION_THRESHOLD
#: The informations screen's registry name (« Mes informations »: the mobile number).
INFORMATIONS = "informations"


def parsed_number(text: str) -> int | None:
    """A whole number as typed (spaces allowed: « 1 000 »), or ``None`` for anything else."""
    compact = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    return int(compact) if compact.isascii() and compact.isdigit() else None


def row_check(label: str, name: str, control_id: str) -> CheckField:
    """A checkbox of the row « Activée / Par e-mail / Par SMS »: too narrow for an error line,
    its refusal goes to the form's banner, right under the row, in full."""
    field = CheckField(label, name, control_id=control_id)
    field.error_below = False
    field.add_class("-no-error-line")
    return field


class AlertForm(Form):
    """The settings of one kind of alert."""

    def __init__(self, kind: AlertKind) -> None:
        super().__init__(id=f"alert-{kind.value}", classes="alert")
        self.kind = kind

    def compose(self) -> ComposeResult:
        kind = self.kind.value
        yield Static(label_of(self.kind), classes="alert-title")
        with Horizontal(classes="alert-row"):
            yield row_check(_("Activée"), "enabled", f"{kind}-enabled")
            yield row_check(_("Par e-mail"), "by_email", f"{kind}-email")
            yield row_check(_("Par SMS"), "by_sms", f"{kind}-sms")
            yield Button(_("Enregistrer"), id=f"save-{kind}", variant="primary", compact=True)
        yield FormError()
        if self.kind in DAY_KINDS or self.kind is THRESHOLD:
            with Horizontal(classes="alert-row"):
                label = (
                    _("Nombre de jours avant (1 à 15)")
                    if self.kind in DAY_KINDS
                    else _("Seuil mensuel (nombre entier)")
                )
                yield Field(
                    label,
                    "parameter",
                    field_input=FormInput(id=f"{kind}-parameter", compact=True, max_length=12),
                )
                if self.kind is THRESHOLD:
                    yield SelectField(_("Unité"), "unit", _("Choisir"))

    def on_mount(self) -> None:
        if self.kind is THRESHOLD:
            unit = self.query_one(SelectField)
            unit.set_options([(_("kWh"), "kwh"), (_("euros"), "eur")])

    def fill(self, setting: AlertSetting) -> None:
        """Show the saved ``setting``."""
        self.query_one("#field-enabled", CheckField).value = setting.enabled
        self.query_one("#field-by_email", CheckField).value = setting.by_email
        self.query_one("#field-by_sms", CheckField).value = setting.by_sms
        if self.kind in DAY_KINDS or self.kind is THRESHOLD:
            text = "" if setting.parameter is None else str(setting.parameter)
            self.query_one("#field-parameter", Field).value = text
        if self.kind is THRESHOLD and setting.unit:
            self.query_one(SelectField).select.value = setting.unit

    def setting(self) -> AlertSetting:
        """What the form says, for ``set_alert`` (the parameter ``None`` when not a number)."""
        values = self.values()
        parameter = parsed_number(values.get("parameter") or "")
        return AlertSetting(
            kind=self.kind,
            enabled=bool(values["enabled"]),
            by_email=bool(values["by_email"]),
            by_sms=bool(values["by_sms"]),
            parameter=parameter if "parameter" in values else None,
            unit=values.get("unit"),
        )


def saved_text(setting: AlertSetting) -> str:
    """What the banner says once saved: on (and how) or off, in words."""
    if not setting.enabled:
        return _("Enregistré : alerte désactivée.")
    if setting.by_email and setting.by_sms:
        return _("Enregistré : alerte activée, par e-mail et par SMS.")
    if setting.by_sms:
        return _("Enregistré : alerte activée, par SMS.")
    return _("Enregistré : alerte activée, par e-mail.")


class AlertsScreen(BaseScreen):
    """Switch alerts on and off and set their parameters."""

    TITLE = _l("Mes alertes")
    HELP = _l(
        "Chaque alerte se règle à part : Activée, Par e-mail, Par SMS (Espace pour cocher), "
        "son paramètre le cas échéant (jours avant l'échéance ou le prélèvement, de 1 à 15 ; "
        "seuil de consommation mensuelle en kWh ou en euros), puis « Enregistrer » ou Ctrl+S. "
        "Les SMS partent vers le numéro de mobile (06 ou 07) de « Mes informations ». Les "
        "alertes envoyées se relisent dans « Notifications »."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            _l("Enregistrer"),
            tooltip=_l("Enregistrer l'alerte où se trouve le curseur"),
            id="alerts-save",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("alerts-save",)
    CSS_PATH = "alerts.tcss"
    LOADS_ONCE = True
    AUTO_FOCUS = ".alert Checkbox"  # Space and Ctrl+S work at once, on the first alert

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self._saving: AlertForm | None = None  # the form whose save is under way

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="alerts"):
            yield Static(_("Mes alertes"), classes="screen-title")
            with Horizontal(id="sms-row"):
                yield Static("", id="sms-note")
                yield Button(_("Mes informations"), id="informations", compact=True)
            for kind in AlertKind:
                yield AlertForm(kind)
        yield KeyBar()

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    def on_screen_resume(self) -> None:
        if self._loaded:  # back from « Mes informations »: the mobile number may have changed
            self.load_mobile()

    @work(exclusive=True, exit_on_error=False, group="alerts")
    async def load(self) -> None:
        settings = await self.backend_call(
            lambda backend: backend.list_alerts(self.geg.token),
            label=_("Chargement de vos alertes…"),
            widget=self.query_one("#alerts"),
        )
        if settings is None:
            return
        for setting in settings:
            forms = self.query(f"#alert-{setting.kind.value}").results(AlertForm)
            for form in forms:
                form.clear_errors()
                form.fill(setting)
        self._loaded = True
        await self._show_mobile()

    @work(exclusive=True, exit_on_error=False, group="alerts-mobile")
    async def load_mobile(self) -> None:
        await self._show_mobile()

    async def _show_mobile(self) -> None:
        profile = await self.backend_call(
            lambda backend: backend.profile(self.geg.token),
            label=_("Chargement de votre numéro de mobile…"),
            widget=self.query_one("#sms-row"),
        )
        if profile is not None:
            self.query_one("#sms-note", Static).update(self.mobile_text(profile))

    @staticmethod
    def mobile_text(profile: Profile) -> str:
        if profile.mobile:
            return _("SMS envoyés au {number} (numéro de « Mes informations »).").format(
                number=profile.mobile
            )
        return _(
            "Aucun numéro de mobile : pour recevoir des SMS, ajoutez un numéro en 06 ou 07 dans "
            "« Mes informations »."
        )

    # --- saving --------------------------------------------------------------------------
    @on(Button.Pressed, "#informations")
    def _informations(self) -> None:
        self.geg.open_screen(INFORMATIONS)

    @on(Button.Pressed, ".alert Button")
    def _save_pressed(self, event: Button.Pressed) -> None:
        form = next(a for a in event.button.ancestors if isinstance(a, AlertForm))
        self.save(form)

    def action_save(self) -> None:
        focused = self.focused
        form = next(
            (a for a in (focused.ancestors if focused else []) if isinstance(a, AlertForm)), None
        )
        if form is None:
            self.notify(_("Placez le curseur dans l'alerte à enregistrer."))
            return
        self.save(form)

    def active_form(self) -> Form | None:
        """The form being saved gets the refusal (the others stay as they are)."""
        return self._saving or super().active_form()

    @work(exit_on_error=False, group="alerts-save")
    async def save(self, form: AlertForm) -> None:
        setting = form.setting()
        form.clear_errors()
        self._saving = form
        try:
            saved = await self.backend_call(
                lambda backend: backend.set_alert(self.geg.token, setting),
                label=_("Enregistrement de l'alerte…"),
                widget=form,
            )
        finally:
            self._saving = None
        if saved is None:  # refused: the whole form in view, its messages with it
            # Again now that the form is no longer covered by the loading indicator: while it
            # was, the field to correct could not always take the focus.
            form.focus_first_error()
            self.call_after_refresh(form.scroll_visible, animate=False)
            return
        form.fill(saved)
        banner = form.banner()
        if banner is not None:
            banner.show(f"✓ {saved_text(saved)}", info=True)

"""« Parrainage » (REF-1…6): invite someone, follow the invitations and the bonuses, and give
the IBAN the bonuses are paid to.

Two forms on one screen: the invitation (first and last name, e-mail, postcode; a Grenoble
postcode, 38000 or 38100, is refused by the backend with its reason, shown under the postcode)
and the programme's bank details. A refusal goes to the form that was sent (``active_form``). The
IBAN is checked here first with python-stdnum, the library the backend checks it with, so a typo
is said before anything is sent; the full IBAN is never shown back, only the backend's masked
form (BANK-4).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from geg_tui.api.models import Invitation, InvitationStatus, ReferralSummary
from geg_tui.api.problems import render
from geg_tui.formats import format_date, format_money
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.requests import shortened
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

POSTCODE_DIGITS = 5
NAME_WIDTH = 26  # the referee's name in the table; the e-mail and the full name are in the mail
IBAN_INPUT_MAX = 42  # 34 characters and their spaces, as a bank prints them


def iban_problem(value: str) -> str | None:
    """What is wrong with a typed IBAN (the backend's own words), or None when stdnum accepts
    it. An empty field is left to the backend, which names the field."""
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    if not value.strip():
        return None
    try:
        iban.validate(value)
    except ValidationError:
        return render("iban_invalid") or _("IBAN invalide.")
    return None


def expiry_text(invitation: Invitation) -> str:
    """REF-3: until when a sent invitation can be accepted; when an expired one ended."""
    if invitation.status in (InvitationStatus.SENT, InvitationStatus.EXPIRED):
        return format_date(invitation.expires_at)
    return "—"


def reveal_errors(form: Form) -> None:
    """The focus on the first field to correct, and that field's error line in view (at 80×24
    the bank form's errors are below the screen's fold); else the form's banner."""
    first = form.first_error()
    target = first if first is not None else form.banner()
    if first is not None:
        first.focus_control()
    if target is not None:  # once the error line, just shown, has its place in the layout
        target.call_after_refresh(target.scroll_visible, animate=False)


class ReferralScreen(BaseScreen):
    """Invite, follow the invitations and bonuses, give the bonus IBAN."""

    TITLE = _l("Parrainage")
    HELP = _l(
        "Invitez un proche à devenir client de GEG : il reçoit une invitation par e-mail et a "
        "30 jours pour souscrire. Vous gagnez 20 € par énergie souscrite (40 € pour "
        "l'électricité et le gaz). Les habitants de Grenoble (38000 et 38100) ne peuvent pas "
        "être parrainés. Les primes sont versées sur l'IBAN donné en bas de l'écran ; sans IBAN, "
        "elles attendent. Ctrl+S envoie le formulaire où vous êtes, F5 actualise."
    )
    BINDINGS = [
        Binding(
            "ctrl+s", "send", _l("Envoyer"), tooltip=_l("Envoyer ce formulaire"), id="referral-send"
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("referral-send",)
    CSS_PATH = "referral.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.summary: ReferralSummary | None = None
        self._sending: Form | None = None  # the form whose call is under way

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="referral"):
            yield Static(_("Parrainage"), classes="screen-title")
            yield Static("", id="bonus")
            with Form(id="invite-form"):
                yield Static(_("Inviter un proche"), classes="section-title")
                with Horizontal(classes="pair"):
                    yield Field(_("Prénom"), "first_name", max_length=60)
                    yield Field(_("Nom de famille"), "last_name", max_length=60)
                with Horizontal(classes="pair"):
                    yield Field(_("Adresse e-mail"), "email", max_length=254)
                    yield Field(
                        _("Code postal"),
                        "postcode",
                        max_length=POSTCODE_DIGITS,
                        restrict=r"[0-9]*",
                    )
                yield FormError(id="invite-error")
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Envoyer l'invitation"), id="invite", variant="primary", compact=True
                    )
            yield Static(_("Mes invitations"), classes="section-title")
            yield Static("", id="no-invitation", classes="hint")
            yield DataTable(id="invitations", cursor_type="row", zebra_stripes=True)
            with Form(id="bank-form"):
                yield Static(_("IBAN pour recevoir les primes"), classes="section-title")
                yield Static("", id="iban-now", classes="hint")
                with Horizontal(classes="pair"):
                    yield Field(_("IBAN"), "iban", max_length=IBAN_INPUT_MAX)
                    yield Field(_("Titulaire du compte"), "holder", max_length=70)
                yield FormError(id="bank-error")
                with Horizontal(classes="buttons"):
                    yield Button(_("Enregistrer l'IBAN"), id="save-iban", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#field-first_name", Field).input.focus()
        self.load()

    # --- errors go to the form that was sent ----------------------------------------------
    def active_form(self) -> Form | None:
        return self._sending or super().active_form()

    # --- loading and showing ------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="referral")
    async def load(self) -> None:
        summary = await self.backend_call(
            lambda backend: backend.referral(self.geg.token),
            label=_("Chargement de vos parrainages…"),
            widget=self.query_one("#bonus"),
        )
        if summary is not None:
            self.show(summary)

    def show(self, summary: ReferralSummary) -> None:
        self.summary = summary
        lines = [
            _("Primes gagnées : {earned} — versées : {paid}").format(
                earned=format_money(summary.total_earned), paid=format_money(summary.paid)
            )
        ]
        if summary.waiting_bank_details:
            lines.append(
                _(
                    "⚠ {amount} en attente de vos coordonnées bancaires : donnez un IBAN en bas de l'écran."
                ).format(amount=format_money(summary.total_earned - summary.paid))
            )
        self.query_one("#bonus", Static).update("\n".join(lines))
        self.query_one("#iban-now", Static).update(
            _("Primes versées sur le compte {iban}.").format(iban=summary.iban_masked)
            if summary.iban_masked
            else _("Aucun IBAN pour le parrainage pour l'instant.")
        )
        table = self.query_one("#invitations", DataTable)
        table.clear(columns=True)
        invitations = summary.invitations
        table.display = bool(invitations)
        self.query_one("#no-invitation", Static).update(
            "" if invitations else _("Aucune invitation envoyée pour l'instant.")
        )
        if not invitations:
            return
        headers = {
            "name": _("Filleul"),
            "postcode": _("Code postal"),
            "status": _("État"),
            "expires": _("Expire le"),
            "bonus": _("Prime"),
        }
        rows = [
            (
                Text(shortened(f"{invitation.first_name} {invitation.last_name}", NAME_WIDTH)),
                invitation.postcode,
                label_of(invitation.status),
                expiry_text(invitation),
                format_money(invitation.bonus) if invitation.bonus else "—",
            )
            for invitation in invitations
        ]
        # Fixed widths from the content: a table filled again would keep its first ones.
        for index, (key, header) in enumerate(headers.items()):
            width = max(len(header), *(len(row[index]) for row in rows))
            table.add_column(header, key=key, width=width)
        for invitation, row in zip(invitations, rows, strict=True):
            table.add_row(*row, key=str(invitation.id))

    # --- sending ------------------------------------------------------------------------
    def action_send(self) -> None:
        focused = self.focused
        bank = self.query_one("#bank-form", Form)
        if focused is not None and bank in focused.ancestors:
            self.save_iban()
        else:
            self.invite()

    @on(Button.Pressed, "#invite")
    def _invite(self) -> None:
        self.invite()

    @on(Button.Pressed, "#save-iban")
    def _save_iban(self) -> None:
        self.save_iban()

    @work(exclusive=True, exit_on_error=False, group="send")
    async def invite(self) -> None:
        form = self.query_one("#invite-form", Form)
        value = form.values()
        self.clear_errors()
        self._sending = form
        try:
            invitation = await self.backend_call(
                lambda backend: backend.invite(
                    self.geg.token,
                    value["first_name"],
                    value["last_name"],
                    value["email"],
                    value["postcode"],
                ),
                label=_("Envoi de l'invitation…"),
                widget=form,
            )
        finally:
            self._sending = None
        if invitation is None:  # refused: each reason under its field, everything kept
            reveal_errors(form)
            return
        for name in ("first_name", "last_name", "email", "postcode"):
            form.field(name).value = ""
        self.query_one("#invite-error", FormError).show(
            _(
                "Invitation envoyée à {email} : votre filleul a jusqu'au {day} pour souscrire."
            ).format(email=invitation.email, day=format_date(invitation.expires_at)),
            info=True,
        )
        form.field("first_name").focus_control()
        await self.reload_summary()

    @work(exclusive=True, exit_on_error=False, group="send")
    async def save_iban(self) -> None:
        form = self.query_one("#bank-form", Form)
        value = form.values()
        self.clear_errors()
        problem = iban_problem(value["iban"])
        if problem is not None:
            form.show_error({"iban": problem})
            reveal_errors(form)
            return
        self._sending = form
        try:
            summary = await self.backend_call(
                lambda backend: backend.set_referral_bank_details(
                    self.geg.token, value["iban"], value["holder"]
                ),
                label=_("Enregistrement de l'IBAN…"),
                widget=form,
            )
        finally:
            self._sending = None
        if summary is None:
            reveal_errors(form)
            return
        form.field("iban").value = ""  # shown back masked only (BANK-4)
        self.show(summary)
        self.query_one("#bank-error", FormError).show(
            _("IBAN enregistré : les primes gagnées y sont versées."), info=True
        )

    async def reload_summary(self) -> None:
        summary = await self.backend_call(
            lambda backend: backend.referral(self.geg.token),
            label=_("Chargement de vos parrainages…"),
            widget=self.query_one("#bonus"),
        )
        if summary is not None:
            self.show(summary)

"""« Coordonnées bancaires » (BANK-1…4): the account on file, its SEPA mandate, and changing them.

What is on file is shown as the backend sends it: the IBAN masked (BANK-4: country, check digits
and the last 4 characters), the BIC, the holder, the mandate reference (RUM) and its date. With
nothing on file, the screen says so and what to do.

Changing them needs the current password (BANK-2). The IBAN is checked as it is typed with
python-stdnum (ISO 13616: length of its country, mod 97), a hint under the field saying what is
wrong or that it is valid; the backend stays the judge (SEPA countries, BIC, holder: BANK-1).
Before sending, the screen explains what a change does (BANK-3: a new mandate, the old one
revoked, a mail) and from which debit it applies (the next one the account has, read from the
home summary); after it, the new RUM is shown.

The full IBAN never leaves the field it is typed in: the hint names its country and length, the
notices and the banner show the masked one the backend returns, and the field is emptied once
the change is saved.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from rich.markup import escape
from stdnum import iban as stdnum_iban
from stdnum import numdb
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from geg_tui.api.models import BankDetails, HomeSummary
from geg_tui.formats import format_date, format_money
from geg_tui.i18n import _, _l
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import Field, FormError
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend

# What the empty field shows: the shape, not a real-looking IBAN one could take as typed in.
IBAN_EXAMPLE = "FR76 …"
IBAN_MAX_TYPED = 50  # 34 characters at most, with spaces between groups of 4


def _bban_length(structure: str) -> int:
    """``5!n5!n11!c2!n`` → 23: the sum of the counts before each ``!``."""
    return sum(int(count) for count in re.findall(r"(\d+)!", structure))


def country_length(country: str) -> int | None:
    """The length of an IBAN of ``country`` (``FR`` → 27), or None for a country without one."""
    info = numdb.get("iban").info(country)
    structure = info[0][1].get("bban") if info else None
    return 4 + _bban_length(structure) if structure else None


def iban_hint(typed: str) -> tuple[str, bool | None]:
    """The live hint under the IBAN field and whether the IBAN is valid (None: not judged yet,
    the person is still typing). Never repeats the IBAN itself: its country and length only."""
    compact = stdnum_iban.compact(typed)
    if len(compact) < 2:
        return _("Lettres et chiffres, espaces facultatifs ; vérifié pendant la saisie."), None
    country = compact[:2]
    expected = country_length(country) if country.isalpha() else None
    if expected is None:
        return _("✗ « {country} » n'est pas un pays qui a un IBAN.").format(country=country), False
    if len(compact) < expected:
        return _("{n} caractères sur {total} (IBAN {country})").format(
            n=len(compact), total=expected, country=country
        ), None
    if len(compact) > expected:
        return _("✗ {n} caractères : un IBAN {country} en a {total}.").format(
            n=len(compact), country=country, total=expected
        ), False
    try:
        stdnum_iban.validate(compact)
    except InvalidChecksum:
        return _("✗ Clé de contrôle incorrecte : un caractère est faux ou inversé."), False
    except InvalidComponent:
        return _("✗ Le compte ne suit pas le format des IBAN {country}.").format(
            country=country
        ), False
    except ValidationError:
        return _("✗ Caractères non valides : lettres et chiffres seulement."), False
    return _("✓ IBAN valide ({country}, {n} caractères)").format(
        country=country, n=len(compact)
    ), True


def details_text(details: BankDetails | None) -> str:
    """What is on file (BANK-4: the IBAN as the backend masked it), or what to do without it."""
    if details is None:
        return _(
            "Aucune coordonnée bancaire enregistrée. Pour payer par prélèvement, saisissez "
            "ci-dessous l'IBAN du compte à débiter : un mandat SEPA sera créé."
        )
    return "\n".join(
        (
            _("IBAN : {iban}    BIC : {bic}").format(
                iban=details.iban_masked, bic=details.bic or _("non renseigné")
            ),
            _("Titulaire : {holder}").format(holder=escape(details.holder)),  # typed: not markup
            _("Mandat SEPA : {rum}, signé le {day}").format(
                rum=details.mandate_ref, day=format_date(details.mandate_signed_at)
            ),
        )
    )


def applies_text(summary: HomeSummary | None) -> str:
    """BANK-3: what a change does, and from which debit it applies."""
    what = _(
        "Un nouveau compte crée un nouveau mandat SEPA (nouvelle RUM) et révoque l'ancien ; "
        "une confirmation vous est envoyée par e-mail."
    )
    if summary is not None and summary.next_debit_date is not None:
        when = _("Il s'applique dès le prochain prélèvement, le {day} ({amount}).").format(
            day=format_date(summary.next_debit_date),
            amount=format_money(summary.next_debit_amount or 0),
        )
    else:
        when = _("Aucun prélèvement n'est prévu : il servira au premier.")
    return f"{what} {when}"


class BankScreen(BaseScreen):
    """See the bank details on file and replace them (a new SEPA mandate)."""

    TITLE = _l("Coordonnées bancaires")
    HELP = _l(
        "Le compte utilisé pour vos prélèvements : son IBAN est toujours masqué (pays, clé et 4 "
        "derniers caractères). Pour en changer, saisissez le nouvel IBAN (vérifié pendant la "
        "saisie), le BIC (facultatif), le titulaire et votre mot de passe actuel, puis "
        "« Enregistrer » ou Ctrl+S. Un nouveau mandat SEPA est créé, l'ancien révoqué, et une "
        "confirmation vous est envoyée par e-mail."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "submit",
            _l("Enregistrer"),
            tooltip=_l("Enregistrer les nouvelles coordonnées bancaires"),
            id="bank-save",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("bank-save",)
    CSS_PATH = "bank.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.details: BankDetails | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        scroll = VerticalScroll(id="bank")
        scroll.can_focus = False  # Tab goes from field to field, not to the container
        with scroll:
            on_file = Static(_("Chargement…"), id="on-file", classes="card")
            on_file.border_title = _("Compte actuel")
            yield on_file
            yield Static(_("Changer de compte bancaire"), classes="screen-title", id="change-title")
            yield Static("", id="applies", classes="hint")
            with Form(id="bank-form"):
                yield Field(
                    _("Nouvel IBAN"),
                    "iban",
                    placeholder=IBAN_EXAMPLE,
                    max_length=IBAN_MAX_TYPED,
                    restrict=r"[A-Za-z0-9 \-]*",  # stdnum reads « FR76-3000-… » too
                )
                yield Static(iban_hint("")[0], id="iban-hint", classes="hint")
                with Horizontal(classes="pair"):
                    yield Field(_("BIC (facultatif)"), "bic", max_length=20)
                    yield Field(_("Titulaire du compte"), "holder", max_length=100)
                yield Field(
                    _("Mot de passe actuel (pour confirmer)"),
                    "password",
                    password=True,
                    max_length=100,
                )
                yield FormError(id="bank-error")
                with Horizontal(classes="buttons"):
                    yield Button(_("Enregistrer"), id="save", variant="primary", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        # Sent back to the IBAN after a refusal, the person corrects a character: the 27
        # they typed are not selected, where a key would replace them all.
        self.query_one("#iban", Input).select_on_focus = False

    # --- loading (first show and F5: BaseScreen.LOADS_ONCE) ------------------------------
    @work(exclusive=True, exit_on_error=False, group="bank")
    async def load(self) -> None:
        token = self.geg.token

        async def both(backend: Backend) -> tuple[BankDetails | None, HomeSummary]:
            details, summary = await asyncio.gather(
                backend.bank_details(token), backend.home(token)
            )
            return details, summary

        result = await self.backend_call(
            both,
            label=_("Chargement de vos coordonnées bancaires…"),
            widget=self.query_one("#bank"),
        )
        if result is None:
            return
        self._loaded = True
        details, summary = result
        self.show_details(details)
        self.query_one("#applies", Static).update(applies_text(summary))
        holder = self.query_one("#field-holder", Field)
        if not holder.value and details is not None:
            holder.value = details.holder
        self.query_one("#field-iban", Field).input.focus()

    def show_details(self, details: BankDetails | None) -> None:
        self.details = details
        card = self.query_one("#on-file", Static)
        card.update(details_text(details))
        card.set_class(details is None, "-none")

    # --- the live IBAN check (BANK-1) ----------------------------------------------------
    @on(Input.Changed, "#iban")
    def _iban_changed(self, event: Input.Changed) -> None:
        text, valid = iban_hint(event.value)
        hint = self.query_one("#iban-hint", Static)
        hint.update(text)
        hint.set_class(valid is True, "-ok")
        hint.set_class(valid is False, "-bad")
        self.query_one("#field-iban", Field).set_error(None)

    # --- sending (BANK-1…3) --------------------------------------------------------------
    @on(Input.Submitted, "#iban")
    @on(Input.Submitted, "#bic")
    @on(Input.Submitted, "#holder")
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#password")
    def action_submit(self) -> None:
        self.save()

    @work(exclusive=True, exit_on_error=False, group="bank")
    async def save(self) -> None:
        form = self.query_one("#bank-form", Form)
        values = form.values()
        self.clear_errors()
        if not values["password"]:
            form.show_error(
                {"password": _("Saisissez votre mot de passe actuel pour confirmer le changement.")}
            )
            return
        token = self.geg.token
        details = await self.backend_call(
            lambda backend: backend.set_bank_details(
                token,
                values["iban"],
                values["bic"].strip() or None,
                values["holder"],
                values["password"],
            ),
            label=_("Enregistrement de vos coordonnées bancaires…"),
            widget=self.query_one("#bank"),
        )
        if details is None:
            form.focus_first_error()
            return
        self.show_details(details)
        for name in ("iban", "bic", "password"):
            form.field(name).value = ""
        self.query_one("#bank-error", FormError).show(
            _(
                "Coordonnées enregistrées : compte {iban}. Nouveau mandat SEPA {rum} ; "
                "l'ancien est révoqué. Une confirmation vous a été envoyée par e-mail."
            ).format(iban=details.iban_masked, rum=details.mandate_ref),
            info=True,
        )

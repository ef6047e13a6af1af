"""Home: who is logged in, each contract (energy, tariff, payment mode), the total to pay, the
next debit, the last readings, and the way to every area that has a screen."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.api.models import HomeSummary, PaymentMode, Register
from geg_tui.formats import format_date, format_money, group_thousands
from geg_tui.i18n import _, _l, ngettext
from geg_tui.keymap import MENU_KEYS
from geg_tui.labels import label_of, person_name
from geg_tui.screens import registry
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

# Shorter than the labels of ``geg_tui.labels`` (home has one line per contract for them).
SHORT_MODES = {
    PaymentMode.MONTHLY_DEBIT: _l("Prélèvement mensuel"),
    PaymentMode.QUARTERLY_DEBIT: _l("Prélèvement trimestriel"),
    PaymentMode.ON_RECEIPT: _l("Paiement à réception de facture"),
}
REGISTER_ORDER = (Register.BASE, Register.HP, Register.HC, Register.GAS)


def _register_rank(item: tuple[Register, int]) -> int:
    return REGISTER_ORDER.index(item[0])


def contract_line(summary: HomeSummary, index: int, schedule_key: str | None = None) -> str:
    """Three or four lines: the energy and the contract, the tariff and meter, how it is paid,
    and the contract's next debit with the key of « Paiement et échéancier » (``schedule_key``,
    None when that screen is not in the menu). The facts of a line are joined by « · » (a list,
    not a sentence: each fact is one message)."""
    contract = summary.account.contracts[index]
    if contract.payment_mode is PaymentMode.MONTHLY_DEBIT and contract.debit_day:
        mode = _("Prélèvement mensuel le {day} du mois").format(day=contract.debit_day)
    else:
        mode = str(SHORT_MODES[contract.payment_mode])
    meter_facts = [label_of(contract.tariff)]
    if contract.power_kva:
        meter_facts.append(_("{power} kVA").format(power=contract.power_kva))
    if contract.meter.communicating:
        meter_facts.append(_("compteur Linky"))
    payment_facts = [mode]
    if contract.e_invoice:
        payment_facts.append(_("facture électronique"))
    title = _("[b]{energy}[/b] — contrat {ref}").format(
        energy=label_of(contract.energy), ref=contract.ref
    )
    payment = " · ".join(payment_facts)
    if schedule_key is not None:
        payment = _("{payment} (touche {key})").format(payment=payment, key=schedule_key)
    lines = [title, f"  {' · '.join(meter_facts)}", f"  {payment}"]
    debit = next((d for d in summary.contract_debits if d.contract_ref == contract.ref), None)
    if debit is not None:
        lines.append(
            "  "
            + _("Prochain prélèvement : {amount} le {date}").format(
                amount=format_money(debit.amount), date=format_date(debit.day)
            )
        )
    return "\n".join(lines)


def reading_line(summary: HomeSummary) -> str:
    if not summary.last_readings:
        return _("Aucun relevé enregistré.")
    lines = []
    for reading in summary.last_readings:
        contract = next(c for c in summary.account.contracts if c.ref == reading.contract_ref)
        indexes = ", ".join(
            f"{label_of(register)} {group_thousands(value)} {contract.meter.unit}"
            for register, value in sorted(reading.indexes.items(), key=_register_rank)
        )
        lines.append(
            _("{energy} : {indexes} ({kind}, {date})").format(
                energy=label_of(contract.energy),
                indexes=indexes,
                kind=label_of(reading.kind).lower(),
                date=format_date(reading.reading_date),
            )
        )
    return "\n".join(lines)


def area_label(key: str, entry: registry.Entry, unread: int = 0) -> str:
    """A menu button: its key, its title, and how many unread items wait there (a number, not
    a colour)."""
    if unread:
        return _("{key} {title} ({count})").format(key=key, title=entry.title, count=unread)
    return f"{key} {entry.title}"


class HomeScreen(BaseScreen):
    HELP = _l(
        "Votre espace client : vos contrats, ce qui reste à payer, vos prochains prélèvements "
        "et vos derniers relevés. Chaque bouton du menu porte sa touche (1 à 9, puis a, b, c…) : "
        "appuyez-la pour ouvrir l'espace. Tous les espaces sont aussi dans la palette (Ctrl+P)."
    )
    BINDINGS = [
        Binding("r", "refresh", _l("Actualiser"), id="refresh"),
        Binding("d", "logout", _l("Se déconnecter"), id="logout"),
        *(
            Binding(
                key,
                f"area({n})",
                _l("Ouvrir l'espace n° {n} du menu", n=n),
                show=False,
                id=f"home-area-{n}",
            )
            for n, key in enumerate(MENU_KEYS, start=1)
        ),
    ]
    CSS_PATH = "home.tcss"

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="home"):
            with Horizontal(id="top"):
                yield Static("", id="greeting", classes="screen-title")
                yield Button(_("Déconnexion (d)"), id="logout", variant="warning", compact=True)
            yield Static("", id="news")
            keys = iter(MENU_KEYS)
            with Horizontal(id="menu"):
                for heading, areas in registry.menu():
                    with Vertical(classes="menu-column"):
                        yield Static(heading, classes="menu-heading")
                        for entry in areas:
                            yield Button(
                                area_label(next(keys), entry),
                                id=f"open-{entry.name}",
                                classes="area",
                                compact=True,
                            )
            yield FormError(id="form-error")
            with Horizontal(id="figures"):
                yield Static("", id="to-pay", classes="card")
                yield Static("", id="next-debit", classes="card")
            yield Static("", id="contracts", classes="card")
            yield Static("", id="forecast", classes="card")
            yield Static("", id="readings", classes="card")
        yield KeyBar()

    def help_text(self) -> str:
        """F1: the screen's help, then each area of the menu with its key and what it holds
        (the key bar's « ouvrir l'espace n° 4 » does not say which one)."""
        lines = [str(self.HELP), ""]
        for key, entry in zip(MENU_KEYS, self.areas(), strict=False):
            lines.append(
                _("{key} : {title} — {help}").format(key=key, title=entry.title, help=entry.help)
            )
        return "\n".join(lines)

    @staticmethod
    def areas() -> list[registry.Entry]:
        """Every logged-in area with a screen, but home itself, in the order of their keys
        (``MENU_KEYS``: 1, 2, 3…)."""
        return [entry for _heading, areas in registry.menu() for entry in areas]

    def key_of(self, name: str) -> str | None:
        """The home key that opens the area ``name`` (None: not in this version's menu)."""
        names = [entry.name for entry in self.areas()]
        return MENU_KEYS[names.index(name)] if name in names else None

    def on_mount(self) -> None:
        self.load()

    def action_area(self, number: int) -> None:
        """Keys 1…9 open the areas in the order of the menu."""
        areas = self.areas()
        if 1 <= number <= len(areas):
            self.action_open(areas[number - 1].name)

    def action_open(self, name: str) -> None:
        self.geg.open_screen(name)

    @on(Button.Pressed, ".area")
    def _open(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_open(event.button.id.removeprefix("open-"))

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        """Back from another screen (or a new login): the figures may have changed."""
        if getattr(self, "_left", False):
            self._left = False
            self.load()

    def action_back(self) -> None:
        """Home is the root of the logged-in part: Escape stays here (D logs out)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No « Retour » in the key bar where Escape leads nowhere."""
        return action != "back"

    def action_refresh(self) -> None:
        self.load()

    def action_logout(self) -> None:
        self.run_worker(self.geg.logout(), exclusive=True, group="logout", exit_on_error=False)

    @on(Button.Pressed, "#logout")
    def _logout(self) -> None:
        self.action_logout()

    @work(exclusive=True, exit_on_error=False, group="home")
    async def load(self) -> None:
        if self.geg.session is None:
            return
        token = self.geg.session.token
        summary = await self.backend_call(
            lambda backend: backend.home(token),
            label=_("Chargement de votre compte…"),
            widget=self.query_one("#home"),
        )
        if summary is not None:
            self.show(summary)
            self.load_news()
            if any(c.payment_mode is PaymentMode.MONTHLY_DEBIT for c in summary.account.contracts):
                self.load_forecast()
            else:
                self.query_one("#forecast", Static).display = False

    @work(exclusive=True, exit_on_error=False, group="home-news")
    async def load_news(self) -> None:
        """What waits to be read (issue 14): what customer service wrote or changed on a request
        since the customer last opened it (a reply or a new status: « du nouveau », not always an
        answer), and notifications.
        Shown in a line each under the greeting and as a count on the menu buttons, after the
        figures (they should not wait for it)."""
        if self.geg.session is None:
            return
        token = self.geg.session.token
        news = self.query_one("#news", Static)
        lines: list[str] = []
        if self.key_of("demandes") is not None:
            from geg_tui.screens.requests import unread_requests

            requests = await self.backend_call(
                lambda backend: backend.list_requests(token),
                label=_("Chargement de vos demandes…"),
                widget=news,
            )
            if requests is not None:
                unread = unread_requests(requests)
                self.mark_area("demandes", unread)
                if unread:
                    lines.append(
                        ngettext(
                            "● {count} demande a du nouveau du service client (touche {key})",
                            "● {count} demandes ont du nouveau du service client (touche {key})",
                            unread,
                        ).format(count=unread, key=self.key_of("demandes"))
                    )
        if self.key_of("notifications") is not None:
            from geg_tui.screens.notifications import unread_notifications

            unread = await self.backend_call(
                lambda backend: unread_notifications(backend, token),
                label=_("Chargement de vos notifications…"),
                widget=news,
            )
            if unread is not None:
                self.mark_area("notifications", unread)
                if unread:
                    lines.append(
                        ngettext(
                            "● {count} notification non lue (touche {key})",
                            "● {count} notifications non lues (touche {key})",
                            unread,
                        ).format(count=unread, key=self.key_of("notifications"))
                    )
        news.update("\n".join(lines))
        news.display = bool(lines)

    def mark_area(self, name: str, unread: int) -> None:
        """The count of unread items on the menu button of area ``name``."""
        key = self.key_of(name)
        entry = next((e for e in self.areas() if e.name == name), None)
        if key is not None and entry is not None:
            self.query_one(f"#open-{name}", Button).label = area_label(key, entry, unread)

    @work(exclusive=True, exit_on_error=False, group="home-forecast")
    async def load_forecast(self) -> None:
        """The settlement forecast of each contract on monthly direct debit (issue 15): after the
        figures, in its own card, since it takes several calls and the figures should not wait."""
        from geg_tui.insight.forecast import account_forecasts, forecasts_text

        if self.geg.session is None:
            return
        token = self.geg.session.token
        card = self.query_one("#forecast", Static)
        forecasts = await self.backend_call(
            lambda backend: account_forecasts(backend, token),
            label=_("Calcul de la prévision de régularisation…"),
            widget=card,
        )
        text = forecasts_text(forecasts) if forecasts else ""
        card.update(text)
        card.display = bool(text)

    def show(self, summary: HomeSummary) -> None:
        account = summary.account
        self.query_one("#greeting", Static).update(
            _("Bonjour {name} — client n° {number}").format(
                name=person_name(account.identity), number=account.customer_number
            )
        )
        self.query_one("#to-pay", Static).update(
            _("Total à payer\n[b]{amount}[/b]").format(amount=format_money(summary.total_to_pay))
        )
        if summary.next_debit_date is not None and summary.next_debit_amount is not None:
            debit = _("Prochain prélèvement\n[b]{amount}[/b] le {date}").format(
                amount=format_money(summary.next_debit_amount),
                date=format_date(summary.next_debit_date),
            )
        else:
            debit = _("Prochain prélèvement\naucun prévu")
        self.query_one("#next-debit", Static).update(debit)
        self.query_one("#contracts", Static).update(
            "\n".join(
                contract_line(summary, i, self.key_of("paiement"))
                for i in range(len(account.contracts))
            )
        )
        self.query_one("#readings", Static).update(
            _("Derniers relevés\n{readings}").format(readings=reading_line(summary))
        )

"""« Contacter GEG » (REQ-1, REQ-2, REQ-5) and « Mes demandes » (REQ-3): writing to customer
service logged in, and the list of the customer's requests.

The form is the logged-out contact form's pieces (``screens/contact.py``: the same fields, limits
and ``Form``) without name and e-mail, which the account gives: a category among those of a
customer (the three logged-out ones — access, forgotten question or identifier — make no sense
once logged in), a subject and a message. The list shows each request's status and last
activity, and marks by a word (« ● Non lue ») those customer service has written to since
the customer last opened them; ``unread_requests`` gives home that count. A request opens in its
thread (``screens/request_thread.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from geg_tui.api.limits import MESSAGE_MIN, SUBJECT_MAX
from geg_tui.api.models import ContactForm, RequestCategory, RequestStatus, ServiceRequest
from geg_tui.formats import format_datetime
from geg_tui.i18n import _, _l, ngettext, pgettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.screens.contact import message_field
from geg_tui.widgets.fields import Field, FormError, SelectField, TextAreaField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

UNREAD_MARK = "●"

#: The categories a logged-in customer writes about (REQ-1), in the form's order.
CATEGORIES: tuple[RequestCategory, ...] = tuple(c for c in RequestCategory if not c.logged_out)


def unread_requests(requests: Iterable[ServiceRequest]) -> int:
    """How many requests customer service has written to since the customer last opened them:
    what home and its menu show next to « Mes demandes »."""
    return sum(1 for request in requests if request.unread)


def unread_word() -> str:
    """The list's marker: a symbol and a word, not a colour."""
    return _("{mark} Non lue").format(mark=UNREAD_MARK)


REF_WIDTH = len("DEM-2026-000001")
TABLE_WIDTH = 76  # 80 columns less the screen's padding and the scroll bar


def column_widths() -> dict[str, int]:
    """Fixed widths in the current language (a table filled again keeps them): the subject
    gets what the others leave of 80 columns; the whole subject is in the request's thread."""
    widths = {
        "unread": max(len(unread_word()), len(pgettext("demande", "Réponse"))),
        "ref": REF_WIDTH,
        "status": max(len(label_of(s)) for s in RequestStatus),
        "last": max(  # the longest month's name, in the language of the moment
            len(_("Dernière activité")),
            *(
                len(format_datetime(datetime(2026, m, 28, 10, 59, tzinfo=UTC)))
                for m in range(1, 13)
            ),
        ),
    }
    padding = 2 * (len(widths) + 1)  # each column's cell padding, the subject's included
    widths["subject"] = max(10, TABLE_WIDTH - padding - sum(widths.values()))
    return widths


def shortened(text: str, width: int) -> str:
    """``text`` cut to ``width`` with « … » when longer (one line of a table)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def last_activity(request: ServiceRequest) -> Any:
    """When the request last changed: its last event (a message, a reply, a status)."""
    return request.events[-1].at if request.events else request.created_at


def local_errors(value: dict[str, Any]) -> dict[str, str]:
    """REQ-1's checks on a form that cannot be sent (no category): every field's problem at
    once, in the backend's own words, rather than one at a time."""
    from geg_tui.api.problems import render

    errors = {"category": render("category_choose") or _("Choisissez une catégorie.")}
    if not value["subject"].strip():
        errors["subject"] = render("field_required", {"label": "subject"}) or _("Obligatoire.")
    if len(value["message"].strip()) < MESSAGE_MIN:
        errors["message"] = render("message_too_short", {"min": MESSAGE_MIN}) or ""
    return {name: text for name, text in errors.items() if text}


class NewRequestScreen(BaseScreen):
    """« Contacter GEG »: a new request, tied to the account."""

    TITLE = _l("Contacter GEG")
    HELP = _l(
        "Choisissez le sujet de votre demande, donnez-lui un objet et écrivez votre message, puis "
        "envoyez-le (Ctrl+S ou le bouton « Envoyer »). Un accusé de réception part à votre adresse "
        "e-mail avec la référence de la demande ; la réponse du service client arrive dans « Mes "
        "demandes ». Tab passe au champ suivant."
    )
    BINDINGS = [
        Binding(
            "ctrl+s", "send", _l("Envoyer"), tooltip=_l("Envoyer la demande"), id="request-send"
        ),
    ]
    ESSENTIAL_KEYS = ("request-send",)
    CSS_PATH = "requests.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.sent: ServiceRequest | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="new-request"), Form(id="request-form"):
            yield Static(_("Contacter GEG"), classes="screen-title")
            yield Static(
                _("Le service client vous répond ici, dans « Mes demandes », et par e-mail."),
                classes="hint",
            )
            with Horizontal(classes="pair"):
                yield SelectField(_("Sujet de la demande"), "category", _("Choisir…"))
                yield Field(
                    _("Objet ({n} caractères au plus)").format(n=SUBJECT_MAX),
                    "subject",
                    max_length=SUBJECT_MAX,
                )
            yield message_field()
            yield FormError(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Envoyer"), id="send", variant="primary", compact=True)
                yield Button(_("Voir la demande"), id="open-sent", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        field = self.query_one("#field-category", SelectField)
        field.set_options((label_of(c), c.value) for c in CATEGORIES)
        self.query_one("#open-sent").display = False
        field.select.focus()

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        self.send()

    @work(exclusive=True, exit_on_error=False, group="send")
    async def send(self) -> None:
        form = self.query_one(Form)
        value = form.values()
        self.clear_errors()
        if value["category"] is None:  # no request without a category: said here, with the rest
            form.show_error(local_errors(value))
            return
        request_form = ContactForm(
            category=RequestCategory(value["category"]),
            subject=value["subject"],
            message=value["message"],
        )
        before = self.focused
        request = await self.backend_call(
            lambda backend: backend.create_request(self.geg.token, request_form),
            label=_("Envoi de votre demande…"),
            widget=self.query_one("#new-request"),
        )
        if request is None:
            if not form.focus_first_error() and before and before.is_attached:
                before.focus()
            return
        self.sent = request
        self.query_one(FormError).show(
            _(
                "Demande {ref} envoyée. Un accusé de réception part à votre adresse e-mail ; la réponse du service client arrivera dans « Mes demandes »."
            ).format(ref=request.ref),
            info=True,
        )
        # A second press would send the same request again: the fields start over.
        form.field("subject").value = ""
        self.query_one("#field-message", TextAreaField).area.text = ""
        button = self.query_one("#open-sent", Button)
        button.display = True
        button.focus()

    @on(Button.Pressed, "#open-sent")
    def _open_sent(self) -> None:
        if self.sent is not None:
            from geg_tui.screens.request_thread import RequestThreadScreen

            self.app.push_screen(RequestThreadScreen(self.sent.ref))


class RequestsScreen(BaseScreen):
    """« Mes demandes »: every request of the account, newest first."""

    TITLE = _l("Mes demandes")
    HELP = _l(
        "Vos demandes au service client, la plus récente en premier, avec leur statut et leur "
        "dernière activité. « ● Non lue » : le service client a écrit depuis la dernière "
        "fois que vous avez ouvert la demande. Entrée ouvre la demande (les messages et la "
        "réponse), N écrit une nouvelle demande, F5 actualise."
    )
    BINDINGS = [
        Binding(
            "enter", "open_request", _l("Ouvrir"), tooltip=_l("Lire la demande"), id="requests-open"
        ),
        Binding("n", "new_request", _l("Nouvelle demande"), id="requests-new"),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("requests-open", "requests-new")
    CSS_PATH = "requests.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.requests: list[ServiceRequest] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="requests"):
            yield Static(_("Mes demandes"), classes="screen-title")
            yield Static("", id="summary")
            yield DataTable(id="request-table", cursor_type="row", zebra_stripes=True)
            yield FormError(id="form-error")
        yield KeyBar()

    def on_screen_resume(self) -> None:
        self.load()  # back from a thread: what was unread is read now

    @work(exclusive=True, exit_on_error=False, group="requests")
    async def load(self) -> None:
        found = await self.backend_call(
            lambda backend: backend.list_requests(self.geg.token),
            label=_("Chargement de vos demandes…"),
            widget=self.query_one("#requests"),
        )
        if found is None:
            return
        self.requests = found
        self.show()

    def show(self) -> None:
        table = self.query_one("#request-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        unread = unread_requests(self.requests)
        if not self.requests:
            table.display = False
            self.query_one("#summary", Static).update(
                _("Aucune demande pour l'instant. N : écrire au service client.")
            )
            return
        table.display = True
        count = ngettext("{n} demande", "{n} demandes", len(self.requests))
        summary = count.format(n=len(self.requests))
        if unread:
            summary = _("{requests}, dont {unread}").format(
                requests=summary,
                unread=ngettext("{n} avec du nouveau", "{n} avec du nouveau", unread).format(
                    n=unread
                ),
            )
        self.query_one("#summary", Static).update(summary)
        widths = column_widths()
        table.add_column(pgettext("demande", "Réponse"), key="unread", width=widths["unread"])
        table.add_column(_("Référence"), key="ref", width=widths["ref"])
        table.add_column(pgettext("demande", "Objet"), key="subject", width=widths["subject"])
        table.add_column(_("Statut"), key="status", width=widths["status"])
        table.add_column(_("Dernière activité"), key="last", width=widths["last"])
        for request in self.requests:
            table.add_row(
                unread_word() if request.unread else "",
                request.ref,
                Text(shortened(request.subject, widths["subject"])),  # typed text, not markup
                label_of(request.status),
                format_datetime(last_activity(request)),
                key=request.ref,
            )
        table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        table.focus()

    def selected(self) -> ServiceRequest | None:
        table = self.query_one("#request-table", DataTable)
        if not self.requests or table.row_count == 0:
            return None
        return self.requests[min(table.cursor_row, len(self.requests) - 1)]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_request()

    def action_open_request(self) -> None:
        request = self.selected()
        if request is None:
            return
        from geg_tui.screens.request_thread import RequestThreadScreen

        self.app.push_screen(RequestThreadScreen(request.ref))

    def action_new_request(self) -> None:
        self.app.push_screen(NewRequestScreen())

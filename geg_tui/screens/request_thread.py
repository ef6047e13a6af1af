"""A request's thread (REQ-2, REQ-3): its messages and customer service's, in order, dated, each
with its author in words, and the customer's reply while the request is open.

Opening it (``get_request``) is what makes customer service's replies read. Customer service's
notes (« Prise en charge. », a change of status) arrive as codes and are written in the reader's
language (``texts.event_text``); messages are shown as their author wrote them.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from geg_tui.api.limits import MESSAGE_MAX, MESSAGE_MIN
from geg_tui.api.models import RequestEvent, ServiceRequest
from geg_tui.api.texts import event_text
from geg_tui.formats import format_date, format_datetime
from geg_tui.i18n import _, _l
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import FormError, TextAreaField
from geg_tui.widgets.form import Form
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

CUSTOMER = "client"
SERVICE = "service_client"


def author_word(event: RequestEvent) -> str:
    """Who wrote it, in words (the colour of the line only repeats it)."""
    if event.author == CUSTOMER:
        return _("Vous")
    if event.author == SERVICE:
        return _("Service client")
    return _("GEG")


def event_lines(event: RequestEvent) -> tuple[str, str]:
    """The heading (« Service client — 27/11/2026 à 09h00 ») and the text of one event; a
    change of status says the new one."""
    heading = _("{author} — {moment}").format(
        author=author_word(event), moment=format_datetime(event.at)
    )
    text = event_text(event)
    if event.status is not None and event.author == SERVICE and event.text_code != "status":
        text = _("{note} Statut : {status}.").format(note=text, status=label_of(event.status))
    return heading, text


class RequestThreadScreen(BaseScreen):
    """One request: what was written, by whom and when; a reply while it is open."""

    TITLE = _l("Ma demande")
    HELP = _l(
        "Les messages de la demande, du plus ancien au plus récent, avec leur auteur et leur "
        "date. Tant que la demande est reçue ou en cours, écrivez un message dans le champ du "
        "bas et envoyez-le (Ctrl+S ou « Envoyer »). Une demande résolue ou clôturée ne prend "
        "plus de message : écrivez une nouvelle demande. F5 actualise."
    )
    BINDINGS = [
        Binding(
            "ctrl+s", "send", _l("Envoyer"), tooltip=_l("Envoyer le message"), id="request-send"
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("request-send",)
    CSS_PATH = "requests.tcss"

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.title = str(self.TITLE)
        self.request: ServiceRequest | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="thread"):
            yield Static(_("Demande {ref}").format(ref=self.ref), classes="screen-title")
            yield Static("", id="request-head")
            yield Vertical(id="events")
            with Form(id="reply-form"):
                yield TextAreaField(
                    _("Votre message ({min} à {max} caractères)").format(
                        min=MESSAGE_MIN, max=MESSAGE_MAX
                    ),
                    "text",
                    min_length=MESSAGE_MIN,
                    max_length=MESSAGE_MAX,
                )
                yield FormError(id="form-error")
                with Horizontal(classes="buttons"):
                    yield Button(_("Envoyer"), id="send", variant="primary", compact=True)
            yield Static("", id="closed", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#reply-form").display = False
        self.load()

    @work(exclusive=True, exit_on_error=False, group="thread")
    async def load(self) -> None:
        found = await self.backend_call(
            lambda backend: backend.get_request(self.geg.token, self.ref),
            label=_("Chargement de la demande…"),
            widget=self.query_one("#thread"),
        )
        if found is not None:
            await self.show(found)
            if found.status.open:  # where the customer goes on: the reply, the thread above it
                self.query_one("#field-text", TextAreaField).area.focus()

    async def show(self, request: ServiceRequest) -> None:
        self.request = request
        self.query_one("#request-head", Static).update(
            _("{subject}\n{category} — envoyée le {day} — statut : {status}").format(
                subject=escape(request.subject),  # typed by the customer: never markup
                category=label_of(request.category),
                day=format_date(request.created_at),
                status=label_of(request.status),
            )
        )
        events = self.query_one("#events", Vertical)
        await events.remove_children()
        widgets = []
        for event in request.events:
            heading, text = event_lines(event)
            side = "-mine" if event.author == CUSTOMER else "-theirs"
            widgets.append(
                Vertical(
                    Static(heading, classes="event-heading"),
                    Static(text, classes="event-text", markup=False),
                    classes=f"event {side}",
                )
            )
        await events.mount_all(widgets)
        open_ = request.status.open
        self.query_one("#reply-form").display = open_
        self.query_one("#closed", Static).update(
            ""
            if open_
            else _(
                "Cette demande est {status} : elle ne prend plus de message. Pour une autre question, écrivez une nouvelle demande (« Contacter GEG »)."
            ).format(status=label_of(request.status).lower())
        )

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        if self.request is not None and self.request.status.open:
            self.send()

    @work(exclusive=True, exit_on_error=False, group="send")
    async def send(self) -> None:
        field = self.query_one("#field-text", TextAreaField)
        text = field.value
        self.clear_errors()
        updated = await self.backend_call(
            lambda backend: backend.add_request_message(self.geg.token, self.ref, text),
            label=_("Envoi de votre message…"),
            widget=self.query_one("#reply-form"),
        )
        if updated is None:  # refused: the message under the field, the text kept
            self.query_one(Form).focus_first_error()
            return
        field.area.text = ""
        await self.show(updated)
        self.query_one(FormError).show(_("Message envoyé au service client."), info=True)
        self.query_one("#thread", VerticalScroll).scroll_end(animate=False)

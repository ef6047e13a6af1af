"""« Notifications »: the alerts the account was sent (ALERT-3), newest first, read or unread.

Each alert GEG mails or texts is also kept here, written in the reader's language
(``api/texts.notification_text``; the mail itself stays French). Unread ones say so in words
(« Non lue »), not by colour. Enter marks the highlighted one read, « t » marks them all; the
count of unread ones is what home shows (``unread_notifications``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ListItem, ListView, Static

from geg_tui.api.limits import NOTIFICATION_IDS_MAX
from geg_tui.api.models import Channel, Notification
from geg_tui.api.texts import notification_text
from geg_tui.formats import format_datetime
from geg_tui.i18n import _, _l, ngettext
from geg_tui.labels import label_of
from geg_tui.screens.base import BaseScreen
from geg_tui.widgets.fields import FormError
from geg_tui.widgets.keybar import KeyBar
from geg_tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from geg_tui.api.backend import Backend


async def unread_notifications(backend: Backend, token: str) -> int:
    """How many notifications the account has not read yet (home shows it)."""
    return sum(not notice.read for notice in await backend.list_notifications(token))


def sent_text(notice: Notification) -> str:
    """When and how it was sent, in words."""
    at = format_datetime(notice.at)
    if Channel.EMAIL in notice.channels and Channel.SMS in notice.channels:
        return _("Envoyée par e-mail et SMS le {at}").format(at=at)
    if Channel.SMS in notice.channels:
        return _("Envoyée par SMS le {at}").format(at=at)
    if Channel.EMAIL in notice.channels:
        return _("Envoyée par e-mail le {at}").format(at=at)
    return _("Non envoyée (aucun canal) le {at}").format(at=at)


def summary_text(notices: list[Notification]) -> str:
    if not notices:
        return _(
            "Aucune notification. Les alertes que vous activez dans « Mes alertes » "
            "s'afficheront ici."
        )
    unread = sum(not n.read for n in notices)
    return ngettext(
        "{unread} non lue sur {total}.", "{unread} non lues sur {total}.", unread
    ).format(unread=unread, total=len(notices))


class NotificationItem(ListItem):
    """One notification: its state in words and its kind; what it says; when and how sent."""

    def __init__(self, notice: Notification) -> None:
        self.notice = notice
        state = _("Lue") if notice.read else _("● Non lue")
        super().__init__(
            Static(
                _("{state} · {kind}").format(state=state, kind=label_of(notice.kind)),
                classes="notice-head",
            ),
            Static(notification_text(notice), classes="notice-text"),
            Static(sent_text(notice), classes="notice-sent"),
            classes="" if notice.read else "-unread",
        )


class NotificationsScreen(BaseScreen):
    """Read the alerts received, newest first, and mark them read."""

    TITLE = _l("Notifications")
    HELP = _l(
        "Les alertes envoyées par e-mail ou SMS, la plus récente en premier. Flèches pour "
        "parcourir, Entrée pour marquer la notification comme lue, « t » pour tout marquer "
        "comme lu. Les alertes se règlent dans « Mes alertes »."
    )
    BINDINGS = [
        Binding(
            "t",
            "read_all",
            _l("Tout marquer comme lu"),
            tooltip=_l("Marquer toutes les notifications comme lues"),
            id="notices-read-all",
        ),
        Binding("f5", "reload", _l("Actualiser"), id="refresh"),
    ]
    ESSENTIAL_KEYS = ("notices-read-all",)
    CSS_PATH = "notifications.tcss"
    LOADS_ONCE = True

    def __init__(self) -> None:
        super().__init__()
        self.title = str(self.TITLE)
        self.notices: list[Notification] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="notifications"):
            yield Static(_("Notifications"), classes="screen-title")
            yield Static("", id="summary")
            yield FormError(id="notices-error")
            yield ListView(id="notices")
        yield KeyBar()

    @work(exclusive=True, exit_on_error=False, group="notifications")
    async def load(self) -> None:
        notices = await self.backend_call(
            lambda backend: backend.list_notifications(self.geg.token),
            label=_("Chargement des notifications…"),
            widget=self.query_one("#notifications"),
        )
        if notices is None:
            return
        self.query_one("#notices-error", FormError).show(None)
        self._loaded = True
        await self.show(notices)

    async def show(self, notices: list[Notification]) -> None:
        self.notices = notices
        self.query_one("#summary", Static).update(summary_text(notices))
        view = self.query_one("#notices", ListView)
        index = view.index
        await view.clear()
        await view.extend(NotificationItem(n) for n in notices)
        if notices:
            view.index = min(index or 0, len(notices) - 1)
            view.focus()

    @on(ListView.Selected, "#notices")
    def _selected(self, event: ListView.Selected) -> None:
        if isinstance(event.item, NotificationItem) and not event.item.notice.read:
            self.mark_read([event.item.notice.id])

    def action_read_all(self) -> None:
        unread = [n.id for n in self.notices if not n.read]
        if unread:
            self.mark_read(unread)

    @work(exclusive=True, exit_on_error=False, group="notifications")
    async def mark_read(self, ids: list[int]) -> None:
        async def mark(backend: Backend) -> list[Notification]:
            # the backend takes a bounded number of ids a call: « tout marquer » sends them
            # in as many calls as needed
            for start in range(0, len(ids), NOTIFICATION_IDS_MAX):
                chunk = ids[start : start + NOTIFICATION_IDS_MAX]
                await backend.mark_notifications_read(self.geg.token, chunk)
            return await backend.list_notifications(self.geg.token)

        notices = await self.backend_call(
            mark,
            label=_("Enregistrement de la lecture…"),
            widget=self.query_one("#notifications"),
        )
        if notices is not None:
            self.query_one("#notices-error", FormError).show(None)
            await self.show(notices)

"""How to reach GEG's customer service (RESET-6): one fact, in one place.

The TUI shows it through ``Backend.support_info`` (logged-out help, blocked account, forgotten
identifier, signup), the invoice PDF prints it in its footer, and the account rules quote the
phone number in their messages: all read ``SUPPORT`` here, so that they cannot disagree.
"""

from __future__ import annotations

from geg_tui.api.models import SupportInfo
from geg_tui.api.texts import SUPPORT_HOURS

GEG_NAME = "GEG – Gaz Électricité de Grenoble"
GEG_ADDRESS = "8 place Robert Schuman, 38000 Grenoble"
GEG_WEBSITE = "www.geg.fr"

SUPPORT = SupportInfo(
    phone="04 76 84 20 00",
    hours=SUPPORT_HOURS.msgid,  # in French; the screens show it with texts.support_hours
    address=f"GEG – Service client, {GEG_ADDRESS}",
)

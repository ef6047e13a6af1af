"""The limits both sides check, defined once.

The backend (``geg_tui.fake_backend``, and the real service's contract) refuses what breaks
them; the screens show them live while the person types, size their inputs by them, and say
them in their labels. Reading them from here keeps the two from drifting apart (a form that
accepts 30 characters the backend then refuses). No Textual here: ``geg_tui/api`` is shared.
"""

from __future__ import annotations

# SIGNUP-2: a password is 8 to 25 Unicode code points after NFC normalisation.
PASSWORD_MIN, PASSWORD_MAX = 8, 25

# SIGNUP-1: an e-mail address is at most 254 characters (its local part at most 64).
EMAIL_MAX, EMAIL_LOCAL_MAX = 254, 64

# SIGNUP-3: the references printed on an invoice, in digits (spaces ignored).
CONTRACT_REF_DIGITS = 10
INVOICE_REF_DIGITS = 12

# SIGNUP-8: a secret answer is 3 to 50 characters once trimmed.
ANSWER_MIN, ANSWER_MAX = 3, 50

# REQ-1: a message to customer service, its subject, and the sender's name.
MESSAGE_MIN, MESSAGE_MAX = 10, 2000
SUBJECT_MAX = 100
NAME_MAX = 100

# PAY-2: a card number is 13 to 19 digits; the holder's name at most 70 characters.
CARD_NUMBER_MIN, CARD_NUMBER_MAX = 13, 19
CARD_HOLDER_MAX = 70

# Notification ids marked read in one call (``mark_notifications_read``): more than an account
# gets in years; a client with more sends them in several calls.
NOTIFICATION_IDS_MAX = 1000

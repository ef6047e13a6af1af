"""The SQLite schema of the fake backend (SIM-4), versioned.

``SCHEMA_VERSION`` is stored in ``meta``; a file of an older version this code knows how to
upgrade is upgraded in place (``upgrades``), any other is refused with a clear message
(``geg-tui fake reset`` rebuilds it) rather than read wrongly. Days are ISO text
(``YYYY-MM-DD``), instants ISO text in UTC, money integer cents, energy integer Wh.
"""

from __future__ import annotations

SCHEMA_VERSION = 5

# Version 2: the materialised months of daily consumption (``consumption_months``).
CONSUMPTION_MONTHS_TABLE = """
CREATE TABLE consumption_months (
    contract_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    totals BLOB NOT NULL,
    days BLOB NOT NULL,
    PRIMARY KEY (contract_id, month)
) WITHOUT ROWID;
"""

# Version 4 (REQ-3): what the customer has seen of a request — the rowid of the last of its
# events when they last opened it — so that a reply from customer service after it is unread.
REQUEST_READ_COLUMN = "read_upto INTEGER NOT NULL DEFAULT 0"

# Version 3 (DEBIT-4, INV-2): an annual settlement deducts the instalments already debited as
# figures of its own, not as a line: ``already_paid`` (cents incl. tax), how many instalments
# that is, and ``balance`` = ``total`` - ``already_paid`` (what is debited or paid; negative, a
# credit refunded). ``balance`` is computed by SQLite, so it can never disagree.
INVOICE_SETTLEMENT_COLUMNS = (
    "already_paid INTEGER NOT NULL DEFAULT 0",
    "instalments_paid INTEGER NOT NULL DEFAULT 0",
    "balance INTEGER GENERATED ALWAYS AS (total - already_paid) VIRTUAL",
)

# Version 3 (METER-5, INV-1): an invoice may use two readings of a register — the customer's
# reading, then an estimated index from it to the end of the period — hence the date in the key
# (quoted: unquoted, `current_date` is SQL's CURRENT_DATE).
INVOICE_READINGS_TABLE = """
CREATE TABLE invoice_readings (
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    register TEXT NOT NULL,
    previous_date TEXT NOT NULL,
    previous_index INTEGER NOT NULL,
    current_date TEXT NOT NULL,
    current_index INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (invoice_id, register, "current_date")
) WITHOUT ROWID;
"""

# Version 4 (ALERT-3): each alert sent, kept for the account to read in the terminal. ``code``
# and ``params`` (JSON) say what happened, in any language; ``text`` is the French sentence sent.
# One per event, like the delivery itself (``alert_events``).
NOTIFICATIONS_TABLE = """
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    event_key TEXT NOT NULL,
    at TEXT NOT NULL,
    code TEXT NOT NULL,
    params TEXT NOT NULL,
    text TEXT NOT NULL,
    channels TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (account_id, kind, event_key)
);
CREATE INDEX notifications_account ON notifications(account_id, at);
"""

SCHEMA = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    civility TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    phone TEXT,
    mobile TEXT,
    street TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    energy TEXT NOT NULL,
    tariff TEXT NOT NULL,
    power_kva INTEGER,
    delivery_point TEXT NOT NULL,
    street TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    meter_number TEXT NOT NULL,
    meter_digits INTEGER NOT NULL,
    communicating INTEGER NOT NULL,
    gas_coefficient REAL,
    payment_mode TEXT NOT NULL,
    debit_day INTEGER,
    e_invoice INTEGER NOT NULL DEFAULT 0,
    start_date TEXT NOT NULL,
    billing_months INTEGER NOT NULL
);
CREATE INDEX contracts_customer ON contracts(customer_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    question_id INTEGER NOT NULL,
    answer_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    pending_email TEXT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    revoked INTEGER NOT NULL DEFAULT 0,
    payload TEXT
);
CREATE INDEX codes_account ON codes(account_id, purpose);

CREATE TABLE signup_failures (
    contract_ref TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX signup_failures_ref ON signup_failures(contract_ref, at);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    kind TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_excl_tax INTEGER NOT NULL,
    vat INTEGER NOT NULL,
    total INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    debit_date TEXT,
    settled_at TEXT,
    """
    + ",\n    ".join(INVOICE_SETTLEMENT_COLUMNS)
    + """
);
CREATE INDEX invoices_contract ON invoices(contract_id, issue_date);

CREATE TABLE invoice_lines (
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    quantity REAL NOT NULL,
    unit TEXT NOT NULL,
    unit_price_micro INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    vat_rate_pct REAL NOT NULL,
    PRIMARY KEY (invoice_id, position)
) WITHOUT ROWID;

"""
    + INVOICE_READINGS_TABLE
    + """
CREATE TABLE readings (
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    reading_date TEXT NOT NULL,
    register TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (contract_id, reading_date, register)
) WITHOUT ROWID;

CREATE TABLE daily_consumption (
    contract_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    register TEXT NOT NULL,
    wh INTEGER NOT NULL,
    PRIMARY KEY (contract_id, day, register)
) WITHOUT ROWID;

"""
    + CONSUMPTION_MONTHS_TABLE
    + """
CREATE TABLE load_curve (
    contract_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    slots BLOB NOT NULL,
    PRIMARY KEY (contract_id, day)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    deliver_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX outbox_recipient ON outbox(recipient);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    account_id INTEGER REFERENCES accounts(id),
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    name TEXT,
    email TEXT,
    contract_ref TEXT,
    """
    + REQUEST_READ_COLUMN
    + """
);

CREATE TABLE request_events (
    request_id INTEGER NOT NULL REFERENCES requests(id),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT
);
CREATE INDEX request_events_request ON request_events(request_id);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    transaction_ref TEXT NOT NULL UNIQUE,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    amount INTEGER NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    expiry TEXT NOT NULL,
    paid_at TEXT NOT NULL
);
CREATE INDEX payments_account ON payments(account_id, paid_at);

CREATE TABLE idempotency (
    account_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    operation TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

CREATE TABLE bank_details (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    purpose TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    holder TEXT NOT NULL,
    mandate_ref TEXT NOT NULL UNIQUE,
    signed_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX bank_details_customer ON bank_details(customer_id, purpose);

CREATE TABLE instalments (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    due_date TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    settlement_date TEXT NOT NULL
);
CREATE INDEX instalments_contract ON instalments(contract_id, due_date);

CREATE TABLE alerts (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    by_email INTEGER NOT NULL,
    by_sms INTEGER NOT NULL,
    parameter INTEGER,
    unit TEXT,
    PRIMARY KEY (account_id, kind)
) WITHOUT ROWID;

CREATE TABLE alert_events (
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    event_key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, event_key)
) WITHOUT ROWID;

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    postcode TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL,
    energy TEXT,
    bonus INTEGER NOT NULL DEFAULT 0,
    bonus_paid_at TEXT,
    closed_at TEXT
);
CREATE INDEX invitations_email ON invitations(email);

CREATE TABLE faults (
    operation TEXT PRIMARY KEY,
    latency_ms INTEGER NOT NULL,
    error_rate REAL NOT NULL,
    drop_after_commit INTEGER NOT NULL DEFAULT 0
);
"""
    + NOTIFICATIONS_TABLE
)

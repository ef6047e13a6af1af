"""Alerts (ALERT-1…3): settings per kind, and their delivery once per event.

Every kind exists for every account, switched off until the customer turns it on. Parameters:
N days (1 to 15) for « échéance » and « prélèvement proche »; a monthly threshold in whole kWh
(1 to 100 000) or whole euros (1 to 100 000) for consumption. SMS needs a mobile number (06/07).
``trigger`` delivers at most once per (account, kind, event key), and only when switched on; what
it delivers is also kept as a notification (``notifications``), read in the terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geg_tui.api.errors import ValidationError
from geg_tui.api.models import AlertKind, AlertSetting, Channel
from geg_tui.api.problems import Problem
from geg_tui.api.texts import notification_french
from geg_tui.fake_backend import notifications, outbox, validation
from geg_tui.fake_backend.store import Tx

DAY_KINDS = {AlertKind.PAYMENT_DUE, AlertKind.DEBIT_SOON}
DEFAULTS: dict[AlertKind, tuple[int | None, str | None]] = {
    AlertKind.NEW_INVOICE: (None, None),
    AlertKind.PAYMENT_DUE: (3, "jours"),
    AlertKind.OVERDUE: (None, None),
    AlertKind.CONSUMPTION_THRESHOLD: (500, "kwh"),
    AlertKind.READING_WINDOW: (None, None),
    AlertKind.DEBIT_SOON: (3, "jours"),
}


def _from_row(row) -> AlertSetting:
    return AlertSetting(
        kind=AlertKind(row["kind"]),
        enabled=bool(row["enabled"]),
        by_email=bool(row["by_email"]),
        by_sms=bool(row["by_sms"]),
        parameter=row["parameter"],
        unit=row["unit"],
    )


def settings(db: Tx, account_id: int) -> list[AlertSetting]:
    stored = {
        row["kind"]: _from_row(row)
        for row in db.all("SELECT * FROM alerts WHERE account_id = ?", (account_id,))
    }
    out = []
    for kind, (parameter, unit) in DEFAULTS.items():
        out.append(
            stored.get(kind.value) or AlertSetting(kind, False, True, False, parameter, unit)
        )
    return out


def _mobile(db: Tx, account_id: int) -> str | None:
    return db.scalar(
        "SELECT cu.mobile FROM accounts a JOIN customers cu ON cu.id = a.customer_id WHERE a.id = ?",
        (account_id,),
    )


def save(db: Tx, account_id: int, setting: object) -> AlertSetting:
    """ALERT-2: parameters in range, a channel when on, SMS only with a mobile number."""
    if not isinstance(setting, AlertSetting):
        raise ValidationError(Problem("alert_setting_invalid"))
    fields: dict[str, Problem] = {}
    try:
        kind = AlertKind(setting.kind)
    except ValueError:
        raise validation.refuse("kind", Problem("alert_kind_unknown")) from None
    flags = (setting.enabled, setting.by_email, setting.by_sms)
    if not all(isinstance(flag, bool) for flag in flags):
        raise ValidationError(Problem("alert_setting_invalid"))
    parameter, unit = setting.parameter, setting.unit
    number_ok = isinstance(parameter, int) and not isinstance(parameter, bool)
    if kind in DAY_KINDS:
        unit = "jours"
        if not number_ok or not 1 <= parameter <= 15:  # type: ignore[operator]
            fields["parameter"] = Problem("alert_days_range", min=1, max=15)
    elif kind is AlertKind.CONSUMPTION_THRESHOLD:
        if unit not in ("kwh", "eur"):
            fields["unit"] = Problem("alert_unit_choose")
        if not number_ok or not 1 <= parameter <= 100_000:  # type: ignore[operator]
            fields["parameter"] = Problem("alert_threshold_range", min=1, max_index=100_000)
    else:
        parameter, unit = None, None
    if setting.enabled and not (setting.by_email or setting.by_sms):
        fields["by_email"] = Problem("alert_channel_choose")
    if setting.by_sms and not _mobile(db, account_id):
        fields["by_sms"] = Problem("alert_sms_needs_mobile")
    if fields:
        raise ValidationError(fields=fields)
    clean = AlertSetting(kind, setting.enabled, setting.by_email, setting.by_sms, parameter, unit)
    db.execute(
        "INSERT INTO alerts(account_id, kind, enabled, by_email, by_sms, parameter, unit) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, kind) DO UPDATE SET "
        "enabled = excluded.enabled, by_email = excluded.by_email, by_sms = excluded.by_sms, "
        "parameter = excluded.parameter, unit = excluded.unit",
        (
            account_id,
            kind.value,
            int(clean.enabled),
            int(clean.by_email),
            int(clean.by_sms),
            parameter,
            unit,
        ),
    )
    return clean


def setting_for(db: Tx, account_id: int, kind: AlertKind) -> AlertSetting:
    return next(s for s in settings(db, account_id) if s.kind is kind)


#: The subject of an alert's mail (after « Alerte GEG : ») and SMS, by kind: GEG's French.
SUBJECTS: dict[AlertKind, str] = {
    AlertKind.NEW_INVOICE: "nouvelle facture disponible",
    AlertKind.PAYMENT_DUE: "échéance de paiement",
    AlertKind.OVERDUE: "facture en retard",
    AlertKind.CONSUMPTION_THRESHOLD: "consommation élevée",
    AlertKind.READING_WINDOW: "relevé de compteur",
    AlertKind.DEBIT_SOON: "prélèvement à venir",
}


def trigger(
    db: Tx,
    now: datetime,
    account_id: int,
    kind: AlertKind,
    event_key: str,
    code: str,
    params: dict[str, Any],
) -> bool:
    """ALERT-3: deliver once per event, only when switched on, and keep it as a notification
    for the terminal. ``code``/``params``: what happened (``api/texts.NOTIFICATIONS``), written
    in French for the mail. Returns whether it was sent."""
    setting = setting_for(db, account_id, kind)
    if not setting.enabled:
        return False
    inserted = db.execute(
        "INSERT OR IGNORE INTO alert_events(account_id, kind, event_key, at) VALUES (?, ?, ?, ?)",
        (account_id, kind.value, event_key, now.isoformat()),
    ).rowcount
    if not inserted:
        return False
    subject, body = SUBJECTS[kind], notification_french(code, params)
    channels: list[Channel] = []
    if setting.by_email:
        email = db.scalar("SELECT email FROM accounts WHERE id = ?", (account_id,))
        outbox.send(db, now, email, f"Alerte GEG : {subject}", body)
        channels.append(Channel.EMAIL)
    if setting.by_sms:
        mobile = _mobile(db, account_id)
        if mobile:
            outbox.send(db, now, mobile, subject, f"GEG : {body}", channel=Channel.SMS)
            channels.append(Channel.SMS)
    notifications.record(db, now, account_id, kind, event_key, code, params, body, channels)
    return True

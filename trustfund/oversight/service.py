"""Queries and commands of alerts: the estate's alerts (each with whether and how it was
acknowledged), its thresholds, and acknowledging one alert with a note. Commands are
``@command`` (one transaction: commit on return, rollback on error)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.models.oversight import AlertAcknowledgement, AlertSettings
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.oversight.alerts import DEFAULTS, RULES, Alert
from trustfund.oversight.schemas import AlertOut, AlertsOut

MAX_NOTE = 500


def thresholds(session: Session, estate_id: int) -> dict[str, Decimal]:
    row = session.get(AlertSettings, estate_id)
    saved = json.loads(row.settings) if row is not None else {}
    return {**DEFAULTS, **{k: Decimal(v) for k, v in saved.items() if k in DEFAULTS}}


def settings_view(session: Session, estate: Estate) -> dict[str, str]:
    return {k: str(v) for k, v in thresholds(session, estate.id).items()}


@command
def save_settings(
    session: Session, estate: Estate, raw: dict[str, str], *, actor_user_id: int | None
) -> dict[str, str]:
    """The command that sets some thresholds. Raises ValidationError naming each bad one
    (unknown name, not a non-negative number)."""
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    for name, value in raw.items():
        if name not in DEFAULTS:
            errors.append(
                FieldError(
                    name, Message("oversight.unknown_threshold", choices=", ".join(DEFAULTS))
                )
            )
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal(-1)
        if not number.is_finite() or number < 0 or number > Decimal("999999999"):
            errors.append(FieldError(name, Message("oversight.not_a_number")))
            continue
        clean[name] = str(number)
    if errors:
        raise ValidationError(Message("oversight.thresholds_invalid"), errors=errors)
    row = session.get(AlertSettings, estate.id)
    if row is None:
        row = AlertSettings(estate_id=estate.id, settings="{}")
        session.add(row)
    row.settings = json.dumps({**json.loads(row.settings or "{}"), **clean}, sort_keys=True)
    row.updated_by = actor_user_id
    session.flush()
    return settings_view(session, estate)


def find_alerts(session: Session, estate: Estate) -> list[Alert]:
    t = thresholds(session, estate.id)
    today = today_in(estate)
    return [a for rule in RULES.values() for a in rule(session, estate, t, today)]


def list_alerts(session: Session, estate: Estate) -> AlertsOut:
    """Every alert, newest first; an acknowledged one says by whom, when and why."""
    found = find_alerts(session, estate)
    acks = {
        a.alert_key: a
        for a in session.scalars(
            select(AlertAcknowledgement).where(AlertAcknowledgement.estate_id == estate.id)
        )
    }
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(
                User.id.in_({a.acknowledged_by for a in acks.values()})
            )
        ).all()
    )
    items: list[AlertOut] = []
    for alert in sorted(found, key=lambda a: (a.since, a.key), reverse=True):
        ack = acks.get(alert.key)
        items.append(
            {
                "rule": alert.rule,
                "key": alert.key,
                "title": alert.title,
                "since": alert.since.isoformat(),
                "links": alert.links,
                "lines": alert.lines,
                "acknowledged": None
                if ack is None
                else {
                    "note": ack.note,
                    "by": ack.acknowledged_by,
                    "by_name": names.get(ack.acknowledged_by),
                    "at": ack.acknowledged_at.isoformat(),
                },
            }
        )
    return {
        "open": sum(1 for i in items if i["acknowledged"] is None),
        "alerts": items,
        "thresholds": settings_view(session, estate),
    }


@command
def acknowledge(
    session: Session, estate: Estate, key: str, note: str, *, actor_user_id: int
) -> AlertsOut:
    """The command. Raises ValidationError (``note`` empty or long), NotFoundError
    (no such alert now), ConflictError (acknowledged already)."""
    text = note.strip()
    if not text:
        raise ValidationError.field("note", Message("oversight.note_required"))
    if len(text) > MAX_NOTE:
        raise ValidationError.field("note", Message("input.at_most_characters", limit=MAX_NOTE))
    if key not in {a.key for a in find_alerts(session, estate)}:
        raise NotFoundError(Message("oversight.no_alert", key=repr(key)))
    exists = session.scalar(
        select(AlertAcknowledgement.id).where(
            AlertAcknowledgement.estate_id == estate.id, AlertAcknowledgement.alert_key == key
        )
    )
    if exists is not None:
        raise ConflictError(Message("oversight.acknowledged", key=key))
    session.add(
        AlertAcknowledgement(
            estate_id=estate.id, alert_key=key, note=text, acknowledged_by=actor_user_id
        )
    )
    session.flush()
    return list_alerts(session, estate)

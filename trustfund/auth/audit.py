"""The audit log: every write that succeeded and every access that was refused.

``record_audit`` writes in its own short transaction, on a session of its own, so a refusal
is recorded even though the request's own transaction is rolled back.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Principal
from trustfund.db.base import utcnow
from trustfund.db.models.auth import AuditRecord

ANONYMOUS = "anonymous"

#: Outcomes: a write that happened; a request refused by access control (or CSRF);
#: any other refusal (wrong password, rate limit, a business rule answering 401/403).
OK = "ok"
DENIED = "denied"
REFUSED = "refused"

MAX_DETAIL_CHARS = 2000


_RECORDS = cast(Table, AuditRecord.__table__)
_INSERT_RECORD = insert(_RECORDS).returning(_RECORDS.c.id)  # built once: every write runs it


def _clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def _small(detail: dict[str, Any] | None) -> dict[str, Any]:
    if not detail:
        return {}
    text = json.dumps(detail, ensure_ascii=False, default=str)
    if len(text) <= MAX_DETAIL_CHARS:
        loaded: dict[str, Any] = json.loads(text)
        return loaded
    return {"truncated": text[:MAX_DETAIL_CHARS]}


def record_audit(
    session_factory: Callable[[], Session],
    *,
    action: str,
    method: str,
    path: str,
    outcome: str,
    status_code: int,
    principal: Principal | None = None,
    user_id: int | None = None,
    username: str | None = None,
    estate_id: int | None = None,
    client_addr: str = "",
    user_agent: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Write one audit record and commit it at once; returns its id.

    The actor is ``principal`` if given, else ``user_id``/``username``, else anonymous.
    """
    values = audit_values(
        action=action,
        method=method,
        path=path,
        outcome=outcome,
        status_code=status_code,
        principal=principal,
        user_id=user_id,
        username=username,
        estate_id=estate_id,
        client_addr=client_addr,
        user_agent=user_agent,
        detail=detail,
    )
    with session_factory() as session:  # one INSERT … RETURNING, no unit of work
        record_id = session.connection().execute(_INSERT_RECORD, values).scalar_one()
        session.commit()
        return int(record_id)


def audit_values(
    *,
    action: str,
    method: str,
    path: str,
    outcome: str,
    status_code: int,
    principal: Principal | None = None,
    user_id: int | None = None,
    username: str | None = None,
    estate_id: int | None = None,
    client_addr: str = "",
    user_agent: str = "",
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The row ``record_audit`` writes (texts clipped, detail kept small), stamped now."""
    if principal is not None:
        user_id, username = principal.user_id, principal.username
    return dict(
        occurred_at=utcnow(),
        user_id=user_id,
        username=_clip(username or ANONYMOUS, 64),
        action=_clip(action, 200),
        method=_clip(method, 10),
        path=_clip(path, 500),
        estate_id=estate_id,
        outcome=outcome,
        status_code=status_code,
        client_addr=_clip(client_addr, 64),
        user_agent=_clip(user_agent, 300),
        detail=_small(detail),
    )


def record_audits(session_factory: Callable[[], Session], rows: list[dict[str, Any]]) -> None:
    """Write several ``audit_values`` rows in one transaction and commit it."""
    with session_factory() as session:
        add_audits(session, rows)
        session.commit()


def add_audits(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``audit_values`` rows in the session's transaction (not committed here): the
    record of a write that commits with the write itself."""
    if rows:
        session.connection().execute(insert(_RECORDS), rows)


def list_audit(
    session: Session,
    *,
    estate_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditRecord]:
    """Newest first; ``before_id`` pages back. ``estate_id`` keeps one estate's records."""
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if estate_id is not None:
        query = query.where(AuditRecord.estate_id == estate_id)
    if before_id is not None:
        query = query.where(AuditRecord.id < before_id)
    return list(session.scalars(query))


def record_command(
    session_factory: Callable[[], Session], command: str, detail: dict[str, Any] | None = None
) -> int:
    """Audit a write made from the command line (``trustfund user add ...``): the actor is
    ``cli:<operating-system user>``, the method ``CLI`` and the status 0 (no HTTP)."""
    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = "unknown"
    return record_audit(
        session_factory,
        action=f"cli.{command.replace(' ', '_')}",
        method="CLI",
        path=f"trustfund {command}",
        outcome=OK,
        status_code=0,
        username=f"cli:{operator}",
        detail=detail,
    )

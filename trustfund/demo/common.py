"""What every demo step needs: its people by username, and a committee member's approval
(the demo replays a year of decisions through the same service calls the API makes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Principal
from trustfund.db.models.auth import User


def user_id(session: Session, username: str) -> int:
    """The id of a demo user (``steward``, ``committee1`` …); they exist once the estate step
    has run."""
    found = session.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise RuntimeError(f"demo user {username!r} missing")
    return int(found)


def principal_of(session: Session, user: int) -> Principal:
    principal = load_principal(session, user)
    assert principal is not None
    return principal


def approve(
    session: Session, request_id: int, principal: Principal, content: Mapping[str, Any]
) -> None:
    """``principal`` approves request ``request_id``, bound to ``content`` (no reason)."""
    approvals.decide(
        session,
        request_id,
        principal=principal,
        decision=approvals.Decision.APPROVE,
        reason=None,
        content=content,
    )

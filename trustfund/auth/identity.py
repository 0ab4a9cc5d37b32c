"""Who is asking: turn a bearer token or a session cookie into a ``Principal``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Membership as Grant
from trustfund.auth.principal import Principal, Role
from trustfund.auth.sessions import find_session
from trustfund.auth.tokens import find_token
from trustfund.db.base import utcnow
from trustfund.db.models.auth import Membership, User
from trustfund.errors import NotAuthenticatedError


@dataclass(frozen=True)
class Credentials:
    principal: Principal
    kind: Literal["token", "session"]
    #: The session's CSRF token (cookie-authenticated writes must echo it); None for tokens.
    csrf_token: str | None = None


def load_principal(session: Session, user_id: int, *, via_token: bool = False) -> Principal | None:
    """The principal for an active user with their memberships; None if no such active user."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    memberships = session.scalars(
        select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
    )
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        is_admin=user.is_admin,
        memberships=tuple(
            Grant(role=Role(m.role), estate_id=m.estate_id, community=m.community)
            for m in memberships
        ),
        via_token=via_token,
    )


def authenticate(
    session_factory: Callable[[], Session],
    *,
    bearer: str | None,
    session_token: str | None,
    now: datetime | None = None,
) -> Credentials | None:
    """Credentials for a request, in a short transaction of its own.

    A bearer token wins over a cookie. A bearer token that is unknown, revoked or belongs to
    a deactivated user raises ``NotAuthenticatedError``; a stale or unknown cookie is simply
    ignored (the request is anonymous).
    """
    now = now or utcnow()
    with session_factory() as session:
        if bearer is not None:
            token = find_token(session, bearer, now=now)
            principal = load_principal(session, token.user_id, via_token=True) if token else None
            session.commit()
            if principal is None:
                raise NotAuthenticatedError("The API token is unknown or revoked.")
            return Credentials(principal=principal, kind="token")
        if session_token:
            browser_session = find_session(session, session_token, now=now)
            if browser_session is not None:
                principal = load_principal(session, browser_session.user_id)
                if principal is not None:
                    return Credentials(
                        principal=principal,
                        kind="session",
                        csrf_token=browser_session.csrf_token,
                    )
        return None

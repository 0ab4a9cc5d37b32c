"""Who is asking: turn a bearer token or a session cookie into a ``Principal``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, Row, Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from trustfund.auth.digest import TOKEN_PREFIX, sha256_hex
from trustfund.auth.principal import Membership as Grant
from trustfund.auth.principal import Principal, Role
from trustfund.auth.tokens import TOUCH_INTERVAL
from trustfund.db.base import utcnow
from trustfund.db.models.auth import ApiToken, BrowserSession, Membership, User
from trustfund.db.models.estates import Estate
from trustfund.errors import NotAuthenticatedError
from trustfund.messages import Message


@dataclass(frozen=True)
class EstateRef:
    """An estate, as much as access control needs."""

    id: int
    community: str


@dataclass(frozen=True)
class Credentials:
    principal: Principal
    kind: Literal["token", "session"]
    #: The estate the request names (``authenticate``'s ``estate_slug``), read with the
    #: credentials; None when it names none or no such estate exists.
    estate: EstateRef | None = None
    #: The session's CSRF token (cookie-authenticated writes must echo it); None for tokens.
    csrf_token: str | None = None
    #: The API token whose use is due to be noted (``note_token_use``): its last use was
    #: noted more than ``TOUCH_INTERVAL`` ago, or never. None otherwise.
    token_to_note: int | None = None


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


_USERS = cast(Table, User.__table__)
_MEMBERSHIPS = cast(Table, Membership.__table__)
_TOKENS = cast(Table, ApiToken.__table__)
_SESSIONS = cast(Table, BrowserSession.__table__)
_ESTATES = cast(Table, Estate.__table__)


def _with_principal(credential: Table, *columns: Any) -> Select[Any]:
    """The credential row whose ``token_hash`` is ``:digest``, joined to its active user,
    each of the user's memberships (one row per membership; one row with NULLs for none)
    and the estate whose slug is ``:slug`` (NULLs for none): the caller and the estate a
    request names in one round trip."""
    return (
        select(
            *columns,
            _USERS.c.id,
            _USERS.c.username,
            _USERS.c.display_name,
            _USERS.c.is_admin,
            _MEMBERSHIPS.c.role,
            _MEMBERSHIPS.c.estate_id,
            _MEMBERSHIPS.c.community,
            _ESTATES.c.id,
            _ESTATES.c.community,
        )
        .select_from(
            credential.join(_USERS, _USERS.c.id == credential.c.user_id)
            .outerjoin(_MEMBERSHIPS, _MEMBERSHIPS.c.user_id == _USERS.c.id)
            .outerjoin(_ESTATES, _ESTATES.c.slug == bindparam("slug"))
        )
        .where(credential.c.token_hash == bindparam("digest"), _USERS.c.is_active.is_(True))
        .order_by(_MEMBERSHIPS.c.id)
    )


# Built once: every request that carries credentials runs one of them (a single round trip).
_BY_TOKEN = _with_principal(_TOKENS, _TOKENS.c.id, _TOKENS.c.revoked_at, _TOKENS.c.last_used_at)
_BY_SESSION = _with_principal(_SESSIONS, _SESSIONS.c.expires_at, _SESSIONS.c.csrf_token)
_TOUCH_TOKEN = (
    update(_TOKENS)
    .where(_TOKENS.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def _principal(rows: Sequence[Row[Any]], first: int, *, via_token: bool) -> Principal:
    """The principal from ``_with_principal`` rows whose user columns start at ``first``."""
    user_id, username, display_name, is_admin = rows[0][first : first + 4]
    return Principal(
        user_id=user_id,
        username=username,
        display_name=display_name,
        is_admin=is_admin,
        memberships=tuple(
            Grant(role=Role(role), estate_id=estate_id, community=community)
            for role, estate_id, community in (row[first + 4 : first + 7] for row in rows)
            if role is not None
        ),
        via_token=via_token,
    )


def authenticate(
    connection: Connection,
    *,
    bearer: str | None,
    session_token: str | None,
    estate_slug: str | None = None,
    now: datetime | None = None,
) -> Credentials | None:
    """Credentials for a request, with the estate named ``estate_slug`` (``estate``): one
    query, which only reads (the caller may run it without a thread, on the event loop, in
    autocommit). A token whose use is due to be noted comes back with ``token_to_note``: the
    caller notes it with ``note_token_use`` (at most one write a minute per token).

    A bearer token wins over a cookie. A bearer token that is unknown, revoked or belongs to
    a deactivated user raises ``NotAuthenticatedError``; a stale or unknown cookie is simply
    ignored (the request is anonymous).
    """
    now = now or utcnow()
    if bearer is not None:
        rows = (
            connection.execute(_BY_TOKEN, {"digest": sha256_hex(bearer), "slug": estate_slug}).all()
            if bearer.startswith(TOKEN_PREFIX)
            else []
        )
        if not rows or rows[0].revoked_at is not None:
            raise NotAuthenticatedError(Message("auth.token_unknown"))
        last_used = rows[0].last_used_at
        due = last_used is None or now - last_used >= TOUCH_INTERVAL
        return Credentials(
            principal=_principal(rows, 3, via_token=True),
            kind="token",
            estate=_estate(rows[0], 3),
            token_to_note=rows[0][0] if due else None,
        )
    if session_token:
        rows = connection.execute(
            _BY_SESSION, {"digest": sha256_hex(session_token), "slug": estate_slug}
        ).all()
        if rows and rows[0].expires_at > now:
            return Credentials(
                principal=_principal(rows, 2, via_token=False),
                kind="session",
                estate=_estate(rows[0], 2),
                csrf_token=rows[0].csrf_token,
            )
    return None


def _estate(row: Row[Any], first: int) -> EstateRef | None:
    """The estate of a ``_with_principal`` row whose user columns start at ``first``."""
    estate_id, community = row[first + 7 : first + 9]
    return EstateRef(estate_id, community) if estate_id is not None else None


def note_token_use(session: Session, token_id: int, now: datetime | None = None) -> None:
    """Note that API token ``token_id`` was used ``now`` (``last_used_at``) and commit."""
    session.connection().execute(_TOUCH_TOKEN, {"token_id": token_id, "now": now or utcnow()})
    session.commit()

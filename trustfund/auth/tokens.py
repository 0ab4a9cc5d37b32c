"""API tokens for scripts: ``Authorization: Bearer tf_...``.

The token is shown once, when issued; the database keeps its sha256 and its first
characters (to tell tokens apart in a list). A revoked token is refused from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.auth.digest import TOKEN_PREFIX, new_secret, sha256_hex
from trustfund.auth.schemas import TokenCreated, TokenOut
from trustfund.db.base import utcnow
from trustfund.db.models.auth import ApiToken, User
from trustfund.db.session import command
from trustfund.errors import NotFoundError, ValidationError
from trustfund.messages import Message

#: ``last_used_at`` is written at most this often per token (a write per request is waste).
TOUCH_INTERVAL = timedelta(minutes=1)
PREFIX_CHARS = 8


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    #: The token itself; nowhere else after this.
    plain: str


def issue_token(session: Session, user: User, name: str) -> IssuedToken:
    """A new token for ``user`` (flush only). Raises ``ValidationError`` (empty name)."""
    name = name.strip()
    if not name:
        raise ValidationError.field("name", Message("input.empty"))
    if len(name) > 100:
        raise ValidationError.field("name", Message("auth.at_most_100"))
    plain = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=sha256_hex(plain),
        prefix=plain[:PREFIX_CHARS],
        created_at=utcnow(),
    )
    session.add(token)
    session.flush()
    return IssuedToken(token=token, plain=plain)


# --- entry points --------------------------------------------------------------------


@command
def create_token(session: Session, user_id: int, name: str) -> TokenCreated:
    """Issue a token for the user and commit. Raises ``ValidationError``, ``NotFoundError``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(Message("auth.no_user", user_id=user_id))
    issued = issue_token(session, user, name)
    return TokenCreated(**TokenOut.model_validate(issued.token).model_dump(), token=issued.plain)


def list_tokens(session: Session, user_id: int) -> list[TokenOut]:
    """The user's tokens, newest first, without secrets."""
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    )
    return [TokenOut.model_validate(t) for t in tokens]


@command
def revoke_token(session: Session, user_id: int, token_id: int) -> TokenOut:
    """Revoke one of the user's own tokens (again: no change). Raises ``NotFoundError``
    (no such token of this user)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFoundError(Message("auth.no_token", token_id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return TokenOut.model_validate(token)

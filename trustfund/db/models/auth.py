"""Users, memberships, sessions, API tokens, login attempts and the audit log (issue 2).

Secrets are never stored: browser sessions and API tokens keep only the sha256 of the
random value handed to the client, passwords only their argon2 hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, UTCDateTime, utcnow


class User(Base):
    """A person who signs in: steward, committee or council member, supervisor or admin.
    Residents reading public pages are not users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", order_by="Membership.id"
    )


class Membership(Base):
    """A role held in one estate, or (supervisors only) in every estate of a community."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "(estate_id IS NOT NULL AND community IS NULL) OR "
            "(estate_id IS NULL AND community IS NOT NULL AND role = 'supervisor')",
            name="estate_or_community",
        ),
        CheckConstraint(
            "role IN ('steward', 'committee', 'council', 'supervisor')", name="role_known"
        ),
        UniqueConstraint("user_id", "role", "estate_id"),
        UniqueConstraint("user_id", "role", "community"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: A ``trustfund.auth.principal.Role`` value other than ``admin`` (administrators are
    #: users with ``is_admin``; the role is not granted per estate).
    role: Mapped[str] = mapped_column(String(20))
    estate_id: Mapped[int | None] = mapped_column(
        ForeignKey("estates.id"), index=True, default=None
    )
    community: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")


class BrowserSession(Base):
    """A signed-in browser. The cookie carries a random token; only its sha256 is kept.
    ``csrf_token`` must accompany every write made with the cookie."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A token for scripts (``Authorization: Bearer tf_...``), shown once when issued."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token (``tf_AbCd``), so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One sign-in attempt. Kept in the database so that every app instance sees the same
    count when rate limiting (per user name and per client address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_addr: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class AuditRecord(Base):
    """One line of the audit log: a write that succeeded or an access that was refused.

    Deliberately without foreign keys: the log must be writable whatever else happened,
    and it outlives the rows it mentions.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    #: The user name at the time, or ``anonymous``.
    username: Mapped[str] = mapped_column(String(64))
    #: What was attempted: the route (``POST /api/v1/users``) or a named event (``auth.login``).
    action: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    estate_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    #: ``ok`` (a write), ``denied`` (refused by access control or CSRF), ``refused``
    #: (another refusal: wrong password, rate limit, a rule such as four eyes).
    outcome: Mapped[str] = mapped_column(String(20))
    status_code: Mapped[int] = mapped_column(Integer)
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

"""Request and response shapes of the auth API (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustfund.auth.principal import Role


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class MembershipCreate(BaseModel):
    """Give exactly one of ``estate`` (slug) or ``community`` (supervisors only)."""

    role: Role
    estate: str | None = Field(default=None, max_length=40)
    community: str | None = Field(default=None, max_length=100)


class MembershipOut(BaseModel):
    id: int
    role: Role
    estate: str | None = Field(description="Estate slug; null for a community-wide role")
    community: str | None
    warning: str | None = Field(
        default=None,
        description="Set when the person now both records (steward) and approves (committee "
        "or council) in the estate: what four eyes still forbids them",
    )


class UserCreate(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    password: str = Field(max_length=1024)
    is_admin: bool = False


class UserUpdate(BaseModel):
    """Only the fields given change. ``is_active=false`` locks the user out at once; a new
    ``password`` or a deactivation also ends every browser session and revokes every API
    token of the user (reactivating does not bring them back)."""

    display_name: str | None = Field(default=None, max_length=100)
    password: str | None = Field(default=None, max_length=1024)
    is_active: bool | None = None
    is_admin: bool | None = None


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    is_admin: bool
    is_active: bool
    created_at: datetime
    memberships: list[MembershipOut]


class SignedInOut(BaseModel):
    """Answer to a sign-in. Send ``csrf_token`` as ``X-CSRF-Token`` on every write."""

    user: UserOut
    csrf_token: str
    expires_at: datetime


class TokenCreate(BaseModel):
    name: str = Field(max_length=100, description="What the token is for, e.g. 'bank import'")


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself. Shown this once; only a digest is kept.")


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    user_id: int | None
    username: str
    action: str
    method: str
    path: str
    estate_id: int | None
    outcome: str
    status_code: int
    client_addr: str
    user_agent: str
    detail: dict[str, Any]

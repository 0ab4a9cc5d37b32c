"""Users and their memberships (roles in estates or, for supervisors, in a community).

``create_user`` and ``grant_membership`` are building blocks (flush only) that other
services and the demo compose; ``register_user``, ``update_user``, ``add_membership`` and
``remove_membership`` are entry points of one request or command and commit.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from trustfund.auth.passwords import hash_password, password_problems
from trustfund.auth.principal import Role
from trustfund.auth.schemas import (
    MembershipCreate,
    MembershipOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from trustfund.db.base import utcnow
from trustfund.db.models.auth import ApiToken, BrowserSession, Membership, User
from trustfund.db.models.estates import Estate
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.messages import Message

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")


def normalize_username(username: str) -> str:
    """User names are case-insensitive: stored and compared in lower case."""
    return username.strip().lower()


def _username_problems(username: str) -> list[FieldError]:
    if not USERNAME_RE.fullmatch(username):
        return [
            FieldError(
                "username",
                Message("auth.username_invalid"),
            )
        ]
    return []


def _display_name_problems(display_name: str) -> list[FieldError]:
    if not display_name.strip():
        return [FieldError("display_name", Message("input.empty"))]
    if len(display_name) > 100:
        return [FieldError("display_name", Message("auth.at_most_100"))]
    return []


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationError(Message("input.problems", problems=errors), errors=errors)


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalize_username(username)))


def get_user(session: Session, user_id: int) -> User:
    """Raises ``NotFoundError``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(Message("auth.no_user", user_id=user_id))
    return user


def get_user_by_username(session: Session, username: str) -> User:
    """Raises ``NotFoundError``."""
    user = find_user(session, username)
    if user is None:
        raise NotFoundError(Message("auth.no_user_named", username=username))
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    display_name: str,
    *,
    is_admin: bool = False,
) -> User:
    """Add a user (flush only). Raises ``ValidationError`` (bad user name, display name or
    password: at least 8 characters) and ``ConflictError`` (user name taken)."""
    username = normalize_username(username)
    _raise_if(
        _username_problems(username)
        + _display_name_problems(display_name)
        + password_problems(password)
    )
    if find_user(session, username) is not None:
        raise ConflictError(
            Message("auth.username_taken", username=username),
            errors=[FieldError("username", Message("input.taken"))],
        )
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        is_admin=is_admin,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def grant_membership(
    session: Session,
    user: User,
    role: Role | str,
    *,
    estate_id: int | None = None,
    community: str | None = None,
) -> Membership:
    """Give ``user`` a role in one estate, or (supervisors) in every estate of a community.

    Granting a role the user already holds returns the existing membership (flush only).
    Raises ``ValidationError``: unknown role, ``admin`` (use ``is_admin``), neither or both
    of estate and community, a community for a non-supervisor, no such estate.
    """
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError.field(
            "role",
            Message(
                "input.one_of", choices=", ".join(r.value for r in Role if r is not Role.ADMIN)
            ),
        ) from None
    if role is Role.ADMIN:
        raise ValidationError.field("role", Message("auth.admin_not_per_estate"))
    if community is not None:
        community = community.strip() or None
    if (estate_id is None) == (community is None):
        raise ValidationError.field("estate", Message("auth.estate_or_community"))
    if community is not None and role is not Role.SUPERVISOR:
        raise ValidationError.field("community", Message("auth.community_role_supervisor_only"))
    if estate_id is not None and session.get(Estate, estate_id) is None:
        raise ValidationError.field("estate", Message("auth.no_estate_id", estate_id=estate_id))
    existing = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.role == role.value,
            Membership.estate_id.is_(None)
            if estate_id is None
            else Membership.estate_id == estate_id,
            Membership.community.is_(None)
            if community is None
            else Membership.community == community,
        )
    )
    if existing is not None:
        return existing
    membership = Membership(
        user_id=user.id, role=role.value, estate_id=estate_id, community=community
    )
    session.add(membership)
    session.flush()
    return membership


# --- views ---------------------------------------------------------------------------


def describe_memberships(session: Session, user: User) -> list[MembershipOut]:
    rows = session.execute(
        select(Membership, Estate.slug)
        .outerjoin(Estate, Estate.id == Membership.estate_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    ).all()
    return [
        MembershipOut(id=m.id, role=Role(m.role), estate=slug, community=m.community)
        for m, slug in rows
    ]


def describe_user(session: Session, user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        is_admin=user.is_admin,
        is_active=user.is_active,
        created_at=user.created_at,
        memberships=describe_memberships(session, user),
    )


def list_users(session: Session) -> list[UserOut]:
    users = session.scalars(select(User).order_by(User.username))
    return [describe_user(session, u) for u in users]


def show_user(session: Session, user_id: int) -> UserOut:
    """Raises ``NotFoundError``."""
    return describe_user(session, get_user(session, user_id))


# --- entry points (commit) -----------------------------------------------------------


@command
def register_user(session: Session, data: UserCreate) -> UserOut:
    """Create a user. Raises ``ValidationError``, ``ConflictError``."""
    user = create_user(
        session, data.username, data.password, data.display_name, is_admin=data.is_admin
    )
    return describe_user(session, user)


def end_credentials(session: Session, user_id: int) -> None:
    """Sign the user out everywhere: delete every browser session and revoke every API
    token (flush only). A new password or a deactivation must lock out whoever held the
    old one at once — and a later reactivation must not bring old credentials back."""
    session.execute(delete(BrowserSession).where(BrowserSession.user_id == user_id))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()


@command
def update_user(session: Session, user_id: int, data: UserUpdate) -> UserOut:
    """Change the given fields. A new password or a deactivation ends every session and
    revokes every API token of the user (``end_credentials``). Raises ``NotFoundError``,
    ``ValidationError``."""
    user = get_user(session, user_id)
    errors: list[FieldError] = []
    if data.display_name is not None:
        errors += _display_name_problems(data.display_name)
    if data.password is not None:
        errors += password_problems(data.password)
    _raise_if(errors)
    if data.display_name is not None:
        user.display_name = data.display_name.strip()
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.is_active is not None:
        user.is_active = data.is_active
    if data.password is not None or data.is_active is False:
        end_credentials(session, user.id)
    if data.is_admin is not None:
        user.is_admin = data.is_admin
    return describe_user(session, user)


#: Roles that decide approvals; held together with the steward's role they earn a warning.
APPROVING_ROLES = (Role.COMMITTEE, Role.COUNCIL)


def dual_role_warnings(session: Session, user_id: int) -> list[Message]:
    """One warning per estate where the user is steward and also committee or council."""
    rows = session.execute(
        select(Estate.slug, Membership.role)
        .join(Estate, Estate.id == Membership.estate_id)
        .where(Membership.user_id == user_id)
    )
    held: dict[str, set[str]] = {}
    for slug, role in rows:
        held.setdefault(slug, set()).add(role)
    user = session.get(User, user_id)
    name = user.username if user is not None else str(user_id)
    return [
        Message(
            "auth.dual_role",
            name=name,
            roles=" and ".join(r.value for r in APPROVING_ROLES if r.value in roles),
            estate=slug,
        )
        for slug, roles in sorted(held.items())
        if Role.STEWARD.value in roles and any(r.value in roles for r in APPROVING_ROLES)
    ]


@command
def add_membership(session: Session, user_id: int, data: MembershipCreate) -> MembershipOut:
    """Grant a role; the estate is named by slug. Raises ``NotFoundError`` (user),
    ``ValidationError`` (see ``grant_membership``; unknown estate slug)."""
    user = get_user(session, user_id)
    estate_id: int | None = None
    if data.estate is not None:
        estate_id = session.scalar(select(Estate.id).where(Estate.slug == data.estate))
        if estate_id is None:
            raise ValidationError.field("estate", Message("auth.no_estate", estate=data.estate))
    membership = grant_membership(
        session, user, data.role, estate_id=estate_id, community=data.community
    )
    session.flush()
    warnings = [
        w.en for w in dual_role_warnings(session, user_id) if w.params["estate"] == data.estate
    ]
    return MembershipOut(
        id=membership.id,
        role=Role(membership.role),
        estate=data.estate,
        community=membership.community,
        warning=warnings[0] if data.estate is not None and warnings else None,
    )


@command
def remove_membership(session: Session, user_id: int, membership_id: int) -> None:
    """Take a role away. Raises ``NotFoundError`` (no such membership of that user)."""
    membership = session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        raise NotFoundError(
            Message("auth.no_membership", user_id=user_id, membership_id=membership_id)
        )
    session.delete(membership)

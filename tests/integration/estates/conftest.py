"""Fixtures for estate tests: an estate, and people with roles and API tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from trustfund.auth import tokens, users
from trustfund.db.models.estates import Estate
from trustfund.estates import schemas, service
from trustfund.settings import Settings

Headers = dict[str, str]


@pytest.fixture
def estate(session: Session, settings: Settings) -> Estate:
    return service.create_estate(
        session,
        schemas.EstateCreate(slug="youhe", name="游河小区", community="游河社区"),
        default_timezone=settings.timezone,
    )


@pytest.fixture
def person(session: Session) -> Callable[..., Headers]:
    """``person("steward", steward=estate)`` → bearer headers of a new user holding the given
    roles (``role=estate``; ``supervisor="community name"``; ``admin=True``)."""

    def make(username: str, *, admin: bool = False, **roles: Estate | str) -> Headers:
        user = users.create_user(session, username, "password-123", username, is_admin=admin)
        for role, where in roles.items():
            if isinstance(where, str):
                users.grant_membership(session, user, role, community=where)
            else:
                users.grant_membership(session, user, role, estate_id=where.id)
        issued = tokens.issue_token(session, user, "tests")
        session.commit()
        return {"Authorization": f"Bearer {issued.plain}"}

    return make

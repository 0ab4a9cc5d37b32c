"""Fixtures for estate tests: an estate, and people with roles and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_user
from tests.integration.estates.public_setup import Installation, new_installation
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
    """``person("steward", steward=estate)`` → bearer headers of a new user named
    ``username`` holding at most one role (``role=estate``; ``supervisor="community"``;
    ``admin=True``), made with ``tests.factories.make_user``."""

    def make(username: str, *, admin: bool = False, **roles: Estate | str) -> Headers:
        assert len(roles) <= 1, "one role per person"
        role, where = next(iter(roles.items()), (None, None))
        _, token = make_user(
            session,
            role,
            estate=where if isinstance(where, Estate) else None,
            community=where if isinstance(where, str) else None,
            admin=admin,
            username=username,
        )
        return auth_headers(token)

    return make


@pytest.fixture
def installation(
    client: TestClient[Litestar], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Installation:
    """A new installation: one administrator (by CLI), nothing else."""
    return new_installation(client, db_url, tmp_path, monkeypatch)

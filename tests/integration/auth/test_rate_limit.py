"""Sign-in rate limiting: per user name and per address, shared by every app instance."""

from __future__ import annotations

import dataclasses

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, make_user
from trustfund.app import create_app
from trustfund.db.models.auth import AuditRecord
from trustfund.settings import Settings


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return dataclasses.replace(settings, login_attempts=3, login_window=600)


def _login(client: TestClient[Litestar], username: str, password: str) -> int:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return response.status_code


def test_failures_lock_the_user_name_across_app_instances(
    limited: Settings, engine: Engine, session: Session
) -> None:
    user, _ = make_user(session)
    first, second = create_app(limited, engine=engine), create_app(limited, engine=engine)
    with TestClient(first) as one, TestClient(second) as two:
        assert [_login(one, user.username, "wrong-password") for _ in range(3)] == [401] * 3
        # the other instance sees the same count: even the right password is refused now
        locked = two.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        assert locked.status_code == 429
        assert locked.headers["content-type"].startswith("application/problem+json")
        assert 0 < locked.json()["retry_after"] <= 601
        assert _login(one, user.username, PASSWORD) == 429
    with Session(engine) as s:
        outcomes = [
            (r.outcome, r.status_code)
            for r in s.scalars(select(AuditRecord).order_by(AuditRecord.id))
        ]
    assert outcomes == [("refused", 401)] * 3 + [("refused", 429)] * 2


def test_failures_from_one_address_lock_every_user_name(
    limited: Settings, engine: Engine, session: Session
) -> None:
    user, _ = make_user(session)
    with TestClient(create_app(limited, engine=engine)) as client:
        for name in ("alice", "bob", "carol"):
            assert _login(client, name, "guess-guess") == 401
        assert _login(client, user.username, PASSWORD) == 429


def test_a_success_clears_the_user_names_failures(
    limited: Settings, engine: Engine, session: Session
) -> None:
    user, _ = make_user(session)
    with TestClient(create_app(limited, engine=engine)) as client:
        assert _login(client, user.username, "wrong-password") == 401
        assert _login(client, user.username, PASSWORD) == 200
        client.cookies.clear()
        # the address keeps counting (1 failure so far), the user name starts again
        assert _login(client, user.username, "wrong-password") == 401
        assert _login(client, user.username, PASSWORD) == 200


def test_the_form_answers_429_too(limited: Settings, engine: Engine, session: Session) -> None:
    user, _ = make_user(session)
    with TestClient(create_app(limited, engine=engine)) as client:
        for _ in range(3):
            client.post("/login", data={"username": user.username, "password": "x-wrong-x"})
        page = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert page.status_code == 429
        assert "登录失败次数过多" in page.text

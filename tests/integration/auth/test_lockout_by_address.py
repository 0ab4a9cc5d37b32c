"""An attacker cannot lock a user out (issue 14, item 10): failures lock a user name only
from the address they came from; from elsewhere the real user still signs in, after an
increasing delay; brute force from one address is still refused; 429 carries Retry-After."""

from __future__ import annotations

import dataclasses

import pytest
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, make_user
from trustfund.app import create_app
from trustfund.auth import sessions
from trustfund.errors import NotAuthenticatedError, RateLimitedError
from trustfund.settings import Settings


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return dataclasses.replace(settings, login_attempts=3, login_window=600)


def test_an_attacker_at_a_cannot_lock_the_user_out_at_b(
    session: Session, limited: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(sessions.time, "sleep", waits.append)
    user, _ = make_user(session)
    for _ in range(3):
        with pytest.raises(NotAuthenticatedError):
            sessions.sign_in(session, limited, user.username, "guess", client_addr="10.6.6.6")
    # brute force from A is refused, also with the right password
    with pytest.raises(RateLimitedError) as caught:
        sessions.sign_in(session, limited, user.username, PASSWORD, client_addr="10.6.6.6")
    assert caught.value.extra["retry_after"] > 0
    # the real user at B gets in, after a delay (not a refusal)
    signed = sessions.sign_in(session, limited, user.username, PASSWORD, client_addr="10.1.1.1")
    assert signed.answer.user.username == user.username
    assert waits == [1.0]


def test_guessing_from_many_addresses_is_slowed_more_and_more(
    session: Session, limited: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(sessions.time, "sleep", waits.append)
    user, _ = make_user(session)
    for n in range(8):
        with pytest.raises(NotAuthenticatedError):
            sessions.sign_in(session, limited, user.username, "guess", client_addr=f"10.9.0.{n}")
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]  # from the 4th failure on; at most 8 s


def test_the_429_says_when_to_retry(limited: Settings, engine, session: Session) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user(session)
    with TestClient(create_app(limited, engine=engine)) as client:
        for _ in range(3):
            client.post("/api/v1/auth/login", json={"username": user.username, "password": "x"})
        locked = client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 601
    assert locked.headers["retry-after"] == str(locked.json()["retry_after"])

"""A password reset or a deactivation ends every way the user was signed in, at once
(issue 14, item 10): browser sessions (API and staff pages) and API tokens; reactivating the
user later does not bring any of them back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, auth_headers, make_estate, make_user
from trustfund.auth.principal import Role
from trustfund.db.models.auth import User


@dataclass
class Signed:
    user: User
    token: str
    admin: str
    browser: TestClient[Litestar]


@pytest.fixture
def signed(app: Litestar, session: Session) -> Iterator[Signed]:
    """A steward with an API token and a signed-in browser, and an administrator's token."""
    estate = make_estate(session, "a")
    user, token = make_user(session, Role.STEWARD, estate)
    _, admin = make_user(session, admin=True)
    with TestClient(app) as browser:
        answer = browser.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        yield Signed(user, token, admin, browser)


def _locked_out(browser: TestClient[Litestar], client: TestClient[Litestar], token: str) -> None:
    assert browser.get("/api/v1/auth/me").status_code == 401
    page = browser.get("/staff", follow_redirects=False)
    assert page.status_code == 401  # the staff page asks to sign in
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 401


def _still_in(browser: TestClient[Litestar], client: TestClient[Litestar], token: str) -> None:
    assert browser.get("/api/v1/auth/me").status_code == 200
    assert browser.get("/staff", follow_redirects=False).status_code == 200
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 200


def test_a_password_reset_ends_sessions_and_tokens(
    client: TestClient[Litestar], signed: Signed
) -> None:
    _still_in(signed.browser, client, signed.token)
    reset = client.patch(
        f"/api/v1/users/{signed.user.id}",
        json={"password": "a new password 2026"},
        headers=auth_headers(signed.admin),
    )
    assert reset.status_code == 200, reset.text
    _locked_out(signed.browser, client, signed.token)
    # the new password works
    fresh = client.post(
        "/api/v1/auth/login",
        json={"username": signed.user.username, "password": "a new password 2026"},
    )
    assert fresh.status_code == 200


def test_a_display_name_change_signs_nobody_out(
    client: TestClient[Litestar], signed: Signed
) -> None:
    renamed = client.patch(
        f"/api/v1/users/{signed.user.id}",
        json={"display_name": "李红"},
        headers=auth_headers(signed.admin),
    )
    assert renamed.status_code == 200
    _still_in(signed.browser, client, signed.token)


def test_deactivation_ends_sessions_and_tokens_for_good(
    client: TestClient[Litestar], signed: Signed
) -> None:
    url = f"/api/v1/users/{signed.user.id}"
    admin = auth_headers(signed.admin)
    assert client.patch(url, json={"is_active": False}, headers=admin).status_code == 200
    _locked_out(signed.browser, client, signed.token)
    assert client.patch(url, json={"is_active": True}, headers=admin).status_code == 200
    _locked_out(signed.browser, client, signed.token)  # what was taken away stays away

"""A password reset or a deactivation ends every way the user was signed in, at once
(issue 14, item 10): browser sessions (API and staff pages) and API tokens; reactivating the
user later does not bring any of them back."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, auth_headers, make_estate, make_user
from trustfund.auth.principal import Role


def _signed_in_browser(app: Litestar, username: str) -> TestClient[Litestar]:
    browser = TestClient(app)
    browser.__enter__()
    signed = browser.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    return browser


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
    app: Litestar, client: TestClient[Litestar], session: Session
) -> None:
    estate = make_estate(session, "a")
    user, token = make_user(session, Role.STEWARD, estate)
    _, admin = make_user(session, admin=True)
    browser = _signed_in_browser(app, user.username)
    try:
        _still_in(browser, client, token)
        reset = client.patch(
            f"/api/v1/users/{user.id}",
            json={"password": "a new password 2026"},
            headers=auth_headers(admin),
        )
        assert reset.status_code == 200, reset.text
        _locked_out(browser, client, token)
        # the new password works; the old one does not
        fresh = client.post(
            "/api/v1/auth/login",
            json={"username": user.username, "password": "a new password 2026"},
        )
        assert fresh.status_code == 200
    finally:
        browser.__exit__(None, None, None)


def test_a_display_name_change_signs_nobody_out(
    app: Litestar, client: TestClient[Litestar], session: Session
) -> None:
    estate = make_estate(session, "a")
    user, token = make_user(session, Role.STEWARD, estate)
    _, admin = make_user(session, admin=True)
    browser = _signed_in_browser(app, user.username)
    try:
        renamed = client.patch(
            f"/api/v1/users/{user.id}", json={"display_name": "李红"}, headers=auth_headers(admin)
        )
        assert renamed.status_code == 200
        _still_in(browser, client, token)
    finally:
        browser.__exit__(None, None, None)


def test_deactivation_ends_sessions_and_tokens_for_good(
    app: Litestar, client: TestClient[Litestar], session: Session
) -> None:
    estate = make_estate(session, "a")
    user, token = make_user(session, Role.STEWARD, estate)
    _, admin = make_user(session, admin=True)
    browser = _signed_in_browser(app, user.username)
    try:
        url = f"/api/v1/users/{user.id}"
        off = client.patch(url, json={"is_active": False}, headers=auth_headers(admin))
        assert off.status_code == 200
        _locked_out(browser, client, token)
        on = client.patch(url, json={"is_active": True}, headers=auth_headers(admin))
        assert on.status_code == 200
        _locked_out(browser, client, token)  # what was taken away stays away
    finally:
        browser.__exit__(None, None, None)

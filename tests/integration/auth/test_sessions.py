"""Browser sign-in: cookie, CSRF token, expiry, sign-out; and the sign-in page."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, auth_headers, make_user
from trustfund.app import create_app
from trustfund.auth.digest import sha256_hex
from trustfund.db.base import utcnow
from trustfund.db.models.auth import AuditRecord, BrowserSession
from trustfund.settings import Settings


def _login(client: TestClient[Litestar], username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _audit(engine: Engine) -> list[AuditRecord]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def test_sign_in_sets_a_protected_cookie_and_returns_the_csrf_token(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session, admin=True, display_name="王芳")
    response = _login(client, user.username.upper())  # user names ignore case
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["username"] == user.username
    assert body["user"]["display_name"] == "王芳"
    assert len(body["csrf_token"]) >= 32
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("tf_session=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=lax" in set_cookie or "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie
    cookie = client.cookies["tf_session"]
    with Session(engine) as s:
        stored = s.scalars(select(BrowserSession)).one()
    assert stored.token_hash == sha256_hex(cookie)
    assert stored.csrf_token == body["csrf_token"]
    assert cookie not in (stored.token_hash, stored.csrf_token)
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["id"] == user.id
    signed_in = [r for r in _audit(engine) if r.action == "auth.login"]
    assert [(r.outcome, r.user_id, r.username) for r in signed_in] == [
        ("ok", user.id, user.username)
    ]


def test_cookie_is_secure_when_configured(
    settings: Settings, engine: Engine, session: Session
) -> None:
    user, _ = make_user(session)
    app = create_app(dataclasses.replace(settings, secure_cookies=True), engine=engine)
    with TestClient(app) as client:
        response = _login(client, user.username)
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_is_refused_and_audited(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    response = _login(client, user.username, "not the password")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "tf_session" not in response.headers.get("set-cookie", "")
    unknown = _login(client, "nobody-here", "whatever-password")
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == response.json()["detail"]  # names cannot be probed
    records = [r for r in _audit(engine) if r.action == "auth.login"]
    assert [(r.outcome, r.status_code, r.username) for r in records] == [
        ("refused", 401, "anonymous"),
        ("refused", 401, "anonymous"),
    ]
    assert records[0].detail["attempted_username"] == user.username
    assert records[0].detail["detail"] == "Wrong user name or password."


def test_deactivated_user_cannot_sign_in(client: TestClient[Litestar], session: Session) -> None:
    user, _ = make_user(session)
    user.is_active = False
    session.commit()
    assert _login(client, user.username).status_code == 401


def test_sign_out_ends_the_session(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    csrf = _login(client, user.username).json()["csrf_token"]
    response = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert (
        'tf_session=""' in response.headers["set-cookie"]
        or "Max-Age=0" in response.headers["set-cookie"]
    )
    with Session(engine) as s:
        assert s.scalars(select(BrowserSession)).all() == []
    assert client.get("/api/v1/auth/me").status_code == 401


def test_an_expired_session_is_anonymous(
    client: TestClient[Litestar], session: Session, engine: Engine, settings: Settings
) -> None:
    user, _ = make_user(session)
    before = utcnow()
    assert _login(client, user.username).status_code == 200
    with Session(engine) as s:
        stored = s.scalars(select(BrowserSession)).one()
        lifetime = stored.expires_at - before
        assert timedelta(hours=settings.session_hours) - lifetime < timedelta(minutes=1)
        s.execute(update(BrowserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401


def test_cookie_writes_need_the_csrf_token(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    csrf = _login(client, user.username).json()["csrf_token"]
    missing = client.post("/api/v1/auth/tokens", json={"name": "script"})
    wrong = client.post(
        "/api/v1/auth/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf[:-1] + "x"}
    )
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert missing.headers["content-type"].startswith("application/problem+json")
    denied = [r for r in _audit(engine) if r.outcome == "denied"]
    assert [(r.status_code, r.user_id, r.detail.get("csrf")) for r in denied] == [
        (403, user.id, True),
        (403, user.id, True),
    ]
    with Session(engine) as s:
        from trustfund.db.models.auth import ApiToken

        assert len(s.scalars(select(ApiToken)).all()) == 1  # only the factory's token
    accepted = client.post(
        "/api/v1/auth/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 201, accepted.text
    # reads need no token
    assert client.get("/api/v1/auth/tokens").status_code == 200


def test_token_requests_need_no_csrf_token(client: TestClient[Litestar], session: Session) -> None:
    _, token = make_user(session)
    response = client.post(
        "/api/v1/auth/tokens", json={"name": "script"}, headers=auth_headers(token)
    )
    assert response.status_code == 201


def test_sign_in_page_and_form(client: TestClient[Litestar], session: Session) -> None:
    user, _ = make_user(session)
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert 'name="viewport"' in page.text
    assert 'action="/login"' in page.text
    assert "登录" in page.text
    bad = client.post(
        "/login", data={"username": user.username, "password": "nope-nope", "next": "/x"}
    )
    assert bad.status_code == 401
    assert "用户名或密码不正确" in bad.text
    good = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert good.headers["location"] == "/"
    assert "HttpOnly" in good.headers["set-cookie"]
    assert client.get("/api/v1/auth/me").status_code == 200


def test_sign_out_form_needs_the_csrf_field(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    csrf = _login(client, user.username).json()["csrf_token"]
    refused = client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200
    done = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    assert client.get("/api/v1/auth/me").status_code == 401

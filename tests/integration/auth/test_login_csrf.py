"""Login CSRF (issue 14, item 10): a page on another site must not sign a victim's browser
into an account of the attacker's choosing (whose pages then record the victim's work), nor
sign it out. A browser's sign-in and sign-out must come from our own pages: ``Origin`` names
this host, or without ``Origin``, ``Sec-Fetch-Site`` says same-origin. Scripts (no browser
headers at all) still sign in."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, make_user
from trustfund.db.models.auth import AuditRecord, BrowserSession

HOST = "testserver.local"  # the TestClient's Host header


def _form(username: str) -> dict[str, str]:
    return {"username": username, "password": PASSWORD, "next": "/staff"}


def _sessions(engine: Engine) -> int:
    with Session(engine) as s:
        return len(list(s.scalars(select(BrowserSession.id))))


def test_a_cross_site_sign_in_is_refused(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    attacks = [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Origin": f"https://{HOST}.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site's page
    ]
    for headers in attacks:
        form = client.post(
            "/login", data=_form(user.username), headers=headers, follow_redirects=False
        )
        assert form.status_code == 403, (headers, form.text)
        assert "tf_session" not in form.headers.get("set-cookie", "")
        api = client.post(
            "/api/v1/auth/login",
            json={"username": user.username, "password": PASSWORD},
            headers=headers,
        )
        assert api.status_code == 403, headers
    assert _sessions(engine) == 0
    with Session(engine) as s:
        denied = s.scalars(select(AuditRecord).where(AuditRecord.outcome == "denied")).all()
    assert len(denied) == 2 * len(attacks)
    assert all(r.detail.get("reason") == "Cross-site request refused." for r in denied)


def test_our_own_pages_and_scripts_still_sign_in(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    for headers in (
        {"Origin": f"http://{HOST}"},
        {"Origin": "http://127.0.0.1:8000"},  # TRUSTFUND_PUBLIC_URL (default)
        {"Sec-Fetch-Site": "same-origin"},
        {},  # a script: no browser headers
    ):
        client.cookies.clear()
        form = client.post(
            "/login",
            data=_form(user.username),
            headers={"Host": HOST, **headers},
            follow_redirects=False,
        )
        assert form.status_code == 303, (headers, form.text)
        assert form.headers["location"] == "/staff"
    assert _sessions(engine) == 4


def test_a_cross_site_sign_out_is_refused(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, _ = make_user(session)
    signed = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )
    csrf = signed.json()["csrf_token"]
    out = client.post(
        "/logout",
        data={"csrf_token": csrf},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert out.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200
    out = client.post(
        "/logout",
        data={"csrf_token": csrf},
        headers={"Origin": f"http://{HOST}", "Host": HOST},
        follow_redirects=False,
    )
    assert out.status_code == 303
    assert _sessions(engine) == 0

"""API tokens: shown once, stored as a digest, refused once revoked."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_user
from trustfund.auth.digest import sha256_hex
from trustfund.db.models.auth import ApiToken, AuditRecord


def test_token_is_shown_once_and_stored_hashed(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, token = make_user(session)
    created = client.post(
        "/api/v1/auth/tokens", json={"name": "bank import"}, headers=auth_headers(token)
    )
    assert created.status_code == 201
    body = created.json()
    plain = body["token"]
    assert plain.startswith("tf_") and len(plain) > 40
    assert body["prefix"] == plain[:8]
    listed = client.get("/api/v1/auth/tokens", headers=auth_headers(token)).json()
    assert {t["name"] for t in listed} == {"tests", "bank import"}
    assert all("token" not in t for t in listed)
    assert plain not in client.get("/api/v1/auth/tokens", headers=auth_headers(token)).text
    with Session(engine) as s:
        row = s.get(ApiToken, body["id"])
        assert row is not None
        assert row.token_hash == sha256_hex(plain)
        assert plain not in (row.token_hash, row.prefix, row.name)
    me = client.get("/api/v1/auth/me", headers=auth_headers(plain))
    assert me.status_code == 200
    assert me.json()["username"] == user.username


def test_use_is_recorded(client: TestClient[Litestar], session: Session, engine: Engine) -> None:
    _, token = make_user(session)
    with Session(engine) as s:
        assert s.scalars(select(ApiToken.last_used_at)).one() is None
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 200
    with Session(engine) as s:
        assert s.scalars(select(ApiToken.last_used_at)).one() is not None


def test_revoked_token_is_refused_and_audited(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    user, token = make_user(session)
    other = client.post(
        "/api/v1/auth/tokens", json={"name": "spare"}, headers=auth_headers(token)
    ).json()
    revoked = client.delete(f"/api/v1/auth/tokens/{other['id']}", headers=auth_headers(token))
    assert revoked.status_code == 204
    refused = client.get("/api/v1/auth/me", headers=auth_headers(other["token"]))
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The API token is unknown or revoked."
    # the public health check too: a bad credential is never silently ignored
    assert client.get("/health", headers=auth_headers(other["token"])).status_code == 401
    listed = client.get("/api/v1/auth/tokens", headers=auth_headers(token)).json()
    assert [t["revoked_at"] is not None for t in listed] == [True, False]
    with Session(engine) as s:
        records = list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    assert [(r.action, r.outcome, r.status_code) for r in records] == [
        ("auth.create_token", "ok", 201),
        ("auth.revoke_token", "ok", 204),
        ("auth.me", "denied", 401),
        ("health.health", "denied", 401),
    ]
    assert records[1].user_id == user.id
    assert records[2].username == "anonymous"


def test_unknown_and_malformed_tokens_are_refused(
    client: TestClient[Litestar], session: Session
) -> None:
    make_user(session)
    for value in ("tf_not-a-real-token", "something-else"):
        response = client.get("/api/v1/auth/me", headers=auth_headers(value))
        assert response.status_code == 401


def test_nobody_revokes_another_users_token(
    client: TestClient[Litestar], session: Session, engine: Engine
) -> None:
    _, mine = make_user(session)
    _, theirs = make_user(session, admin=True)
    with Session(engine) as s:
        their_id = s.scalars(select(ApiToken.id).order_by(ApiToken.id.desc())).first()
    response = client.delete(f"/api/v1/auth/tokens/{their_id}", headers=auth_headers(mine))
    assert response.status_code == 404
    assert client.get("/api/v1/auth/me", headers=auth_headers(theirs)).status_code == 200


def test_token_name_is_required(client: TestClient[Litestar], session: Session) -> None:
    _, token = make_user(session)
    response = client.post("/api/v1/auth/tokens", json={"name": "  "}, headers=auth_headers(token))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "reason": "must not be empty", "code": "input.empty", "params": {}}
    ]


def test_deactivated_users_token_is_refused(client: TestClient[Litestar], session: Session) -> None:
    user, token = make_user(session)
    user.is_active = False
    session.commit()
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 401

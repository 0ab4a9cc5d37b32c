"""User management by administrators: users, memberships, validation."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user


def test_admin_creates_a_user_and_grants_roles(
    client: TestClient[Litestar], session: Session
) -> None:
    make_estate(session, "a", community="东湖社区")
    _, admin = make_user(session, admin=True)
    headers = auth_headers(admin)
    created = client.post(
        "/api/v1/users",
        json={"username": "Wang.Fang", "display_name": "王芳", "password": "长长的密码123"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["username"], user["is_admin"], user["memberships"]) == ("wang.fang", False, [])
    steward = client.post(
        f"/api/v1/users/{user['id']}/memberships",
        json={"role": "steward", "estate": "a"},
        headers=headers,
    )
    supervisor = client.post(
        f"/api/v1/users/{user['id']}/memberships",
        json={"role": "supervisor", "community": "东湖社区"},
        headers=headers,
    )
    assert (steward.status_code, supervisor.status_code) == (201, 201)
    shown = client.get(f"/api/v1/users/{user['id']}", headers=headers).json()
    assert [(m["role"], m["estate"], m["community"]) for m in shown["memberships"]] == [
        ("steward", "a", None),
        ("supervisor", None, "东湖社区"),
    ]
    removed = client.delete(
        f"/api/v1/users/{user['id']}/memberships/{steward.json()['id']}", headers=headers
    )
    assert removed.status_code == 204
    shown = client.get(f"/api/v1/users/{user['id']}", headers=headers).json()
    assert [m["role"] for m in shown["memberships"]] == ["supervisor"]
    signed_in = client.post(
        "/api/v1/auth/login", json={"username": "WANG.FANG", "password": "长长的密码123"}
    )
    assert signed_in.status_code == 200


def test_bad_input_names_every_field(client: TestClient[Litestar], session: Session) -> None:
    _, admin = make_user(session, admin=True)
    response = client.post(
        "/api/v1/users",
        json={"username": "x", "display_name": " ", "password": "short"},
        headers=auth_headers(admin),
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "username",
        "display_name",
        "password",
    }


def test_user_names_are_unique(client: TestClient[Litestar], session: Session) -> None:
    user, admin = make_user(session, admin=True)
    response = client.post(
        "/api/v1/users",
        json={"username": user.username.upper(), "display_name": "x", "password": "12345678"},
        headers=auth_headers(admin),
    )
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "username", "reason": "already taken", "code": "input.taken", "params": {}}
    ]


def test_membership_rules(client: TestClient[Litestar], session: Session) -> None:
    make_estate(session, "a")
    user, admin = make_user(session, admin=True)
    url = f"/api/v1/users/{user.id}/memberships"
    cases = [
        ({"role": "steward", "community": "c"}, "community"),
        ({"role": "steward"}, "estate"),
        ({"role": "steward", "estate": "a", "community": "c"}, "estate"),
        ({"role": "admin", "estate": "a"}, "role"),
        ({"role": "steward", "estate": "nope"}, "estate"),
    ]
    for body, field in cases:
        response = client.post(url, json=body, headers=auth_headers(admin))
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field], body
    bad_role = client.post(url, json={"role": "king", "estate": "a"}, headers=auth_headers(admin))
    assert bad_role.status_code == 422


def test_deactivation_locks_out_at_once(client: TestClient[Litestar], session: Session) -> None:
    user, token = make_user(session)
    _, admin = make_user(session, admin=True)
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 200
    changed = client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=auth_headers(admin)
    )
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=auth_headers(token)).status_code == 401


def test_only_admins_manage_users(client: TestClient[Litestar], session: Session) -> None:
    estate = make_estate(session, "a")
    _, steward = make_user(session, "steward", estate)
    assert client.get("/api/v1/users", headers=auth_headers(steward)).status_code == 403
    assert client.get("/api/v1/users").status_code == 401
    response = client.post(
        "/api/v1/users",
        json={"username": "sneaky", "display_name": "x", "password": "12345678"},
        headers=auth_headers(steward),
    )
    assert response.status_code == 403

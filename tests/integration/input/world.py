"""An estate built the way a new installation builds it: the first administrator (what
``trustfund user add --admin`` makes), then everything else through the HTTP API — the
estate, its people and their tokens, its household register with owners' names and phones."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, auth_headers, make_user

Headers = dict[str, str]

#: The register a steward imports: the owners are 鲁磊 (13800000001) and 王小明
#: (0574-8765 4321), one household has neither.
REGISTER = (
    "幢,单元,室,状态,业主,电话\n"
    "3,1,101,自住,鲁磊,13800000001\n"
    "3,1,102,自住,王小明,0574-87654321\n"
    "3,1,103,空户,,\n"
)


@dataclass(frozen=True)
class World:
    slug: str
    admin: Headers
    steward: Headers
    committee: Headers
    codes: list[str]

    @property
    def base(self) -> str:
        return f"/api/v1/estates/{self.slug}"


def _person(
    client: TestClient[Litestar], admin: Headers, name: str, role: str, slug: str
) -> Headers:
    user = client.post(
        "/api/v1/users",
        json={"username": name, "display_name": name, "password": PASSWORD},
        headers=admin,
    )
    assert user.status_code == 201, user.text
    granted = client.post(
        f"/api/v1/users/{user.json()['id']}/memberships",
        json={"role": role, "estate": slug},
        headers=admin,
    )
    assert granted.status_code == 201, granted.text
    signed_in = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    token = client.post(
        "/api/v1/auth/tokens",
        json={"name": "tests"},
        headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
    )
    assert token.status_code == 201, token.text
    client.cookies.clear()
    return auth_headers(token.json()["token"])


def build_world(session: Session, client: TestClient[Litestar], slug: str = "newestate") -> World:
    _, admin_token = make_user(session, admin=True)
    session.rollback()
    admin = auth_headers(admin_token)
    created = client.post(
        "/api/v1/estates",
        json={"slug": slug, "name": "新小区", "community": "新社区", "timezone": "Asia/Shanghai"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    steward = _person(client, admin, f"{slug}-steward", "steward", slug)
    committee = _person(client, admin, f"{slug}-committee", "committee", slug)
    imported = client.post(
        f"/api/v1/estates/{slug}/households/import",
        files={"file": ("register.csv", REGISTER.encode(), "text/csv")},
        headers=admin,
    )
    assert imported.status_code in (200, 201), imported.text
    listed = client.get(f"/api/v1/estates/{slug}/households", headers=steward)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    rows = body["items"] if isinstance(body, dict) else body
    codes = [h["code"] for h in sorted(rows, key=lambda h: h["room"])]
    return World(slug, admin, steward, committee, codes)

"""A new estate built through the public API only: an administrator (the one account the
``trustfund user add --admin`` command makes on a new installation) creates the estate, its
people and their roles; each person signs in and takes an API token. No demo, no open books."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_user

PASSWORD = "长长的密码123"


@dataclass
class NewEstate:
    slug: str
    client: TestClient[Litestar]
    admin: dict[str, str]
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    household_code: str = ""

    @property
    def base(self) -> str:
        return f"/api/v1/estates/{self.slug}"

    def post(self, who: str, path: str, body: Any = None, **kw: Any) -> Any:
        headers = {**self.people[who], **kw.pop("headers", {})}
        return self.client.post(self.base + path, json=body, headers=headers, **kw)

    def get(self, who: str, path: str) -> Any:
        return self.client.get(self.base + path, headers=self.people[who])

    def add_person(self, name: str, *roles: str) -> None:
        """A user holding ``roles`` in this estate, with an API token taken after signing in."""
        created = self.client.post(
            "/api/v1/users",
            json={"username": name, "display_name": name, "password": PASSWORD},
            headers=self.admin,
        )
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        for role in roles:
            granted = self.client.post(
                f"/api/v1/users/{user_id}/memberships",
                json={"role": role, "estate": self.slug},
                headers=self.admin,
            )
            assert granted.status_code == 201, granted.text
        with TestClient(self.client.app) as browser:
            signed_in = browser.post(
                "/api/v1/auth/login", json={"username": name, "password": PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
            token = browser.post(
                "/api/v1/auth/tokens",
                json={"name": "test"},
                headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
            )
            assert token.status_code == 201, token.text
        self.people[name] = auth_headers(token.json()["token"])
        self.ids[name] = user_id


def new_estate(session: Session, client: TestClient[Litestar], slug: str = "xinhe") -> NewEstate:
    """An estate with a steward, two committee members and one household, books not open."""
    _, admin_token = make_user(session, admin=True, username="root")
    admin = auth_headers(admin_token)
    created = client.post(
        "/api/v1/estates",
        json={
            "slug": slug,
            "name": "新河小区",
            "community": "新河社区",
            "street_office": "新河街道",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    estate = NewEstate(slug, client, admin)
    estate.add_person("steward", "steward")
    estate.add_person("member1", "committee")
    estate.add_person("member2", "committee")
    household = estate.post(
        "steward",
        "/households",
        {
            "building": "1",
            "entrance": "1",
            "room": "101",
            "site": "一区",
            "occupancy": "occupied",
            "since": "2024-01-01",
        },
    )
    assert household.status_code == 201, household.text
    estate.household_code = household.json()["code"]
    return estate


SCHEDULE = {
    "components": [
        {"fund": "electricity", "name": "公共电费", "amount": "50.00"},
        {"fund": "maintenance", "name": "公共设施维护", "amount": "90.00"},
        {"fund": "garbage", "name": "生活垃圾清运费", "amount": "60.00"},
    ],
    "vacancy_rule": "percent",
    "vacancy_percent": "50",
}


def approve_schedule_and_charge(estate: NewEstate, year: int) -> None:
    """The steward proposes the year's fee schedule, a committee member approves it, and the
    steward issues the charges."""
    fees = estate.base + "/fees"
    r = estate.client.put(
        f"{fees}/schedules/{year}", json=SCHEDULE, headers=estate.people["steward"]
    )
    assert r.status_code == 200, r.text
    r = estate.client.post(
        f"{fees}/schedules/{year}/approve",
        json={"content_hash": r.json()["content_hash"]},
        headers=estate.people["member1"],
    )
    assert r.status_code == 200, r.text
    r = estate.client.post(f"{fees}/charges/{year}", headers=estate.people["steward"])
    assert r.status_code in (200, 201), r.text


def payment(estate: NewEstate, key: str, amount: str = "200.00", on: str = "2025-03-01") -> Any:
    body = {
        "method": "cash",
        "amount": amount,
        "paid_on": on,
        "allocations": [
            {"household_code": estate.household_code, "fee_year": int(on[:4]), "amount": amount}
        ],
    }
    return estate.post("steward", "/fees/payments", body, headers={"Idempotency-Key": key})


def decide(estate: NewEstate, who: str, request_id: int, decision: str = "approve") -> Any:
    body: dict[str, str] = {"decision": decision}
    if decision == "reject":
        body["reason"] = "数字与纸质台账不符"
    return estate.post(who, f"/approvals/{request_id}/decision", body)

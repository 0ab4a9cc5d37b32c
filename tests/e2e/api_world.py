"""An estate for browser journeys built the way a new installation builds it: the first
administrator (what ``trustfund user add --admin`` makes), then everything else over HTTP
against the live server — the estate, its people (signed in, each with an API token), the
household register, the opening balances, the fee schedule and charges, cash payments and a
submitted claim. No demo, no service helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.api_flows import charge_fee_year, pay_fee
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD, make_user

SLUG = "lanting"
FEE_YEAR = 2026
#: Buildings 1, 2, 3, 10, 11 (out of order on purpose); room 502 in several of them.
REGISTER = (
    "幢,单元,室,状态,业主,电话\n"
    "10,1,502,自住,赵一,13900000010\n"
    "3,2,502,自住,钱二,13900000032\n"
    "3,1,502,自住,孙三,13912345678\n"
    "3,1,1001,自住,李四,0574-87654321\n"
    "3,1,101,空户,,\n"
    "11,1,101,自住,周五,13900000011\n"
    "2,1,502,自住,吴六,13900000002\n"
    "1,1,201,自住,郑七,13900000001\n"
    "1,1,10,自住,王八,13900000009\n"
    "1,1,9,自住,冯九,13900000019\n"
)
SCHEDULE = {
    "components": [
        {"fund": "electricity", "name": "公共电费", "amount": "50.00"},
        {"fund": "maintenance", "name": "公共设施维护", "amount": "90.00"},
        {"fund": "garbage", "name": "生活垃圾清运费", "amount": "60.00"},
    ],
    "vacancy_rule": "percent",
    "vacancy_percent": "50",
}


@dataclass
class ApiWorld:
    server: LiveServer
    slug: str
    admin: dict[str, str]
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"{self.server.url}/api/v1/estates/{self.slug}"

    def call(self, method: str, who: str, path: str, **kw: Any) -> Any:
        headers = {**(self.admin if who == "admin" else self.people[who]), **kw.pop("headers", {})}
        url = path if path.startswith("http") else self.base + path
        answer = httpx.request(method, url, headers=headers, timeout=30, **kw)
        assert answer.status_code < 400, f"{method} {url}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def person(
        self, username: str, display_name: str, role: str, alias: str = "", community: str = ""
    ) -> None:
        """A user with ``role`` here (a supervisor: in ``community``) and an API token, kept
        as ``people[alias or username]``."""
        made = self.call(
            "POST",
            "admin",
            f"{self.server.url}/api/v1/users",
            json={"username": username, "display_name": display_name, "password": PASSWORD},
        )
        self.call(
            "POST",
            "admin",
            f"{self.server.url}/api/v1/users/{made['id']}/memberships",
            json={"role": role, "community": community}
            if community
            else {"role": role, "estate": self.slug},
        )
        with httpx.Client(base_url=self.server.url, timeout=30) as browser:
            signed_in = browser.post(
                "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
            token = browser.post(
                "/api/v1/auth/tokens",
                json={"name": "e2e"},
                headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
            )
            assert token.status_code == 201, token.text
        self.people[alias or username] = {"Authorization": f"Bearer {token.json()['token']}"}

    def decide(self, who: str, request_id: int) -> None:
        self.call("POST", who, f"/approvals/{request_id}/decision", json={"decision": "approve"})

    def pay_cash(self, key: str, amount: str, on: str) -> None:
        """The steward records ``amount`` paid in cash on ``on`` by household ``key``
        (``1-1-9``) for the fee year."""
        pay_fee(
            self.call,
            "steward",
            self.codes[key],
            amount,
            on,
            key=f"e2e-{key}-{on}",
            fee_year=FEE_YEAR,
        )

    def claim(
        self,
        payee: str,
        amount: str,
        description: str,
        *,
        fund: str = "maintenance",
        item: str = "Repairs",
        on: str = "2026-03-02",
        submit: bool = True,
    ) -> dict[str, Any]:
        """A claim of one line recorded (and submitted) by the steward."""
        claim: dict[str, Any] = self.call(
            "POST",
            "steward",
            "/claims",
            json={
                "payee": payee,
                "fund": fund,
                "expense_item": item,
                "description": description,
                "work_date": on,
                "lines": [
                    {"description": description, "quantity": 1, "unit": "项", "unit_price": amount}
                ],
            },
        )
        if submit:
            claim = self.call("POST", "steward", f"/claims/{claim['id']}/submit")
        return claim


def build_api_world(server: LiveServer, *, books: bool = True) -> ApiWorld:
    """Estate ``lanting`` (兰亭小区): steward ``wanghong`` (王红), committee members
    ``lijun`` (李军) and ``zhaomin`` (赵敏), the register above; with ``books``: opened
    2026-01-01, the 2026 schedule approved and charged."""
    with server.session() as session:
        _, token = make_user(session, admin=True, username="root", display_name="管理员")
        session.commit()
    world = ApiWorld(server, SLUG, {"Authorization": f"Bearer {token}"})
    world.call(
        "POST",
        "admin",
        f"{server.url}/api/v1/estates",
        json={
            "slug": SLUG,
            "name": "兰亭小区",
            "community": "兰亭社区",
            "timezone": "Asia/Shanghai",
        },
    )
    world.person("wanghong", "王红", "steward", "steward")
    world.person("lijun", "李军", "committee")
    world.person("zhaomin", "赵敏", "committee")
    world.call(
        "POST",
        "steward",
        "/households/import",
        files={"file": ("register.csv", REGISTER.encode(), "text/csv")},
    )
    listed = world.call("GET", "steward", "/households?per_page=500")
    world.codes = {
        f"{h['building']}-{h['entrance']}-{h['room']}": h["code"] for h in listed["items"]
    }
    if not books:
        return world
    opening = world.call(
        "POST",
        "steward",
        "/books/opening",
        json={
            "date": "2026-01-01",
            "funds": [
                {"fund": "electricity", "bank": "3000.00"},
                {"fund": "maintenance", "bank": "5000.00", "cash": "100.00"},
                {"fund": "garbage", "bank": "2000.00"},
            ],
        },
    )
    world.decide("lijun", opening["approval_request_id"])
    charge_fee_year(world.call, "steward", "lijun", SCHEDULE, FEE_YEAR)
    return world

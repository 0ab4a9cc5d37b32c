"""Issue 13: a real estate from an empty database to its first published annual disclosure,
through the public interfaces only — the installer's ``trustfund user add --admin`` and
``trustfund user token`` (the first administrator has no other way to exist), then HTTP for
everything else, then ``trustfund ledger verify`` on the published ledger file, which must
equal ``trustfund ledger export``, agree with ``trustfund ledger check`` (same head) and be
the same bytes on SQLite and PostgreSQL (``LEDGER_SHA256``). No demo, no
factory, no service function: every figure asserted at the end is computed here, by plain
Decimal arithmetic, from this test's own inputs.

The estate: 兰苑小区, 20 households in two buildings (4 vacant) from
``tests/data/new_estate_households.csv``; books opened on 2025-01-01 with balances that are
not zero (bank in every fund, cash on hand and a payable to the contractor in maintenance);
the 2025 fee (50 + 90 + 60 yuan, vacant households half) charged and partly paid in cash,
by bank transfer and by WeChat (one partial payment, one household unpaid); a repair claim
under an approved contract and an electricity bill, each approved by the committee and paid;
the 2025 disclosure drafted, submitted, approved by someone else and published.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.onboarding.helpers import (
    HOUSEHOLDS_FILE,
    PASSWORDS,
    Cli,
    installer_creates_admin,
)
from trustfund.estates import rules
from trustfund.settings import Settings

SLUG = "lanyuan"
BASE = f"/api/v1/estates/{SLUG}"
FUNDS = ("electricity", "maintenance", "garbage")
ZERO = Decimal("0.00")

#: The schedule: full fee per fund; vacant households pay 50 %.
FEE = {
    "electricity": Decimal("50.00"),
    "maintenance": Decimal("90.00"),
    "garbage": Decimal("60.00"),
}
VACANT_PERCENT = Decimal("50")
#: sha256 of the estate's ledger file at the end, the same on SQLite and PostgreSQL (the
#: household codes are drawn from a seeded generator here, and every date is given).
LEDGER_SHA256 = "feb04f37672a26c61df023177934d608c6058573d7c36f05dc90a2daba2e2171"

#: The paper ledger on 2025-01-01, per fund: bank, cash on hand, owed to the contractor.
OPENING_ON = "2025-01-01"
OPENING = {
    "electricity": {"bank": "3120.50", "cash": "0.00", "payable": "0.00", "prepaid": "0.00"},
    "maintenance": {"bank": "12480.00", "cash": "350.00", "payable": "800.00", "prepaid": "0.00"},
    "garbage": {"bank": "2310.00", "cash": "120.00", "payable": "0.00", "prepaid": "0.00"},
}

#: Payments of 2025: (building-entrance-room, amount, method, day). 1-1-202 pays part of
#: its fee; 1-1-301 pays nothing; 1-1-302 is vacant and pays its half fee.
PAYMENTS = [
    ("1-1-101", "200.00", "cash", "2025-02-10"),
    ("1-1-102", "200.00", "bank_transfer", "2025-02-11"),
    ("1-1-201", "200.00", "wechat", "2025-02-12"),
    ("1-1-202", "80.00", "cash", "2025-02-13"),
    ("1-1-302", "100.00", "wechat", "2025-02-14"),
    ("2-1-101", "200.00", "wechat", "2025-03-01"),
    ("2-2-401", "200.00", "bank_transfer", "2025-03-02"),
]
UNPAID = "1-1-301"

#: Spending of 2025: (fund, expense item, payee, description, work day, pay day, lines).
REPAIR = (
    "maintenance",
    "Repairs",
    "甬安维修公司",
    "2幢水泵更换密封圈",
    "2025-05-10",
    "2025-05-20",
    [("水泵密封圈", "2", "套", "380.00"), ("人工", "1", "项", "440.00")],
)
ELECTRICITY_BILL = (
    "electricity",
    "Bills",
    "国网杭州供电公司",
    "2025 年 1–6 月公共照明电费",
    "2025-06-30",
    "2025-07-05",
    [("公共用电", "1", "期", "386.40")],
)


@dataclass
class Person:
    username: str
    headers: dict[str, str]


def person(client: TestClient[Litestar], username: str) -> Person:
    """Sign in as a person would, then issue an API token for the scripts below."""
    client.cookies.clear()
    signed_in = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]}
    )
    assert signed_in.status_code == 200, signed_in.text
    token = client.post(
        "/api/v1/auth/tokens",
        json={"name": "onboarding"},
        headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
    )
    assert token.status_code == 201, token.text
    client.cookies.clear()
    return Person(username, {"Authorization": f"Bearer {token.json()['token']}"})


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def approve_until_done(
    client: TestClient[Litestar], request_id: int, approvers: list[Person]
) -> dict[str, Any]:
    """Each committee member in turn approves until the estate's rule is met."""
    decision: dict[str, Any] = {}
    for member in approvers:
        decision = ok(
            client.post(
                f"{BASE}/approvals/{request_id}/decision",
                json={"decision": "approve"},
                headers=member.headers,
            )
        )
        if decision["status"] != "pending":
            break
    assert decision["status"] == "approved", decision
    return decision


def expected_figures() -> dict[str, dict[str, Decimal]]:
    """Per fund: opening, income, spending and closing — from the inputs above, by hand."""
    total = sum(FEE.values(), ZERO)
    out: dict[str, dict[str, Decimal]] = {}
    for fund in FUNDS:
        o = OPENING[fund]
        opening = Decimal(o["bank"]) + Decimal(o["cash"]) - Decimal(o["payable"])
        opening -= Decimal(o["prepaid"])
        income = ZERO
        for _, amount, _, _ in PAYMENTS:
            share = Decimal(amount) * FEE[fund] / total
            assert share == share.quantize(Decimal("0.01")), "inputs chosen to split exactly"
            income += share
        spending = ZERO
        for bill in (REPAIR, ELECTRICITY_BILL):
            if bill[0] == fund:
                spending += sum((Decimal(q) * Decimal(p) for _, q, _, p in bill[6]), ZERO)
        out[fund] = {
            "opening": opening,
            "income": income,
            "expenditure": spending,
            "closing": opening + income - spending,
        }
    return out


def test_a_new_estate_reaches_its_published_annual_disclosure(
    settings: Settings, client: TestClient[Litestar], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "secrets", random.Random(2025))  # household codes: see LEDGER_SHA256
    cli = Cli.of(settings)
    installer_creates_admin(cli)
    admin = {
        "Authorization": f"Bearer {cli.ok('user', 'token', 'admin', '--name', 'setup').strip()}"
    }

    # --- the administrator: estate, people, roles ------------------------------------------
    ok(
        client.post(
            "/api/v1/estates",
            json={"slug": SLUG, "name": "兰苑小区", "community": "兰苑社区"},
            headers=admin,
        ),
        201,
    )
    for username, name, role in (
        ("wangfang", "王芳", "steward"),
        ("lijun", "李军", "committee"),
        ("zhaomin", "赵敏", "committee"),
    ):
        user = ok(
            client.post(
                "/api/v1/users",
                json={"username": username, "display_name": name, "password": PASSWORDS[username]},
                headers=admin,
            ),
            201,
        )
        ok(
            client.post(
                f"/api/v1/users/{user['id']}/memberships",
                json={"role": role, "estate": SLUG},
                headers=admin,
            ),
            201,
        )
    steward = person(client, "wangfang")
    committee = [person(client, "lijun"), person(client, "zhaomin")]

    # --- households from the register ------------------------------------------------------
    with HOUSEHOLDS_FILE.open("rb") as f:
        imported = ok(
            client.post(
                f"{BASE}/households/import",
                files={"file": ("register.csv", f, "text/csv")},
                headers=steward.headers,
            ),
            201,
        )
    assert imported["created"] == 20
    listed = ok(client.get(f"{BASE}/households?per_page=100", headers=steward.headers))
    codes = {f"{h['building']}-{h['entrance']}-{h['room']}": h["code"] for h in listed["items"]}
    vacant = {k for k, h in zip(codes, listed["items"], strict=True) if h["occupancy"] == "vacant"}
    assert len(codes) == 20 and len(vacant) == 4

    # --- the fee schedule: the steward proposes, a committee member approves -----------------
    schedule = ok(
        client.put(
            f"{BASE}/fees/schedules/2025",
            json={
                "components": [
                    {"fund": f, "name": n, "amount": str(FEE[f])}
                    for f, n in zip(
                        FUNDS, ("公共电费", "公共设施维护", "生活垃圾清运费"), strict=True
                    )
                ],
                "vacancy_rule": "percent",
                "vacancy_percent": str(VACANT_PERCENT),
            },
            headers=steward.headers,
        )
    )
    own = client.post(
        f"{BASE}/fees/schedules/2025/approve",
        json={"content_hash": schedule["content_hash"]},
        headers=steward.headers,
    )
    assert own.status_code == 403  # the steward holds no approve action
    ok(
        client.post(
            f"{BASE}/fees/schedules/2025/approve",
            json={"content_hash": schedule["content_hash"]},
            headers=committee[0].headers,
        )
    )

    # --- opening the books: a payment before that is refused, naming the step ----------------
    books = ok(client.get(f"{BASE}/books", headers=steward.headers))
    assert books["open"] is False and books["next_step"]
    charges = ok(client.post(f"{BASE}/fees/charges/2025", headers=steward.headers))
    assert (charges["issued"], charges["occupied"], charges["vacant"]) == (20, 16, 4)
    early = client.post(
        f"{BASE}/fees/payments",
        json={
            "method": "cash",
            "amount": "200.00",
            "paid_on": "2025-02-01",
            "allocations": [
                {"household_code": codes["1-1-101"], "fee_year": 2025, "amount": "200.00"}
            ],
        },
        headers=steward.headers,
    )
    assert early.status_code == 409 and early.json()["type"].endswith("books-not-open")

    proposal = ok(
        client.post(
            f"{BASE}/books/opening",
            json={"date": OPENING_ON, "funds": [{"fund": f, **OPENING[f]} for f in FUNDS]},
            headers=steward.headers,
        ),
        201,
    )
    assert proposal["status"] == "pending"
    assert proposal["total_cash"] == "470.00" and proposal["total_payable"] == "800.00"
    refused = client.post(
        f"{BASE}/approvals/{proposal['approval_request_id']}/decision",
        json={"decision": "approve"},
        headers=steward.headers,
    )
    assert refused.status_code == 403  # four eyes: not the proposer
    approve_until_done(client, proposal["approval_request_id"], committee)
    books = ok(client.get(f"{BASE}/books", headers=steward.headers))
    assert books["open"] is True and books["opened_on"] == OPENING_ON

    # --- payments ---------------------------------------------------------------------------
    receipts = []
    for i, (where, amount, method, day) in enumerate(PAYMENTS):
        paid = ok(
            client.post(
                f"{BASE}/fees/payments",
                json={
                    "method": method,
                    "amount": amount,
                    "paid_on": day,
                    "allocations": [
                        {"household_code": codes[where], "fee_year": 2025, "amount": amount}
                    ],
                },
                headers={**steward.headers, "Idempotency-Key": f"pay-{i}"},
            ),
            201,
        )
        receipts.append(paid["receipts"][0]["receipt_no"])
    assert receipts == [f"2025-{n:06d}" for n in range(1, len(PAYMENTS) + 1)]
    partial = ok(
        client.get(f"{BASE}/fees/households/{codes['1-1-202']}/2025", headers=steward.headers)
    )
    assert (partial["paid"], partial["outstanding"]) == ("80.00", "120.00")
    unpaid = ok(client.get(f"{BASE}/fees/households/{codes[UNPAID]}/2025", headers=steward.headers))
    assert (unpaid["paid"], unpaid["outstanding"]) == ("0.00", "200.00")

    # --- the contractor, its contract and the two bills ---------------------------------------
    contractor = ok(
        client.post(f"{BASE}/contractors", json={"name": "甬安维修公司"}, headers=steward.headers),
        201,
    )
    contract = ok(
        client.post(
            f"{BASE}/contracts",
            json={
                "contractor_id": contractor["id"],
                "title": "2025 年度维修承揽合同",
                "scope": "公共设施日常维修，按实际支出结算",
                "starts_on": "2025-01-01",
                "estimated_amount": "6000.00",
            },
            headers=steward.headers,
        ),
        201,
    )
    submitted = ok(
        client.post(f"{BASE}/contracts/{contract['id']}/submit", headers=steward.headers), 201
    )
    assert submitted["subject_kind"] == "contract"
    approve_until_done(client, submitted["id"], committee)

    for n, (fund, item, payee, text, work_day, pay_day, lines) in enumerate(
        (REPAIR, ELECTRICITY_BILL)
    ):
        claim = ok(
            client.post(
                f"{BASE}/claims",
                json={
                    "payee": payee,
                    "contractor_id": contractor["id"] if fund == "maintenance" else None,
                    "fund": fund,
                    "expense_item": item,
                    "description": text,
                    "work_date": work_day,
                    "lines": [
                        {"description": d, "quantity": q, "unit": u, "unit_price": p}
                        for d, q, u, p in lines
                    ],
                },
                headers=steward.headers,
            ),
            201,
        )
        ok(client.post(f"{BASE}/claims/{claim['id']}/submit", headers=steward.headers))
        shown = ok(client.get(f"{BASE}/claims/{claim['id']}", headers=steward.headers))
        approve_until_done(client, shown["approval"]["request_id"], committee)
        paid = ok(
            client.post(
                f"{BASE}/claims/{claim['id']}/pay",
                json={"paid_on": pay_day},
                headers={**steward.headers, "Idempotency-Key": f"claim-{n}"},
            )
        )
        assert paid["status"] == "paid"

    # --- the 2025 disclosure: drafted, submitted, approved by another, published ---------------
    draft = ok(client.get(f"{BASE}/disclosures/draft?period=2025", headers=steward.headers))
    assert draft["statement"]["funds"]
    version = ok(
        client.post(f"{BASE}/disclosures", json={"period": "2025"}, headers=steward.headers), 201
    )
    own_vote = client.post(
        f"{BASE}/disclosures/{version['id']}/decision",
        json={"decision": "approve"},
        headers=steward.headers,
    )
    assert own_vote.status_code == 403
    ok(
        client.post(
            f"{BASE}/disclosures/{version['id']}/decision",
            json={"decision": "approve"},
            headers=committee[1].headers,
        ),
        201,
    )
    ok(client.post(f"{BASE}/disclosures/{version['id']}/publish", headers=steward.headers), 201)

    # --- what a resident reads, without signing in ---------------------------------------------
    published = ok(client.get(f"/api/v1/public/estates/{SLUG}/disclosures/{version['id']}"))
    statement = published["statement"]
    rows = {r["fund"]: r for r in statement["funds"]}
    expected = expected_figures()
    for fund in FUNDS:
        got = {k: Decimal(rows[fund][k]) for k in ("opening", "income", "expenditure", "closing")}
        assert got == expected[fund], (fund, got, expected[fund])
        # opening balances are opening, never income nor an "other" movement of the year
        assert Decimal(rows[fund]["other"]) == ZERO, rows[fund]
    assert all(expected[f]["opening"] > 0 for f in FUNDS)
    total_opening = sum((expected[f]["opening"] for f in FUNDS), ZERO)
    assert Decimal(statement["funds_total"]["opening"]) == total_opening
    # the fee income equals exactly what the receipts took in
    assert Decimal(statement["funds_total"]["income"]) == sum(
        (Decimal(p[1]) for p in PAYMENTS), ZERO
    )

    # 账实相符: the books at year end equal the bank statement and the cash box, by hand
    paid_in = {"cash": ZERO, "bank": ZERO}
    for _, amount, method, _ in PAYMENTS:
        paid_in["cash" if method == "cash" else "bank"] += Decimal(amount)
    spent = sum(
        (Decimal(q) * Decimal(p) for b in (REPAIR, ELECTRICITY_BILL) for _, q, _, p in b[6]), ZERO
    )
    opening_parts = {
        part: sum((Decimal(OPENING[f][part]) for f in FUNDS), ZERO)
        for part in ("bank", "cash", "payable", "prepaid")
    }
    books_at_year_end = statement["reconciliation"]
    assert Decimal(books_at_year_end["bank"]) == opening_parts["bank"] + paid_in["bank"] - spent
    assert Decimal(books_at_year_end["cash"]) == opening_parts["cash"] + paid_in["cash"]
    assert Decimal(books_at_year_end["payables"]) == opening_parts["payable"]  # still owed

    # Published means settled: a payment dated inside 2025 is refused now, a late payment
    # of the 2025 fee lands in the open period, and the published figures do not move.
    late = {
        "method": "cash",
        "amount": "200.00",
        "paid_on": "2026-01-05",
        "allocations": [{"household_code": codes[UNPAID], "fee_year": 2025, "amount": "200.00"}],
    }
    backdated = client.post(
        f"{BASE}/fees/payments",
        json={**late, "paid_on": "2025-12-30"},
        headers={**steward.headers, "Idempotency-Key": "late-backdated"},
    )
    assert backdated.status_code == 409, backdated.text
    assert backdated.json()["type"].endswith("period-locked")
    ok(
        client.post(
            f"{BASE}/fees/payments",
            json=late,
            headers={**steward.headers, "Idempotency-Key": "late"},
        ),
        201,
    )
    again = ok(client.get(f"/api/v1/public/estates/{SLUG}/disclosures/{version['id']}"))
    assert again["statement"] == statement and again["json_sha256"] == published["json_sha256"]

    # the ledger file anyone can download verifies on its own
    ledger = client.get(f"/api/v1/public/estates/{SLUG}/ledger.beancount")
    assert ledger.status_code == 200
    assert re.search(r'kind: "opening"', ledger.text)
    assert not any(name in ledger.text for name in ("王秀兰", "13905710000"))
    path = tmp_path / f"{SLUG}.beancount"
    path.write_bytes(ledger.content)
    verified = cli.ok("ledger", "verify", str(path))
    assert "result:  OK" in verified
    # the late payment extended the chain beyond the head the disclosure carries
    assert published["ledger_hash"] in ledger.text
    assert f"head:    {published['ledger_hash']}" not in verified
    # the database's own check agrees with the file: the same export, the same head
    assert cli.run("ledger", "export", SLUG).stdout_bytes == ledger.content
    checked = cli.ok("ledger", "check", SLUG)
    assert "result:   OK" in checked
    head = re.search(r"^head:    ([0-9a-f]{64})$", verified, re.M)
    assert head is not None and f"head:     {head[1]}" in checked
    # and the same bytes whatever the database (one recorded hash for both backends)
    digest = hashlib.sha256(ledger.content).hexdigest()
    assert digest == LEDGER_SHA256, f"the ledger file's sha256 is now {digest}"

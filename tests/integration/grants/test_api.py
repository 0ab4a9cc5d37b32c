"""The autonomy-fund API: the steward records, the council decides (four eyes), money routes
are idempotent, overspending answers a 409 problem naming the line, reports come as PDF."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.auth.principal import Role
from trustfund.journal.service import fund_balances, open_books

BASE = "/api/v1/estates/api/grants"


def test_project_through_the_api(client: TestClient[Litestar], session: Session) -> None:
    estate = make_estate(session, "api")
    open_books(session, estate.id, on=date(2026, 1, 1))
    session.commit()
    _, steward = make_user(session, Role.STEWARD, estate)
    council = [make_user(session, Role.COUNCIL, estate)[1] for _ in range(3)]
    _, committee = make_user(session, Role.COMMITTEE, estate)
    s = auth_headers(steward)

    r = client.post(
        f"{BASE}/sources",
        json={"kind": "sponsorship", "donor_name": "王某某", "anonymous": True},
        headers=s,
    )
    assert r.status_code == 201, r.text
    source_id = r.json()["id"]
    bad = client.post(f"{BASE}/sources", json={"kind": "sponsorship", "donor_name": " "}, headers=s)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "donor_name"

    body = {
        "code": "API1",
        "title": "楼道绿植",
        "purpose": "美化楼道",
        "applicant": "理事会",
        "applied_on": "2026-07-01",
        "lines": [{"description": "绿植", "amount": "400.00"}],
        "plan": [{"source_id": source_id, "amount": "400.00"}],
    }
    r = client.post(f"{BASE}/projects", json=body, headers=s)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.post(f"{BASE}/projects/{pid}/submit", headers=s).status_code == 200
    # The steward cannot decide (no APPROVE action); a committee member is not an approver.
    assert (
        client.post(
            f"{BASE}/projects/{pid}/decision", json={"decision": "approve"}, headers=s
        ).status_code
        == 403
    )
    r = client.post(
        f"{BASE}/projects/{pid}/decision",
        json={"decision": "approve"},
        headers=auth_headers(committee),
    )
    assert r.status_code == 403, r.text
    r = client.post(
        f"{BASE}/projects/{pid}/decision",
        json={"decision": "approve"},
        headers=auth_headers(council[0]),
    )
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    line_id = client.get(f"{BASE}/projects/{pid}", headers=s).json()["lines"][0]["id"]

    gift = {
        "source_id": source_id,
        "amount": "300.00",
        "received_on": "2026-07-02",
        "project_id": pid,
    }
    first = client.post(f"{BASE}/gifts", json=gift, headers={**s, "Idempotency-Key": "g-1"})
    replay = client.post(f"{BASE}/gifts", json=gift, headers={**s, "Idempotency-Key": "g-1"})
    assert first.status_code == replay.status_code == 201
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    other = client.post(
        f"{BASE}/gifts", json={**gift, "amount": "1.00"}, headers={**s, "Idempotency-Key": "g-1"}
    )
    assert other.status_code == 409
    session.rollback()
    assert fund_balances(session, estate.id)["autonomy:API1"] == 300
    session.rollback()

    claim = {
        "budget_line_id": line_id,
        "payee": "花店",
        "description": "绿植",
        "work_date": "2026-07-03",
        "lines": [{"description": "绿植", "quantity": "5", "unit": "盆", "unit_price": "90.00"}],
    }
    r = client.post(f"{BASE}/projects/{pid}/disbursements", json=claim, headers=s)
    assert r.status_code == 409, r.text
    assert r.json()["type"].endswith("budget-exceeded") and r.json()["approved"] == "400.00"
    r = client.post(
        f"{BASE}/projects/{pid}/disbursements",
        json={**claim, "lines": [{**claim["lines"][0], "quantity": "4"}]},  # type: ignore[dict-item]
        headers=s,
    )
    assert r.status_code == 201, r.text
    assert (
        r.json()["claim"]["fund"] == "autonomy:API1" and r.json()["claim"]["status"] == "submitted"
    )
    # A refused claim draws no number: the claim number is public (申请单 N in the ledger)
    # and a PostgreSQL sequence does not roll back, so the next claim follows on both backends.
    first = r.json()["claim"]["id"]
    over = {**claim["lines"][0], "quantity": "1"}  # type: ignore[dict-item]
    r = client.post(
        f"{BASE}/projects/{pid}/disbursements", json={**claim, "lines": [over]}, headers=s
    )
    assert r.status_code == 409, r.text
    rest = {**over, "unit_price": "40.00"}
    r = client.post(
        f"{BASE}/projects/{pid}/disbursements", json={**claim, "lines": [rest]}, headers=s
    )
    assert r.status_code == 201, r.text
    assert r.json()["claim"]["id"] == first + 1

    r = client.get(f"{BASE}/projects/{pid}/report", params={"format": "pdf"}, headers=s)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    html = client.get(f"{BASE}/projects/{pid}/report", params={"format": "html"}, headers=s).text
    assert '<html lang="zh-CN">' in html and "匿名" in html and "王某某" not in html
    staff = client.get(f"{BASE}/sources", headers=s).json()
    assert staff[0]["donor_name"] == "王某某" and staff[0]["public_name"] == "匿名"

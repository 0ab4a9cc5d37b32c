"""Fees over HTTP: four eyes, idempotent payments, overpayment 422, void, public receipt."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_household, make_user
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate, Occupancy
from trustfund.journal.service import open_books

BASE = "/api/v1/estates/youhe-t/fees"
SCHEDULE = {
    "components": [
        {"fund": "electricity", "name": "公共电费", "amount": "50.00"},
        {"fund": "maintenance", "name": "公共设施维护", "amount": "90.00"},
        {"fund": "garbage", "name": "生活垃圾清运费", "amount": "60.00"},
    ],
    "vacancy_rule": "percent",
    "vacancy_percent": "50",
}


def _setup(session: Session, client: TestClient[Litestar]) -> dict[str, Any]:
    estate = Estate(slug="youhe-t", name="游河测试小区", community="c", street_office="s")
    session.add(estate)
    session.commit()
    open_books(session, estate.id, on=date(2024, 1, 1))
    session.commit()
    h1 = make_household(session, estate, building="3", room="402", code="H-AAAAA2")
    h1.owner_name = "王秀英"
    h1.phone = "13912345678"
    make_household(
        session, estate, building="3", room="403", code="H-AAAAA3", occupancy=Occupancy.VACANT
    )
    session.commit()
    _, steward = make_user(session, Role.STEWARD, estate)
    _, committee = make_user(session, Role.COMMITTEE, estate)
    session.rollback()
    s, c = auth_headers(steward), auth_headers(committee)
    r = client.put(f"{BASE}/schedules/2026", json=SCHEDULE, headers=s)
    assert r.status_code == 200, r.text
    content_hash = r.json()["content_hash"]
    assert r.json()["vacant_total"] == "100.00"
    own = client.post(
        f"{BASE}/schedules/2026/approve", json={"content_hash": content_hash}, headers=s
    )
    assert own.status_code == 403  # the steward may not approve, and cannot approve own work
    r = client.post(
        f"{BASE}/schedules/2026/approve", json={"content_hash": content_hash}, headers=c
    )
    assert r.status_code == 200 and r.json()["approved"] is True, r.text
    r = client.post(f"{BASE}/charges/2026", headers=s)
    assert r.json()["issued"] == 2
    return {"steward": s, "committee": c}


def _payment(code: str, amount: str, method: str = "cash") -> dict[str, Any]:
    return {
        "method": method,
        "amount": amount,
        "paid_on": "2026-03-01",
        "allocations": [{"household_code": code, "fee_year": 2026, "amount": amount}],
    }


def test_payment_replay_overpayment_void_and_public_receipt(
    session: Session, client: TestClient[Litestar]
) -> None:
    h = _setup(session, client)
    s = h["steward"]
    first = client.post(
        f"{BASE}/payments",
        json=_payment("H-AAAAA2", "150.00"),
        headers={**s, "Idempotency-Key": "pay-1"},
    )
    assert first.status_code == 201, first.text
    again = client.post(
        f"{BASE}/payments",
        json=_payment("H-AAAAA2", "150.00"),
        headers={**s, "Idempotency-Key": "pay-1"},
    )
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    changed = client.post(
        f"{BASE}/payments",
        json=_payment("H-AAAAA2", "10.00"),
        headers={**s, "Idempotency-Key": "pay-1"},
    )
    assert changed.status_code == 409
    account = client.get(f"{BASE}/households/H-AAAAA2/2026", headers=s).json()
    assert account["paid"] == "150.00" and account["outstanding"] == "50.00"  # paid once

    over = client.post(
        f"{BASE}/payments",
        json=_payment("H-AAAAA2", "50.01"),
        headers={**s, "Idempotency-Key": "pay-2"},
    )
    assert over.status_code == 422
    problem = over.json()
    assert problem["errors"][0]["field"] == "allocations[0].amount"
    assert (
        "H-AAAAA2" in problem["errors"][0]["reason"] and "50.00" in problem["errors"][0]["reason"]
    )

    receipt_no = first.json()["receipts"][0]["receipt_no"]
    assert receipt_no == "2026-000001"
    pub = client.get(f"/api/v1/public/estates/youhe-t/receipts/{receipt_no}")
    assert pub.status_code == 200
    assert pub.json()["household"] == "3幢-*-**2" and pub.json()["status"] == "valid"
    page = client.get(f"/r/youhe-t/{receipt_no}")
    assert page.status_code == 200 and "有效收据" in page.text
    for body in (pub.text, page.text):
        assert "王秀英" not in body and "13912345678" not in body and "402" not in body

    void = client.post(
        f"{BASE}/receipts/{receipt_no}/void",
        json={"reason": "重复录入"},
        headers={**s, "Idempotency-Key": "void-1"},
    )
    assert void.status_code == 202, void.text
    assert client.get(f"{BASE}/receipts/{receipt_no}", headers=s).json()["status"] == "valid"
    approved = client.post(
        f"{BASE}/refund-requests/{void.json()['id']}/decision",
        json={"decision": "approve"},
        headers=h["committee"],
    )
    assert approved.status_code == 200, approved.text
    staff = client.get(f"{BASE}/receipts/{receipt_no}", headers=s).json()
    assert staff["status"] == "void" and staff["void_reason"] == "重复录入"
    pub = client.get(f"/api/v1/public/estates/youhe-t/receipts/{receipt_no}").json()
    assert pub["status"] == "void" and pub["receipt_no"] == receipt_no
    assert "已作废" in client.get(f"/r/youhe-t/{receipt_no}").text
    next_pay = client.post(
        f"{BASE}/payments",
        json=_payment("H-AAAAA2", "200.00", "wechat"),
        headers={**s, "Idempotency-Key": "pay-3"},
    )
    assert next_pay.json()["receipts"][0]["receipt_no"] == "2026-000002"  # never reused

    pdf = client.get(f"{BASE}/receipts/2026-000002/pdf", headers=s)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # the file answers' headers, as they were before they came from api.common.file_response
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'inline; filename="receipt-2026-000002.pdf"'
    report = client.get(f"{BASE}/collection/2026", params={"as_of": "2026-12-31"}, headers=s).json()
    assert report["by_occupancy"]["occupied"]["household_rate"] == "100.00"
    assert report["by_occupancy"]["vacant"]["unpaid"] == 1
    xlsx = client.get(f"{BASE}/collection/2026/xlsx", headers=s)
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["content-disposition"] == 'attachment; filename="arrears-youhe-t-2026.xlsx"'
    assert "cache-control" not in pdf.headers and "cache-control" not in xlsx.headers


def test_reads_need_a_role_and_writes_need_record(
    session: Session, client: TestClient[Litestar]
) -> None:
    h = _setup(session, client)
    r = client.post(f"{BASE}/payments", json=_payment("H-AAAAA2", "10.00"), headers=h["committee"])
    assert r.status_code == 403
    assert client.get(f"{BASE}/cash").status_code == 401
    assert client.get("/api/v1/public/estates/youhe-t/receipts/2026-000099").status_code == 404


def test_import_is_all_or_nothing(session: Session, client: TestClient[Litestar]) -> None:
    h = _setup(session, client)
    bad = "户号,年度,金额,方式,日期\nH-AAAAA2,2026,200.00,现金,2026-03-01\nH-AAAAA3,2026,100.01,微信,2026-03-02\nH-NOPE99,2026,1,刷卡,2026-13-01\n"
    r = client.post(
        f"{BASE}/payments/import",
        files={"data": ("p.csv", bad.encode(), "text/csv")},
        headers=h["steward"],
    )
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"rows[4].method", "rows[4].paid_on"}
    good_but_over = bad.rsplit("\n", 2)[0] + "\n"
    r = client.post(
        f"{BASE}/payments/import",
        files={"data": ("p.csv", good_but_over.encode(), "text/csv")},
        headers=h["steward"],
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"rows[3].amount"}
    assert (
        client.get(f"{BASE}/households/H-AAAAA2/2026", headers=h["steward"]).json()["paid"]
        == "0.00"
    )
    ok = good_but_over.replace("100.01", "100.00")
    r = client.post(
        f"{BASE}/payments/import",
        files={"data": ("p.csv", ok.encode(), "text/csv")},
        headers=h["steward"],
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "payments": 2,
        "amount": "300.00",
        "first_receipt": "2026-000001",
        "last_receipt": "2026-000002",
    }


def test_printed_receipt_is_one_page_with_qr_and_chinese(
    session: Session, client: TestClient[Litestar]
) -> None:
    from weasyprint import HTML

    from trustfund.fees.receipts import render_receipt_html

    h = _setup(session, client)
    r = client.post(f"{BASE}/payments", json=_payment("H-AAAAA3", "100.00"), headers=h["steward"])
    assert r.status_code == 201
    estate_id = session.scalar(select(Estate.id).where(Estate.slug == "youhe-t"))
    html = render_receipt_html(session, estate_id, "2026-000001", public_url="https://tf.example")
    session.rollback()
    assert '<html lang="zh-CN">' in html and "Noto Sans CJK SC" in html
    assert "<svg" in html and "https://tf.example/r/youhe-t/2026-000001" in html
    assert "壹佰元整" in html and "3幢1单元403室" in html
    assert len(HTML(string=html).render().pages) == 1

"""Each alert rule fires on a planted case, built from an empty database through the API
(the demo raises none: ``tests/integration/reconciliation/test_demo_bank.py``); alerts are
read and acknowledged by the committee, not by the steward they oversee."""

from __future__ import annotations

import io
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)
from tests.integration.reconciliation.bank_world import ok, pay


def _household(estate: NewEstate, building: str, room: str) -> str:
    body = {"building": building, "entrance": "1", "room": room, "site": "一区",
            "occupancy": "occupied", "since": "2024-01-01"}  # fmt: skip
    return str(ok(estate.post("steward", "/households", body), 201)["code"])


def _claim(estate: NewEstate, payee: str, amount: str, day: str) -> None:
    claim = ok(
        estate.post(
            "steward",
            "/claims",
            {"payee": payee, "contractor_id": None, "fund": "electricity",
             "expense_item": "Bills", "description": "材料", "work_date": day,
             "lines": [{"description": "材料", "quantity": "1", "unit": "批",
                        "unit_price": amount}]},
        ),
        201,
    )  # fmt: skip
    ok(estate.post("steward", f"/claims/{claim['id']}/submit"))
    request_id = ok(estate.get("steward", f"/claims/{claim['id']}"))["approval"]["request_id"]
    for member in ("member1", "member2"):
        if ok(decide(estate, member, request_id))["status"] == "approved":
            break
    ok(estate.post("steward", f"/claims/{claim['id']}/pay", {"paid_on": day},
                   headers={"Idempotency-Key": f"claim-{claim['id']}"}))  # fmt: skip


def planted(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client)
    unpaid = [_household(estate, "2", str(100 + i)) for i in range(1, 6)]
    paid = [_household(estate, "3", str(100 + i)) for i in range(1, 6)]
    del unpaid  # building 2 pays nothing: its collection is far below the estate's
    proposal = ok(
        estate.post(
            "steward",
            "/books/opening",
            {"date": "2026-01-01", "funds": [
                {"fund": "electricity", "bank": "3000.00"},
                {"fund": "maintenance", "bank": "5000.00"},
                {"fund": "garbage", "bank": "2000.00"}]},
        ),
        201,
    )  # fmt: skip
    ok(decide(estate, "member1", proposal["approval_request_id"]))
    approve_schedule_and_charge(estate, 2026)
    # cash taken on 03-01 and never deposited
    pay(estate, estate.household_code, "2026-03-01", "cash", "cash-1")
    for i, code in enumerate(paid):
        pay(estate, code, "2026-02-10", "bank_transfer", f"t-{i}")
    # 2,600.00 for a big bill, then two 300.00 bills to one shop three days apart: each within
    # the one-approver tier of 500.00, together above it — and the same amount twice
    _claim(estate, "国网浙江省电力有限公司", "2600.00", "2026-10-15")
    _claim(estate, "新河五金店", "300.00", "2026-11-02")
    _claim(estate, "新河五金店", "300.00", "2026-11-05")
    return estate


def _alerts(estate: NewEstate, who: str = "member1") -> dict[str, Any]:
    return dict(ok(estate.get(who, "/alerts/")))


def test_each_rule_fires_on_its_planted_case(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = planted(session, client)
    found = _alerts(estate)
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for alert in found["alerts"]:
        by_rule.setdefault(alert["rule"], []).append(alert)
    assert set(by_rule) == {
        "split_payments",
        "double_payment",
        "cash_held",
        "bank_unreconciled",
        "disclosure_overdue",
        "fund_low",
        "collection_gap",
        "voucher_missing",
    }
    split = by_rule["split_payments"][0]
    assert "新河五金店" in split["title"] and "600.00" in split["title"]
    assert [line["amount"] for line in split["lines"]] == ["300.00", "300.00"]
    assert all(link["api"].startswith("/api/v1/estates/xinhe/claims/") for link in split["links"])
    assert len(by_rule["double_payment"]) == 1
    assert by_rule["cash_held"][0]["lines"][0]["since"] == "2026-03-01"
    # January – October ended more than 20 days ago and none is reconciled with the bank
    assert [a["key"] for a in by_rule["bank_unreconciled"]] == [
        f"bank:2026-{m:02d}" for m in range(10, 0, -1)
    ]
    assert sorted(a["key"] for a in by_rule["disclosure_overdue"]) == [
        "disclosure:2026Q1",
        "disclosure:2026Q2",
    ]
    assert by_rule["fund_low"][0]["lines"][0]["fund"] == "electricity"
    assert by_rule["collection_gap"][0]["lines"][0]["building"] == "2"
    assert found["open"] == len(found["alerts"])
    # none of the three bills carries a voucher, each paid more than 15 days ago
    missing = by_rule["voucher_missing"]
    assert sorted(a["lines"][0]["amount"] for a in missing) == ["2600.00", "300.00", "300.00"]
    first = min(missing, key=lambda a: a["lines"][0]["claim_id"])
    claim_id = first["lines"][0]["claim_id"]
    assert first["links"][0]["page"] == f"/staff/xinhe/claims/{claim_id}"
    # the invoice is attached: that claim's alert is gone, the others stay
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, format="PNG")
    attached = estate.client.post(
        f"{estate.base}/claims/{claim_id}/vouchers",
        files={"file": ("invoice.png", png.getvalue(), "image/png")},
        headers=estate.people["steward"],
    )
    assert attached.status_code == 201, attached.text
    keys = {a["key"] for a in _alerts(estate)["alerts"] if a["rule"] == "voucher_missing"}
    assert keys == {a["key"] for a in missing} - {first["key"]}

    # thresholds per estate: one day apart is not a split any more
    admin = estate.admin
    r = estate.client.put(
        estate.base + "/alerts/thresholds", json={"thresholds": {"split_days": "1"}}, headers=admin
    )
    assert r.status_code == 200 and r.json()["split_days"] == "1"
    assert all(a["rule"] != "split_payments" for a in _alerts(estate)["alerts"])
    bad = estate.client.put(
        estate.base + "/alerts/thresholds",
        json={"thresholds": {"split_days": "-1", "nonsense": "1"}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"split_days", "nonsense"}
    member = estate.client.put(
        estate.base + "/alerts/thresholds",
        json={"thresholds": {"cash_days": "999"}},
        headers=estate.people["member1"],
    )
    assert member.status_code == 403


def test_alerts_are_for_the_overseers_and_acknowledged_with_a_note(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = planted(session, client)
    # the steward overseen neither reads nor acknowledges them
    assert estate.get("steward", "/alerts/").status_code == 403
    key = next(a["key"] for a in _alerts(estate)["alerts"] if a["rule"] == "double_payment")
    assert (
        estate.post("steward", "/alerts/acknowledge", {"key": key, "note": "x"}).status_code == 403
    )
    empty = estate.post("member1", "/alerts/acknowledge", {"key": key, "note": "  "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "note"
    missing = estate.post("member1", "/alerts/acknowledge", {"key": "double:1:2", "note": "查过"})
    assert missing.status_code == 404
    done = ok(
        estate.post(
            "member1",
            "/alerts/acknowledge",
            {"key": key, "note": "两张发票不同，各买一批灯泡，已核实"},
        ),
        201,
    )
    alert = next(a for a in done["alerts"] if a["key"] == key)
    assert alert["acknowledged"]["by_name"] == "member1"
    assert alert["acknowledged"]["note"].startswith("两张发票不同")
    assert done["open"] == len(done["alerts"]) - 1
    again = estate.post("member2", "/alerts/acknowledge", {"key": key, "note": "再看一次"})
    assert again.status_code == 409

"""A refund or a receipt's void is a request; nothing is posted until a committee member who
did not request it approves, and the approval checks again (issue 14 item 2, DESIGN "No money
leaves the bank … without an approved workflow", docs/security.md).

From an empty database through the API only: an administrator creates the estate and its
people (a steward, two committee members, and ``both`` — an insider holding the steward's and
the committee's role at once); the steward proposes the opening balances, a committee member
approves them, the 2025 schedule is approved and charged, and payments are recorded. Then the
insider moves: keep a resident's cash by voiding its receipt, refund an accomplice, approve
one's own request, approve twice, ask twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)

OPENING = {
    "date": "2025-01-01",
    "funds": [
        {"fund": "electricity", "bank": "0", "cash": "0", "payable": "0", "prepaid": "0"},
        {"fund": "maintenance", "bank": "0", "cash": "0", "payable": "0", "prepaid": "0"},
        {"fund": "garbage", "bank": "0", "cash": "0", "payable": "0", "prepaid": "0"},
    ],
}


@pytest.fixture
def estate(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client, slug="tuifei")
    estate.add_person("both", "steward", "committee")
    approve_schedule_and_charge(estate, 2025)
    for room in ("102", "103"):
        added = estate.post(
            "steward",
            "/households",
            {
                "building": "1",
                "entrance": "1",
                "room": room,
                "site": "一区",
                "occupancy": "occupied",
                "since": "2024-01-01",
            },
        )
        assert added.status_code == 201, added.text
    charged = estate.post("steward", "/fees/charges/2025")
    assert charged.status_code in (200, 201), charged.text
    proposed = estate.post("steward", "/books/opening", OPENING)
    assert proposed.status_code == 201, proposed.text
    opened = decide(estate, "member1", proposed.json()["approval_request_id"])
    assert opened.status_code == 200, opened.text
    return estate


def _codes(estate: NewEstate) -> list[str]:
    listed = estate.get("steward", "/households").json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    return [h["code"] for h in sorted(rows, key=lambda h: h["room"])]


def _pay(estate: NewEstate, code: str, method: str = "cash", who: str = "steward") -> str:
    paid = estate.post(
        who,
        "/fees/payments",
        {
            "method": method,
            "amount": "200.00",
            "paid_on": "2025-03-01",
            "allocations": [{"household_code": code, "fee_year": 2025, "amount": "200.00"}],
        },
    )
    assert paid.status_code == 201, paid.text
    return str(paid.json()["receipts"][0]["receipt_no"])


def _books(estate: NewEstate, code: str) -> dict[str, Any]:
    """What a refund or void would change: entries, cash, bank, the household's money."""
    entries = estate.get("member1", "/ledger/entries?per_page=1").json()["total"]
    balances = {
        a["account"]: a["balance"]
        for a in estate.get("member1", "/ledger/balances").json()["accounts"]
    }
    account = estate.get("member1", f"/fees/households/{code}/2025").json()
    return {
        "entries": entries,
        "cash": balances.get("Assets:Cash:Steward", "0.00"),
        "bank": balances.get("Assets:Bank:Committee", "0.00"),
        "paid": account["paid"],
        "receipts": [(r["receipt_no"], r["status"]) for r in account["receipts"]],
    }


def _refund(estate: NewEstate, who: str, code: str, amount: str, method: str, key: str) -> Any:
    return estate.post(
        who,
        "/fees/refunds",
        {
            "household_code": code,
            "fee_year": 2025,
            "amount": amount,
            "method": method,
            "reason": "年中搬离",
        },
        headers={"Idempotency-Key": key},
    )


def _decide(estate: NewEstate, who: str, request_id: int, decision: str = "approve") -> Any:
    body = {"decision": decision}
    if decision == "reject":
        body["reason"] = "与纸质台账不符，请核对"
    return estate.post(who, f"/fees/refund-requests/{request_id}/decision", body)


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_a_refund_is_posted_once_and_only_after_another_member_approves(
    estate: NewEstate,
) -> None:
    code = _codes(estate)[0]
    _pay(estate, code)
    before = _books(estate, code)
    assert (before["cash"], before["paid"]) == ("200.00", "200.00")

    asked = _refund(estate, "steward", code, "50.00", "cash", "refund-1")
    assert asked.status_code == 202, asked.text
    request = asked.json()
    assert (request["status"], request["kind"], request["amount"]) == ("pending", "refund", "50.00")
    assert (request["approvals"], request["approvals_needed"]) == (0, 1)
    assert _books(estate, code) == before, "a request posts nothing"

    replay = _refund(estate, "steward", code, "50.00", "cash", "refund-1")
    assert replay.status_code == 202 and replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["id"] == request["id"]
    changed = _refund(estate, "steward", code, "60.00", "cash", "refund-1")
    assert changed.status_code == 409, changed.text
    second = _refund(estate, "steward", code, "10.00", "bank_transfer", "refund-2")
    assert second.status_code == 409, second.text
    assert "pending request" in second.json()["detail"]
    dated = estate.post(
        "steward",
        "/fees/refunds",
        {**_refund_body(code), "refunded_on": "2025-03-02"},
    )
    assert dated.status_code == 422 and "refunded_on" in dated.text, dated.text

    listed = estate.get("member1", "/fees/refund-requests").json()
    assert [r["id"] for r in listed] == [request["id"]]
    inbox = estate.get("member1", "/approvals/inbox").json()
    assert [(r["subject_kind"], r["id"]) for r in inbox] == [
        ("fee_refund", request["approval_request_id"])
    ]
    assert estate.get("both", "/approvals/inbox").json()[0]["content"]["amount"] == "50.00"

    refused = _decide(estate, "steward", request["id"])
    assert refused.status_code == 403, refused.text
    approved = _decide(estate, "member1", request["id"])
    assert approved.status_code == 200, approved.text
    done = approved.json()
    assert (done["status"], done["posted_on"], done["approvals"]) == ("posted", _today(), 1)
    assert done["refund"]["amount"] == "50.00" and done["entry_seq"] is not None
    after = _books(estate, code)
    assert after["entries"] == before["entries"] + 1
    assert (after["cash"], after["paid"]) == ("150.00", "150.00")

    # Approving again — the same member, another member, or through the approvals route —
    # posts nothing more.
    assert _decide(estate, "member1", request["id"]).status_code == 403
    assert _decide(estate, "member2", request["id"]).status_code == 409
    assert decide(estate, "member2", request["approval_request_id"]).status_code == 409
    assert _books(estate, code) == after
    assert estate.get("member1", "/fees/refund-requests").json() == []
    posted = estate.get("member1", "/fees/refund-requests?status=posted").json()
    assert [r["id"] for r in posted] == [request["id"]]


def _refund_body(code: str) -> dict[str, Any]:
    return {
        "household_code": code,
        "fee_year": 2025,
        "amount": "10.00",
        "method": "cash",
        "reason": "退费",
    }


def test_whoever_requests_cannot_approve_even_holding_the_committee_role(
    estate: NewEstate,
) -> None:
    first, second, _ = _codes(estate)
    _pay(estate, first)
    receipt_no = _pay(estate, second, method="wechat", who="both")
    asked = _refund(estate, "both", first, "20.00", "cash", "both-1")
    assert asked.status_code == 202, asked.text
    request = asked.json()
    assert request["id"] not in [r["id"] for r in estate.get("both", "/approvals/inbox").json()]
    own = _decide(estate, "both", request["id"])
    assert own.status_code == 403 and "Four eyes" in own.json()["detail"], own.text
    own_generic = decide(estate, "both", request["approval_request_id"])
    assert own_generic.status_code == 403, own_generic.text
    assert _books(estate, first)["paid"] == "200.00"

    # A steward asks to void the receipt ``both`` recorded: ``both`` took that money and may
    # not decide that it is given back.
    void = estate.post("steward", f"/fees/receipts/{receipt_no}/void", {"reason": "重复录入"})
    assert void.status_code == 202, void.text
    recorded = _decide(estate, "both", void.json()["id"])
    assert recorded.status_code == 403, recorded.text

    # Another member approves each, through the approvals route too.
    approved = decide(estate, "member1", request["approval_request_id"])
    assert approved.status_code == 200, approved.text
    assert _books(estate, first)["paid"] == "180.00"
    voided = _decide(estate, "member2", void.json()["id"])
    assert voided.status_code == 200, voided.text
    assert _books(estate, second)["receipts"] == [(receipt_no, "void")]
    assert estate.get("member1", f"/fees/receipts/{receipt_no}").json()["void_reason"] == "重复录入"


def test_a_rejection_keeps_its_note_and_frees_the_receipt(estate: NewEstate) -> None:
    code = _codes(estate)[0]
    receipt_no = _pay(estate, code)
    before = _books(estate, code)
    asked = estate.post(
        "steward",
        f"/fees/receipts/{receipt_no}/void",
        {"reason": "收据抬头有误"},
        headers={"Idempotency-Key": "void-1"},
    )
    assert asked.status_code == 202, asked.text
    request = asked.json()
    assert (request["kind"], request["receipt_no"], request["amount"]) == (
        "void",
        receipt_no,
        "200.00",
    )
    again = estate.post("steward", f"/fees/receipts/{receipt_no}/void", {"reason": "再来一次"})
    assert again.status_code == 409, again.text
    refund = _refund(estate, "steward", code, "10.00", "cash", "r-while-void")
    assert refund.status_code == 422, "the waiting void already takes the household's money"

    no_note = estate.post(
        "member1", f"/fees/refund-requests/{request['id']}/decision", {"decision": "reject"}
    )
    assert no_note.status_code == 422 and "reason" in no_note.text, no_note.text
    rejected = _decide(estate, "member1", request["id"], "reject")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["rejection_note"]) == (
        "rejected",
        "与纸质台账不符，请核对",
    )
    assert _books(estate, code) == before
    assert _decide(estate, "member2", request["id"]).status_code == 409
    assert _books(estate, code) == before

    anew = estate.post("steward", f"/fees/receipts/{receipt_no}/void", {"reason": "核对后作废"})
    assert anew.status_code == 202, anew.text


def test_the_approval_checks_again_that_the_cash_is_held(estate: NewEstate) -> None:
    first, second, third = _codes(estate)
    cash_receipt = _pay(estate, first)
    _pay(estate, second)

    # Cash already deposited: a void would hand back cash the steward no longer holds.
    deposited = estate.post("steward", "/fees/deposits", {"amount": "400.00"})
    assert deposited.status_code == 201, deposited.text
    refused = estate.post("steward", f"/fees/receipts/{cash_receipt}/void", {"reason": "作废"})
    assert refused.status_code == 409, refused.text
    assert "deposited" in refused.json()["detail"]
    cash = _refund(estate, "steward", first, "20.00", "cash", "cash-1")
    assert cash.status_code == 422 and "holds only 0.00" in cash.text, cash.text

    # Requested while the cash was there; the cash deposited before the decision.
    _pay(estate, third)
    void = estate.post("steward", f"/fees/receipts/{_receipt(estate, third)}/void", {"reason": "x"})
    assert void.status_code == 202, void.text
    refund = _refund(estate, "steward", second, "30.00", "cash", "cash-2")
    assert refund.status_code == 422, "the waiting cash void holds back the only cash there is"
    deposit = estate.post("steward", "/fees/deposits", {"amount": "200.00"})
    assert deposit.status_code == 201, deposit.text
    before = _books(estate, third)
    late = _decide(estate, "member1", void.json()["id"])
    assert late.status_code == 409, late.text
    assert "holds only 0.00 in cash" in late.json()["detail"]
    assert _books(estate, third) == before, "a refused approval posts nothing"
    still = estate.get("member1", f"/fees/refund-requests/{void.json()['id']}").json()
    assert (still["status"], still["approvals"]) == ("pending", 0)
    assert _decide(estate, "member1", void.json()["id"], "reject").status_code == 200

    # Paid back by bank transfer instead: the deposited cash is in the bank.
    by_bank = _refund(estate, "steward", third, "200.00", "bank_transfer", "bank-1")
    assert by_bank.status_code == 202, by_bank.text
    assert _decide(estate, "member2", by_bank.json()["id"]).status_code == 200
    after = _books(estate, third)
    assert (after["bank"], after["paid"]) == ("400.00", "0.00")


def _receipt(estate: NewEstate, code: str) -> str:
    account = estate.get("steward", f"/fees/households/{code}/2025").json()
    return str(account["receipts"][-1]["receipt_no"])


def test_the_approval_refuses_a_bank_transfer_the_bank_cannot_pay(estate: NewEstate) -> None:
    code = _codes(estate)[0]
    _pay(estate, code)  # cash, never deposited: the bank holds nothing
    asked = _refund(estate, "steward", code, "80.00", "bank_transfer", "bank-empty")
    assert asked.status_code == 202, asked.text
    before = _books(estate, code)
    refused = _decide(estate, "member1", asked.json()["id"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/insufficient-funds"), refused.text
    assert _books(estate, code) == before


def test_a_rule_needing_two_approvers_posts_on_the_second(estate: NewEstate) -> None:
    code = _codes(estate)[0]
    _pay(estate, code)
    rules = estate.client.put(
        f"{estate.base}/approvals/rules/fee_refund",
        json={"tiers": [{"up_to": "50.00", "approvals_needed": 1}, {"approvals_needed": 2}]},
        headers=estate.admin,
    )
    assert rules.status_code == 200, rules.text
    asked = _refund(estate, "steward", code, "100.00", "cash", "two-1")
    assert asked.status_code == 202, asked.text
    assert asked.json()["approvals_needed"] == 2
    before = _books(estate, code)
    first = _decide(estate, "member1", asked.json()["id"])
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["approvals"]) == ("pending", 1)
    assert _books(estate, code) == before, "one approval of two posts nothing"
    assert _decide(estate, "member1", asked.json()["id"]).status_code == 403
    assert _decide(estate, "both", asked.json()["id"]).status_code == 200  # not the requester
    after = _books(estate, code)
    assert (after["entries"], after["paid"]) == (before["entries"] + 1, "100.00")


def test_whoever_asked_may_withdraw_before_a_decision(estate: NewEstate) -> None:
    code = _codes(estate)[0]
    receipt_no = _pay(estate, code)
    before = _books(estate, code)
    asked = estate.post("steward", f"/fees/receipts/{receipt_no}/void", {"reason": "写错了"})
    assert asked.status_code == 202, asked.text
    request = asked.json()
    for who in ("both", "member1"):  # another steward, a committee member
        other = estate.post(who, f"/fees/refund-requests/{request['id']}/withdraw")
        assert other.status_code == 403, other.text
    taken = estate.post("steward", f"/fees/refund-requests/{request['id']}/withdraw")
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "withdrawn"
    assert taken.json()["approval_status"] == "void"
    assert estate.get("member1", "/approvals/inbox").json() == []
    assert _decide(estate, "member1", request["id"]).status_code == 409
    assert (
        estate.post("steward", f"/fees/refund-requests/{request['id']}/withdraw").status_code == 409
    )
    assert _books(estate, code) == before
    listed = estate.get("member1", "/fees/refund-requests?status=withdrawn").json()
    assert [r["id"] for r in listed] == [request["id"]]
    again = _refund(estate, "steward", code, "200.00", "cash", "after-withdraw")
    assert again.status_code == 202, "the payment is free again"

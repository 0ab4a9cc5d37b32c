"""Opening the books (建账, issue 13 item 1) from an empty database, through the API only:
the steward proposes the opening balances, a committee member (never the proposer or an
editor) approves, the opening entry is posted, and only then can money be recorded."""

from __future__ import annotations

from decimal import Decimal

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    approve_schedule_and_charge,
    decide,
    new_estate,
    payment,
)

OPENING = {
    "date": "2025-01-01",
    "funds": [
        {"fund": "electricity", "bank": "3120.50", "cash": "0.00", "payable": "0", "prepaid": "0"},
        {
            "fund": "maintenance",
            "bank": "8000.00",
            "cash": "200.00",
            "payable": "1500.00",
            "prepaid": "0.00",
        },
        {"fund": "garbage", "bank": "400.00", "cash": "0", "payable": "0", "prepaid": "400.00"},
    ],
}


def test_new_estate_opens_its_books_and_then_records_a_payment(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = new_estate(session, client)
    approve_schedule_and_charge(estate, 2025)

    status = estate.get("member1", "/books").json()
    assert (status["open"], status["opened_on"], status["proposal"]) == (False, None, None)
    assert "建账" in status["next_step"]
    refused = payment(estate, "p-1")
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/books-not-open")
    assert "opening balances" in refused.json()["detail"]

    proposed = estate.post("steward", "/books/opening", OPENING)
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert [f["opening"] for f in proposal["funds"]] == ["3120.50", "6700.00", "0.00"]
    assert (proposal["total_bank"], proposal["total_cash"]) == ("11520.50", "200.00")
    assert (proposal["total_payable"], proposal["total_prepaid"]) == ("1500.00", "400.00")
    assert proposal["status"] == "pending"
    request_id = proposal["approval_request_id"]
    shown = estate.get("member1", f"/approvals/{request_id}").json()
    assert shown["subject_kind"] == "opening"
    assert shown["content"]["detail"]["funds"][1]["payable"] == "1500.00"

    assert decide(estate, "steward", request_id).status_code == 403  # proposer, no role either
    assert estate.get("steward", "/books").json()["open"] is False

    approved = decide(estate, "member1", request_id)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    status = estate.get("member2", "/books").json()
    assert status["open"] is True and status["opened_on"] == "2025-01-01"
    assert status["next_step"] is None and status["proposal"]["status"] == "posted"
    entry = estate.get("member1", f"/ledger/entries/{status['opening_entry_seq']}").json()
    assert entry["kind"] == "opening"
    assert {p["account"]: p["amount"] for p in entry["postings"]} == {
        "Assets:Bank:Committee": "11520.50",
        "Assets:Cash:Steward": "200.00",
        "Liabilities:Payable:Contractors": "-1500.00",
        "Liabilities:Prepaid:Fees": "-400.00",
        "Equity:Opening:Electricity": "-3120.50",
        "Equity:Opening:Maintenance": "-6700.00",
    }
    funds = estate.get("member1", "/ledger/funds?as_of=2025-01-01").json()["funds"]
    assert {f["fund"]: f["balance"] for f in funds if f["balance"] != "0.00"} == {
        "electricity": "3120.50",
        "maintenance": "6700.00",
    }

    paid = payment(estate, "p-1")
    assert paid.status_code == 201, paid.text

    again = estate.post("steward", "/books/opening", OPENING)
    assert again.status_code == 409 and "second opening" in again.json()["detail"]


def test_committee_member_who_edited_the_opening_cannot_approve_it(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = new_estate(session, client)
    estate.add_person("both", "steward", "committee")
    first = estate.post("steward", "/books/opening", OPENING).json()
    edited = {**OPENING, "funds": [{"fund": "electricity", "bank": "99999.00"}]}
    second = estate.post("both", "/books/opening", edited)
    assert second.status_code == 201, second.text
    assert second.json()["id"] == first["id"]  # replaced, not a second proposal
    old = estate.get("member1", f"/approvals/{first['approval_request_id']}").json()
    assert old["status"] == "void"
    assert decide(estate, "member1", first["approval_request_id"]).status_code == 409

    assert decide(estate, "both", second.json()["approval_request_id"]).status_code == 403
    # the steward proposes again: "both" is no longer the submitter, but edited it once
    third = estate.post("steward", "/books/opening", OPENING).json()
    refused = decide(estate, "both", third["approval_request_id"])
    assert refused.status_code == 403 and "edited" in refused.json()["detail"], refused.text
    inbox = estate.get("both", "/approvals/inbox").json()
    assert third["approval_request_id"] not in [r["id"] for r in inbox]
    rejected = decide(estate, "member1", third["approval_request_id"], "reject")
    assert rejected.status_code == 200
    status = estate.get("steward", "/books").json()
    assert status["proposal"]["status"] == "rejected" and "驳回" in status["next_step"]
    fourth = estate.post("steward", "/books/opening", OPENING).json()
    assert decide(estate, "member2", fourth["approval_request_id"]).json()["status"] == "approved"
    assert estate.get("steward", "/books").json()["open"] is True


def test_bad_opening_balances_name_the_field_and_write_nothing(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = new_estate(session, client)
    bad = {
        "date": "2025-01-01",
        "funds": [
            {"fund": "electricity", "bank": "100.00", "payable": "100.01"},
            {"fund": "maintenance", "bank": "-5.00"},
            {"fund": "water", "bank": "1.00"},
            {"fund": "electricity", "bank": "1.00"},
        ],
    }
    r = estate.post("steward", "/books/opening", bad)
    assert r.status_code == 422, r.text
    fields = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert "below zero" in fields["funds[0]"]
    assert fields["funds[1].bank"] == "must not be negative"
    assert "electricity" in fields["funds[2].fund"]
    assert "twice" in fields["funds[3].fund"]
    future = estate.post("steward", "/books/opening", {**OPENING, "date": "2999-01-01"})
    assert [e["field"] for e in future.json()["errors"]] == ["date"]
    assert estate.get("steward", "/books").json()["proposal"] is None
    # the committee may read but not propose
    assert estate.post("member1", "/books/opening", OPENING).status_code == 403


def test_opening_balances_show_as_opening_in_the_annual_statement(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = new_estate(session, client)
    proposal = estate.post("steward", "/books/opening", OPENING).json()
    decide(estate, "member1", proposal["approval_request_id"])
    approve_schedule_and_charge(estate, 2025)
    assert payment(estate, "p-1").status_code == 201
    draft = estate.get("member1", "/disclosures/draft?period=2025")
    assert draft.status_code == 200, draft.text
    funds = {f["fund"]: f for f in draft.json()["statement"]["funds"]}
    opening = {"electricity": "3120.50", "maintenance": "6700.00", "garbage": "0.00"}
    paid = {"electricity": "50.00", "maintenance": "90.00", "garbage": "60.00"}
    for fund, amount in opening.items():
        row = funds[fund]
        assert (row["opening"], row["income"], row["other"]) == (amount, paid[fund], "0.00")
        assert Decimal(row["closing"]) == Decimal(amount) + Decimal(paid[fund])
    series = draft.json()["statement"]["fund_series"]
    assert series[0]["balances"]["electricity"] == "3120.50"
    assert series[-1]["balances"]["electricity"] == "3170.50"

"""General entries hold against the insider (issue 14 items 2 and 10): one person may only
reclassify spending within a fund; money moving between parties needs the committee's
approval and is posted exactly as approved; payables move only through claims; the bank and
cash never go below zero; manual entries are dated between the books' opening and
tomorrow. Each attack of the probe is reproduced over HTTP from a new estate."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import NewEstate, decide, new_estate

BANK = "Assets:Bank:Committee"
CASH = "Assets:Cash:Steward"
PAYABLE = "Liabilities:Payable:Contractors"
PREPAID = "Liabilities:Prepaid:Fees"

OPENING = {
    "date": "2025-01-01",
    "funds": [
        {"fund": "electricity", "bank": "3000.00"},
        {"fund": "maintenance", "bank": "8000.00", "cash": "500.00"},
    ],
}


@pytest.fixture
def estate(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = new_estate(session, client)
    proposal = estate.post("steward", "/books/opening", OPENING).json()
    assert decide(estate, "member1", proposal["approval_request_id"]).status_code == 200
    return estate


def _entry(legs: dict[str, str], on: str = "2025-03-01", **extra: Any) -> dict[str, Any]:
    return {
        "date": on,
        "narration": "调整",
        "legs": [{"account": a, "amount": v} for a, v in legs.items()],
        **extra,
    }


def _post(estate: NewEstate, body: dict[str, Any], key: str) -> Any:
    return estate.post("steward", "/ledger/entries", body, headers={"Idempotency-Key": key})


def _balances(estate: NewEstate) -> dict[str, str]:
    rows = estate.get("member1", "/ledger/balances").json()["accounts"]
    return {r["account"]: r["balance"] for r in rows if r["balance"] != "0.00"}


def _payable_claim(estate: NewEstate, amount: str = "300.00") -> int:
    """A repair claim filed by the steward, approved by a committee member: payable."""
    contractor = estate.post("steward", "/contractors", {"name": "甬安维修公司"}).json()
    claim = estate.post(
        "steward",
        "/claims",
        {
            "payee": "甬安维修公司",
            "contractor_id": contractor["id"],
            "fund": "maintenance",
            "expense_item": "Repairs",
            "description": "1幢楼道灯",
            "work_date": "2025-02-20",
            "lines": [{"description": "人工", "quantity": "1", "unit": "次", "unit_price": amount}],
        },
    )
    assert claim.status_code == 201, claim.text
    cid = claim.json()["id"]
    assert estate.post("steward", f"/claims/{cid}/submit").status_code == 200
    request_id = estate.get("steward", f"/claims/{cid}").json()["approval"]["request_id"]
    assert decide(estate, "member1", request_id).json()["status"] == "approved"
    return int(cid)


def test_the_steward_cannot_move_bank_money_alone(estate: NewEstate) -> None:
    before = _balances(estate)
    attacks = {
        "bank-to-payable": {PAYABLE: "50000.00", BANK: "-50000.00"},
        "payable-with-no-claim": {BANK: "50000.00", PAYABLE: "-50000.00"},
        "bank-to-prepaid": {PREPAID: "100.00", BANK: "-100.00"},
        "bank-to-cash": {CASH: "999999999.00", BANK: "-999999999.00"},
        "cash-to-bank": {BANK: "100.00", CASH: "-100.00"},
    }
    for key, legs in attacks.items():
        refused = _post(estate, _entry(legs), key)
        assert refused.status_code == 422, (key, refused.text)
        reasons = " ".join(e["reason"] for e in refused.json()["errors"])
        assert "propose it for the committee's approval" in reasons, key
    assert _balances(estate) == before


def test_a_payable_claim_cannot_be_paid_twice_by_a_general_entry(estate: NewEstate) -> None:
    cid = _payable_claim(estate)
    pay_by_hand = _entry({PAYABLE: "300.00", BANK: "-300.00"})
    assert _post(estate, pay_by_hand, "by-hand").status_code == 422
    proposed = estate.post("steward", "/ledger/proposals", pay_by_hand)
    assert proposed.status_code == 422
    assert "settled by paying that claim" in proposed.json()["errors"][0]["reason"]
    paid = estate.post(
        "steward", f"/claims/{cid}/pay", {"paid_on": "2025-03-02"}, headers={"Idempotency-Key": "p"}
    )
    assert paid.status_code == 200, paid.text
    assert _balances(estate)[BANK] == "10700.00"  # 11,000.00 opened, 300.00 paid once
    assert PAYABLE not in _balances(estate)


def test_one_person_may_reclassify_spending_within_one_fund(estate: NewEstate) -> None:
    cid = _payable_claim(estate, "200.00")
    estate.post(
        "steward", f"/claims/{cid}/pay", {"paid_on": "2025-03-02"}, headers={"Idempotency-Key": "p"}
    )
    moved = _entry(
        {"Expenses:Maintenance:Materials": "80.00", "Expenses:Maintenance:Repairs": "-80.00"}
    )
    posted = _post(estate, moved, "reclass")
    assert posted.status_code == 201, posted.text
    across = _entry(
        {"Expenses:Electricity:Bills": "80.00", "Expenses:Maintenance:Repairs": "-80.00"}
    )
    refused = _post(estate, across, "across")
    assert refused.status_code == 422
    assert "keeps every leg in one fund" in refused.json()["errors"][0]["reason"]
    income = _entry({"Expenses:Maintenance:Repairs": "80.00", "Income:Fees:Maintenance": "-80.00"})
    assert _post(estate, income, "income").status_code == 422
    reversal = estate.post(
        "steward",
        f"/ledger/entries/{posted.json()['seq']}/reversal",
        {"date": "2025-03-03", "reason": "分错了"},
        headers={"Idempotency-Key": "rev"},
    )
    assert reversal.status_code == 201, reversal.text


def test_general_entries_are_dated_between_the_opening_and_tomorrow(estate: NewEstate) -> None:
    moved = {"Expenses:Maintenance:Materials": "1.00", "Expenses:Maintenance:Repairs": "-1.00"}
    for on, words in (("9999-12-31", "must not be after"), ("2024-12-31", "books opened")):
        for path, body in (
            ("/ledger/entries", _entry(moved, on)),
            ("/ledger/proposals", _entry({CASH: "1.00", BANK: "-1.00"}, on)),
        ):
            refused = estate.post("steward", path, body, headers={"Idempotency-Key": on + path})
            assert refused.status_code == 422, (on, path, refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == ["date"]
            assert words in refused.json()["errors"][0]["reason"]


def test_money_between_parties_is_posted_exactly_as_approved(estate: NewEstate) -> None:
    withdraw = _entry({CASH: "300.00", BANK: "-300.00"}, payee="管家备用金")
    proposed = estate.post("steward", "/ledger/proposals", withdraw)
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert (proposal["status"], proposal["amount"]) == ("pending", "300.00")
    request_id = proposal["approval_request_id"]
    shown = estate.get("member1", f"/approvals/{request_id}").json()
    assert shown["subject_kind"] == "journal_entry"
    assert shown["content"]["legs"] == [[CASH, "300.00"], [BANK, "-300.00"]]
    assert decide(estate, "steward", request_id).status_code == 403
    assert _balances(estate)[CASH] == "500.00"

    approved = decide(estate, "member2", request_id)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    posted = estate.get("member1", f"/ledger/proposals/{proposal['id']}").json()
    assert posted["status"] == "posted"
    entry = estate.get("member1", f"/ledger/entries/{posted['entry_seq']}").json()
    assert {p["account"]: p["amount"] for p in entry["postings"]} == {
        CASH: "300.00",
        BANK: "-300.00",
    }
    assert entry["payee"] == "管家备用金"
    assert _balances(estate)[CASH] == "800.00"
    # a posted proposal never changes; one person cannot reverse it either
    changed = estate.client.put(
        f"{estate.base}/ledger/proposals/{proposal['id']}",
        json=_entry({CASH: "3000.00", BANK: "-3000.00"}),
        headers=estate.people["steward"],
    )
    assert changed.status_code == 409
    alone = estate.post(
        "steward",
        f"/ledger/entries/{posted['entry_seq']}/reversal",
        {"date": "2025-03-03", "reason": "取消"},
        headers={"Idempotency-Key": "rev"},
    )
    assert alone.status_code == 409 and "propose it" in alone.json()["detail"]
    proposed_reversal = estate.post(
        "steward",
        "/ledger/proposals",
        {"date": "2025-03-03", "narration": "备用金退回银行", "reverses_seq": posted["entry_seq"]},
    )
    assert proposed_reversal.status_code == 201, proposed_reversal.text
    rid = proposed_reversal.json()["approval_request_id"]
    assert decide(estate, "member1", rid).status_code == 200
    assert _balances(estate)[CASH] == "500.00"


def test_an_edited_proposal_voids_its_approval_and_the_editor_never_approves(
    estate: NewEstate,
) -> None:
    estate.add_person("both", "steward", "committee")
    first = estate.post("steward", "/ledger/proposals", _entry({CASH: "100.00", BANK: "-100.00"}))
    pid, old_request = first.json()["id"], first.json()["approval_request_id"]
    url = f"{estate.base}/ledger/proposals/{pid}"
    edited = estate.client.put(
        url, json=_entry({CASH: "5000.00", BANK: "-5000.00"}), headers=estate.people["both"]
    )
    assert edited.status_code == 200, edited.text
    assert estate.get("member1", f"/approvals/{old_request}").json()["status"] == "void"
    resubmitted = estate.client.put(
        url, json=_entry({CASH: "5000.00", BANK: "-5000.00"}), headers=estate.people["steward"]
    )
    new_request = resubmitted.json()["approval_request_id"]
    refused = decide(estate, "both", new_request)
    assert refused.status_code == 403 and "edited" in refused.json()["detail"]
    # 5,000.00 needs two approvers by the payout tiers
    assert decide(estate, "member1", new_request).json()["status"] == "pending"
    assert decide(estate, "member2", new_request).json()["status"] == "approved"
    assert _balances(estate)[CASH] == "5500.00"


def test_bank_and_cash_never_go_below_zero_even_when_approved(estate: NewEstate) -> None:
    too_much = _entry({CASH: "20000.00", BANK: "-20000.00"})
    proposal = estate.post("steward", "/ledger/proposals", too_much).json()
    request_id = proposal["approval_request_id"]
    assert decide(estate, "member1", request_id).json()["status"] == "pending"
    refused = decide(estate, "member2", request_id)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["type"].endswith("insufficient-funds") and body["account"] == BANK
    assert "short by 9000.00" in body["detail"]
    assert _balances(estate)[BANK] == "11000.00"
    assert estate.get("member1", f"/approvals/{request_id}").json()["status"] == "pending"


def test_a_claim_is_not_paid_from_a_bank_that_does_not_hold_the_money(
    session: Session, client: TestClient[Litestar]
) -> None:
    """The fund holds 500.00, all of it as the steward's cash: paying 300.00 from the bank
    would take the bank to −300.00 (the fund check alone let it through)."""
    estate = new_estate(session, client)
    opening = {"date": "2025-01-01", "funds": [{"fund": "maintenance", "cash": "500.00"}]}
    proposal = estate.post("steward", "/books/opening", opening).json()
    decide(estate, "member1", proposal["approval_request_id"])
    cid = _payable_claim(estate)
    paid = estate.post(
        "steward", f"/claims/{cid}/pay", {"paid_on": "2025-03-02"}, headers={"Idempotency-Key": "p"}
    )
    assert paid.status_code == 409, paid.text
    assert paid.json()["type"].endswith("insufficient-funds")
    assert paid.json()["account"] == BANK and "short by 300.00" in paid.json()["detail"]
    assert BANK not in _balances(estate)


def _approved(estate: NewEstate, body: dict[str, Any]) -> Any:
    """Propose ``body`` and have both committee members approve it; the last answer."""
    proposal = estate.post("steward", "/ledger/proposals", body)
    assert proposal.status_code == 201, proposal.text
    request_id = proposal.json()["approval_request_id"]
    answer = decide(estate, "member1", request_id)
    if answer.json().get("status") == "pending":
        answer = decide(estate, "member2", request_id)
    return answer


def test_a_back_dated_withdrawal_cannot_overdraw_a_later_month(estate: NewEstate) -> None:
    """The bank holds 11,000.00, then 1,000.00 from 1 March (10,000.00 drawn as cash), then
    11,000.00 again from 1 April (the cash paid back in). Taking 2,000.00 out on 1 February
    leaves 9,000.00 that day and 9,000.00 at the end — but March would stand at −1,000.00.
    Checking only the entry's date and the end let it through."""
    draw = _entry({CASH: "10000.00", BANK: "-10000.00"}, on="2025-03-01")
    assert _approved(estate, draw).json()["status"] == "approved"
    back = _entry({BANK: "10000.00", CASH: "-10000.00"}, on="2025-04-01")
    assert _approved(estate, back).json()["status"] == "approved"
    assert _balances(estate)[BANK] == "11000.00"
    refused = _approved(estate, _entry({CASH: "2000.00", BANK: "-2000.00"}, on="2025-02-01"))
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["type"].endswith("insufficient-funds") and body["account"] == BANK
    assert body["on"] == "2025-03-01" and body["shortfall"] == "1000.00"
    assert "short by 1000.00" in body["detail"]
    assert _balances(estate)[BANK] == "11000.00"
    # 1,000.00 fits under March's lowest balance
    fits = _approved(estate, _entry({CASH: "1000.00", BANK: "-1000.00"}, on="2025-02-01"))
    assert fits.json()["status"] == "approved", fits.text
    assert _balances(estate)[BANK] == "10000.00"

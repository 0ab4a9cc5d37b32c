"""The steward's cash counted by denomination (现金盘点), compared with the books' cash,
approved by a committee member who did not count it, and stated by the period's disclosure —
from an empty database through the API and the command line (issue 18 item 3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)
from tests.integration.reconciliation.bank_world import _household, ok, pay
from trustfund.cli import main
from trustfund.db.models.approvals import ApprovalRequest
from trustfund.db.models.reconciliation import CashCount

#: 300 + 50 + 0.50 = 350.50, the books' cash on 2026-02-05
EXACT = {"100": 3, "50": 1, "0.5": 1}
#: Household codes of rooms 102 and 103 in the estate the running test built.
CODES: dict[str, str] = {}


def cash_world(session: Session, client: TestClient[Litestar]) -> NewEstate:
    """Books opened 2026-01-01 with 150.50 cash on hand; a 200.00 cash payment on 02-03; 100.00
    deposited on 02-10. The books' cash: 150.50 in January, 350.50 from 02-03, 250.50 from
    02-10. Households ``102`` and ``103`` have not paid yet."""
    estate = new_estate(session, client)
    for room in ("102", "103"):
        CODES[room] = _household(estate, room)
    proposal = ok(
        estate.post(
            "steward",
            "/books/opening",
            {
                "date": "2026-01-01",
                "funds": [
                    {"fund": "electricity", "bank": "3000.00", "cash": "150.50"},
                    {"fund": "maintenance", "bank": "5000.00"},
                    {"fund": "garbage", "bank": "2000.00"},
                ],
            },
        ),
        201,
    )
    ok(decide(estate, "member1", proposal["approval_request_id"]))
    approve_schedule_and_charge(estate, 2026)
    cash_payment(estate, "2026-02-03", "p1")
    ok(
        estate.post(
            "steward",
            "/fees/deposits",
            {"amount": "100.00", "deposited_on": "2026-02-10"},
            headers={"Idempotency-Key": "d1"},
        ),
        201,
    )
    return estate


def cash_payment(estate: NewEstate, on: str, key: str, room: str = "101") -> Any:
    """200.00 in cash from the household in ``room``."""
    return pay(estate, CODES[room] if room != "101" else estate.household_code, on, "cash", key)


def count(estate: NewEstate, who: str, on: str, pieces: dict[str, Any], note: str = "") -> Any:
    return estate.post(who, "/cash-counts", {"counted_on": on, "counts": pieces, "note": note})


def cash_section(estate: NewEstate, period: str) -> dict[str, Any]:
    draft = ok(estate.get("steward", f"/disclosures/draft?period={period}"))
    return dict(next(s for s in draft["statement"]["sections"] if s["key"] == "cash_count"))


def rows(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(CashCount.id))) or 0


def test_a_count_by_denomination_is_compared_with_the_books_and_approved(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    book = ok(estate.get("steward", "/cash-counts/book?on=2026-02-05"))
    assert book["book_cash"] == "350.50"
    assert [d["label"] for d in book["denominations"]][:3] == ["100元", "50元", "20元"]
    made = ok(count(estate, "steward", "2026-02-05", EXACT), 201)
    assert (made["counted"], made["book_cash"], made["difference"]) == ("350.50", "350.50", "0.00")
    assert [(d["label"], d["count"], d["amount"]) for d in made["denominations"]] == [
        ("100元", 3, "300.00"),
        ("50元", 1, "50.00"),
        ("5角", 1, "0.50"),
    ]
    assert made["status"] == "pending" and made["prepared_by_name"] == "steward"
    request_id = made["approval_request_id"]
    # four eyes: the steward who counted cannot approve the count
    refused = decide(estate, "steward", request_id)
    assert refused.status_code == 403
    ok(decide(estate, "member1", request_id))
    shown = ok(estate.get("member2", f"/cash-counts/{made['id']}"))
    assert shown["status"] == "approved"
    assert [a["name"] for a in shown["approved_by"]] == ["member1"]
    assert [c["id"] for c in ok(estate.get("member2", "/cash-counts"))] == [made["id"]]
    # the disclosure of February states the count it relied on; January's says it was not
    february = cash_section(estate, "2026-02")
    row = february["rows"][0]
    assert (row["counted_on"], row["counted"], row["book_cash"], row["difference"]) == (
        "2026-02-05",
        "350.50",
        "350.50",
        "0.00",
    )
    assert "业委会委员" in february["note"] and row["approved_on"] in february["note"]
    assert "member1" not in json.dumps(february, ensure_ascii=False)  # roles, never names
    january = cash_section(estate, "2026-01")
    assert january["rows"] == [] and "未盘点" in january["note"]
    # next to the bank reconciliation in the statement
    draft = ok(estate.get("steward", "/disclosures/draft?period=2026-02"))
    keys = [s["key"] for s in draft["statement"]["sections"]]
    assert keys.index("cash_count") == keys.index("bank_reconciliation") + 1
    assert estate.get("steward", "/cash-counts/999999").status_code == 404


def test_a_difference_needs_a_reason(session: Session, client: TestClient[Litestar]) -> None:
    estate = cash_world(session, client)
    short = count(estate, "steward", "2026-02-10", {"100": 2, "50": 1})
    assert short.status_code == 422
    error = short.json()["errors"][0]
    assert error["field"] == "note" and error["code"] == "cash_count.explain_difference"
    assert error["params"] == {
        "counted": "250.00",
        "book_cash": "250.50",
        "difference": "-0.50",
    }
    assert rows(session) == 0
    made = ok(
        count(estate, "steward", "2026-02-10", {"100": 2, "50": 1}, "5角硬币找零给了住户"), 201
    )
    assert made["difference"] == "-0.50" and made["note"] == "5角硬币找零给了住户"


def test_bad_counts_are_refused_by_field_and_nothing_is_written(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    bad = count(estate, "steward", "2026-02-05", {"3": 1, "100": -1, "50": 100_001})
    assert bad.status_code == 422
    fields = {e["field"]: e["code"] for e in bad.json()["errors"]}
    assert fields == {
        "counts.3": "cash_count.unknown_denomination",
        "counts.100": "number.negative",
        "counts.50": "number.too_large",
    }
    future = count(estate, "steward", "2099-01-01", EXACT)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "counted_on"
    early = count(estate, "steward", "2025-12-31", EXACT)
    assert early.status_code == 422 and early.json()["errors"][0]["code"] == "input.not_before"
    assert rows(session) == 0


def test_books_not_open_cannot_be_counted(session: Session, client: TestClient[Litestar]) -> None:
    estate = new_estate(session, client)
    refused = count(estate, "steward", "2026-02-05", {})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "cash_count.books_not_open"


# --- the insider ------------------------------------------------------------------------------


def test_a_committee_member_cannot_count_and_a_dual_role_counter_cannot_approve(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    # the committee holds no RECORD: counting is the steward's
    assert count(estate, "member1", "2026-02-05", EXACT).status_code == 403
    assert rows(session) == 0
    # someone holding both roles counts: they cannot approve their own count
    estate.add_person("dual", "steward", "committee")
    made = ok(count(estate, "dual", "2026-02-05", EXACT), 201)
    refused = decide(estate, "dual", made["approval_request_id"])
    assert refused.status_code == 403
    ok(decide(estate, "member2", made["approval_request_id"]))


def test_the_books_cash_changing_after_approval_voids_the_count(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    made = ok(count(estate, "steward", "2026-02-05", EXACT), 201)
    ok(decide(estate, "member1", made["approval_request_id"]))
    # a payment after the counted day does not touch it
    cash_payment(estate, "2026-02-20", "p2", "102")
    assert ok(estate.get("member1", f"/cash-counts/{made['id']}"))["status"] == "approved"
    # a cash payment back-dated before the count: the books' cash of that day is no longer
    # what was counted and approved
    cash_payment(estate, "2026-02-04", "p3", "103")
    shown = ok(estate.get("member1", f"/cash-counts/{made['id']}"))
    assert shown["status"] == "void" and shown["book_cash"] == "550.50"
    assert shown["difference"] == "-200.00" and shown["book_cash_when_prepared"] == "350.50"
    assert shown["approved_by"] == []
    section = cash_section(estate, "2026-02")
    assert section["rows"] == [] and "未盘点" in section["note"]
    # the next count voids the stale approval for good
    ok(count(estate, "steward", "2026-02-20", {"100": 6, "50": 1, "0.5": 1}), 201)
    session.expire_all()
    request = session.get(ApprovalRequest, made["approval_request_id"])
    assert request is not None and request.status.value == "void"


def test_a_pending_count_cannot_be_approved_after_the_books_changed(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    made = ok(count(estate, "steward", "2026-02-05", EXACT), 201)
    cash_payment(estate, "2026-02-01", "p2", "102")
    refused = decide(estate, "member1", made["approval_request_id"])
    assert refused.status_code == 409
    assert ok(estate.get("member1", f"/cash-counts/{made['id']}"))["status"] == "void"


@pytest.mark.postgres_only
def test_a_count_row_is_never_changed(session: Session, client: TestClient[Litestar]) -> None:
    estate = cash_world(session, client)
    made = ok(count(estate, "steward", "2026-02-05", EXACT), 201)
    for statement in (
        "UPDATE cash_counts SET counted = 999 WHERE id = :id",
        "DELETE FROM cash_counts WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="never changed"):
            session.execute(text(statement), {"id": made["id"]})
        session.rollback()


# --- the command line ---------------------------------------------------------------------------


def test_a_count_from_the_command_line(
    cli_env: None, session: Session, client: TestClient[Litestar]
) -> None:
    estate = cash_world(session, client)
    runner = CliRunner()
    base = ["bank", "cash-count", "xinhe"]
    member = runner.invoke(main, [*base, "--user", "member1", "--count", "100=3"])
    assert member.exit_code == 1 and "may not record" in member.output
    bad = runner.invoke(main, [*base, "--user", "steward", "--count", "100=three"])
    assert bad.exit_code == 1 and "counts.100" in bad.output
    made = runner.invoke(
        main,
        [*base, "--user", "steward", "--on", "2026-02-05"]
        + [arg for pieces in ("100=3", "50=1", "0.5=1") for arg in ("--count", pieces)],
    )
    assert made.exit_code == 0, made.output
    shown = json.loads(made.output)
    assert shown["status"] == "pending" and shown["difference"] == "0.00"
    ok(decide(estate, "member1", shown["approval_request_id"]))
    listed = runner.invoke(main, [*base, "--user", "member2"])
    assert listed.exit_code == 0 and json.loads(listed.output)[0]["status"] == "approved"
    assert rows(session) == 1

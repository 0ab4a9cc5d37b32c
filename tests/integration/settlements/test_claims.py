"""Claims, approvals and payouts against the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.settlements.helpers import (
    approve_all,
    build,
    claim_in,
    free,
    submitted,
)
from trustfund import approvals
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import ClaimStatus
from trustfund.errors import (
    ConflictError,
    InsufficientFundsError,
    PermissionDeniedError,
    ValidationError,
)
from trustfund.journal.service import fund_balances
from trustfund.settlements import claims, expenses, payouts

D = Decimal


def test_a_line_above_the_reference_price_needs_a_reason(session: Session) -> None:
    world = build(session)
    with pytest.raises(ValidationError) as caught:
        claims.create_claim(
            session,
            world.estate.id,
            claim_in([("WX-001", "4", "35.00", None), ("WX-002", "1", "320.00", None)]),
            actor_user_id=world.steward[0].id,
        )
    assert [e.field for e in caught.value.errors] == ["lines[1].over_reason"]
    assert "above the reference price 280.00" in caught.value.errors[0].reason
    session.rollback()
    claim = claims.create_claim(
        session,
        world.estate.id,
        claim_in([("WX-002", "1", "320.00", "原厂配件"), ("WX-005", "2.5", "33.33", None)]),
        actor_user_id=world.steward[0].id,
    )
    view = claims.claim_view(session, claim)
    assert view["lines"][0]["over_reference"] == "40.00"
    assert view["lines"][0]["reference_price"] == "280.00"
    assert view["lines"][1]["amount"] == "83.33"  # 2.5 × 33.33 = 83.325 → half up
    assert view["lines"][1]["over_reference"] is None  # below the reference
    assert view["amount"] == "403.33"


def test_the_reference_price_in_force_is_the_latest_version_on_the_work_date(
    session: Session,
) -> None:
    from trustfund.settlements import prices

    world = build(session)
    prices.import_prices(
        session,
        world.estate.id,
        "编码,名称,单位,单价\nWX-001,更换声控灯,个,40.00\n".encode(),
        "p2.csv",
        effective_from=dt.date(2026, 7, 1),
    )
    assert prices.price_in_force(session, world.estate.id, "WX-001", dt.date(2026, 6, 30))
    june = prices.price_in_force(session, world.estate.id, "WX-001", dt.date(2026, 6, 30))
    july = prices.price_in_force(session, world.estate.id, "WX-001", dt.date(2026, 7, 1))
    assert june is not None and july is not None
    assert (june.unit_price, july.unit_price) == (D("35.00"), D("40.00"))
    # WX-002 is not in the July version: the January price still applies
    later = prices.price_in_force(session, world.estate.id, "WX-002", dt.date(2026, 8, 1))
    assert later is not None and later.unit_price == D("280.00")
    assert prices.price_in_force(session, world.estate.id, "WX-001", dt.date(2025, 12, 31)) is None
    with pytest.raises(ConflictError):
        prices.import_prices(
            session,
            world.estate.id,
            "编码,名称,单位,单价\nWX-001,x,个,1\n".encode(),
            "p3.csv",
            effective_from=dt.date(2026, 7, 1),
        )


def test_price_import_is_all_or_nothing_and_names_rows(session: Session) -> None:
    from trustfund.db.models.settlements import PriceList
    from trustfund.settlements import prices

    world = build(session)
    bad = "编码,名称,单位,单价\nA1,灯,个,3.5\nA1,灯,个,4\nA3,,个,-1\n".encode()
    with pytest.raises(ValidationError) as caught:
        prices.import_prices(
            session, world.estate.id, bad, "x.csv", effective_from=dt.date(2026, 9, 1)
        )
    assert {e.field for e in caught.value.errors} == {
        "rows[3].code",
        "rows[4].name",
        "rows[4].unit_price",
    }
    session.rollback()
    count = session.scalar(select(func.count()).select_from(PriceList))
    assert count == 1


def test_submitter_cannot_approve_own_claim(session: Session) -> None:
    world = build(session)
    member, _ = world.committee[0]
    claim = claims.create_claim(session, world.estate.id, claim_in(), actor_user_id=member.id)
    claims.submit_claim(session, world.estate.id, claim.id, actor_user_id=member.id)
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    with pytest.raises(PermissionDeniedError, match="Four eyes"):
        approvals.decide(
            session,
            request.id,
            principal=world.principal(session, member),
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=claims.claim_content(claim),
        )


@pytest.mark.parametrize(
    ("amount", "needed", "vote"),
    [
        ("500.00", 1, False),
        ("500.01", 2, False),
        ("5000.00", 2, False),
        ("5000.01", 3, False),
        ("50000.00", 3, False),
        ("50000.01", 3, True),
    ],
)
def test_claim_thresholds_are_exact(session: Session, amount: str, needed: int, vote: bool) -> None:
    world = build(session)
    claim = submitted(session, world, claim_in(free(amount)))
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    assert (request.approvals_needed, request.owners_vote_required) == (needed, vote)
    approve_all(session, world, claim, how_many=needed - 1)
    assert claim.status == ClaimStatus.SUBMITTED
    approve_all(session, world, claim, how_many=needed, start=needed - 1)
    expected = ClaimStatus.SUBMITTED if vote else ClaimStatus.APPROVED
    assert claim.status == expected


def test_editing_an_approved_claim_voids_its_approval(session: Session) -> None:
    world = build(session)
    claim = submitted(session, world, claim_in())
    request = approve_all(session, world, claim)
    assert claim.status == ClaimStatus.APPROVED
    claims.update_claim(
        session,
        world.estate.id,
        claim.id,
        claim_in(free("140.00")),
        actor_user_id=world.steward[0].id,
    )
    session.commit()
    assert request.status == approvals.RequestStatus.VOID
    assert claim.status == ClaimStatus.DRAFT and claim.revision == 2
    with pytest.raises(ConflictError):
        payouts.pay_claim(session, world.estate.id, claim.id, actor_user_id=world.steward[0].id)
    # even a claim forced back to "approved" is not paid without an approval of its content
    claim.status = ClaimStatus.APPROVED
    with pytest.raises(ConflictError, match="no approval for its current content"):
        payouts.make_payable(session, world.estate.id, claim.id, actor_user_id=None)


def test_a_rejection_carries_its_reason_and_the_claim_can_be_resubmitted(
    session: Session,
) -> None:
    world = build(session)
    claim = submitted(session, world, claim_in())
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    approvals.decide(
        session,
        request.id,
        principal=world.principal(session, world.committee[0][0]),
        decision=approvals.Decision.REJECT,
        reason="缺少现场照片",
        content=claims.claim_content(claim),
    )
    assert (claim.status, claim.rejected_reason) == (ClaimStatus.REJECTED, "缺少现场照片")
    claims.submit_claim(session, world.estate.id, claim.id, actor_user_id=world.steward[0].id)
    assert claim.status == ClaimStatus.SUBMITTED


def test_payout_posts_payable_then_payment_and_never_twice(session: Session) -> None:
    world = build(session)
    claim = submitted(session, world, claim_in())
    approve_all(session, world, claim)
    before = fund_balances(session, world.estate.id)["maintenance"]
    payouts.pay_claim(
        session,
        world.estate.id,
        claim.id,
        paid_on=dt.date(2026, 3, 10),
        actor_user_id=world.steward[0].id,
    )
    session.commit()
    assert claim.status == ClaimStatus.PAID
    assert fund_balances(session, world.estate.id)["maintenance"] == before - D("140.00")
    entries = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.seq.in_([claim.payable_entry_seq, claim.paid_entry_seq]))
        .where(JournalEntry.estate_id == world.estate.id)
        .order_by(JournalEntry.seq)
    ).all()
    assert [(e.kind, e.date) for e in entries] == [
        ("payable", dt.date(2026, 3, 2)),
        ("payout", dt.date(2026, 3, 10)),
    ]
    assert "Expenses:Maintenance:Repairs 140.00 CNY" in entries[0].text
    assert "Assets:Bank:Committee -140.00 CNY" in entries[1].text
    with pytest.raises(ConflictError, match="never paid twice"):
        payouts.pay_claim(session, world.estate.id, claim.id, actor_user_id=None)
    table = expenses.expense_table(session, world.estate.id)
    assert [r["amount"] for r in table["rows"]] == ["140.00"]
    assert len(table["rows"][0]["approvers"]) == 1
    public = expenses.expense_table(session, world.estate.id, public=True)
    assert public["rows"][0]["approvers"] == ["业委会委员"]


def test_a_payout_beyond_the_fund_is_refused_with_fund_and_shortfall(session: Session) -> None:
    world = build(session, balances={"maintenance": D("1000.00")})
    claim = submitted(session, world, claim_in(free("1200.50")))
    approve_all(session, world, claim)
    entries_before = session.scalar(select(func.count()).select_from(JournalEntry))
    with pytest.raises(InsufficientFundsError) as caught:
        payouts.pay_claim(session, world.estate.id, claim.id, actor_user_id=None)
    message = str(caught.value)
    assert "公共设施维护 (maintenance)" in message
    assert "holds 1,000.00 CNY" in message
    assert "short by 200.50 CNY" in message
    assert caught.value.extra["shortfall"] == "200.50"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries_before
    session.refresh(claim)
    assert claim.status == ClaimStatus.APPROVED


def test_claims_check_fund_and_item(session: Session) -> None:
    world = build(session)
    with pytest.raises(ValidationError) as caught:
        claims.create_claim(session, world.estate.id, claim_in(fund="gas"), actor_user_id=None)
    assert caught.value.errors[0].field == "fund"
    with pytest.raises(ValidationError) as caught:
        claims.create_claim(session, world.estate.id, claim_in(item="Parties"), actor_user_id=None)
    assert caught.value.errors[0].field == "expense_item"
    with pytest.raises(ValidationError) as caught:
        claims.create_claim(
            session,
            world.estate.id,
            claim_in([("WX-001", "0", "1.00005", None), ("NOPE", "1", "1", None)]),
            actor_user_id=None,
        )
    assert {e.field for e in caught.value.errors} == {
        "lines[0].quantity",
        "lines[0].unit_price",
        "lines[1].item_code",
        "lines[1].description",
        "lines[1].unit",
    }

"""Projects from application to closing, on both backends: restricted money stays in its
project, budget lines hold until a revision is approved, settlement figures equal the ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.integration.grants.helpers import (
    D,
    claim_for,
    decide_all,
    gift,
    make_world,
    pay,
    project,
    source,
    transfer,
)
from trustfund.db.models.grants import GrantProject, ProjectStatus
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.errors import ConflictError, InsufficientFundsError
from trustfund.grants import projects, settlement
from trustfund.grants.disbursements import BudgetExceededError
from trustfund.grants.schemas import BudgetRevisionIn, RevisionLineIn, TransferIn
from trustfund.journal.service import account_balances, fund_balances
from trustfund.settlements import claims, payouts
from trustfund.settlements.schemas import ClaimIn, ClaimLineIn


def _line_ids(session: Session, project_id: int) -> list[int]:
    p = session.get(GrantProject, project_id)
    assert p is not None
    return [line.id for line in p.lines]


def test_restricted_money_cannot_be_spent_outside_its_project(session: Session) -> None:
    w = make_world(session, autonomy="100.00")
    crowd = source(session, w, "crowdfunding", "花园众筹")
    garden = project(session, w, "GARDEN", [("苗木", "800.00")])
    kitchen = project(session, w, "KITCHEN", [("厨具", "800.00")])
    gift(session, w, crowd, "600.00", garden, date(2026, 7, 3))
    assert fund_balances(session, w.estate.id)["autonomy:GARDEN"] == D("600.00")

    # The kitchen has no money: its claim cannot become payable though the bank holds 600.
    kitchen_claim = claim_for(
        session, w, kitchen, _line_ids(session, kitchen)[0], "300.00", date(2026, 7, 5)
    )
    assert decide_all(session, "claim", kitchen_claim, w.committee) == "approved"
    with pytest.raises(InsufficientFundsError) as refused:
        payouts.pay_claim(
            session, w.estate.id, kitchen_claim, paid_on=date(2026, 7, 6), actor_user_id=w.steward
        )
    session.rollback()
    assert refused.value.extra["fund"] == "autonomy:KITCHEN"

    # Unrestricted money (100.00) cannot pay it either, nor can a claim on "autonomy" use the
    # garden's restricted 600.
    ordinary = claims.create_claim(
        session,
        w.estate.id,
        ClaimIn(
            payee="某商店",
            fund="autonomy",
            expense_item="Projects",
            description="非项目支出",
            work_date=date(2026, 7, 6),
            lines=[ClaimLineIn(description="物品", quantity="1", unit="批", unit_price="300.00")],
        ),
        actor_user_id=w.steward,
    )
    session.commit()
    claims.submit_claim(session, w.estate.id, ordinary.id, actor_user_id=w.steward)
    session.commit()
    assert decide_all(session, "claim", ordinary.id, w.committee) == "approved"
    with pytest.raises(InsufficientFundsError):
        payouts.pay_claim(
            session, w.estate.id, ordinary.id, paid_on=date(2026, 7, 6), actor_user_id=w.steward
        )
    session.rollback()

    # A transfer out of the garden's restricted fund is refused before its settlement.
    with pytest.raises(ConflictError):
        transfer(
            session,
            w,
            TransferIn(
                kind="transfer",
                amount="300.00",
                moved_on=date(2026, 7, 7),
                reason="挪用",
                from_fund="autonomy:GARDEN",
                to_fund="autonomy:KITCHEN",
            ),
        )
    session.rollback()
    # A claim on the garden's fund that is not one of its disbursements cannot be paid.
    stray = claims.create_claim(
        session,
        w.estate.id,
        ClaimIn(
            payee="某商店",
            fund="autonomy:GARDEN",
            expense_item="Projects",
            description="未列入预算的支出",
            work_date=date(2026, 7, 8),
            lines=[ClaimLineIn(description="物品", quantity="1", unit="批", unit_price="100.00")],
        ),
        actor_user_id=w.steward,
    )
    session.commit()
    claims.submit_claim(session, w.estate.id, stray.id, actor_user_id=w.steward)
    session.commit()
    assert decide_all(session, "claim", stray.id, w.committee) == "approved"
    with pytest.raises(ConflictError, match="not charged to one of its budget lines"):
        payouts.pay_claim(
            session, w.estate.id, stray.id, paid_on=date(2026, 7, 9), actor_user_id=w.steward
        )
    session.rollback()

    balances = fund_balances(session, w.estate.id)
    assert balances["autonomy:GARDEN"] == D("600.00")
    assert balances["autonomy:KITCHEN"] == D("0.00")
    assert balances["autonomy"] == D("100.00")

    # Unrestricted money reaches the kitchen only by an approved transfer; then it pays.
    transfer(
        session,
        w,
        TransferIn(
            kind="transfer",
            amount="100.00",
            moved_on=date(2026, 7, 10),
            reason="理事会决定补足",
            from_fund="autonomy",
            to_fund="autonomy:KITCHEN",
        ),
    )
    assert fund_balances(session, w.estate.id)["autonomy:KITCHEN"] == D("100.00")
    with pytest.raises(InsufficientFundsError):  # still 200 short
        payouts.pay_claim(
            session, w.estate.id, kitchen_claim, paid_on=date(2026, 7, 11), actor_user_id=w.steward
        )
    session.rollback()


def test_overspending_a_line_is_refused_until_a_revision_is_approved(session: Session) -> None:
    w = make_world(session)
    crowd = source(session, w, "crowdfunding", "众筹")
    pid = project(session, w, "P1", [("苗木", "500.00"), ("围栏", "300.00")])
    gift(session, w, crowd, "1000.00", pid, date(2026, 7, 2))
    plants, fence = _line_ids(session, pid)
    first = claim_for(session, w, pid, plants, "400.00", date(2026, 7, 3))
    pay(session, w, first, date(2026, 7, 4))

    with pytest.raises(BudgetExceededError) as refused:
        claim_for(session, w, pid, plants, "150.00", date(2026, 7, 5))
    session.rollback()
    assert refused.value.extra["approved"] == "500.00"
    assert session.query(Claim).count() == 1  # nothing half-written

    # A pending revision changes nothing yet.
    projects.propose_budget(
        session,
        w.estate.id,
        pid,
        BudgetRevisionIn(
            reason="苗木涨价",
            lines=[
                RevisionLineIn(line_id=plants, amount="600.00"),
                RevisionLineIn(line_id=fence, amount="200.00"),
            ],
        ),
        actor_user_id=w.steward,
    )
    session.commit()
    with pytest.raises(BudgetExceededError):
        claim_for(session, w, pid, plants, "150.00", date(2026, 7, 5))
    session.rollback()
    revision_id = projects.project_view(session, session.get(GrantProject, pid))[
        "budget_revisions"
    ][-1]["id"]  # type: ignore[arg-type]
    assert decide_all(session, projects.BUDGET, revision_id, w.council) == "approved"
    second = claim_for(session, w, pid, plants, "150.00", date(2026, 7, 6))
    pay(session, w, second, date(2026, 7, 7))

    # Raising a claim's amount behind the budget's back (settlements edit) is caught when it
    # would become payable.
    third = claim_for(session, w, pid, fence, "200.00", date(2026, 7, 8))
    claims.update_claim(
        session,
        w.estate.id,
        third,
        ClaimIn(
            payee="园艺公司",
            fund="autonomy:P1",
            expense_item="Projects",
            description="围栏",
            work_date=date(2026, 7, 8),
            lines=[ClaimLineIn(description="围栏", quantity="1", unit="批", unit_price="250.00")],
        ),
        actor_user_id=w.steward,
    )
    claims.submit_claim(session, w.estate.id, third, actor_user_id=w.steward)
    session.commit()
    assert decide_all(session, "claim", third, w.committee) == "approved"
    with pytest.raises(BudgetExceededError):
        payouts.pay_claim(
            session, w.estate.id, third, paid_on=date(2026, 7, 9), actor_user_id=w.steward
        )
    session.rollback()
    assert session.get(Claim, third).status == ClaimStatus.APPROVED  # type: ignore[union-attr]


def test_settlement_figures_equal_the_ledger_and_leftovers_go_back(session: Session) -> None:
    w = make_world(session)
    crowd = source(session, w, "crowdfunding", "众筹")
    town = source(session, w, "community", "镇社区建设经费")
    pid = project(session, w, "P2", [("苗木", "500.00"), ("水管", "300.00")])
    gift(session, w, crowd, "450.00", pid, date(2026, 7, 2))
    town_gift = gift(session, w, town, "400.00", pid, date(2026, 7, 2))
    plants, pipes = _line_ids(session, pid)
    pay(
        session, w, claim_for(session, w, pid, plants, "480.00", date(2026, 7, 3)), date(2026, 7, 4)
    )
    pay(session, w, claim_for(session, w, pid, pipes, "250.50", date(2026, 7, 5)), date(2026, 7, 6))
    open_claim = claim_for(session, w, pid, pipes, "10.00", date(2026, 7, 7))

    with pytest.raises(ConflictError, match="still open"):
        settlement.settle(
            session, w.estate.id, pid, settled_on=date(2026, 7, 31), actor_user_id=w.steward
        )
    session.rollback()
    claims.void_claim(session, w.estate.id, open_claim)
    session.commit()
    p = settlement.settle(
        session, w.estate.id, pid, settled_on=date(2026, 7, 31), actor_user_id=w.steward
    )
    session.commit()
    figures = settlement.settlement(session, p)
    balances = account_balances(session, w.estate.id)
    assert (
        figures["actual_total"] == D("730.50") == balances["Expenses:Autonomy:Project:P2:Projects"]
    )
    assert figures["matches_ledger"] is True
    assert [x["actual"] for x in figures["lines"]] == [D("480.00"), D("250.50")]
    assert figures["ledger"]["received"] == D("850.00")
    assert (
        figures["ledger"]["remaining"]
        == fund_balances(session, w.estate.id)["autonomy:P2"]
        == D("119.50")
    )

    # Leftover: 100.00 back to the town, 19.50 reallocated to the unrestricted fund.
    transfer(
        session,
        w,
        TransferIn(
            kind="refund",
            amount="100.00",
            moved_on=date(2026, 8, 1),
            reason="结余退回",
            gift_id=town_gift,
        ),
    )
    assert session.get(GrantProject, pid).status == ProjectStatus.SETTLED  # type: ignore[union-attr]
    before = fund_balances(session, w.estate.id)["autonomy"]
    transfer(
        session,
        w,
        TransferIn(
            kind="transfer",
            amount="19.50",
            moved_on=date(2026, 8, 1),
            reason="结余转入自治基金",
            from_fund="autonomy:P2",
            to_fund="autonomy",
        ),
    )
    after = fund_balances(session, w.estate.id)
    assert after["autonomy:P2"] == D("0.00")
    assert after["autonomy"] == before + D("19.50")
    assert account_balances(session, w.estate.id)["Income:Autonomy:Project:P2:Community"] == D(
        "-300.00"
    )
    project_row = session.get(GrantProject, pid)
    assert project_row is not None and project_row.status == ProjectStatus.CLOSED
    statuses = [e["to"] for e in projects.history(session, pid)]
    assert statuses[:3] == ["draft", "submitted", "approved"]
    assert "implementing" in statuses and statuses[-1] == "closed"

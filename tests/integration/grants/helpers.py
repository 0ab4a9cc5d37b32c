"""A small world for autonomy-fund tests: an estate with open books, a steward, three
committee members (claims) and four council members (projects, budgets, transfers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from tests.factories import make_estate, make_user
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate
from trustfund.grants import disbursements, gifts, projects, transfers
from trustfund.grants.schemas import (
    BudgetLineIn,
    DisbursementIn,
    GiftIn,
    PlanItemIn,
    ProjectIn,
    SourceIn,
)
from trustfund.journal.service import open_books
from trustfund.settlements import payouts
from trustfund.settlements.schemas import ClaimLineIn

D = Decimal
JULY = date(2026, 7, 1)


@dataclass
class World:
    estate: Estate
    steward: int
    committee: list[int]
    council: list[int]


def make_world(session: Session, slug: str = "g", autonomy: str = "1000.00") -> World:
    estate = make_estate(session, slug)
    open_books(session, estate.id, on=date(2026, 1, 1), opening_balances={"autonomy": D(autonomy)})
    session.commit()
    steward, _ = make_user(session, Role.STEWARD, estate)
    committee = [make_user(session, Role.COMMITTEE, estate)[0].id for _ in range(3)]
    council = [make_user(session, Role.COUNCIL, estate)[0].id for _ in range(4)]
    return World(estate, steward.id, committee, council)


def decide_all(session: Session, kind: str, subject_id: int, people: list[int]) -> str:
    """Approve with as many of ``people`` as the request needs; returns its final status."""
    for user_id in people:
        request = approvals.current_request(session, kind, subject_id)
        assert request is not None
        if request.status != approvals.RequestStatus.PENDING:
            break
        principal = load_principal(session, user_id)
        assert principal is not None
        approvals.decide_request(
            session,
            request.estate_id,
            request.id,
            principal=principal,
            decision=approvals.Decision.APPROVE,
            reason=None,
        )
    request = approvals.current_request(session, kind, subject_id)
    assert request is not None
    return request.status.value


def source(session: Session, w: World, kind: str, name: str, anonymous: bool = False) -> int:
    s = gifts.add_source(
        session,
        w.estate.id,
        SourceIn(kind=kind, donor_name=name, anonymous=anonymous),  # type: ignore[arg-type]
        actor_user_id=w.steward,
    )
    session.commit()
    return s.id


def project(
    session: Session,
    w: World,
    code: str,
    lines: list[tuple[str, str]],
    plan: list[tuple[int, str]] | None = None,
    approve: bool = True,
) -> int:
    p = projects.create_project(
        session,
        w.estate.id,
        ProjectIn(
            code=code,
            title=f"项目{code}",
            purpose="居民自治项目",
            applicant="理事会",
            applied_on=JULY,
            lines=[BudgetLineIn(description=d, amount=a) for d, a in lines],
            plan=[PlanItemIn(source_id=s, amount=a) for s, a in (plan or [])],
        ),
        actor_user_id=w.steward,
    )
    session.commit()
    if approve:
        projects.submit_project(session, w.estate.id, p.id, actor_user_id=w.steward)
        session.commit()
        assert decide_all(session, projects.PROJECT, p.id, w.council) == "approved"
    return p.id


def gift(
    session: Session, w: World, source_id: int, amount: str, project_id: int | None, on: date
) -> int:
    g = gifts.record_gift(
        session,
        w.estate.id,
        GiftIn(source_id=source_id, amount=amount, received_on=on, project_id=project_id),
        actor_user_id=w.steward,
    )
    session.commit()
    return g.id


def claim_for(
    session: Session, w: World, project_id: int, line_id: int, amount: str, on: date
) -> int:
    link = disbursements.disburse(
        session,
        w.estate.id,
        project_id,
        DisbursementIn(
            budget_line_id=line_id,
            payee="园艺公司",
            description="项目支出",
            work_date=on,
            lines=[ClaimLineIn(description="材料", quantity="1", unit="批", unit_price=amount)],
        ),
        actor_user_id=w.steward,
    )
    session.commit()
    return link.claim_id


def pay(session: Session, w: World, claim_id: int, on: date) -> None:
    assert decide_all(session, "claim", claim_id, w.committee) == "approved"
    payouts.pay_claim(session, w.estate.id, claim_id, paid_on=on, actor_user_id=w.steward)
    session.commit()


def transfer(session: Session, w: World, data: object) -> int:
    t = transfers.propose(session, w.estate.id, data, actor_user_id=w.steward)  # type: ignore[arg-type]
    session.commit()
    assert decide_all(session, transfers.TRANSFER, t.id, w.council) == "approved"
    transfers.execute(session, w.estate.id, t.id, actor_user_id=w.steward)
    session.commit()
    return t.id

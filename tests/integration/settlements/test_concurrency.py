"""PostgreSQL: committee members approving at once, stewards paying at once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.integration.settlements.helpers import approve_all, build, claim_in, free, submitted
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.db.models.approvals import ApprovalDecision
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.db.session import make_session_factory
from trustfund.errors import ConflictError, InsufficientFundsError, TrustfundError
from trustfund.journal.service import fund_balances
from trustfund.settlements import payouts

pytestmark = pytest.mark.postgres_only
D = Decimal


def test_concurrent_approvals_are_counted_once_each(session: Session, engine: Engine) -> None:
    world = build(session)
    claim = submitted(session, world, claim_in(free("6000.00")))  # a majority: 3 of 4
    request = approvals.current_request(session, "claim", claim.id)
    assert request is not None
    request_id, estate_id = request.id, world.estate.id
    deciders = [u.id for u, _ in world.committee] * 2  # everyone tries twice at once
    session.rollback()
    factory = make_session_factory(engine)

    def decide(user_id: int) -> str:
        with factory() as s:
            principal = load_principal(s, user_id)
            assert principal is not None
            try:
                approvals.decide_request(
                    s,
                    estate_id,
                    request_id,
                    principal=principal,
                    decision=approvals.Decision.APPROVE,
                    reason=None,
                )
            except TrustfundError as exc:
                return type(exc).__name__
            return "ok"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(decide, deciders))
    assert outcomes["ok"] == 3
    assert outcomes["ok"] + outcomes["PermissionDeniedError"] + outcomes["ConflictError"] == 8
    decisions = session.scalar(
        select(func.count())
        .select_from(ApprovalDecision)
        .where(ApprovalDecision.request_id == request_id)
    )
    assert decisions == 3
    session.refresh(claim)
    assert claim.status == ClaimStatus.APPROVED


def test_concurrent_payouts_never_overdraw_and_never_pay_twice(
    session: Session, engine: Engine
) -> None:
    world = build(session, balances={"maintenance": D("1000.00")})
    claim_ids = []
    for _ in range(6):
        claim = submitted(session, world, claim_in(free("300.00")))
        approve_all(session, world, claim)
        assert claim.status == ClaimStatus.APPROVED
        claim_ids.append(claim.id)
    estate_id = world.estate.id
    session.rollback()
    factory = make_session_factory(engine)

    def pay(job: tuple[int, int]) -> str:
        claim_id, attempt = job
        with factory() as s:
            try:
                payouts.pay_request(
                    s,
                    estate_id,
                    claim_id,
                    paid_on=dt.date(2026, 3, 5),
                    actor_user_id=None,
                    idempotency_key=f"pay-{claim_id}-{attempt}",
                )
            except InsufficientFundsError:
                return "insufficient"
            except ConflictError:
                return "conflict"
            return "paid"

    jobs = [(c, attempt) for attempt in range(3) for c in claim_ids]
    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = Counter(pool.map(pay, jobs))
    assert outcomes["paid"] == 3  # 3 × 300.00 fit into 1,000.00; a fourth does not
    assert fund_balances(session, estate_id)["maintenance"] == D("100.00")
    payouts_per_claim = Counter(
        session.scalars(
            select(Claim.id).where(Claim.estate_id == estate_id, Claim.status == ClaimStatus.PAID)
        )
    )
    assert len(payouts_per_claim) == 3
    kinds = Counter(
        session.scalars(
            select(JournalEntry.kind).where(
                JournalEntry.estate_id == estate_id,
                JournalEntry.kind.in_(["payable", "payout"]),
            )
        )
    )
    assert kinds == {"payable": 3, "payout": 3}

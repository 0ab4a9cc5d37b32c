"""Property: any schedule, vacancy rule and sequence of payments (partial, prepaid, for
several households), refunds and voids keeps every fund exact, and ``trustfund ledger
check`` (beancount vs SQL, hash chain) passes afterwards."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household
from trustfund.db.models.fees import FeePayment, FeeReceipt, FeeRefund, ReceiptStatus
from trustfund.errors import ConflictError, ValidationError
from trustfund.fees.charges import issue_charges
from trustfund.fees.owed import outstanding_by_fund, paid_by_fund
from trustfund.fees.payments import record_payment
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import AllocationIn, ComponentIn, PaymentIn, RefundIn, ScheduleIn
from trustfund.journal.check import check_estate
from trustfund.journal.service import account_balances, fund_balances
from trustfund.ledger.accounts import PREPAID_FEES

from .helpers import COMMITTEE, STEWARD, make_fee_estate
from .money_back import refund, void

D = Decimal
_slugs = itertools.count(1)
cents = st.integers(min_value=1, max_value=50_000).map(lambda n: str(D(n) / 100))


@st.composite
def schedules(draw: st.DrawFn) -> ScheduleIn:
    funds = draw(
        st.lists(
            st.sampled_from(["electricity", "maintenance", "garbage"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    amounts = [draw(st.integers(min_value=1, max_value=30_000)) for _ in funds]
    if draw(st.booleans()):
        return ScheduleIn(
            components=[
                ComponentIn(fund=f, name=f, amount=str(D(a) / 100)) for f, a in zip(funds, amounts)
            ],
            vacancy_rule="percent",
            vacancy_percent=str(D(draw(st.integers(min_value=0, max_value=10_000))) / 100),
        )
    return ScheduleIn(
        components=[
            ComponentIn(
                fund=f,
                name=f,
                amount=str(D(a) / 100),
                vacant_amount=str(D(draw(st.integers(0, a))) / 100),
            )
            for f, a in zip(funds, amounts)
        ],
        vacancy_rule="amounts",
    )


# op: (kind, household index, share in %, method, prepaid?)
ops = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay", "pay2", "refund", "void"]),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=1, max_value=100),
        st.sampled_from(["cash", "wechat", "bank_transfer"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedule=schedules(), steps=ops)
def test_any_sequence_keeps_funds_exact(
    session: Session, schedule: ScheduleIn, steps: list
) -> None:
    estate = make_fee_estate(
        session, households=3, vacant=1, slug=f"p{next(_slugs)}", since=date(2025, 1, 1)
    )
    for year in (2026, 2027):
        s = save_schedule(session, estate.id, year, schedule, actor_user_id=STEWARD)
        approve_schedule(
            session, estate.id, year, content_hash=s.content_hash, actor_user_id=COMMITTEE
        )
        issue_charges(session, estate.id, year)
    hs = list(
        session.scalars(
            select(Household).where(Household.estate_id == estate.id).order_by(Household.id)
        )
    )
    day = date(2026, 2, 1)
    for n, (kind, i, share, method, ahead) in enumerate(steps):
        year = 2027 if ahead else 2026
        h = hs[i]
        try:
            if kind in ("pay", "pay2"):
                targets = [h] if kind == "pay" else [h, hs[(i + 1) % 3]]
                allocs = []
                for t in targets:
                    left = sum((outstanding_by_fund(session, t.id, year) or {}).values(), D("0.00"))
                    amount = max(D("0.01"), (left * share / 100).quantize(D("0.01")))
                    if left > 0:
                        allocs.append(
                            AllocationIn(
                                household_code=t.code, fee_year=year, amount=str(min(amount, left))
                            )
                        )
                if not allocs:
                    continue
                total = sum(D(a.amount) for a in allocs)
                record_payment(
                    session,
                    estate.id,
                    PaymentIn(method=method, amount=str(total), paid_on=day, allocations=allocs),  # type: ignore[arg-type]
                    actor_user_id=STEWARD,
                    idempotency_key=f"k{n}",
                )
            elif kind == "refund":
                kept = sum(paid_by_fund(session, h.id, year).values(), D("0.00"))
                if kept <= 0:
                    continue
                amount = max(D("0.01"), (kept * share / 100).quantize(D("0.01")))
                refund(
                    session,
                    estate.id,
                    RefundIn(
                        household_code=h.code,
                        fee_year=year,
                        amount=str(amount),
                        method="bank_transfer",
                        reason="测试",
                    ),
                    on=day,
                )
            else:
                last = session.scalar(
                    select(FeeReceipt)
                    .where(
                        FeeReceipt.estate_id == estate.id, FeeReceipt.status == ReceiptStatus.VALID
                    )
                    .order_by(FeeReceipt.id.desc())
                )
                if last is None:
                    continue
                void(session, estate.id, last.receipt_no, reason="测试", on=day)
        except (ValidationError, ConflictError):
            session.rollback()  # refused (e.g. bank lacks money for a refund): nothing written
    session.rollback()
    receipts = session.scalars(select(FeeReceipt).where(FeeReceipt.estate_id == estate.id)).all()
    refunds = session.scalars(select(FeeRefund).where(FeeRefund.estate_id == estate.id)).all()
    payments = session.scalars(select(FeePayment).where(FeePayment.estate_id == estate.id)).all()
    # allocations sum to each payment; lines sum to each receipt and refund
    for p in payments:
        assert sum(r.amount for r in receipts if r.payment_id == p.id) == p.amount
    for r in receipts:
        assert sum(line.amount for line in r.lines) == r.amount
    for f in refunds:
        assert sum(line.amount for line in f.lines) == f.amount
    # fund balances = receipts − refunds per component (income part only; prepaid is a liability)
    expected: dict[str, Decimal] = defaultdict(lambda: D("0.00"))
    for r in receipts:
        if r.status == ReceiptStatus.VALID and not r.prepaid:
            for line in r.lines:
                expected[line.fund] += line.amount
    for f in refunds:
        if not f.from_prepaid:
            for line in f.lines:
                expected[line.fund] -= line.amount
    prepaid = sum(
        (r.amount for r in receipts if r.status == ReceiptStatus.VALID and r.prepaid), D("0.00")
    )
    prepaid -= sum((f.amount for f in refunds if f.from_prepaid), D("0.00"))
    assert -account_balances(session, estate.id).get(PREPAID_FEES, D("0.00")) == prepaid
    funds = fund_balances(session, estate.id)
    for fund in ("electricity", "maintenance", "garbage"):
        assert funds.get(fund, D("0.00")) == expected[fund]
    # no household ever paid more than it was charged, per component
    for h in hs:
        for year in (2026, 2027):
            assert all(v >= 0 for v in (outstanding_by_fund(session, h.id, year) or {}).values())
    report = check_estate(session, estate.id)
    assert not report.problems, report.problems
    session.rollback()

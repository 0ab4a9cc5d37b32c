"""PostgreSQL: many stewards paying at once; refund requests and approvals racing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import make_user
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.fees import FeeReceipt, FeeRefund, FeeRefundRequest
from trustfund.db.session import make_session_factory
from trustfund.errors import ConflictError, TrustfundError
from trustfund.fees import refunds
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import AllocationIn, PaymentIn, RefundIn
from trustfund.journal.service import account_balances

from .helpers import STEWARD, approved_schedule, make_fee_estate

pytestmark = pytest.mark.postgres_only


def _payment(code: str, amount: str = "200.00") -> PaymentIn:
    return PaymentIn(
        method="wechat",
        amount=amount,
        paid_on=date(2026, 3, 1),
        allocations=[AllocationIn(household_code=code, fee_year=2026, amount=amount)],
    )


def _setup(session: Session, n: int) -> tuple[int, list[str]]:
    estate = make_fee_estate(session, households=n, vacant=0)
    approved_schedule(session, estate.id, 2026)
    issue_charges(session, estate.id, 2026)
    codes = list(session.scalars(select(Household.code).where(Household.estate_id == estate.id)))
    return estate.id, codes


def test_sixteen_clients_get_gapless_unique_receipt_numbers(
    session: Session, engine: Engine
) -> None:
    estate_id, codes = _setup(session, 48)
    factory = make_session_factory(engine)

    def pay(code: str) -> str:
        with factory() as s:
            result, _ = record_payment(
                s, estate_id, _payment(code), actor_user_id=STEWARD, idempotency_key=f"k-{code}"
            )
            return str(result["receipts"][0]["receipt_no"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(pay, codes))
    assert len(set(numbers)) == 48
    assert sorted(numbers) == [f"2026-{n:06d}" for n in range(1, 49)]
    session.rollback()
    assert account_balances(session, estate_id)["Assets:Bank:Committee"] == 48 * 200


def test_replays_in_parallel_never_pay_twice(session: Session, engine: Engine) -> None:
    estate_id, codes = _setup(session, 1)
    factory = make_session_factory(engine)

    def pay(_: int) -> str:
        with factory() as s:
            try:
                result, _ = record_payment(
                    s,
                    estate_id,
                    _payment(codes[0], "100.00"),
                    actor_user_id=STEWARD,
                    idempotency_key="same-key",
                )
            except TrustfundError as exc:  # "still in progress" is an acceptable answer
                return type(exc).__name__
            return str(result["receipts"][0]["receipt_no"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(pay, range(16)))
    assert "2026-000001" in answers
    assert set(answers) <= {"2026-000001", "ConflictError"}
    session.rollback()
    receipts = session.scalars(select(FeeReceipt)).all()
    assert len(receipts) == 1


def test_concurrent_overpayment_is_refused(session: Session, engine: Engine) -> None:
    """16 clients each try to pay 150 of one household's 200: exactly one succeeds."""
    estate_id, codes = _setup(session, 1)
    factory = make_session_factory(engine)

    def pay(i: int) -> bool:
        with factory() as s:
            try:
                record_payment(
                    s,
                    estate_id,
                    _payment(codes[0], "150.00"),
                    actor_user_id=STEWARD,
                    idempotency_key=f"k{i}",
                )
            except TrustfundError:
                return False
            return True

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert sum(pool.map(pay, range(16))) == 1


def test_racing_refund_requests_and_approvals_post_once(session: Session, engine: Engine) -> None:
    """Eight stewards ask to refund the same household's year at once: one request waits,
    the others are refused (409). Two committee members approve it at the same moment: one
    refund is posted, the other approval is refused."""
    estate_id, codes = _setup(session, 1)
    record_payment(
        session, estate_id, _payment(codes[0]), actor_user_id=STEWARD, idempotency_key="p"
    )
    estate = session.get(Estate, estate_id)
    assert estate is not None
    steward = make_user(session, Role.STEWARD, estate)[0].id
    members = [make_user(session, Role.COMMITTEE, estate)[0].id for _ in range(2)]
    factory = make_session_factory(engine)

    def ask(n: int) -> str:
        with factory() as s:
            try:
                refunds.request_refund(
                    s,
                    estate_id,
                    RefundIn(
                        household_code=codes[0],
                        fee_year=2026,
                        amount="50.00",
                        method="bank_transfer",
                        reason="搬离",
                    ),
                    actor_user_id=steward,
                    idempotency_key=f"ask-{n}",
                )
            except ConflictError:
                return "refused"
            return "asked"

    with ThreadPoolExecutor(max_workers=8) as pool:
        asked = list(pool.map(ask, range(8)))
    assert sorted(asked) == ["asked"] + ["refused"] * 7
    session.rollback()
    row = session.scalars(
        select(FeeRefundRequest).where(FeeRefundRequest.estate_id == estate_id)
    ).one()

    def approve(member: int) -> str:
        with factory() as s:
            principal = load_principal(s, member)
            assert principal is not None
            try:
                refunds.decide(
                    s,
                    estate_id,
                    row.id,
                    principal=principal,
                    decision=approvals.Decision.APPROVE,
                    reason=None,
                )
            except TrustfundError as exc:
                return type(exc).__name__
            return "posted"

    with ThreadPoolExecutor(max_workers=2) as pool:
        decided = list(pool.map(approve, members))
    assert sorted(decided) == ["ConflictError", "posted"], decided
    session.rollback()
    posted = session.scalars(select(FeeRefund).where(FeeRefund.estate_id == estate_id)).all()
    assert [r.amount for r in posted] == [Decimal("50.00")]

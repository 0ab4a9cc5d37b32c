"""Refunds and voids the way the service carries them out: the steward requests, a committee
member approves, and the approval posts — in one transaction, dated ``on`` (as the demo
replays history). For service and model tests that need dated refunds and voids; the API
path is tested in ``test_refund_approval.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_user
from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Role
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.fees import refunds
from trustfund.fees.schemas import RefundIn


def people(session: Session, estate_id: int) -> tuple[int, int]:
    """``(steward id, committee member id)`` of the estate, created on first use."""
    estate = session.get(Estate, estate_id)
    assert estate is not None
    found = []
    for role in (Role.STEWARD, Role.COMMITTEE):
        name = f"mb-{role.value}-{estate_id}"
        user_id = session.scalar(select(User.id).where(User.username == name))
        if user_id is None:
            user_id = make_user(session, role, estate, username=name)[0].id
        found.append(user_id)
    return found[0], found[1]


def _approve(session: Session, row: Any, approver_id: int, on: date | None) -> dict[str, Any]:
    principal = load_principal(session, approver_id)
    assert principal is not None, f"no user {approver_id}"
    with refunds.posting_day(on):
        approvals.decide(
            session,
            refunds.approval_of(session, row).id,
            principal=principal,
            decision=approvals.Decision.APPROVE,
            reason=None,
            content=refunds.content(session, row),
        )
    view = refunds.request_view(session, row)
    session.commit()
    return view


def refund(
    session: Session,
    estate_id: int,
    data: RefundIn,
    *,
    on: date | None = None,
    requested_by: int | None = None,
    approved_by: int | None = None,
) -> dict[str, Any]:
    """Request and approve a refund; returns the refund's view. Raises what ``ask_refund``
    (ValidationError) and the approval (ConflictError, InsufficientFundsError,
    PeriodLockedError) raise; nothing is written then (the caller rolls back)."""
    steward, member = people(session, estate_id)
    row = refunds.ask_refund(session, estate_id, data, actor_user_id=requested_by or steward)
    view = _approve(session, row, approved_by or member, on)
    result: dict[str, Any] = view["refund"]
    return result


def void(
    session: Session,
    estate_id: int,
    receipt_no: str,
    *,
    reason: str,
    on: date | None = None,
    requested_by: int | None = None,
    approved_by: int | None = None,
) -> dict[str, Any]:
    """Request and approve a receipt's void; returns the receipt's view. Raises what
    ``ask_void`` and the approval raise (ConflictError …); nothing is written then."""
    from trustfund.fees.receipt_views import get_receipt, receipt_view

    steward, member = people(session, estate_id)
    row = refunds.ask_void(
        session, estate_id, receipt_no, reason, actor_user_id=requested_by or steward
    )
    _approve(session, row, approved_by or member, on)
    return receipt_view(session, get_receipt(session, estate_id, receipt_no))

"""The repair register (工程维修登记表): work orders reported → assigned → done → settled.

Each step has its date (never before the previous step's). Steps go forward one at a time;
anything else is a 409. Settling needs an approved (or payable, or paid) claim for the work
order. ``reporter`` is staff-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.settlements import (
    Claim,
    ClaimStatus,
    Voucher,
    WorkOrder,
    WorkOrderStatus,
)
from trustfund.db.session import lock_row
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError, raise_if
from trustfund.estates.service import today_in
from trustfund.fields import text
from trustfund.messages import Message
from trustfund.settlements.common import get_estate
from trustfund.settlements.contracts import get_contractor
from trustfund.settlements.schemas import WorkOrderIn, WorkOrderOut, WorkOrderStepIn
from trustfund.settlements.vouchers import IMAGE_TYPES

NEXT: dict[WorkOrderStatus, WorkOrderStatus] = {
    WorkOrderStatus.REPORTED: WorkOrderStatus.ASSIGNED,
    WorkOrderStatus.ASSIGNED: WorkOrderStatus.DONE,
    WorkOrderStatus.DONE: WorkOrderStatus.SETTLED,
}
SETTLING_CLAIMS = (ClaimStatus.APPROVED, ClaimStatus.PAYABLE, ClaimStatus.PAID)


def report(
    session: Session, estate_id: int, data: WorkOrderIn, *, actor_user_id: int | None
) -> WorkOrder:
    """Register a problem. Flushes. Raises ValidationError."""
    errors: list[FieldError] = []
    order = WorkOrder(
        estate_id=estate_id,
        building=text(data.building, "building", errors, limit=20),
        entrance=text(data.entrance, "entrance", errors, limit=10, required=False),
        location=text(data.location, "location", errors, limit=200, required=False),
        problem=text(data.problem, "problem", errors, limit=500),
        reporter=text(data.reporter, "reporter", errors, limit=100, required=False),
        status=WorkOrderStatus.REPORTED,
        reported_on=data.reported_on or today_in(get_estate(session, estate_id)),
        created_by=actor_user_id,
    )
    raise_if(errors, Message("settlements.work_order_invalid"))
    session.add(order)
    session.flush()
    return order


def get_order(session: Session, estate_id: int, order_id: int) -> WorkOrder:
    order = session.get(WorkOrder, order_id)
    if order is None or order.estate_id != estate_id:
        raise NotFoundError(Message("settlements.no_work_order", order_id=order_id))
    return order


def _last_date(order: WorkOrder) -> dt.date:
    return order.settled_on or order.done_on or order.assigned_on or order.reported_on


def advance(session: Session, estate_id: int, order_id: int, step: WorkOrderStepIn) -> WorkOrder:
    """Move the work order one step forward. Flushes. Raises NotFoundError, ConflictError
    (not the next step, no settling claim), ValidationError (date before the previous step,
    missing contractor or claim)."""
    order = lock_row(
        session,
        WorkOrder,
        order_id,
        estate_id=estate_id,
        missing=Message("settlements.no_work_order", order_id=order_id),
    )
    target = WorkOrderStatus(step.status)
    if NEXT.get(order.status) != target:
        raise ConflictError(
            Message(
                "settlements.work_order_step",
                order_id=order.id,
                value=order.status.value,
                value2=target.value,
            )
        )
    on = step.on or today_in(get_estate(session, estate_id))
    if on < _last_date(order):
        raise ValidationError.field("on", Message("input.not_before", day=_last_date(order)))
    if target == WorkOrderStatus.ASSIGNED:
        if step.contractor_id is None:
            raise ValidationError.field("contractor_id", Message("settlements.contractor_required"))
        order.contractor_id = get_contractor(session, estate_id, step.contractor_id).id
        order.assigned_on = on
    elif target == WorkOrderStatus.DONE:
        order.done_on = on
    else:
        if step.claim_id is None:
            raise ValidationError.field("claim_id", Message("settlements.claim_required"))
        claim = session.get(Claim, step.claim_id)
        if claim is None or claim.estate_id != estate_id:
            raise NotFoundError(Message("settlements.no_claim", claim_id=step.claim_id))
        if claim.work_order_id != order.id:
            raise ValidationError.field("claim_id", Message("settlements.claim_of_other_order"))
        if claim.status not in SETTLING_CLAIMS:
            raise ConflictError(
                Message(
                    "settlements.settle_needs_approved_claim",
                    claim_id=claim.id,
                    value=claim.status.value,
                )
            )
        order.claim_id = claim.id
        order.settled_on = on
    order.status = target
    session.flush()
    return order


def order_view(order: WorkOrder, *, photos: list[dict[str, Any]] | None = None) -> WorkOrderOut:
    return {
        "id": order.id,
        "building": order.building,
        "entrance": order.entrance,
        "location": order.location,
        "problem": order.problem,
        "reporter": order.reporter,
        "status": order.status.value,
        "contractor": order.contractor.name if order.contractor else None,
        "reported_on": order.reported_on.isoformat(),
        "assigned_on": order.assigned_on.isoformat() if order.assigned_on else None,
        "done_on": order.done_on.isoformat() if order.done_on else None,
        "settled_on": order.settled_on.isoformat() if order.settled_on else None,
        "claim_id": order.claim_id,
        "photos": photos or [],
    }


def register(session: Session, estate_id: int, *, status: str | None = None) -> list[WorkOrderOut]:
    """The repair register, oldest first (optionally one status)."""
    stmt = select(WorkOrder).where(WorkOrder.estate_id == estate_id)
    if status:
        try:
            stmt = stmt.where(WorkOrder.status == WorkOrderStatus(status))
        except ValueError:
            raise ValidationError.field(
                "status", Message("settlements.work_order_status_invalid")
            ) from None
    rows = session.scalars(stmt.order_by(WorkOrder.reported_on, WorkOrder.id))
    return [order_view(o) for o in rows]


def place(order: WorkOrder) -> str:
    """Where the problem is, as people write it: ``3幢1单元 三楼楼道``."""
    where = f"{order.building}幢" + (f"{order.entrance}单元" if order.entrance else "")
    return f"{where} {order.location}".strip()


def photos(session: Session, order: WorkOrder) -> list[Voucher]:
    """The work order's photos, oldest first."""
    return list(
        session.scalars(
            select(Voucher).where(Voucher.work_order_id == order.id).order_by(Voucher.id)
        )
    )


def free_photos(
    session: Session, order: WorkOrder, *, claim_id: int | None = None
) -> list[Voucher]:
    """The work order's photos (images) that may back claim ``claim_id`` (or a new claim):
    those backing no claim, this claim, or a claim that was voided."""
    live = {
        c.id
        for c in session.scalars(
            select(Claim).where(Claim.work_order_id == order.id, Claim.status != ClaimStatus.VOID)
        )
        if c.id != claim_id
    }
    return [
        v
        for v in photos(session, order)
        if v.content_type in IMAGE_TYPES and (v.claim_id is None or v.claim_id not in live)
    ]


def claim_defaults(session: Session, estate_id: int, order_id: int) -> dict[str, Any]:
    """What a claim for this work order starts from, so the steward only confirms the amount:
    the contractor as payee, the place and problem as the description and the one line
    (1 项), the day the work was done (else today), maintenance repairs, and the photos that
    back no other claim yet. The reporter (staff-only, maybe a resident's name) is left out:
    the description goes into the public ledger. Everything is checked again when the claim
    is saved. Raises NotFoundError."""
    order = get_order(session, estate_id, order_id)
    return {
        "payee": order.contractor.name if order.contractor else "",
        "contractor_id": order.contractor_id,
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": f"{place(order)} {order.problem}".strip()[:300],
        "line_description": order.problem[:200],
        "work_date": order.done_on or today_in(get_estate(session, estate_id)),
        "work_order_id": order.id,
        "photo_ids": [v.id for v in free_photos(session, order)],
    }

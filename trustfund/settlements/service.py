"""The settlement commands: one request or CLI call each, one transaction each (``@command``
commits on return, rolls back on error). They call the building blocks and return the typed
views of ``settlements.schemas``. Errors are those of the building blocks they call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.db.session import command
from trustfund.messages import Message
from trustfund.settlements import claims, contracts, goods, vouchers, workorders
from trustfund.settlements.schemas import (
    ClaimIn,
    ClaimOut,
    ContractIn,
    ContractorIn,
    ContractorOut,
    ContractOut,
    GoodsSlipIn,
    GoodsSlipOut,
    VoucherOut,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderStepIn,
)


@command
def add_contractor(session: Session, estate_id: int, data: ContractorIn) -> ContractorOut:
    return contracts.contractor_view(contracts.add_contractor(session, estate_id, data))


@command
def add_contract(
    session: Session, estate_id: int, data: ContractIn, actor: int | None
) -> ContractOut:
    contract = contracts.add_contract(session, estate_id, data, actor_user_id=actor)
    return contracts.contract_view(session, contract)


@command
def update_contract(
    session: Session, estate_id: int, contract_id: int, data: ContractIn, actor: int
) -> ContractOut:
    contract = contracts.update_contract(session, estate_id, contract_id, data, actor_user_id=actor)
    return contracts.contract_view(session, contract)


@command
def submit_contract(
    session: Session, estate_id: int, contract_id: int, actor: int
) -> ApprovalRequestOut:
    request = contracts.submit_contract(session, estate_id, contract_id, actor_user_id=actor)
    return approvals.request_view(request)


@command
def report_work(
    session: Session, estate_id: int, data: WorkOrderIn, actor: int | None
) -> WorkOrderOut:
    return workorders.order_view(workorders.report(session, estate_id, data, actor_user_id=actor))


@command
def advance_work(
    session: Session, estate_id: int, order_id: int, step: WorkOrderStepIn
) -> WorkOrderOut:
    return workorders.order_view(workorders.advance(session, estate_id, order_id, step))


@command
def add_photo(
    session: Session,
    var_dir: Path,
    estate_id: int,
    order_id: int,
    data: bytes,
    filename: str,
    actor: int | None,
) -> VoucherOut:
    order = workorders.get_order(session, estate_id, order_id)
    voucher = vouchers.add_voucher(
        session,
        var_dir,
        estate_id,
        data,
        filename,
        work_order_id=order.id,
        images_only=True,
        actor_user_id=actor,
    )
    return vouchers.voucher_view(voucher, staff=True)


@command
def create_claim(session: Session, estate_id: int, data: ClaimIn, actor: int | None) -> ClaimOut:
    claim = claims.create_claim(session, estate_id, data, actor_user_id=actor)
    return claims.claim_view(session, claim)


@command
def update_claim(
    session: Session, estate_id: int, claim_id: int, data: ClaimIn, actor: int
) -> ClaimOut:
    claim = claims.update_claim(session, estate_id, claim_id, data, actor_user_id=actor)
    return claims.claim_view(session, claim)


@command
def submit_claim(session: Session, estate_id: int, claim_id: int, actor: int) -> ClaimOut:
    claims.submit_claim(session, estate_id, claim_id, actor_user_id=actor)
    return claims.claim_view(session, claims.get_claim(session, estate_id, claim_id))


@command
def void_claim(session: Session, estate_id: int, claim_id: int) -> ClaimOut:
    return claims.claim_view(session, claims.void_claim(session, estate_id, claim_id))


@command
def add_claim_voucher(
    session: Session,
    var_dir: Path,
    estate_id: int,
    claim_id: int,
    data: bytes,
    filename: str,
    actor: int | None,
) -> VoucherOut:
    claim = claims.get_claim(session, estate_id, claim_id)
    voucher = vouchers.add_voucher(
        session, var_dir, estate_id, data, filename, claim_id=claim.id, actor_user_id=actor
    )
    if actor is not None:
        # The evidence is part of what is approved: whoever adds it may not decide the claim.
        approvals.record_participant(session, estate_id, "claim", claim.id, actor, "editor")
    return vouchers.voucher_view(voucher, staff=True)


@command
def mark_voucher(session: Session, estate_id: int, voucher_id: int, public: bool) -> VoucherOut:
    return vouchers.voucher_view(
        vouchers.set_public(session, estate_id, voucher_id, public), staff=True
    )


@command
def record_slip(
    session: Session, estate_id: int, data: GoodsSlipIn, actor: int | None
) -> GoodsSlipOut:
    return goods.slip_view(goods.record_slip(session, estate_id, data, actor_user_id=actor))


def parse_date(value: str | None, field: str) -> dt.date | None:
    from trustfund.errors import ValidationError

    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError.field(field, Message("settlements.date_yyyy_mm_dd")) from None

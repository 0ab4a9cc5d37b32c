"""Entry points of one request or command each: they call the building blocks, commit and
return JSON-ready views. Errors are those of the building blocks they call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.settlements import claims, contracts, goods, vouchers, workorders
from trustfund.settlements.schemas import (
    ClaimIn,
    ContractIn,
    ContractorIn,
    GoodsSlipIn,
    WorkOrderIn,
    WorkOrderStepIn,
)


def add_contractor(session: Session, estate_id: int, data: ContractorIn) -> dict[str, Any]:
    view = contracts.contractor_view(contracts.add_contractor(session, estate_id, data))
    session.commit()
    return view


def add_contract(
    session: Session, estate_id: int, data: ContractIn, actor: int | None
) -> dict[str, Any]:
    contract = contracts.add_contract(session, estate_id, data, actor_user_id=actor)
    view = contracts.contract_view(session, contract)
    session.commit()
    return view


def update_contract(
    session: Session, estate_id: int, contract_id: int, data: ContractIn, actor: int
) -> dict[str, Any]:
    contract = contracts.update_contract(session, estate_id, contract_id, data, actor_user_id=actor)
    view = contracts.contract_view(session, contract)
    session.commit()
    return view


def submit_contract(
    session: Session, estate_id: int, contract_id: int, actor: int
) -> dict[str, Any]:
    request = contracts.submit_contract(session, estate_id, contract_id, actor_user_id=actor)
    view = approvals.request_view(request)
    session.commit()
    return view


def report_work(
    session: Session, estate_id: int, data: WorkOrderIn, actor: int | None
) -> dict[str, Any]:
    view = workorders.order_view(workorders.report(session, estate_id, data, actor_user_id=actor))
    session.commit()
    return view


def advance_work(
    session: Session, estate_id: int, order_id: int, step: WorkOrderStepIn
) -> dict[str, Any]:
    view = workorders.order_view(workorders.advance(session, estate_id, order_id, step))
    session.commit()
    return view


def add_photo(
    session: Session,
    var_dir: Path,
    estate_id: int,
    order_id: int,
    data: bytes,
    filename: str,
    actor: int | None,
) -> dict[str, Any]:
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
    view = vouchers.voucher_view(voucher, staff=True)
    session.commit()
    return view


def create_claim(
    session: Session, estate_id: int, data: ClaimIn, actor: int | None
) -> dict[str, Any]:
    claim = claims.create_claim(session, estate_id, data, actor_user_id=actor)
    view = claims.claim_view(session, claim)
    session.commit()
    return view


def update_claim(
    session: Session, estate_id: int, claim_id: int, data: ClaimIn, actor: int
) -> dict[str, Any]:
    claim = claims.update_claim(session, estate_id, claim_id, data, actor_user_id=actor)
    view = claims.claim_view(session, claim)
    session.commit()
    return view


def submit_claim(session: Session, estate_id: int, claim_id: int, actor: int) -> dict[str, Any]:
    claims.submit_claim(session, estate_id, claim_id, actor_user_id=actor)
    view = claims.claim_view(session, claims.get_claim(session, estate_id, claim_id))
    session.commit()
    return view


def void_claim(session: Session, estate_id: int, claim_id: int) -> dict[str, Any]:
    view = claims.claim_view(session, claims.void_claim(session, estate_id, claim_id))
    session.commit()
    return view


def add_claim_voucher(
    session: Session,
    var_dir: Path,
    estate_id: int,
    claim_id: int,
    data: bytes,
    filename: str,
    actor: int | None,
) -> dict[str, Any]:
    claim = claims.get_claim(session, estate_id, claim_id)
    voucher = vouchers.add_voucher(
        session, var_dir, estate_id, data, filename, claim_id=claim.id, actor_user_id=actor
    )
    if actor is not None:
        # The evidence is part of what is approved: whoever adds it may not decide the claim.
        approvals.record_participant(session, estate_id, "claim", claim.id, actor, "editor")
    view = vouchers.voucher_view(voucher, staff=True)
    session.commit()
    return view


def mark_voucher(session: Session, estate_id: int, voucher_id: int, public: bool) -> dict[str, Any]:
    view = vouchers.voucher_view(
        vouchers.set_public(session, estate_id, voucher_id, public), staff=True
    )
    session.commit()
    return view


def record_slip(
    session: Session, estate_id: int, data: GoodsSlipIn, actor: int | None
) -> dict[str, Any]:
    view = goods.slip_view(goods.record_slip(session, estate_id, data, actor_user_id=actor))
    session.commit()
    return view


def parse_date(value: str | None, field: str) -> dt.date | None:
    from trustfund.errors import ValidationError

    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError.field(field, "a date YYYY-MM-DD") from None

"""Contractors (承揽方) and their one-year repair contracts (维修承揽合同), approved by the
committee through ``trustfund.approvals`` (subject kind ``contract``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.db.base import ZERO
from trustfund.db.models.approvals import ApprovalRequest, RequestStatus
from trustfund.db.models.settlements import Contractor, ContractStatus, RepairContract
from trustfund.errors import ConflictError, FieldError, NotFoundError, raise_if
from trustfund.fields import money, text
from trustfund.ledger.money import money_text
from trustfund.messages import Message
from trustfund.settlements.schemas import ContractIn, ContractorIn, ContractorOut, ContractOut


def add_contractor(session: Session, estate_id: int, data: ContractorIn) -> Contractor:
    """Flushes. Raises ValidationError, ConflictError (name exists)."""
    errors: list[FieldError] = []
    name = text(data.name, "name", errors, limit=100)
    code = text(data.credit_code, "credit_code", errors, limit=30, required=False)
    contact = text(data.contact, "contact", errors, limit=100, required=False)
    raise_if(errors)
    if session.scalar(
        select(Contractor.id).where(Contractor.estate_id == estate_id, Contractor.name == name)
    ):
        raise ConflictError(Message("settlements.contractor_exists", name=name))
    contractor = Contractor(estate_id=estate_id, name=name, credit_code=code, contact=contact)
    session.add(contractor)
    session.flush()
    return contractor


def get_contractor(session: Session, estate_id: int, contractor_id: int) -> Contractor:
    contractor = session.get(Contractor, contractor_id)
    if contractor is None or contractor.estate_id != estate_id:
        raise NotFoundError(Message("settlements.no_contractor", contractor_id=contractor_id))
    return contractor


def contractor_view(c: Contractor) -> ContractorOut:
    return {"id": c.id, "name": c.name, "credit_code": c.credit_code, "contact": c.contact}


def list_contractors(session: Session, estate_id: int) -> list[ContractorOut]:
    rows = session.scalars(
        select(Contractor).where(Contractor.estate_id == estate_id).order_by(Contractor.name)
    )
    return [contractor_view(c) for c in rows]


def one_year_after(start: dt.date) -> dt.date:
    """The last day of a one-year term: 2026-01-01 → 2026-12-31; 2024-02-29 → 2025-02-27."""
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28) - dt.timedelta(days=1)


def _apply(session: Session, estate_id: int, contract: RepairContract, data: ContractIn) -> None:
    errors: list[FieldError] = []
    contractor = get_contractor(session, estate_id, data.contractor_id)
    title = text(data.title, "title", errors, limit=200)
    scope = text(data.scope, "scope", errors, limit=4000)
    ends_on = data.ends_on or one_year_after(data.starts_on)
    if ends_on <= data.starts_on:
        errors.append(FieldError("ends_on", Message("settlements.ends_before_start")))
    elif ends_on > one_year_after(data.starts_on):
        errors.append(FieldError("ends_on", Message("settlements.contract_too_long")))
    estimate = None
    if data.estimated_amount is not None:
        estimate = money(data.estimated_amount, "estimated_amount", errors)
    raise_if(errors, Message("settlements.contract_invalid"))
    contract.contractor_id = contractor.id
    contract.title, contract.scope = title, scope
    contract.starts_on, contract.ends_on = data.starts_on, ends_on
    contract.estimated_amount = estimate


def contract_content(contract: RepairContract) -> dict[str, Any]:
    """What the committee's approval is bound to."""
    return {
        "contractor_id": contract.contractor_id,
        "title": contract.title,
        "scope": contract.scope,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "estimated_amount": contract.estimated_amount,
    }


def add_contract(
    session: Session, estate_id: int, data: ContractIn, *, actor_user_id: int | None
) -> RepairContract:
    """A draft contract. Flushes. Raises ValidationError, NotFoundError (contractor)."""
    contract = RepairContract(
        estate_id=estate_id, status=ContractStatus.DRAFT, created_by=actor_user_id
    )
    _apply(session, estate_id, contract, data)
    session.add(contract)
    session.flush()
    if actor_user_id is not None:
        approvals.record_participant(
            session, estate_id, "contract", contract.id, actor_user_id, "author"
        )
    return contract


def get_contract(session: Session, estate_id: int, contract_id: int) -> RepairContract:
    contract = session.get(RepairContract, contract_id)
    if contract is None or contract.estate_id != estate_id:
        raise NotFoundError(Message("settlements.no_contract", contract_id=contract_id))
    return contract


def update_contract(
    session: Session, estate_id: int, contract_id: int, data: ContractIn, *, actor_user_id: int
) -> RepairContract:
    """Edit a contract: any approval is void and it returns to draft; the editor can never
    approve it. Flushes."""
    contract = get_contract(session, estate_id, contract_id)
    _apply(session, estate_id, contract, data)
    approvals.void_for_subject(session, "contract", contract.id, reason="the contract was edited")
    approvals.record_participant(
        session, estate_id, "contract", contract.id, actor_user_id, "editor"
    )
    contract.status = ContractStatus.DRAFT
    session.flush()
    return contract


def submit_contract(
    session: Session, estate_id: int, contract_id: int, *, actor_user_id: int
) -> ApprovalRequest:
    """Ask the committee to approve the contract. Flushes. Raises ConflictError (approved)."""
    contract = get_contract(session, estate_id, contract_id)
    if contract.status == ContractStatus.APPROVED:
        raise ConflictError(Message("settlements.contract_approved"))
    request = approvals.submit(
        session,
        estate_id,
        subject_kind="contract",
        subject_id=contract.id,
        content=contract_content(contract),
        amount=contract.estimated_amount or ZERO,
        submitted_by=actor_user_id,
    )
    contract.status = ContractStatus.SUBMITTED
    session.flush()
    return request


def contract_view(session: Session, contract: RepairContract) -> ContractOut:
    request = approvals.current_request(session, "contract", contract.id)
    return {
        "id": contract.id,
        "contractor": contractor_view(contract.contractor),
        "title": contract.title,
        "scope": contract.scope,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "estimated_amount": None
        if contract.estimated_amount is None
        else money_text(contract.estimated_amount),
        "status": contract.status.value,
        "approval_request_id": request.id if request else None,
    }


def list_contracts(session: Session, estate_id: int) -> list[ContractOut]:
    rows = session.scalars(
        select(RepairContract)
        .where(RepairContract.estate_id == estate_id)
        .order_by(RepairContract.starts_on.desc(), RepairContract.id)
    )
    return [contract_view(session, c) for c in rows]


def contract_in_force(
    session: Session, estate_id: int, contractor_id: int, on: dt.date
) -> RepairContract | None:
    return session.scalars(
        select(RepairContract).where(
            RepairContract.estate_id == estate_id,
            RepairContract.contractor_id == contractor_id,
            RepairContract.status == ContractStatus.APPROVED,
            RepairContract.starts_on <= on,
            RepairContract.ends_on >= on,
        )
    ).first()


def _after(session: Session, request: ApprovalRequest) -> None:
    contract = session.get(RepairContract, request.subject_id)
    if contract is None:
        return
    if request.status == RequestStatus.APPROVED:
        contract.status = ContractStatus.APPROVED
    elif request.status == RequestStatus.REJECTED:
        contract.status = ContractStatus.REJECTED


approvals.register_subject(
    "contract",
    content=approvals.row_content(RepairContract, contract_content),
    after_decision=_after,
)

"""The autonomy-fund commands and queries, one request or CLI call each. Commands
(``@command``) are one transaction each: they commit on return and roll back on error.
They return the typed views of ``grants.schemas``. Errors are those of the building blocks
they call; the money moving ones take a request ``Idempotency-Key`` (``run_idempotent``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Principal
from trustfund.db.models.estates import Estate
from trustfund.db.session import command
from trustfund.grants import disbursements, gifts, projects, settlement, transfers
from trustfund.grants.common import get_project, get_source
from trustfund.grants.reports import project_report, source_report
from trustfund.grants.schemas import (
    BudgetRevisionIn,
    DisbursementIn,
    DisbursementOut,
    GiftIn,
    GiftOut,
    InKindIn,
    InKindOut,
    ProjectIn,
    ProjectOut,
    SettleIn,
    SettlementOut,
    SourceIn,
    SourceOut,
    TransferIn,
    TransferOut,
)
from trustfund.journal.idempotency import run_idempotent


@command
def add_source(session: Session, estate_id: int, data: SourceIn, actor: int) -> SourceOut:
    return gifts.source_view(
        gifts.add_source(session, estate_id, data, actor_user_id=actor), staff=True
    )


def list_sources(session: Session, estate_id: int) -> list[SourceOut]:
    return [gifts.source_view(s, staff=True) for s in gifts.list_sources(session, estate_id)]


@command
def record_gift(
    session: Session, estate_id: int, data: GiftIn, actor: int, key: str | None
) -> tuple[GiftOut, bool]:
    return run_idempotent(
        session,
        scope=f"grants.gift:{estate_id}",
        key=key,
        fingerprint=data.model_dump(mode="json"),
        action=lambda: gifts.gift_view(
            gifts.record_gift(session, estate_id, data, actor_user_id=actor), staff=True
        ),
    )


def list_gifts(session: Session, estate_id: int) -> list[GiftOut]:
    return [gifts.gift_view(g, staff=True) for g in gifts.list_gifts(session, estate_id)]


@command
def record_in_kind(
    session: Session, estate_id: int, data: InKindIn, actor: int, key: str | None
) -> tuple[InKindOut, bool]:
    return run_idempotent(
        session,
        scope=f"grants.in_kind:{estate_id}",
        key=key,
        fingerprint=data.model_dump(mode="json"),
        action=lambda: gifts.in_kind_view(
            gifts.record_in_kind(session, estate_id, data, actor_user_id=actor), staff=True
        ),
    )


def list_in_kind(session: Session, estate_id: int) -> list[InKindOut]:
    return [gifts.in_kind_view(g, staff=True) for g in gifts.list_in_kind(session, estate_id)]


@command
def create_project(session: Session, estate_id: int, data: ProjectIn, actor: int) -> ProjectOut:
    project = projects.create_project(session, estate_id, data, actor_user_id=actor)
    return projects.project_view(session, project)


@command
def update_project(
    session: Session, estate_id: int, project_id: int, data: ProjectIn, actor: int
) -> ProjectOut:
    project = projects.update_project(session, estate_id, project_id, data, actor_user_id=actor)
    return projects.project_view(session, project)


def show_project(session: Session, estate_id: int, project_id: int) -> ProjectOut:
    return projects.project_view(session, get_project(session, estate_id, project_id))


def list_projects(session: Session, estate_id: int) -> list[ProjectOut]:
    return [projects.project_view(session, p) for p in projects.list_projects(session, estate_id)]


@command
def submit_project(session: Session, estate_id: int, project_id: int, actor: int) -> ProjectOut:
    projects.submit_project(session, estate_id, project_id, actor_user_id=actor)
    return projects.project_view(session, get_project(session, estate_id, project_id))


def decide(
    session: Session,
    estate_id: int,
    subject_kind: str,
    subject_id: int,
    principal: Principal,
    decision: str,
    reason: str | None,
) -> ApprovalRequestOut:
    request = projects.decide(
        session,
        estate_id,
        subject_kind,
        subject_id,
        principal=principal,
        decision=decision,
        reason=reason,
    )
    return approvals.request_view(request)


@command
def propose_budget(
    session: Session, estate_id: int, project_id: int, data: BudgetRevisionIn, actor: int
) -> ProjectOut:
    projects.propose_budget(session, estate_id, project_id, data, actor_user_id=actor)
    return projects.project_view(session, get_project(session, estate_id, project_id))


@command
def disburse(
    session: Session,
    estate_id: int,
    project_id: int,
    data: DisbursementIn,
    actor: int,
    key: str | None,
) -> tuple[DisbursementOut, bool]:
    return run_idempotent(
        session,
        scope=f"grants.disburse:{estate_id}",
        key=key,
        fingerprint={"project_id": project_id, **data.model_dump(mode="json")},
        action=lambda: disbursements.disbursement_view(
            session,
            disbursements.disburse(session, estate_id, project_id, data, actor_user_id=actor),
        ),
    )


@command
def settle(
    session: Session, estate_id: int, project_id: int, data: SettleIn, actor: int
) -> SettlementOut:
    project = settlement.settle(
        session,
        estate_id,
        project_id,
        settled_on=data.settled_on,
        note_text=data.note,
        actor_user_id=actor,
    )
    view: SettlementOut = settlement.as_json(settlement.settlement(session, project))
    return view


def show_settlement(session: Session, estate_id: int, project_id: int) -> SettlementOut:
    project = get_project(session, estate_id, project_id)
    view: SettlementOut = settlement.as_json(settlement.settlement(session, project))
    return view


@command
def propose_transfer(session: Session, estate_id: int, data: TransferIn, actor: int) -> TransferOut:
    transfer = transfers.propose(session, estate_id, data, actor_user_id=actor)
    return transfers.transfer_view(session, transfer)


def list_transfers(session: Session, estate_id: int) -> list[TransferOut]:
    return [
        transfers.transfer_view(session, t) for t in transfers.list_transfers(session, estate_id)
    ]


@command
def post_transfer(
    session: Session, estate_id: int, transfer_id: int, actor: int, key: str | None
) -> tuple[TransferOut, bool]:
    return run_idempotent(
        session,
        scope=f"grants.transfer:{estate_id}",
        key=key,
        fingerprint={"transfer_id": transfer_id},
        action=lambda: transfers.transfer_view(
            session, transfers.execute(session, estate_id, transfer_id, actor_user_id=actor)
        ),
    )


def report(
    session: Session, estate: Estate, *, project_id: int | None = None, source_id: int | None = None
) -> dict[str, Any]:
    """The funder report of a project or a source (reads only). Raises NotFoundError."""
    if project_id is not None:
        project = get_project(session, estate.id, project_id)
        result: dict[str, Any] = project_report(session, estate, project)
        return result
    assert source_id is not None
    source = get_source(session, estate.id, source_id)
    found: dict[str, Any] = source_report(session, estate, source)
    return found

"""Projects: application (title, purpose, applicant, budget lines, funding plan) → the
council's decision (approval subject kind ``project``) → implementation → settlement →
closing; budget revisions of an approved project (subject kind ``budget``).

Status machine (every transition is kept in ``grant_project_events`` with who, when, why)::

    draft → submitted → approved → implementing → settled → closed
       ↖ (edit)  ↘ rejected ─(edit)→ draft

An application can be edited until it is approved; an edit voids its approval request.
After approval the budget changes only through a revision the council approves; until
then the approved amounts are the spending limits (``approved_amount`` per line).

Every project has its own restricted sub-fund ``autonomy:<CODE>`` (its accounts are opened
on the application date), so the ledger's fund check keeps its money apart.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest, RequestStatus
from trustfund.db.base import ZERO, utcnow
from trustfund.db.models.auth import User
from trustfund.db.models.grants import (
    BudgetLine,
    BudgetRevision,
    FundingPlanItem,
    GrantProject,
    GrantSource,
    ProjectEvent,
    ProjectStatus,
    RevisionStatus,
)
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError, raise_if
from trustfund.fields import text
from trustfund.grants.common import (
    ACTIVE,
    STATUS_ZH,
    fund_of_project,
    get_project,
    lock_project,
    money,
    move,
    note,
)
from trustfund.grants.schemas import BudgetRevisionIn, ProjectEventOut, ProjectIn, ProjectOut
from trustfund.journal.chart import open_project_fund
from trustfund.ledger.accounts import project_fund
from trustfund.ledger.money import money_text
from trustfund.messages import Message, reason_of

PROJECT = "project"
BUDGET = "budget"
EDITABLE = (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED)
MAX_LINES = 50


def _lines_and_plan(
    session: Session, estate_id: int, data: ProjectIn, errors: list[FieldError]
) -> tuple[list[BudgetLine], list[FundingPlanItem]]:
    if not data.lines:
        errors.append(FieldError("lines", Message("grants.line_required")))
    if len(data.lines) > MAX_LINES:
        errors.append(
            FieldError("lines", Message("settlements.too_many_lines", max_lines=MAX_LINES))
        )
    lines = [
        BudgetLine(
            position=i,
            description=text(raw.description, f"lines[{i}].description", errors, limit=200),
            amount=money(raw.amount, f"lines[{i}].amount", errors),
        )
        for i, raw in enumerate(data.lines)
    ]
    plan = []
    for i, item in enumerate(data.plan):
        source = session.get(GrantSource, item.source_id)
        if source is None or source.estate_id != estate_id:
            errors.append(FieldError(f"plan[{i}].source_id", Message("grants.no_such_source")))
        plan.append(
            FundingPlanItem(
                position=i,
                source_id=item.source_id,
                amount=money(item.amount, f"plan[{i}].amount", errors),
            )
        )
    return lines, plan


def _apply(session: Session, estate_id: int, project: GrantProject, data: ProjectIn) -> None:
    errors: list[FieldError] = []
    project.title = text(data.title, "title", errors, limit=100)
    project.purpose = text(data.purpose, "purpose", errors, limit=2000)
    project.applicant = text(data.applicant, "applicant", errors, limit=100)
    project.applied_on = data.applied_on
    lines, plan = _lines_and_plan(session, estate_id, data, errors)
    raise_if(errors, Message("grants.application_invalid"))
    project.lines.clear()
    project.plan.clear()
    session.flush()
    project.lines.extend(lines)
    project.plan.extend(plan)


def create_project(
    session: Session, estate_id: int, data: ProjectIn, *, actor_user_id: int | None
) -> GrantProject:
    """A draft application and its sub-fund's accounts. Flushes. Raises ValidationError,
    ConflictError (the code is taken)."""
    code = data.code.strip()
    try:
        project_fund(code)
    except ValueError as exc:
        raise ValidationError.field("code", reason_of(exc)) from exc
    project = GrantProject(
        estate_id=estate_id, code=code, status=ProjectStatus.DRAFT, created_by=actor_user_id
    )
    _apply(session, estate_id, project, data)
    try:
        with session.begin_nested():
            session.add(project)
            session.flush()
    except IntegrityError:
        raise ConflictError(Message("grants.code_taken", code=code)) from None
    session.add(
        ProjectEvent(
            project_id=project.id,
            from_status=None,
            to_status=ProjectStatus.DRAFT.value,
            at=utcnow(),
            by_user_id=actor_user_id,
            reason="登记项目申请",
        )
    )
    open_project_fund(session, estate_id, code, project.title, on=data.applied_on)
    session.flush()
    if actor_user_id is not None:
        approvals.record_participant(
            session, estate_id, PROJECT, project.id, actor_user_id, "author"
        )
    return project


def update_project(
    session: Session,
    estate_id: int,
    project_id: int,
    data: ProjectIn,
    *,
    actor_user_id: int | None,
) -> GrantProject:
    """Edit an application that is not yet approved; its approval request becomes void and
    it returns to draft. Flushes. Raises NotFoundError, ConflictError, ValidationError."""
    project = lock_project(session, estate_id, project_id)
    if project.status not in EDITABLE:
        raise ConflictError(
            Message("grants.budget_needs_revision", code=project.code, status=project.status.value)
        )
    if data.code.strip() != project.code:
        raise ValidationError.field("code", Message("grants.code_fixed"))
    _apply(session, estate_id, project, data)
    approvals.void_for_subject(session, PROJECT, project.id, reason="the application was edited")
    if actor_user_id is not None:
        approvals.record_participant(
            session, estate_id, PROJECT, project.id, actor_user_id, "editor"
        )
    move(session, project, ProjectStatus.DRAFT, by=actor_user_id, reason="修改项目申请")
    session.flush()
    return project


def project_content(project: GrantProject) -> dict[str, Any]:
    """What the council's decision is bound to."""
    return {
        "code": project.code,
        "title": project.title,
        "purpose": project.purpose,
        "applicant": project.applicant,
        "applied_on": project.applied_on,
        "lines": [
            {"position": line.position, "description": line.description, "amount": line.amount}
            for line in project.lines
        ],
        "plan": [{"source_id": p.source_id, "amount": p.amount} for p in project.plan],
    }


def budget_total(project: GrantProject) -> Decimal:
    return sum((line.amount for line in project.lines), ZERO)


def submit_project(
    session: Session, estate_id: int, project_id: int, *, actor_user_id: int
) -> ApprovalRequest:
    """Submit a draft (or rejected) application to the council. Flushes.
    Raises NotFoundError, ConflictError."""
    project = lock_project(session, estate_id, project_id)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.REJECTED):
        raise ConflictError(
            Message("grants.not_submittable", code=project.code, status=project.status.value)
        )
    request = approvals.submit(
        session,
        estate_id,
        subject_kind=PROJECT,
        subject_id=project.id,
        content=project_content(project),
        amount=budget_total(project),
        submitted_by=actor_user_id,
    )
    move(
        session,
        project,
        ProjectStatus.SUBMITTED,
        by=actor_user_id,
        reason=f"提交理事会决定（{request.rule_label}）",
    )
    session.flush()
    return request


def _decider(request: ApprovalRequest) -> int | None:
    return request.decisions[-1].user_id if request.decisions else request.vote_recorded_by


def _after_project(session: Session, request: ApprovalRequest) -> None:
    project = session.get(GrantProject, request.subject_id)
    if project is None or project.status != ProjectStatus.SUBMITTED:
        return
    if request.status == RequestStatus.APPROVED:
        for line in project.lines:
            line.approved_amount = line.amount
        move(session, project, ProjectStatus.APPROVED, by=_decider(request), reason="理事会批准")
    elif request.status == RequestStatus.REJECTED:
        reasons = [d.reason for d in request.decisions if d.reason]
        why = reasons[-1] if reasons else "业主表决未通过"
        move(
            session,
            project,
            ProjectStatus.REJECTED,
            by=_decider(request),
            reason=f"未获批准：{why}",
        )
    session.flush()


# --- budget revisions -------------------------------------------------------------------


def committed(session: Session, line_id: int, *, exclude_claim_id: int | None = None) -> Decimal:
    """What claims charged to the line take (every claim neither void nor rejected)."""
    from trustfund.grants.disbursements import committed_on_line

    return committed_on_line(session, line_id, exclude_claim_id=exclude_claim_id)


def propose_budget(
    session: Session,
    estate_id: int,
    project_id: int,
    data: BudgetRevisionIn,
    *,
    actor_user_id: int,
) -> BudgetRevision:
    """A new budget for an approved project, submitted to the council (kind ``budget``).
    Lines not named keep their amount; a line cannot go below what is already committed.
    A pending revision of the same project is voided. Flushes.
    Raises NotFoundError, ConflictError, ValidationError."""
    project = lock_project(session, estate_id, project_id)
    if project.status not in ACTIVE:
        raise ConflictError(
            Message("grants.not_revisable", code=project.code, status=project.status.value)
        )
    errors: list[FieldError] = []
    reason = text(data.reason, "reason", errors, limit=500)
    if not data.lines:
        errors.append(FieldError("lines", Message("grants.revision_empty")))
    by_id = {line.id: line for line in project.lines}
    new_amounts = {line.id: line.approved_amount or line.amount for line in project.lines}
    added: list[dict[str, Any]] = []
    seen: set[int] = set()
    for i, raw in enumerate(data.lines):
        amount = money(raw.amount, f"lines[{i}].amount", errors, positive=False)
        if raw.line_id is None:
            description = text(raw.description, f"lines[{i}].description", errors, limit=200)
            if amount == ZERO:
                errors.append(FieldError(f"lines[{i}].amount", Message("grants.new_line_amount")))
            added.append({"line_id": None, "description": description, "amount": amount})
            continue
        line = by_id.get(raw.line_id)
        if line is None:
            errors.append(FieldError(f"lines[{i}].line_id", Message("grants.no_such_line")))
            continue
        if raw.line_id in seen:
            errors.append(FieldError(f"lines[{i}].line_id", Message("grants.line_twice")))
        seen.add(raw.line_id)
        taken = committed(session, line.id)
        if amount < taken:
            errors.append(
                FieldError(
                    f"lines[{i}].amount",
                    Message("grants.line_below_taken", taken=taken),
                )
            )
        new_amounts[line.id] = amount
    raise_if(errors, Message("grants.budget_revision_invalid"))
    lines = [
        {"line_id": line.id, "description": line.description, "amount": new_amounts[line.id]}
        for line in project.lines
    ] + added
    total = sum((x["amount"] for x in lines), ZERO)
    for old in session.scalars(
        select(BudgetRevision).where(
            BudgetRevision.project_id == project.id,
            BudgetRevision.status == RevisionStatus.PENDING,
        )
    ):
        old.status = RevisionStatus.VOID
        old.decided_at = utcnow()
        approvals.void_for_subject(session, BUDGET, old.id, reason="superseded by a new revision")
    revision = BudgetRevision(
        estate_id=estate_id,
        project_id=project.id,
        reason=reason,
        lines_json=json.dumps(
            [{**x, "amount": str(x["amount"])} for x in lines], ensure_ascii=False
        ),
        total=total,
        status=RevisionStatus.PENDING,
        created_by=actor_user_id,
    )
    session.add(revision)
    session.flush()
    request = approvals.submit(
        session,
        estate_id,
        subject_kind=BUDGET,
        subject_id=revision.id,
        content=revision_content(revision),
        amount=total,
        submitted_by=actor_user_id,
    )
    note(
        session,
        project,
        by=actor_user_id,
        reason=f"提交预算调整 #{revision.id}（合计 {total}）：{reason}（{request.rule_label}）",
    )
    session.flush()
    return revision


def revision_lines(revision: BudgetRevision) -> list[dict[str, Any]]:
    raw: list[dict[str, Any]] = json.loads(revision.lines_json)
    return [{**x, "amount": Decimal(x["amount"])} for x in raw]


def revision_content(revision: BudgetRevision) -> dict[str, Any]:
    return {
        "project_id": revision.project_id,
        "reason": revision.reason,
        "lines": revision_lines(revision),
        "total": revision.total,
    }


def _after_budget(session: Session, request: ApprovalRequest) -> None:
    revision = session.get(BudgetRevision, request.subject_id)
    if revision is None or revision.status != RevisionStatus.PENDING:
        return
    project = session.get(GrantProject, revision.project_id)
    assert project is not None
    revision.decided_at = utcnow()
    if request.status == RequestStatus.REJECTED:
        revision.status = RevisionStatus.REJECTED
        note(session, project, by=_decider(request), reason=f"预算调整 #{revision.id} 未获批准")
        session.flush()
        return
    if request.status != RequestStatus.APPROVED:
        return
    revision.status = RevisionStatus.APPROVED
    by_id = {line.id: line for line in project.lines}
    position = max((line.position for line in project.lines), default=-1)
    for item in revision_lines(revision):
        line = by_id.get(item["line_id"]) if item["line_id"] is not None else None
        if line is None:
            position += 1
            project.lines.append(
                BudgetLine(
                    position=position,
                    description=item["description"],
                    amount=item["amount"],
                    approved_amount=item["amount"],
                )
            )
        else:
            line.amount = line.approved_amount = item["amount"]
    note(
        session,
        project,
        by=_decider(request),
        reason=f"预算调整 #{revision.id} 获理事会批准（合计 {revision.total}）",
    )
    session.flush()


# --- decisions, reading -----------------------------------------------------------------


def decide(
    session: Session,
    estate_id: int,
    subject_kind: str,
    subject_id: int,
    *,
    principal: Any,
    decision: str,
    reason: str | None,
) -> ApprovalRequest:
    """Entry point (commits): decide the current request of a project, budget revision or
    transfer through ``trustfund.approvals`` (four eyes, council rules).
    Raises NotFoundError (no pending request), what ``approvals.decide_request`` raises."""
    request = approvals.current_request(session, subject_kind, subject_id)
    if request is None or request.estate_id != estate_id:
        raise NotFoundError(Message("grants.no_request", subject_kind=subject_kind))
    try:
        value = approvals.Decision(decision)
    except ValueError:
        raise ValidationError.field("decision", Message("approvals.approve_or_reject")) from None
    return approvals.decide_request(
        session, estate_id, request.id, principal=principal, decision=value, reason=reason
    )


def history(session: Session, project_id: int) -> list[ProjectEventOut]:
    rows = session.execute(
        select(ProjectEvent, User.display_name)
        .outerjoin(User, User.id == ProjectEvent.by_user_id)
        .where(ProjectEvent.project_id == project_id)
        .order_by(ProjectEvent.id)
    )
    return [
        {
            "from": event.from_status,
            "to": event.to_status,
            "at": event.at.isoformat(),
            "by": name,
            "by_user_id": event.by_user_id,
            "reason": event.reason,
        }
        for event, name in rows
    ]


def project_view(session: Session, project: GrantProject) -> ProjectOut:
    from trustfund.grants.disbursements import committed_by_line

    request = approvals.current_request(session, PROJECT, project.id)
    taken = committed_by_line(session, project.id)
    revisions = session.scalars(
        select(BudgetRevision)
        .where(BudgetRevision.project_id == project.id)
        .order_by(BudgetRevision.id)
    )
    return {
        "id": project.id,
        "code": project.code,
        "fund": fund_of_project(project),
        "title": project.title,
        "purpose": project.purpose,
        "applicant": project.applicant,
        "applied_on": project.applied_on.isoformat(),
        "status": project.status.value,
        "status_name": STATUS_ZH[project.status],
        "settled_on": project.settled_on.isoformat() if project.settled_on else None,
        "budget_total": money_text(budget_total(project)),
        "lines": [
            {
                "id": line.id,
                "position": line.position,
                "description": line.description,
                "amount": money_text(line.amount),
                "approved_amount": None
                if line.approved_amount is None
                else money_text(line.approved_amount),
                "committed": money_text(taken.get(line.id, ZERO)),
            }
            for line in project.lines
        ],
        "plan": [{"source_id": p.source_id, "amount": money_text(p.amount)} for p in project.plan],
        "approval": None
        if request is None
        else {
            "request_id": request.id,
            "status": request.status.value,
            "rule": request.rule_label,
            "approvals_needed": request.approvals_needed,
            "content_hash": request.content_hash,
        },
        "budget_revisions": [
            {
                "id": r.id,
                "status": r.status.value,
                "reason": r.reason,
                "total": money_text(r.total),
                "lines": [
                    {
                        "line_id": x["line_id"],
                        "description": x["description"],
                        "amount": money_text(x["amount"]),
                    }
                    for x in revision_lines(r)
                ],
            }
            for r in revisions
        ],
        "history": history(session, project.id),
    }


def list_projects(session: Session, estate_id: int) -> list[GrantProject]:
    return list(
        session.scalars(
            select(GrantProject)
            .where(GrantProject.estate_id == estate_id)
            .order_by(GrantProject.applied_on, GrantProject.id)
        )
    )


def count_projects(session: Session, estate_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(GrantProject)
            .where(GrantProject.estate_id == estate_id)
        )
        or 0
    )


def get(session: Session, estate_id: int, project_id: int) -> GrantProject:
    return get_project(session, estate_id, project_id)


approvals.register_subject(
    PROJECT,
    content=approvals.row_content(GrantProject, project_content),
    after_decision=_after_project,
)
approvals.register_subject(
    BUDGET,
    content=approvals.row_content(BudgetRevision, revision_content),
    after_decision=_after_budget,
)

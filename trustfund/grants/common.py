"""Small helpers shared by the grants services: source kinds and their ledger accounts,
public names of donors, project funds and the status history."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import fields
from trustfund.db.base import utcnow
from trustfund.db.models.grants import (
    GrantProject,
    GrantSource,
    ProjectEvent,
    ProjectStatus,
    SourceKind,
)
from trustfund.db.session import lock_row
from trustfund.errors import FieldError, NotFoundError
from trustfund.ledger.accounts import Fund, project_fund
from trustfund.messages import Message

#: What the ledger and every public output say instead of an anonymous donor's name.
ANONYMOUS = "匿名"

#: The largest amount one grant, gift or budget line may name.
MAX_GRANT = Decimal("999999999.99")

#: Source kind → the income account component (``Income:Autonomy[:Project:<CODE>]:<X>``).
SOURCE_ACCOUNTS: dict[SourceKind, str] = {
    SourceKind.GOVERNMENT: "Government",
    SourceKind.COMMUNITY: "Community",
    SourceKind.VENTURE: "Venture",
    SourceKind.SPONSORSHIP: "Sponsorship",
    SourceKind.PUBLIC_REVENUE: "PublicRevenue",
    SourceKind.CROWDFUNDING: "Crowdfunding",
}
SOURCE_NAMES_ZH: dict[SourceKind, str] = {
    SourceKind.GOVERNMENT: "财政支持",
    SourceKind.COMMUNITY: "社区建设经费",
    SourceKind.VENTURE: "公益创投资金",
    SourceKind.SPONSORSHIP: "单位及个人赞助",
    SourceKind.PUBLIC_REVENUE: "小区公共收益",
    SourceKind.CROWDFUNDING: "居民众筹",
}
IN_KIND = "InKind"
STATUS_ZH: dict[ProjectStatus, str] = {
    ProjectStatus.DRAFT: "申请草稿",
    ProjectStatus.SUBMITTED: "待理事会决定",
    ProjectStatus.APPROVED: "已批准",
    ProjectStatus.REJECTED: "未获批准",
    ProjectStatus.IMPLEMENTING: "实施中",
    ProjectStatus.SETTLED: "已结算",
    ProjectStatus.CLOSED: "已结项",
}
#: Statuses in which a project may receive money and spend against its budget.
ACTIVE = (ProjectStatus.APPROVED, ProjectStatus.IMPLEMENTING)


def public_name(source: GrantSource) -> str:
    """The donor's name as the public may see it."""
    return ANONYMOUS if source.anonymous else source.donor_name


def fund_of_project(project: GrantProject | None) -> str:
    """``autonomy:<CODE>`` for a project, ``autonomy`` (unrestricted) for none."""
    return project_fund(project.code) if project is not None else Fund.AUTONOMY.value


def get_source(session: Session, estate_id: int, source_id: int) -> GrantSource:
    source = session.get(GrantSource, source_id)
    if source is None or source.estate_id != estate_id:
        raise NotFoundError(Message("grants.no_source", source_id=source_id))
    return source


def get_project(session: Session, estate_id: int, project_id: int) -> GrantProject:
    project = session.get(GrantProject, project_id)
    if project is None or project.estate_id != estate_id:
        raise NotFoundError(Message("grants.no_project", project_id=project_id))
    return project


def lock_project(session: Session, estate_id: int, project_id: int) -> GrantProject:
    """The project row locked until the transaction ends (``FOR UPDATE`` on PostgreSQL)."""
    return lock_row(
        session,
        GrantProject,
        project_id,
        estate_id=estate_id,
        missing=Message("grants.no_project", project_id=project_id),
    )


def project_by_code(session: Session, estate_id: int, code: str) -> GrantProject | None:
    return session.scalar(
        select(GrantProject).where(GrantProject.estate_id == estate_id, GrantProject.code == code)
    )


def move(
    session: Session,
    project: GrantProject,
    to: ProjectStatus,
    *,
    by: int | None,
    reason: str = "",
) -> None:
    """Change the project's status and keep the transition in its history."""
    session.add(
        ProjectEvent(
            project_id=project.id,
            from_status=project.status.value if project.status is not None else None,
            to_status=to.value,
            at=utcnow(),
            by_user_id=by,
            reason=reason[:500],
        )
    )
    project.status = to


def note(session: Session, project: GrantProject, *, by: int | None, reason: str) -> None:
    """A history record without a status change (a budget revision, a transfer)."""
    session.add(
        ProjectEvent(
            project_id=project.id,
            from_status=project.status.value,
            to_status=project.status.value,
            at=utcnow(),
            by_user_id=by,
            reason=reason[:500],
        )
    )


def money(value: object, field: str, errors: list[FieldError], *, positive: bool = True) -> Decimal:
    """``value`` (a string or Decimal, never a float) as money below a thousand million yuan;
    a FieldError otherwise (``fields.money``)."""
    return fields.money(value, field, errors, positive=positive, limit=MAX_GRANT)

"""Autonomy fund: sources and donors, gifts (money and in kind), projects and budgets (issue 6).

The money itself lives only in the journal: a gift, a refund or a transfer remembers the
sequence number of the entry that moved it (``*_entry_seq``). Donor names live only here
(staff); the ledger names an anonymous donor "匿名". Project spending is a settlements claim
on the project's sub-fund, linked to a budget line by ``grant_disbursements``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, Money, Quantity, UTCDateTime, str_enum, utcnow


class SourceKind(enum.StrEnum):
    GOVERNMENT = "government"  # 财政支持
    COMMUNITY = "community"  # 社区建设经费
    VENTURE = "venture"  # 公益创投资金
    SPONSORSHIP = "sponsorship"  # 单位及个人赞助
    PUBLIC_REVENUE = "public_revenue"  # 小区公共收益
    CROWDFUNDING = "crowdfunding"  # 居民众筹


class GrantSource(Base):
    """A funder of the autonomy fund: its kind, its (staff-only when anonymous) name."""

    __tablename__ = "grant_sources"
    __table_args__ = (UniqueConstraint("estate_id", "kind", "donor_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    kind: Mapped[SourceKind] = mapped_column(str_enum(SourceKind, 20))
    donor_name: Mapped[str] = mapped_column(String(100))
    #: The donor asked not to be named in public: the ledger and disclosures say "匿名".
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    IMPLEMENTING = "implementing"
    SETTLED = "settled"
    CLOSED = "closed"


class GrantProject(Base):
    """An autonomy project (自治项目) with its own restricted sub-fund ``autonomy:<code>``."""

    __tablename__ = "grant_projects"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    code: Mapped[str] = mapped_column(String(31))
    title: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    applicant: Mapped[str] = mapped_column(String(100))
    status: Mapped[ProjectStatus] = mapped_column(str_enum(ProjectStatus, 15))
    applied_on: Mapped[date] = mapped_column(Date)
    settled_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="project", order_by="BudgetLine.position", cascade="all, delete-orphan"
    )
    plan: Mapped[list[FundingPlanItem]] = relationship(
        order_by="FundingPlanItem.position", cascade="all, delete-orphan"
    )


class BudgetLine(Base):
    """One budget line. ``amount`` is what the application (or latest revision) asks for;
    ``approved_amount`` what the council approved (NULL until then) — the spending limit."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    approved_amount: Mapped[Decimal | None] = mapped_column(Money, default=None)

    project: Mapped[GrantProject] = relationship(back_populates="lines")


class FundingPlanItem(Base):
    """How the applicant expects the project to be funded, by source."""

    __tablename__ = "grant_funding_plans"
    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int] = mapped_column(ForeignKey("grant_sources.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)


class RevisionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    VOID = "void"


class BudgetRevision(Base):
    """A proposed new budget of an approved project (approval subject kind ``budget``).
    Immutable once made; ``lines_json`` lists ``{line_id|null, description, amount}``."""

    __tablename__ = "grant_budget_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    lines_json: Mapped[str] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[RevisionStatus] = mapped_column(str_enum(RevisionStatus, 10))
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Gift(Base):
    """Money received for the autonomy fund: unrestricted (``project_id`` NULL) or restricted
    to one project's sub-fund. ``household_code`` names a crowdfunding household (opaque)."""

    __tablename__ = "grant_gifts"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("grant_sources.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_projects.id"), index=True, default=None
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    received_on: Mapped[date] = mapped_column(Date)
    household_code: Mapped[str | None] = mapped_column(String(40), default=None)
    note: Mapped[str] = mapped_column(String(200), default="")
    entry_seq: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    source: Mapped[GrantSource] = relationship()


class InKindGift(Base):
    """实物捐赠: goods or work given to the fund or a project. With an estimated value it is
    booked (received and put to use on the same day); without one it is only recorded."""

    __tablename__ = "grant_in_kind_gifts"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("estimated_value IS NULL OR estimated_value > 0", name="value_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("grant_sources.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_projects.id"), index=True, default=None
    )
    item: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    estimated_value: Mapped[Decimal | None] = mapped_column(Money, default=None)
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    use_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    source: Mapped[GrantSource] = relationship()


class Disbursement(Base):
    """A project payment: the settlements claim (on the project's sub-fund) and the budget
    line it is charged to."""

    __tablename__ = "grant_disbursements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("grant_budget_lines.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TransferKind(enum.StrEnum):
    TRANSFER = "transfer"  # between autonomy funds (调拨)
    REFUND = "refund"  # unspent restricted money back to its source (退回)


class TransferStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTED = "posted"


class FundTransfer(Base):
    """A recorded decision moving autonomy money (approval subject kind ``grant_transfer``):
    between funds, or back to the source of a restricted gift."""

    __tablename__ = "grant_transfers"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, 10))
    from_fund: Mapped[str] = mapped_column(String(40))
    to_fund: Mapped[str | None] = mapped_column(String(40), default=None)
    gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_gifts.id"), index=True, default=None
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    moved_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[TransferStatus] = mapped_column(str_enum(TransferStatus, 10))
    entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectEvent(Base):
    """The status history of a project: every transition, who, when and why."""

    __tablename__ = "grant_project_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("grant_projects.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(15), default=None)
    to_status: Mapped[str] = mapped_column(String(15))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")

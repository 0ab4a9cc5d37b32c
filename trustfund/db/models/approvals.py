"""Approvals (four eyes, thresholds, owners' votes): generic over what is approved
(``subject_kind`` + ``subject_id``) — claims, contracts, fee schedules, disclosures, projects,
budgets, refunds and more all ask for approval through ``trustfund.approvals``. The rules per
estate and subject kind, who took part in a subject (and so may not approve it), each
request with the exact content approved, and each member's decision."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, Money, UTCDateTime, str_enum, utcnow

#: Floor area in m² for owners' votes.
Area = Numeric(12, 2, asdecimal=True)


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    VOID = "void"


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class ApprovalRule(Base):
    """One tier of an estate's approval rule for a subject kind: amounts up to ``up_to``
    (inclusive; NULL = no upper limit) need ``approvals_needed`` approvers holding
    ``approver_role`` (NULL = a majority of the people holding that role in the estate), and
    an owners' vote when ``owners_vote``. Tiers are ordered by ``position``."""

    __tablename__ = "approval_rules"
    __table_args__ = (
        UniqueConstraint("estate_id", "subject_kind", "position"),
        CheckConstraint(
            "approvals_needed IS NULL OR approvals_needed >= 1", name="approvals_needed_positive"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    up_to: Mapped[Decimal | None] = mapped_column(Money, default=None)
    approvals_needed: Mapped[int | None] = mapped_column(Integer, default=None)
    approver_role: Mapped[str] = mapped_column(String(20))
    owners_vote: Mapped[bool] = mapped_column(Boolean, default=False)


class ApprovalParticipant(Base):
    """Someone who wrote, edited or submitted a subject (migration 0010): none of them may
    approve it (DESIGN: approvers exclude everyone who wrote, edited or submitted it).
    Written by each domain's create and edit services through ``approvals.record_participant``
    and read by ``approvals.decide``."""

    __tablename__ = "approval_participants"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id", "user_id", "part"),
        Index("ix_approval_participants_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    subject_kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    #: No foreign key: the id as the service was given it (fee schedules keep their
    #: submitter the same way); users are deactivated, never deleted.
    user_id: Mapped[int] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(10))  # author | editor | submitter
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApprovalRequest(Base):
    """One submission of a subject for approval, bound to the sha256 of its content. The
    requirement (how many, which roles, owners' vote) is fixed when it is submitted."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_subject", "subject_kind", "subject_id"),
        CheckConstraint("approvals_needed >= 1", name="approvals_needed_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    content_json: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus, 10))
    rule_label: Mapped[str] = mapped_column(String(200))
    approvals_needed: Mapped[int] = mapped_column(Integer)
    #: Comma-separated ``Role`` values whose holders may decide.
    approver_roles: Mapped[str] = mapped_column(String(100))
    owners_vote_required: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    void_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # The owners' vote (业主表决), when the rule asks for one.
    vote_households_total: Mapped[int | None] = mapped_column(Integer, default=None)
    vote_households_voted: Mapped[int | None] = mapped_column(Integer, default=None)
    vote_households_for: Mapped[int | None] = mapped_column(Integer, default=None)
    vote_area_total: Mapped[Decimal | None] = mapped_column(Area, default=None)
    vote_area_voted: Mapped[Decimal | None] = mapped_column(Area, default=None)
    vote_area_for: Mapped[Decimal | None] = mapped_column(Area, default=None)
    vote_held_on: Mapped[date | None] = mapped_column(Date, default=None)
    vote_recorded_by: Mapped[int | None] = mapped_column(Integer, default=None)
    vote_passed: Mapped[bool | None] = mapped_column(Boolean, default=None)

    decisions: Mapped[list[ApprovalDecision]] = relationship(
        back_populates="request", order_by="ApprovalDecision.id"
    )


class ApprovalDecision(Base):
    """One person's decision on one request (at most one each: the unique constraint holds
    even when two requests race)."""

    __tablename__ = "approval_decisions"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    decision: Mapped[Decision] = mapped_column(str_enum(Decision, 10))
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[ApprovalRequest] = relationship(back_populates="decisions")

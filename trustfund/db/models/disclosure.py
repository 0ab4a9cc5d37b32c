"""Disclosures (issue 7): versions of a period's statement and their published snapshots.

``disclosure_versions`` is the workflow row of one version (submitted → published); the
committee's approval lives in the generic approval tables (``trustfund.approvals``, subject
kind ``"disclosure"``, subject id = version id). ``disclosure_snapshots`` holds what was
published — the statement JSON, HTML and PDF with the sha256 of each, and the ledger head at
publication. Snapshots are write-once: no code updates or deletes them, and on PostgreSQL
triggers (migration 0006) refuse it. A correction is a new version that names the version it
supersedes and why; both stay visible.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, UTCDateTime, str_enum, utcnow


class VersionStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for (or holding) the committee's approval
    PUBLISHED = "published"  # its snapshot exists; the period is locked


class DisclosureVersion(Base):
    """One version of an estate's disclosure for one period."""

    __tablename__ = "disclosure_versions"
    __table_args__ = (
        UniqueConstraint("estate_id", "period", "number"),
        CheckConstraint('start <= "end"', name="start_before_end"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    period: Mapped[str] = mapped_column(String(40))  # canonical label: "2026Q1"
    period_kind: Mapped[str] = mapped_column(String(10))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the estate and period
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus, 12))
    note: Mapped[str] = mapped_column(String(1000), default="")
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosure_versions.id"), default=None
    )
    correction_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    figures_sha256: Mapped[str] = mapped_column(String(64))  # of the statement submitted
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    snapshot: Mapped[DisclosureSnapshot | None] = relationship(
        back_populates="version", uselist=False
    )


class DisclosureSnapshot(Base):
    """What was published, exactly as published. Never updated, never deleted."""

    __tablename__ = "disclosure_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("disclosure_versions.id"), unique=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    statement_json: Mapped[str] = mapped_column(Text)  # canonical JSON of the statement
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    json_sha256: Mapped[str] = mapped_column(String(64))
    html_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int] = mapped_column(Integer)  # ledger head at publication
    ledger_hash: Mapped[str] = mapped_column(String(64))
    approval_request_id: Mapped[int | None] = mapped_column(Integer, default=None)
    #: JSON: version, supersession, ledger head, signatures (roles and dates; committee
    #: members' names only where the committee decided so, ``disclosure.names``), URL.
    publication_json: Mapped[str] = mapped_column(Text)
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[DisclosureVersion] = relationship(back_populates="snapshot")


class PublicNamesChange(Base):
    """The committee's decision whether approvers appear by name on the estate's public pages
    (``trustfund.disclosure.names``): proposed with a reason, in force once a committee
    majority approved it (``approved_at``, ``request_id``). The newest approved row is the
    setting; none means by role. On PostgreSQL a row is never deleted and only its approval
    is written, once (migration 0022)."""

    __tablename__ = "public_names_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    show_names: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(500))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    request_id: Mapped[int | None] = mapped_column(Integer, default=None)

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
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, UTCDateTime, utcnow


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
    status: Mapped[VersionStatus] = mapped_column(
        Enum(
            VersionStatus,
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        )
    )
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
    #: JSON: version, supersession, ledger head, signatures (roles and dates, no names), URL.
    publication_json: Mapped[str] = mapped_column(Text)
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[DisclosureVersion] = relationship(back_populates="snapshot")

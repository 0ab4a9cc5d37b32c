"""Residents' questions (质询, issue 18.5): a question on one line of a published disclosure,
asked by a household that proves itself with its code and a receipt's check code, and the
committee's answer. Questions and answers are published and never changed (PostgreSQL
triggers refuse UPDATE and DELETE, migration 0019); the attempts table only feeds the rate
limit and is pruned."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustfund.db.base import Base, UTCDateTime, utcnow


class ReceiptCheckKey(Base):
    """The estate's secret for receipt check codes (``inquiries.checkcode``): random, made
    on first use, kept in the database so a backup carries it and every instance agrees."""

    __tablename__ = "receipt_check_keys"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Inquiry(Base):
    """One question on one line (``line_ref``) of a published disclosure version. The
    household is kept for the rate limit and never shown; ``asker_label`` is what the public
    page says instead ("3幢住户" or "住户"), fixed when the question is asked."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("disclosure_versions.id"), index=True)
    line_ref: Mapped[str] = mapped_column(String(80))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    asker_label: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    asked_on: Mapped[date] = mapped_column(Date)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InquiryAnswer(Base):
    """The committee's answer to a question: one per question, never edited."""

    __tablename__ = "inquiry_answers"
    __table_args__ = (UniqueConstraint("inquiry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    answered_by: Mapped[int] = mapped_column(Integer)
    answerer_role: Mapped[str] = mapped_column(String(20))
    answered_on: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InquiryAttempt(Base):
    """One try at asking (its identity check passed or failed), from one client address:
    what the rate limit counts. Pruned after a few days."""

    __tablename__ = "inquiry_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    client_addr: Mapped[str] = mapped_column(String(64), index=True)
    household_code: Mapped[str] = mapped_column(String(20))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

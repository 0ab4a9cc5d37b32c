"""Fee schedules, charges, payments, receipts, refunds and cash deposits (issue 4).

Charges (应收) are records, not ledger entries: the trust model keeps cash-based books, so
income is recognised when money arrives. Every receipt, refund, deposit and prepaid
recognition is one journal entry; these tables remember which (``*_entry_seq``) and keep the
per-component (per-fund) split so that arrears and collection rates are plain SQL aggregates.
Names and phones never appear here except the optional ``payer`` note on a payment, which is
staff-only and never reaches the ledger.
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
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, Money, UTCDateTime, str_enum, utcnow


class ScheduleStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class VacancyRule(enum.StrEnum):
    PERCENT = "percent"  # vacant households pay ``vacancy_percent`` % of the full fee
    AMOUNTS = "amounts"  # vacant households pay each component's ``vacant_amount``


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    BANK_TRANSFER = "bank_transfer"


class ReceiptStatus(enum.StrEnum):
    VALID = "valid"
    VOID = "void"


class FeeSchedule(Base):
    """收费标准 for one estate and fee year. ``content_hash`` covers the components and the
    vacancy rule; an approval is bound to the hash it saw (``approved_hash``)."""

    __tablename__ = "fee_schedules"
    __table_args__ = (
        UniqueConstraint("estate_id", "fee_year"),
        CheckConstraint(
            "vacancy_percent IS NULL OR (vacancy_percent >= 0 AND vacancy_percent <= 100)",
            name="vacancy_percent_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    fee_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[ScheduleStatus] = mapped_column(str_enum(ScheduleStatus, 10))
    vacancy_rule: Mapped[VacancyRule] = mapped_column(str_enum(VacancyRule, 10))
    vacancy_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), default=None)
    content_hash: Mapped[str] = mapped_column(String(64))
    submitted_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    approved_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    components: Mapped[list[FeeComponent]] = relationship(
        back_populates="schedule", order_by="FeeComponent.position", cascade="all, delete-orphan"
    )


class FeeComponent(Base):
    """One part of the fee, paying into one fund (公共电费 → electricity)."""

    __tablename__ = "fee_components"
    __table_args__ = (
        UniqueConstraint("schedule_id", "fund"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "vacant_amount IS NULL OR (vacant_amount >= 0 AND vacant_amount <= amount)",
            name="vacant_amount_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    fund: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)
    vacant_amount: Mapped[Decimal | None] = mapped_column(Money, default=None)

    schedule: Mapped[FeeSchedule] = relationship(back_populates="components")


class FeeCharge(Base):
    """应收: what one household owes for one fee year, fixed when charges are issued."""

    __tablename__ = "fee_charges"
    __table_args__ = (UniqueConstraint("household_id", "fee_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedules.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    fee_year: Mapped[int] = mapped_column(Integer)
    vacant: Mapped[bool] = mapped_column(Boolean)
    occupancy_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list[FeeChargeLine]] = relationship(cascade="all, delete-orphan")


class FeeChargeLine(Base):
    __tablename__ = "fee_charge_lines"
    __table_args__ = (UniqueConstraint("charge_id", "fund"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("fee_charges.id"), index=True)
    fund: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)


class FeePayment(Base):
    """实收: money handed over once (one method, one date), possibly for several households
    (one receipt each)."""

    __tablename__ = "fee_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, 20))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    payer: Mapped[str] = mapped_column(String(50), default="")
    reference: Mapped[str] = mapped_column(String(80), default="")
    recorded_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    receipts: Mapped[list[FeeReceipt]] = relationship(
        back_populates="payment", order_by="FeeReceipt.number"
    )


class FeeReceipt(Base):
    """收据: one household's share of a payment, numbered ``YYYY-NNNNNN`` (gapless per estate
    and year, from ``fee_receipt_counters``), backed by exactly one journal entry."""

    __tablename__ = "fee_receipts"
    __table_args__ = (
        UniqueConstraint("estate_id", "receipt_no"),
        UniqueConstraint("estate_id", "year", "number"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("fee_payments.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    fee_year: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, 20))
    prepaid: Mapped[bool] = mapped_column(Boolean)
    entry_seq: Mapped[int] = mapped_column(Integer)
    recognised_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[ReceiptStatus] = mapped_column(str_enum(ReceiptStatus, 10))
    void_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    voided_on: Mapped[date | None] = mapped_column(Date, default=None)
    void_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    payment: Mapped[FeePayment] = relationship(back_populates="receipts")
    lines: Mapped[list[FeeReceiptLine]] = relationship(order_by="FeeReceiptLine.id")


class FeeReceiptLine(Base):
    __tablename__ = "fee_receipt_lines"
    __table_args__ = (UniqueConstraint("receipt_id", "fund"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("fee_receipts.id"), index=True)
    fund: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)


class FeeReceiptCounter(Base):
    """The last receipt number used per estate and year; locked FOR UPDATE while a receipt
    is numbered so numbers are gapless and unique under concurrency."""

    __tablename__ = "fee_receipt_counters"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class FeeRefund(Base):
    """退费: money paid back to a household for one fee year, split over funds like the
    money it paid."""

    __tablename__ = "fee_refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    fee_year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, 20))
    refunded_on: Mapped[date] = mapped_column(Date)
    from_prepaid: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))
    entry_seq: Mapped[int] = mapped_column(Integer)
    recognised_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list[FeeRefundLine]] = relationship(order_by="FeeRefundLine.id")


class FeeRefundLine(Base):
    __tablename__ = "fee_refund_lines"
    __table_args__ = (UniqueConstraint("refund_id", "fund"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("fee_refunds.id"), index=True)
    fund: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)


class RefundRequestKind(enum.StrEnum):
    REFUND = "refund"  # 退费: money paid back to a household for one fee year
    VOID = "void"  # 作废收据: a receipt's entry reversed


class RefundRequestStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a committee member who did not request it
    POSTED = "posted"  # approved, checked again and posted
    REJECTED = "rejected"  # rejected with a note
    WITHDRAWN = "withdrawn"  # taken back by whoever asked, before a decision


class FeeRefundRequest(Base):
    """退费/作废申请: a refund or a receipt void the steward asked for. Nothing is posted
    until a committee member who did not request it approves (approval subject kinds
    ``fee_refund`` and ``receipt_void``). ``pending_key`` names what the request is about
    (``refund:<household id>:<fee year>`` or ``void:<receipt id>``) while it is pending and
    is NULL afterwards: the unique constraint allows one pending request per household and
    fee year (refunds) and per receipt (voids)."""

    __tablename__ = "fee_refund_requests"
    __table_args__ = (
        UniqueConstraint("estate_id", "pending_key"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    kind: Mapped[RefundRequestKind] = mapped_column(str_enum(RefundRequestKind, 10))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    fee_year: Mapped[int] = mapped_column(Integer)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("fee_receipts.id"), default=None)
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, 20))
    reason: Mapped[str] = mapped_column(String(200))
    requested_by: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[RefundRequestStatus] = mapped_column(str_enum(RefundRequestStatus, 10))
    pending_key: Mapped[str | None] = mapped_column(String(40), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    posted_on: Mapped[date | None] = mapped_column(Date, default=None)
    entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("fee_refunds.id"), default=None)


class CashDeposit(Base):
    """存款: the steward pays collected cash into the committee bank account."""

    __tablename__ = "fee_cash_deposits"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    deposited_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(80), default="")
    entry_seq: Mapped[int] = mapped_column(Integer)
    recorded_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

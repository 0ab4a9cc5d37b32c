"""Contractors, contracts, reference prices, work orders, claims, payouts, vouchers and goods
(issue 5). Their approvals live in the generic approval tables (``db.models.approvals``).
Claims remember the journal entries that made them payable and paid
(``*_entry_seq``); the money itself lives only in the journal.
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, Money, Quantity, UTCDateTime, str_enum, utcnow

#: Unit prices: up to 4 decimals (electricity is 0.538 yuan/kWh); line amounts are money.
UnitPrice = Numeric(14, 4, asdecimal=True)


# --- contractors and contracts ----------------------------------------------------------


class Contractor(Base):
    """第三方公司 / 承揽方. ``contact`` is staff-only."""

    __tablename__ = "contractors"
    __table_args__ = (UniqueConstraint("estate_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(30), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class RepairContract(Base):
    """维修承揽合同: one year with one contractor, approved by the committee."""

    __tablename__ = "repair_contracts"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="term_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: The estimated yearly amount (decides the approval tier); NULL = at actual cost.
    estimated_amount: Mapped[Decimal | None] = mapped_column(Money, default=None)
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, 10))
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contractor: Mapped[Contractor] = relationship()


# --- reference prices -------------------------------------------------------------------


class PriceList(Base):
    """One version of the government reference price list (政府参考价格), in force from
    ``effective_from`` until a later version takes over. Immutable once imported."""

    __tablename__ = "price_lists"
    __table_args__ = (UniqueConstraint("estate_id", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_by: Mapped[int | None] = mapped_column(Integer, default=None)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[PriceItem]] = relationship(
        back_populates="price_list", order_by="PriceItem.code", cascade="all, delete-orphan"
    )


class PriceItem(Base):
    __tablename__ = "price_items"
    __table_args__ = (
        UniqueConstraint("price_list_id", "code"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice)

    price_list: Mapped[PriceList] = relationship(back_populates="items")


# --- repair register --------------------------------------------------------------------


class WorkOrderStatus(enum.StrEnum):
    REPORTED = "reported"
    ASSIGNED = "assigned"
    DONE = "done"
    SETTLED = "settled"


class WorkOrder(Base):
    """One line of the repair register (工程维修登记表). ``reporter`` is staff-only."""

    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    building: Mapped[str] = mapped_column(String(20))
    entrance: Mapped[str] = mapped_column(String(10), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(String(500))
    reporter: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[WorkOrderStatus] = mapped_column(str_enum(WorkOrderStatus, 10))
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractors.id"), index=True, default=None
    )
    reported_on: Mapped[date] = mapped_column(Date)
    assigned_on: Mapped[date | None] = mapped_column(Date, default=None)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    settled_on: Mapped[date | None] = mapped_column(Date, default=None)
    claim_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contractor: Mapped[Contractor | None] = relationship()


# --- claims -----------------------------------------------------------------------------


class ClaimStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAYABLE = "payable"
    PAID = "paid"
    REJECTED = "rejected"
    VOID = "void"


class Claim(Base):
    """A claim for a settlement or another expense (electricity bill, garbage removal,
    supplies): who is paid, from which fund, for what, line by line."""

    __tablename__ = "claims"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    payee: Mapped[str] = mapped_column(String(100))
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractors.id"), index=True, default=None
    )
    fund: Mapped[str] = mapped_column(String(40))
    expense_item: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(300))
    work_date: Mapped[date] = mapped_column(Date)
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_orders.id"), index=True, default=None
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, 10), index=True)
    #: Bumped by every edit; approvals are bound to the content, this only helps people.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(Integer, default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    rejected_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    payable_on: Mapped[date | None] = mapped_column(Date, default=None)
    payable_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    paid_entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)

    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.position", cascade="all, delete-orphan"
    )
    vouchers: Mapped[list[Voucher]] = relationship(
        order_by="Voucher.id", foreign_keys="Voucher.claim_id"
    )


class ClaimLine(Base):
    """One line: quantity × unit price = amount (quantized to the fen, ROUND_HALF_UP),
    compared with the reference price in force on the claim's work date."""

    __tablename__ = "claim_lines"
    __table_args__ = (
        UniqueConstraint("claim_id", "position"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str | None] = mapped_column(String(30), default=None)
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice)
    amount: Mapped[Decimal] = mapped_column(Money)
    reference_price: Mapped[Decimal | None] = mapped_column(UnitPrice, default=None)
    #: How much the line costs more than at the reference price (NULL = not above it).
    over_reference: Mapped[Decimal | None] = mapped_column(Money, default=None)
    over_reason: Mapped[str | None] = mapped_column(String(500), default=None)

    claim: Mapped[Claim] = relationship(back_populates="lines")


class Voucher(Base):
    """凭证: an invoice, receipt or photo, stored once under ``var/vouchers`` by its sha256.
    Marked as containing personal data until a staff member decides it may be public."""

    __tablename__ = "vouchers"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200), default="")
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True, default=None)
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_orders.id"), index=True, default=None
    )
    contains_personal_data: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by: Mapped[int | None] = mapped_column(Integer, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- goods ------------------------------------------------------------------------------


class GoodsItem(Base):
    """A kind of goods kept in stock (light bulbs, bins, tissues)."""

    __tablename__ = "goods_items"
    __table_args__ = (UniqueConstraint("estate_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))


class SlipKind(enum.StrEnum):
    PURCHASE = "purchase"  # bought (in)
    DONATION = "donation"  # donated, in kind (in)
    ISSUE = "issue"  # issued to a work order or used (out)


class GoodsSlip(Base):
    """物品出入单: goods in (bought or donated) or out (issued)."""

    __tablename__ = "goods_slips"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("goods_items.id"), index=True)
    kind: Mapped[SlipKind] = mapped_column(str_enum(SlipKind, 10))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    slip_date: Mapped[date] = mapped_column(Date)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True, default=None)
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_orders.id"), index=True, default=None
    )
    donor: Mapped[str] = mapped_column(String(100), default="")
    estimated_value: Mapped[Decimal | None] = mapped_column(Money, default=None)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[GoodsItem] = relationship()

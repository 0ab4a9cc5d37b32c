"""The receipts behind the steward's cash on hand (管家手头现金): which cash receipts the
cash box still holds, first in first out — what left the box (deposits, cash refunds) is
taken from the oldest receipts first, the same rule as ``deposits.cash_on_hand``'s "since".

Cash the books opened with (期初现金) or that came in without a receipt is shown as its own
line, so the lines always add up to the cash on hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Household
from trustfund.db.models.fees import FeeReceipt, PaymentMethod, ReceiptStatus
from trustfund.fees.deposits import cash_balance
from trustfund.ledger.money import ZERO


@dataclass(frozen=True)
class HeldReceipt:
    """One cash receipt (or the part of it) still in the cash box."""

    receipt_no: str
    paid_on: date
    household_code: str
    address: str
    amount: Decimal
    held: Decimal  # less than ``amount`` when part of it was deposited already


@dataclass(frozen=True)
class CashHeld:
    cash: Decimal
    since: date | None
    receipts: list[HeldReceipt]  # oldest first
    without_receipt: Decimal  # opening cash and other cash not from a receipt


def cash_receipts(session: Session, estate_id: int) -> CashHeld:
    """The cash on hand and the receipts behind it, oldest first (see the module)."""
    held = cash_balance(session, estate_id)
    rows = session.execute(
        select(
            FeeReceipt.receipt_no,
            FeeReceipt.paid_on,
            FeeReceipt.amount,
            Household.code,
            Building.number,
            Household.entrance,
            Household.room,
        )
        .join(Household, Household.id == FeeReceipt.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.method == PaymentMethod.CASH,
            FeeReceipt.status == ReceiptStatus.VALID,
        )
        .order_by(FeeReceipt.paid_on, FeeReceipt.id)
    ).all()
    if held <= 0:
        return CashHeld(held, None, [], ZERO)
    gone = sum((Decimal(r.amount) for r in rows), ZERO) - held
    receipts: list[HeldReceipt] = []
    for no, day, amount, code, building, entrance, room in rows:
        amount = Decimal(amount)
        if gone >= amount:
            gone -= amount
            continue
        part = amount - max(gone, ZERO)
        gone = ZERO if gone > 0 else gone
        receipts.append(
            HeldReceipt(no, day, code, f"{building}幢{entrance}单元{room}室", amount, part)
        )
    other = held - sum((r.held for r in receipts), ZERO)
    since = receipts[0].paid_on if receipts else None
    return CashHeld(held, since, receipts, other)

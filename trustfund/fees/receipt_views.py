"""Receipts as they are shown: the staff view (household code, no names), a payment's
receipts, and what anyone may see on the public verification page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Building, Estate, Household
from trustfund.db.models.fees import (
    FeeReceipt,
)
from trustfund.errors import NotFoundError
from trustfund.fees.rules import (
    mask_household,
)
from trustfund.fees.schemas import (
    PublicReceiptOut,
    ReceiptOut,
)
from trustfund.ledger.money import money_text
from trustfund.messages import Message


def receipt_view(session: Session, receipt: FeeReceipt) -> ReceiptOut:
    """Staff view of a receipt (household code, no names)."""
    household = session.get(Household, receipt.household_id)
    assert household is not None
    return receipt_document(
        {column: getattr(receipt, column) for column in RECEIPT_FIELDS},
        household_code=household.code,
        lines=[(line.fund, line.amount) for line in receipt.lines],
    )


#: The receipt columns its staff view shows.
RECEIPT_FIELDS = (
    "receipt_no",
    "fee_year",
    "amount",
    "paid_on",
    "method",
    "prepaid",
    "status",
    "void_reason",
    "voided_on",
    "entry_seq",
    "void_entry_seq",
)


def receipt_document(
    receipt: dict[str, Any], *, household_code: str, lines: list[tuple[str, Decimal]]
) -> ReceiptOut:
    """The staff view of a receipt from its column values (missing void columns: not void)."""
    voided_on = receipt.get("voided_on")
    return {
        "receipt_no": receipt["receipt_no"],
        "household_code": household_code,
        "fee_year": receipt["fee_year"],
        "amount": money_text(receipt["amount"]),
        "paid_on": receipt["paid_on"].isoformat(),
        "method": receipt["method"].value,
        "prepaid": receipt["prepaid"],
        "status": receipt["status"].value,
        "void_reason": receipt.get("void_reason"),
        "voided_on": voided_on.isoformat() if voided_on else None,
        "entry_seq": receipt["entry_seq"],
        "void_entry_seq": receipt.get("void_entry_seq"),
        "lines": [{"fund": fund, "amount": money_text(amount)} for fund, amount in lines],
    }


def get_receipt(session: Session, estate_id: int, receipt_no: str) -> FeeReceipt:
    """Raises NotFoundError."""
    receipt = session.scalar(
        select(FeeReceipt).where(
            FeeReceipt.estate_id == estate_id, FeeReceipt.receipt_no == receipt_no
        )
    )
    if receipt is None:
        raise NotFoundError(Message("fees.no_receipt", receipt_no=receipt_no))
    return receipt


def public_receipt(session: Session, estate_slug: str, receipt_no: str) -> PublicReceiptOut:
    """What anyone may see of a receipt: amount, date, fee year, masked household, status.
    No owner name, phone, payer or void reason (free text a steward typed).

    Raises NotFoundError.
    """

    estate = session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None:
        raise NotFoundError(Message("fees.no_receipt", receipt_no=receipt_no))
    receipt = get_receipt(session, estate.id, receipt_no)
    row = session.execute(
        select(Household.code, Household.entrance, Household.room, Building.number)
        .join(Building, Building.id == Household.building_id)
        .where(Household.id == receipt.household_id)
    ).one()
    code, entrance, room, building = row
    return {
        "estate": estate.slug,
        "estate_name": estate.name,
        "receipt_no": receipt.receipt_no,
        "amount": money_text(receipt.amount),
        "paid_on": receipt.paid_on.isoformat(),
        "fee_year": receipt.fee_year,
        "household": mask_household(building, entrance, room),
        "household_code": code,
        "status": receipt.status.value,
        "voided_on": receipt.voided_on.isoformat() if receipt.voided_on else None,
        "prepaid": receipt.prepaid,
        "lines": [{"fund": line.fund, "amount": money_text(line.amount)} for line in receipt.lines],
        "entry_seq": receipt.entry_seq,
    }

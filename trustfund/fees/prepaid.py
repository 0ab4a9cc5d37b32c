"""Prepaid recognition: when a fee year opens, the money received for it in advance moves from
``Liabilities:Prepaid:Fees`` to each fund's income."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.fees import (
    FeeReceipt,
    FeeRefund,
    ReceiptStatus,
)
from trustfund.db.session import command
from trustfund.errors import ValidationError
from trustfund.estates.service import today_in
from trustfund.fees.common import check_fee_year, get_estate
from trustfund.fees.numbers import (
    lock_counter,
)
from trustfund.fees.rules import (
    fee_year_start,
)
from trustfund.fees.schemas import (
    PrepaidRecognisedOut,
)
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import PREPAID_FEES, Fund, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

# --- prepaid recognition ---------------------------------------------------------------------


@command
def recognise_prepaid(
    session: Session,
    estate_id: int,
    fee_year: int,
    *,
    on: date | None = None,
    actor_user_id: int | None = None,
) -> PrepaidRecognisedOut:
    """When ``fee_year`` opens, move the money received for it in advance from
    ``PREPAID_FEES`` to each fund's income (one transfer entry, dated ``on``, default
    1 January of the year). Safe to run again: only money not yet recognised moves. Commits.

    Raises ValidationError (the year has not started on ``on``), PeriodLockedError.
    """
    check_fee_year(fee_year)
    estate = get_estate(session, estate_id)
    start = fee_year_start(fee_year)
    on = on or start
    if on < start or start > today_in(estate):
        raise ValidationError.field("on", Message("fees.year_not_started", fee_year=fee_year))
    lock_counter(session, estate_id, on.year)
    receipts = session.scalars(
        select(FeeReceipt).where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.fee_year == fee_year,
            FeeReceipt.prepaid.is_(True),
            FeeReceipt.status == ReceiptStatus.VALID,
            FeeReceipt.recognised_entry_seq.is_(None),
        )
    ).all()
    refunds = session.scalars(
        select(FeeRefund).where(
            FeeRefund.estate_id == estate_id,
            FeeRefund.fee_year == fee_year,
            FeeRefund.from_prepaid.is_(True),
            FeeRefund.recognised_entry_seq.is_(None),
        )
    ).all()
    per_fund: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for receipt in receipts:
        for line in receipt.lines:
            per_fund[line.fund] += line.amount
    for row in refunds:
        for rline in row.lines:
            per_fund[rline.fund] -= rline.amount
    total = sum(per_fund.values(), ZERO)
    result: PrepaidRecognisedOut = {
        "fee_year": fee_year,
        "receipts": len(receipts),
        "refunds": len(refunds),
        "amount": money_text(total),
        "entry_seq": None,
        "by_fund": {f: money_text(a) for f, a in sorted(per_fund.items())},
    }
    if not any(per_fund.values()):
        # Nothing left to move (no money, or all of it refunded): mark the rows as done
        # with seq 0 so later runs do not look at them again.
        for receipt in receipts:
            receipt.recognised_entry_seq = 0
        for row in refunds:
            row.recognised_entry_seq = 0
        return result
    legs = [Leg(PREPAID_FEES, total)] + [
        Leg(fee_income_account(Fund(f)), -a) for f, a in sorted(per_fund.items()) if a != 0
    ]
    first = min([r.id for r in receipts] + [0])
    entry = post_entry(
        session,
        estate_id,
        EntryDraft(
            date=on,
            narration=f"预收{fee_year}年度综合服务费转入当年收入",
            legs=tuple(legs),
            meta={"fee-year": str(fee_year)},
            kind="prepaid_recognition",
        ),
        idempotency_key=f"fees.recognise:{estate_id}:{fee_year}:{first}:{len(receipts)}:{len(refunds)}",
        actor_user_id=actor_user_id,
    )
    for receipt in receipts:
        receipt.recognised_entry_seq = entry.seq
    for row in refunds:
        row.recognised_entry_seq = entry.seq
    result["entry_seq"] = entry.seq
    return result

"""Voids and refunds of fee money, posted only by the approval of a request
(``fees/refunds.py``): ``post_void`` and ``post_refund`` are its building blocks, never a
route's, and each checks again under the receipt counter's lock why it could not be done."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household
from trustfund.db.models.fees import (
    FeeReceipt,
    FeeRefund,
    FeeRefundLine,
    PaymentMethod,
    ReceiptStatus,
)
from trustfund.errors import ConflictError
from trustfund.fees.common import (
    HouseholdRef,
)
from trustfund.fees.deposits import cash_balance
from trustfund.fees.numbers import (
    lock_counter,
)
from trustfund.fees.owed import (
    paid_by_fund,
)
from trustfund.fees.payments import money_account
from trustfund.fees.receipt_views import (
    receipt_view,
)
from trustfund.fees.rules import (
    allocate,
    fee_year_start,
)
from trustfund.fees.schemas import (
    ReceiptOut,
    RefundOut,
)
from trustfund.journal.service import post_entry, reverse_entry
from trustfund.ledger.accounts import PREPAID_FEES, Fund, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

# --- voids and refunds (posted only once a committee member approved, fees/refunds.py) ------


def void_problem(session: Session, estate_id: int, receipt: FeeReceipt) -> Message | None:
    """Why the receipt cannot be voided now, or None. Read after ``lock_counter``."""
    receipt_no = receipt.receipt_no
    if receipt.status == ReceiptStatus.VOID:
        return Message("fees.void_already", receipt_no=receipt_no)
    if receipt.recognised_entry_seq is not None:
        return Message("fees.void_recognised", receipt_no=receipt_no)
    if receipt.method == PaymentMethod.CASH:
        held = cash_balance(session, estate_id)
        if held < receipt.amount:
            return Message("fees.void_cash_gone", receipt_no=receipt_no, held=held)
    paid = paid_by_fund(session, receipt.household_id, receipt.fee_year)
    for line in receipt.lines:
        if paid.get(line.fund, ZERO) < line.amount:
            return Message("fees.void_refunded", receipt_no=receipt_no)
    return None


def post_void(
    session: Session,
    estate_id: int,
    receipt: FeeReceipt,
    *,
    reason: str,
    on: date,
    actor_user_id: int | None,
) -> ReceiptOut:
    """Void a receipt by reversing its journal entry on ``on``; the number stays, marked void
    with the reason. Takes the receipt counter's lock first, then checks again
    (``void_problem``). Flushes; the approval of a void request calls it.

    Raises ConflictError (naming why not), PeriodLockedError, InsufficientFundsError.
    """
    lock_counter(session, estate_id, receipt.year)
    session.refresh(receipt)
    problem = void_problem(session, estate_id, receipt)
    if problem is not None:
        raise ConflictError(Message("fees.not_voided", problem=problem))
    entry = reverse_entry(
        session,
        estate_id,
        receipt.entry_seq,
        on=on,
        reason=f"作废收据{receipt.receipt_no}: {reason.strip()}",
        idempotency_key=f"fees.void:{estate_id}:{receipt.receipt_no}",
        actor_user_id=actor_user_id,
    )
    receipt.status = ReceiptStatus.VOID
    receipt.void_reason = reason.strip()
    receipt.voided_on = on
    receipt.void_entry_seq = entry.seq
    session.flush()
    return receipt_view(session, receipt)


def refund_problem(
    session: Session,
    estate_id: int,
    household_id: int,
    fee_year: int,
    amount: Decimal,
    method: PaymentMethod,
    *,
    held_back: Decimal = ZERO,
    cash_held_back: Decimal = ZERO,
) -> Message | None:
    """Why ``amount`` cannot be refunded now, or None: more than the household kept for the
    year (less ``held_back``, asked for by other waiting requests), or cash the steward does
    not hold (less ``cash_held_back``)."""
    paid = paid_by_fund(session, household_id, fee_year)
    kept = sum((a for a in paid.values() if a > 0), ZERO) - held_back
    if amount > kept:
        if held_back:
            return Message(
                "fees.refund_above_kept_waiting",
                amount=amount,
                fee_year=fee_year,
                kept=kept,
                held_back=held_back,
            )
        return Message("fees.refund_above_kept", amount=amount, fee_year=fee_year, kept=kept)
    if method == PaymentMethod.CASH:
        held = cash_balance(session, estate_id) - cash_held_back
        if amount > held:
            if cash_held_back:
                return Message("fees.refund_cash_short_waiting", held=held)
            return Message("fees.refund_cash_short", held=held)
    return None


def post_refund(
    session: Session,
    estate_id: int,
    *,
    household: HouseholdRef,
    fee_year: int,
    amount: Decimal,
    method: PaymentMethod,
    reason: str,
    on: date,
    actor_user_id: int | None,
) -> FeeRefund:
    """Pay money back to a household for one fee year, dated ``on``. Takes the receipt
    counter's lock first, then checks again (``refund_problem``). Flushes; the approval of a
    refund request calls it.

    The refund is split over the funds in proportion to what the household paid into each
    (net of earlier refunds) with ``split_exact``; it debits the income accounts — or
    ``PREPAID_FEES`` when the fee year has not started on ``on`` — and credits cash or bank.

    Raises ConflictError (naming why not: more than was paid, more cash than the steward
    holds, prepaid money for an opened year not yet recognised), InsufficientFundsError (a
    fund has already spent the money, the bank does not hold it), PeriodLockedError.
    """
    lock_counter(session, estate_id, on.year)
    problem = refund_problem(session, estate_id, household.id, fee_year, amount, method)
    if problem is not None:
        raise ConflictError(Message("fees.not_refunded", problem=problem))
    from_prepaid = on < fee_year_start(fee_year)
    if not from_prepaid and unrecognised_prepaid(session, estate_id, fee_year, household.id):
        raise ConflictError(Message("fees.refund_prepaid_unrecognised", fee_year=fee_year))
    paid = {f: a for f, a in paid_by_fund(session, household.id, fee_year).items() if a > 0}
    kept = sum(paid.values(), ZERO)
    lines = allocate(amount, paid)
    debit_legs = (
        [Leg(PREPAID_FEES, amount)]
        if from_prepaid
        else [Leg(fee_income_account(Fund(f)), a) for f, a in lines.items()]
    )
    entry = post_entry(
        session,
        estate_id,
        EntryDraft(
            date=on,
            narration=f"退还{fee_year}年度综合服务费",
            legs=(*debit_legs, Leg(money_account(method), -amount)),
            meta={"household": household.code, "fee-year": str(fee_year)},
            kind="refund",
        ),
        idempotency_key=f"fees.refund:{estate_id}:{household.code}:{fee_year}:{kept}:{amount}",
        actor_user_id=actor_user_id,
    )
    row = FeeRefund(
        estate_id=estate_id,
        household_id=household.id,
        fee_year=fee_year,
        amount=amount,
        method=method,
        refunded_on=on,
        from_prepaid=from_prepaid,
        reason=reason.strip(),
        entry_seq=entry.seq,
        recorded_by_user_id=actor_user_id,
        lines=[FeeRefundLine(fund=f, amount=a) for f, a in lines.items()],
    )
    session.add(row)
    session.flush()
    return row


def refund_view(session: Session, row: FeeRefund) -> RefundOut:
    household = session.get(Household, row.household_id)
    assert household is not None
    return {
        "id": row.id,
        "household_code": household.code,
        "fee_year": row.fee_year,
        "amount": money_text(row.amount),
        "method": row.method.value,
        "refunded_on": row.refunded_on.isoformat(),
        "from_prepaid": row.from_prepaid,
        "entry_seq": row.entry_seq,
        "lines": [{"fund": line.fund, "amount": money_text(line.amount)} for line in row.lines],
    }


def unrecognised_prepaid(
    session: Session, estate_id: int, fee_year: int, household_id: int | None = None
) -> bool:
    query = select(FeeReceipt.id).where(
        FeeReceipt.estate_id == estate_id,
        FeeReceipt.fee_year == fee_year,
        FeeReceipt.prepaid.is_(True),
        FeeReceipt.status == ReceiptStatus.VALID,
        FeeReceipt.recognised_entry_seq.is_(None),
    )
    if household_id is not None:
        query = query.where(FeeReceipt.household_id == household_id)
    return session.scalar(query.limit(1)) is not None

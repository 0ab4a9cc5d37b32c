"""The steward's cash: how much is held and since when, and deposits of it into the committee's
bank account."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.fees import (
    CashDeposit,
    FeeReceipt,
    PaymentMethod,
    ReceiptStatus,
)
from trustfund.db.session import command
from trustfund.errors import FieldError, ValidationError, raise_if
from trustfund.estates.service import today_in
from trustfund.fees.common import get_estate, parse_money
from trustfund.fees.numbers import (
    lock_counter,
)
from trustfund.fees.schemas import (
    CashOut,
    DepositIn,
    DepositOut,
)
from trustfund.journal.idempotency import (
    run_idempotent,
)
from trustfund.journal.reading import account_balances
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import BANK, CASH
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

# --- cash and deposits -----------------------------------------------------------------------


def cash_balance(session: Session, estate_id: int) -> Decimal:
    return account_balances(session, estate_id).get(CASH, ZERO)


def cash_on_hand(session: Session, estate_id: int) -> CashOut:
    """How much cash the steward holds and since when: the date of the oldest cash receipt
    not yet covered by what left the cash box (deposits, cash refunds), first in first out."""
    held = cash_balance(session, estate_id)
    rows = session.execute(
        select(FeeReceipt.paid_on, FeeReceipt.amount)
        .where(
            FeeReceipt.estate_id == estate_id,
            FeeReceipt.method == PaymentMethod.CASH,
            FeeReceipt.status == ReceiptStatus.VALID,
        )
        .order_by(FeeReceipt.paid_on, FeeReceipt.id)
    ).all()
    return {"cash": money_text(held), "since": _oldest_undeposited(rows, held)}


def _oldest_undeposited(rows: Iterable[tuple[date, Decimal]], held: Decimal) -> str | None:
    received = [(d, Decimal(a)) for d, a in rows]
    gone = sum((a for _, a in received), ZERO) - held
    if held <= 0:
        return None
    for day, amount in received:
        if gone < amount:
            return day.isoformat()
        gone -= amount
    return None


@command
def deposit_cash(
    session: Session,
    estate_id: int,
    data: DepositIn,
    *,
    actor_user_id: int | None,
    idempotency_key: str | None,
) -> tuple[DepositOut, bool]:
    """The steward pays cash into the committee bank account (its own entry). Commits.

    Raises ValidationError (more than the steward holds, bad amount or date),
    IdempotencyConflictError, PeriodLockedError.
    """

    def action() -> DepositOut:
        estate = get_estate(session, estate_id)
        errors: list[FieldError] = []
        amount = parse_money(data.amount, "amount", errors)
        if amount is not None and amount <= 0:
            errors.append(FieldError("amount", Message("input.not_positive")))
        today = today_in(estate)
        on = data.deposited_on or today
        if on > today:
            errors.append(FieldError("deposited_on", Message("input.in_future", today=today)))
        raise_if(errors, Message("fees.deposit_invalid"))
        assert amount is not None
        lock_counter(session, estate_id, on.year)
        held = cash_balance(session, estate_id)
        if amount > held:
            raise ValidationError.field("amount", Message("fees.steward_cash_short", held=held))
        n = session.scalar(
            select(func.count(CashDeposit.id)).where(CashDeposit.estate_id == estate_id)
        )
        entry = post_entry(
            session,
            estate_id,
            EntryDraft(
                date=on,
                narration="管家现金存入业委会银行账户",
                legs=(Leg(BANK, amount), Leg(CASH, -amount)),
                meta={"deposit": str((n or 0) + 1)},
                kind="deposit",
            ),
            idempotency_key=f"fees.deposit:{estate_id}:{(n or 0) + 1}",
            actor_user_id=actor_user_id,
        )
        row = CashDeposit(
            estate_id=estate_id,
            amount=amount,
            deposited_on=on,
            reference=data.reference.strip(),
            entry_seq=entry.seq,
            recorded_by_user_id=actor_user_id,
        )
        session.add(row)
        session.flush()
        return {
            "id": row.id,
            "amount": money_text(amount),
            "deposited_on": on.isoformat(),
            "entry_seq": entry.seq,
            **cash_on_hand(session, estate_id),
        }

    result, replayed = run_idempotent(
        session,
        scope=f"fees.deposit:{estate_id}",
        key=idempotency_key,
        fingerprint=data.model_dump(mode="json"),
        action=action,
    )
    return result, replayed

"""No fund, and neither the bank nor the steward's cash, goes below zero on any day from an
entry's date on (checked under the head lock). Moved out of ``journal.service``, which still
exports these names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Session

from trustfund.db.models.journal import (
    JournalDailyTotal,
    JournalPosting,
)
from trustfund.errors import (
    FieldError,
    InsufficientFundsError,
)
from trustfund.journal.reading import _sum_amount, _to_money, fund_balances
from trustfund.ledger.accounts import (
    BANK,
    CASH,
)
from trustfund.ledger.entries import (
    Leg,
    fund_deltas,
)
from trustfund.ledger.money import ZERO, to_money
from trustfund.messages import Message

#: Accounts holding money that exists (the committee's bank account, the steward's cash):
#: they can never go below zero, whatever the route (DESIGN 2026-12-05).
MONEY_ACCOUNTS = (BANK, CASH)


def _takes_money_out(legs: Sequence[Leg]) -> bool:
    return any(leg.account in MONEY_ACCOUNTS and leg.amount < ZERO for leg in legs)


_MONEY_BALANCE = select(func.coalesce(func.sum(JournalDailyTotal.fen), 0)).where(
    JournalDailyTotal.estate_id == bindparam("estate_id"),
    JournalDailyTotal.account == bindparam("account"),
    JournalDailyTotal.date <= bindparam("on", type_=Date),
)


def money_balance(session: Session, estate_id: int, account: str, on: date = date.max) -> Decimal:
    """The balance of a money account (bank, cash) as of ``on`` (everything by default),
    from the daily totals (one row per day at most)."""
    fen = (
        session.connection()
        .execute(_MONEY_BALANCE, {"estate_id": estate_id, "account": account, "on": on})
        .scalar_one()
    )
    return to_money(Decimal(int(fen)) / 100)


def _lowest(
    opening: Decimal, later: Sequence[tuple[date, Decimal]], on: date
) -> tuple[Decimal, date]:
    """The lowest of a running balance that stands at ``opening`` on ``on`` and changes by
    ``later`` (date, change; dates after ``on``, in order), and the first day it is reached."""
    lowest, day, running = opening, on, opening
    for when, change in later:
        running += change
        if running < lowest:
            lowest, day = running, when
    return lowest, day


_MONEY_AFTER = (
    select(JournalDailyTotal.date, JournalDailyTotal.fen)
    .where(
        JournalDailyTotal.estate_id == bindparam("estate_id"),
        JournalDailyTotal.account == bindparam("account"),
        JournalDailyTotal.date > bindparam("on", type_=Date),
    )
    .order_by(JournalDailyTotal.date)
)


def _short_message(
    what: str, lowest: Decimal, day: date, on: date, delta: Decimal, *, fund: bool
) -> Message:
    """``{what} holds {lowest} CNY on {day}…; this entry takes … CNY, short by … CNY``."""
    when = (
        Message("journal.on_day", on=on)
        if day == on
        else Message("journal.lowest_on", day=day, on=on)
    )
    short = -(lowest + delta)
    if fund:
        return Message(
            "journal.fund_short", what=what, lowest=lowest, when=when, takes=-delta, short=short
        )
    return Message(
        "journal.money_short", what=what, lowest=lowest, when=when, takes=-delta, short=short
    )


def _check_money_accounts(session: Session, estate_id: int, on: date, legs: Sequence[Leg]) -> None:
    """No entry takes the bank or the steward's cash below zero on any day from its date on:
    a back-dated withdrawal must fit under the lowest balance that follows it, not only the
    balance on its date and at the end (run under the head lock, like the fund check)."""
    takes: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for leg in legs:
        if leg.account in MONEY_ACCOUNTS:
            takes[leg.account] += leg.amount
    connection = session.connection()
    for account, delta in sorted(takes.items()):
        if delta >= ZERO:
            continue
        later = connection.execute(
            _MONEY_AFTER, {"estate_id": estate_id, "account": account, "on": on}
        ).all()
        lowest, day = _lowest(
            money_balance(session, estate_id, account, on),
            [(when, to_money(Decimal(int(fen)) / 100)) for when, fen in later],
            on,
        )
        if lowest + delta < ZERO:
            raise InsufficientFundsError(
                _short_message(account, lowest, day, on, delta, fund=False),
                errors=[
                    FieldError("legs", Message("journal.below_zero", account=account, day=day))
                ],
                extra={"account": account, "shortfall": str(-(lowest + delta)), "on": str(day)},
            )


def _check_funds(session: Session, estate_id: int, on: date, legs: Sequence[Leg]) -> None:
    """No fund the entry takes money out of may go below zero on any day from the entry's
    date on (later-dated entries may already have spent what a back-dated one would take)."""
    takes = {f: d for f, d in fund_deltas(tuple(legs)).items() if d < ZERO}
    if not takes:
        return
    balances = fund_balances(session, estate_id, as_of=on)
    later: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = session.execute(
        select(JournalPosting.fund, JournalPosting.date, _sum_amount(session))
        .where(
            JournalPosting.estate_id == estate_id,
            JournalPosting.fund.in_(sorted(takes)),
            JournalPosting.date > on,
        )
        .group_by(JournalPosting.fund, JournalPosting.date)
        .order_by(JournalPosting.date)
    )
    for fund, when, total in rows:
        later[str(fund)].append((when, -_to_money(session, total)))
    for fund, delta in sorted(takes.items()):
        lowest, day = _lowest(balances.get(fund, ZERO), later[fund], on)
        if lowest + delta < ZERO:
            raise InsufficientFundsError(
                _short_message(fund, lowest, day, on, delta, fund=True),
                extra={"fund": fund, "shortfall": str(-(lowest + delta)), "on": str(day)},
            )

"""Reading the journal: entries, account and fund balances, the chart, in SQL (exact on both
backends). Moved out of ``journal.service``, which still exports these names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trustfund.db.models.journal import (
    JournalEntry,
    JournalPosting,
    LedgerAccount,
)
from trustfund.errors import (
    NotFoundError,
)
from trustfund.ledger.money import ZERO, to_money
from trustfund.messages import Message


def get_entry(session: Session, estate_id: int, seq: int) -> JournalEntry:
    """Raises ``NotFoundError``."""
    entry = session.scalars(
        select(JournalEntry).where(JournalEntry.estate_id == estate_id, JournalEntry.seq == seq)
    ).one_or_none()
    if entry is None:
        raise NotFoundError(Message("journal.no_entry", seq=seq))
    return entry


def list_entries(
    session: Session, estate_id: int, *, page: int = 1, per_page: int = 50
) -> tuple[list[JournalEntry], int]:
    """One page of entries, newest first, and the total count."""
    total = session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.estate_id == estate_id)
    )
    rows = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.estate_id == estate_id)
        .order_by(JournalEntry.seq.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total or 0)


def reversed_by(session: Session, estate_id: int, seqs: Sequence[int]) -> dict[int, int]:
    """``{original seq: reversal seq}`` for those of ``seqs`` that were reversed."""
    if not seqs:
        return {}
    rows = session.execute(
        select(JournalEntry.reverses_seq, JournalEntry.seq).where(
            JournalEntry.estate_id == estate_id, JournalEntry.reverses_seq.in_(seqs)
        )
    )
    return {int(orig): int(rev) for orig, rev in rows if orig is not None}


def _sum_amount(session: Session) -> ColumnElement[Any]:
    """SUM of posting amounts, exact on both backends. SQLite keeps NUMERIC as binary
    floating point, so there each amount is summed as whole fen (an exact integer)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.sum(cast(func.round(JournalPosting.amount * 100), Integer))
    return func.sum(JournalPosting.amount)


def _to_money(session: Session, value: Any) -> Decimal:
    if value is None:
        return ZERO
    if session.get_bind().dialect.name == "sqlite":
        return to_money(Decimal(int(value)) / 100)
    return to_money(Decimal(value))


def _date_filter(start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if start is not None:
        clauses.append(JournalPosting.date >= start)
    if end is not None:
        clauses.append(JournalPosting.date <= end)
    return clauses


def account_balances(
    session: Session, estate_id: int, *, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """Per-account sums of postings dated in [start, end] (both inclusive; open-ended when
    omitted), computed in SQL. With only ``end`` this is each account's balance as of ``end``.
    Accounts that sum to zero are left out. Debits positive, credits negative."""
    rows = session.execute(
        select(JournalPosting.account, _sum_amount(session))
        .where(JournalPosting.estate_id == estate_id, *_date_filter(start, end))
        .group_by(JournalPosting.account)
    )
    result = {account: _to_money(session, total) for account, total in rows}
    return {a: v for a, v in sorted(result.items()) if v != ZERO}


def fund_balances(
    session: Session, estate_id: int, *, as_of: date | None = None
) -> dict[str, Decimal]:
    """Each fund's balance as of ``as_of`` (inclusive; everything when omitted), in SQL:
    -(sum of its postings). Every fund with an account in the chart is listed, zero or not."""
    return fund_changes(session, estate_id, end=as_of)


def fund_changes(
    session: Session, estate_id: int, *, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """How much each fund grew (+) or shrank (−) over [start, end] (both inclusive)."""
    funds = dict.fromkeys(
        session.scalars(
            select(LedgerAccount.fund)
            .where(LedgerAccount.estate_id == estate_id, LedgerAccount.fund.is_not(None))
            .distinct()
        ),
        ZERO,
    )
    rows = session.execute(
        select(JournalPosting.fund, _sum_amount(session))
        .where(
            JournalPosting.estate_id == estate_id,
            JournalPosting.fund.is_not(None),
            *_date_filter(start, end),
        )
        .group_by(JournalPosting.fund)
    )
    for fund, total in rows:
        if fund is not None:
            funds[fund] = -_to_money(session, total)
    return {str(f): v + ZERO for f, v in sorted(funds.items()) if f is not None}


def chart(session: Session, estate_id: int) -> list[LedgerAccount]:
    return list(
        session.scalars(
            select(LedgerAccount)
            .where(LedgerAccount.estate_id == estate_id)
            .order_by(LedgerAccount.opened_on, LedgerAccount.account)
        )
    )

"""What the ledger API does, one function per route: each takes the request's session,
does its unit of work, commits, then brings the estate's mirror file up to date."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.journal import PeriodLock as PeriodLockRow
from trustfund.db.session import command
from trustfund.errors import ValidationError
from trustfund.journal import general, periods, reading, schemas, service
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message
from trustfund.settings import Settings


def entry_schema(
    entry: JournalEntry | service.PostedEntry, reversed_by_seq: int | None
) -> schemas.Entry:
    return schemas.Entry(
        seq=entry.seq,
        date=entry.date,
        kind=entry.kind,
        payee=entry.payee,
        narration=entry.narration,
        meta=json.loads(entry.meta),
        hash=entry.hash,
        prev_hash=entry.prev_hash,
        reverses_seq=entry.reverses_seq,
        reversed_by_seq=reversed_by_seq,
        created_at=entry.created_at,
        postings=[
            schemas.Posting(account=p.account, fund=p.fund, amount=money_text(p.amount))
            for p in entry.postings
        ],
        text=entry.text,
    )


def list_entries(session: Session, estate: Estate, page: int, per_page: int) -> schemas.EntryPage:
    if page < 1 or not 1 <= per_page <= 500:
        raise ValidationError.field("page", Message("journal.paging"))
    rows, total = reading.list_entries(session, estate.id, page=page, per_page=per_page)
    reversed_by = reading.reversed_by(session, estate.id, [e.seq for e in rows])
    return schemas.EntryPage(
        items=[entry_schema(e, reversed_by.get(e.seq)) for e in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


def get_entry(session: Session, estate: Estate, seq: int) -> schemas.Entry:
    entry = reading.get_entry(session, estate.id, seq)
    return entry_schema(entry, reading.reversed_by(session, estate.id, [seq]).get(seq))


def _key(idempotency_key: str | None) -> str:
    if idempotency_key is None or not idempotency_key.strip():
        raise ValidationError.field(
            "Idempotency-Key", Message("journal.idempotency_header_required")
        )
    return idempotency_key.strip()


@command
def record_entry(
    session: Session,
    settings: Settings,
    estate: Estate,
    data: schemas.EntryCreate,
    idempotency_key: str | None,
    actor_user_id: int | None,
) -> schemas.Entry:
    """Post a general entry one person may post alone — a reclassification between
    expense accounts of one fund (``journal.general``) — and commit. Anything that moves
    money between parties is proposed instead (``propose_entry``). Raises
    ``ValidationError`` (naming each leg that needs approval, a date out of bounds),
    ``BooksNotOpenError`` and what ``post_entry`` raises."""
    key = _key(idempotency_key)
    draft = general.direct_draft(session, estate, data)
    entry = service.post_entry(
        session, estate.id, draft, idempotency_key=f"api:{key}", actor_user_id=actor_user_id
    )
    result = entry_schema(entry, None)
    return result


@command
def reverse_entry(
    session: Session,
    settings: Settings,
    estate: Estate,
    seq: int,
    data: schemas.ReversalCreate,
    idempotency_key: str | None,
    actor_user_id: int | None,
) -> schemas.Entry:
    """Reverse a general entry ``seq`` that reclassified spending, and commit. Entries of a
    domain (fee payments, payouts, gifts …) are corrected in their domain, which keeps its
    own records (receipts, cash on hand, claims) consistent; a general entry that moved money
    between parties is reversed by a proposal the committee approves: both are a
    ``ConflictError`` here. Raises what ``reverse_entry`` raises."""
    general.check_direct_reversal(reading.get_entry(session, estate.id, seq))
    entry = service.reverse_entry(
        session,
        estate.id,
        seq,
        on=data.date,
        reason=data.reason,
        idempotency_key=f"api-reversal:{_key(idempotency_key)}",
        actor_user_id=actor_user_id,
    )
    result = entry_schema(entry, None)
    return result


def _span(
    start: date | None, end: date | None, as_of: date | None
) -> tuple[date | None, date | None]:
    """The period a balance query asks for: [start, end], or up to ``as_of`` (not both).
    Raises ``ValidationError`` (``as_of`` with a range, ``end`` before ``start``)."""
    if as_of is not None:
        if start is not None or end is not None:
            raise ValidationError.field("as_of", Message("journal.as_of_or_range"))
        end = as_of
    if start and end and start > end:
        raise ValidationError.field("end", Message("journal.end_before_start"))
    return start, end


def account_balances(
    session: Session, estate: Estate, start: date | None, end: date | None, as_of: date | None
) -> schemas.AccountBalances:
    """Sums over [start, end]; ``as_of`` alone means everything up to that date."""
    start, end = _span(start, end, as_of)
    sums = reading.account_balances(session, estate.id, start=start, end=end)
    return schemas.AccountBalances(
        start=start,
        end=end,
        accounts=[
            schemas.AccountBalance(
                account=a.account,
                name=a.name,
                fund=a.fund,
                balance=money_text(sums.get(a.account, ZERO)),
            )
            for a in reading.chart(session, estate.id)
        ],
    )


def fund_balances(
    session: Session, estate: Estate, start: date | None, end: date | None, as_of: date | None
) -> schemas.FundBalances:
    """Balances as of ``as_of`` (or ``end``); with ``start``, the change over the period."""
    start, end = _span(start, end, as_of)
    funds = reading.fund_changes(session, estate.id, start=start, end=end)
    return schemas.FundBalances(
        start=start,
        end=end,
        funds=[schemas.FundBalance(fund=f, balance=money_text(v)) for f, v in funds.items()],
    )


def lock_schema(lock: PeriodLockRow) -> schemas.PeriodLock:
    return schemas.PeriodLock(
        id=lock.id,
        start=lock.start,
        end=lock.end,
        reason=lock.reason,
        locked_at=lock.locked_at,
        locked_by=lock.locked_by,
        active=lock.lifted_at is None,
        lifted_at=lock.lifted_at,
        lift_request_id=lock.lift_request_id,
        lift_reason=lock.lift_reason,
    )


def period_locks(session: Session, estate: Estate) -> list[schemas.PeriodLock]:
    return [lock_schema(lock) for lock in periods.period_locks(session, estate.id)]

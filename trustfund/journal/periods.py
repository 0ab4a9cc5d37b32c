"""Period locks: a published period takes no entry until its lock is lifted (a correction).
Moved out of ``journal.service``, which still exports these names."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import (
    PeriodLock,
)
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PeriodLockedError,
)
from trustfund.estates.service import today_in
from trustfund.journal.head import _lock_head, _raise_problems
from trustfund.ledger.entries import (
    text_problem,
)
from trustfund.messages import Message


def locking(session: Session, estate_id: int, on: date) -> PeriodLock | None:
    """The lock that refuses entries dated ``on`` (None: the day is open; a lifted lock
    refuses nothing)."""
    return session.scalars(
        select(PeriodLock)
        .where(
            PeriodLock.estate_id == estate_id,
            PeriodLock.start <= on,
            PeriodLock.end >= on,
            PeriodLock.lifted_at.is_(None),
        )
        .order_by(PeriodLock.start)
        .limit(1)
    ).first()


def _check_period_open(session: Session, estate_id: int, on: date) -> None:
    lock = locking(session, estate_id, on)
    if lock is not None:
        raise PeriodLockedError(
            Message(
                "journal.in_locked_period",
                on=on,
                start=lock.start,
                end=lock.end,
                reason=lock.reason,
            ),
            errors=[
                FieldError(
                    "date", Message("journal.inside_locked_period", start=lock.start, end=lock.end)
                )
            ],
            extra={"period": {"start": lock.start.isoformat(), "end": lock.end.isoformat()}},
        )


def lock_period(
    session: Session,
    estate_id: int,
    *,
    start: date,
    end: date,
    reason: str,
    locked_by: int | None = None,
) -> PeriodLock:
    """Lock [start, end] (both inclusive): no entry dated inside it can be posted any more.
    Only a period that has ended (``end`` before today in the estate's time zone) can be
    locked, so nobody can freeze today's or future postings. Locks may overlap. Raises
    ``ValidationError``, ``NotFoundError``."""
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(Message("journal.no_estate", estate_id=estate_id))
    problems = []
    if start > end:
        problems.append(("end", Message("journal.end_before_start")))
    today = today_in(estate)
    if end >= today:
        problems.append(
            (
                "end",
                Message(
                    "journal.lock_period_not_ended",
                    end=end,
                    today=today,
                    timezone=estate.timezone,
                ),
            )
        )
    if not reason.strip():
        problems.append(("reason", Message("input.empty")))
    elif why := text_problem(reason):
        problems.append(("reason", why))
    _raise_problems(problems)
    _lock_head(session, estate_id)  # serialise with writers posting into the period
    lock = PeriodLock(
        estate_id=estate_id, start=start, end=end, reason=reason.strip(), locked_by=locked_by
    )
    session.add(lock)
    session.flush()
    return lock


def lift_lock(
    session: Session, estate_id: int, lock_id: int, *, request_id: int, reason: str
) -> PeriodLock:
    """Lift a lock: entries dated inside it are accepted again until the period's corrected
    disclosure is published (which locks it anew). The last step of the correction procedure
    (``disclosure.unlocks``), called only once a committee majority approved request
    ``request_id``; the row stays, with when, by which request and why. Serialises with
    writers (the head lock). Raises ``NotFoundError``, ``ConflictError`` (already lifted)."""
    _lock_head(session, estate_id)
    lock = session.scalars(
        select(PeriodLock)
        .where(PeriodLock.id == lock_id, PeriodLock.estate_id == estate_id)
        .with_for_update()
    ).one_or_none()
    if lock is None:
        raise NotFoundError(Message("journal.no_lock", lock_id=lock_id))
    if lock.lifted_at is not None:
        raise ConflictError(
            Message("journal.lock_lifted_already", lock_id=lock_id, lifted_at=lock.lifted_at)
        )
    lock.lifted_at = utcnow()
    lock.lift_request_id = request_id
    lock.lift_reason = reason
    session.flush()
    return lock


def period_locks(session: Session, estate_id: int) -> list[PeriodLock]:
    return list(
        session.scalars(
            select(PeriodLock)
            .where(PeriodLock.estate_id == estate_id)
            .order_by(PeriodLock.start, PeriodLock.id)
        )
    )

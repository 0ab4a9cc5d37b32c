"""Receipt numbers ``YYYY-NNNNNN``: gapless per estate and calendar year of the payment date,
taken from the year's counter row (``fee_receipt_counters``) in the transaction that writes the
receipts, so a rollback gives them back (``payments`` describes the order of the locks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from sqlalchemy import Table, and_, bindparam, case, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from trustfund.db.models.fees import (
    FeeReceiptCounter,
)
from trustfund.db.session import is_postgres

# --- receipt numbers -----------------------------------------------------------------------


def lock_counter(session: Session, estate_id: int, year: int) -> FeeReceiptCounter:
    """Lock (creating it if needed) the estate's receipt counter for ``year`` until the
    transaction ends. Voids, refunds, deposits and prepaid recognition take it before they
    check what was paid, so they are serialised with each other and with payments (which
    take it, through ``take_numbers``, only once their own checks are done)."""
    upsert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(
        upsert(FeeReceiptCounter)
        .values(estate_id=estate_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    return session.execute(
        select(FeeReceiptCounter)
        .where(FeeReceiptCounter.estate_id == estate_id, FeeReceiptCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def take_numbers(session: Session, estate_id: int, year: int, count: int) -> int:
    """Take ``count`` consecutive receipt numbers and return the first. One statement
    (``UPDATE … RETURNING``) increments the counter and locks its row until the transaction
    ends, so numbers are gapless and unique; a rollback gives them back."""
    connection = session.connection()
    bump = {"counter_estate_id": estate_id, "counter_year": year, "count": count}
    last = connection.execute(_BUMP_COUNTER, bump).scalar_one_or_none()
    if last is None:  # the year's first receipt
        _create_counter(session, estate_id, year)
        last = connection.execute(_BUMP_COUNTER, bump).scalar_one()
    return int(last) - count + 1


def take_numbers_in(
    session: Session, counts: Mapping[tuple[int, int], int]
) -> dict[tuple[int, int], int]:
    """``take_numbers`` for several ``(estate id, year): count`` at once (a group commit's
    estates): the first number taken for each. The counters are locked in ``(estate, year)``
    order (on PostgreSQL by one ``SELECT … FOR UPDATE`` first: an ``UPDATE`` locks rows in
    whatever order its plan reads them) and moved on by one ``UPDATE … RETURNING``."""
    if len(counts) == 1:
        (((estate_id, year), count),) = counts.items()
        return {(estate_id, year): take_numbers(session, estate_id, year, count)}
    keys = sorted(counts)
    connection = session.connection()
    if is_postgres(session):
        connection.execute(
            select(_COUNTERS.c.estate_id)
            .where(tuple_(_COUNTERS.c.estate_id, _COUNTERS.c.year).in_(keys))
            .order_by(_COUNTERS.c.estate_id, _COUNTERS.c.year)
            .with_for_update()
        ).all()
    last = dict(_bump(session, {key: counts[key] for key in keys}))
    if missing := [key for key in keys if key not in last]:  # a year's first receipts
        for estate_id, year in missing:
            _create_counter(session, estate_id, year)
        last.update(_bump(session, {key: counts[key] for key in missing}))
    return {key: last[key] - counts[key] + 1 for key in keys}


def lock_counters_if_free(
    session: Session, keys: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """PostgreSQL: lock the counters of ``keys`` (``(estate id, year)``) that no other
    transaction holds, without waiting for the others (``FOR UPDATE SKIP LOCKED``, in
    ``(estate, year)`` order); returns the keys whose counters are now locked until the
    transaction ends (a year without a counter yet is not among them)."""
    rows = session.connection().execute(_COUNTERS_IF_FREE, {"keys": sorted(keys)})
    return {(estate_id, year) for estate_id, year in rows}


def _bump(
    session: Session, counts: Mapping[tuple[int, int], int]
) -> list[tuple[tuple[int, int], int]]:
    """Move the counters of ``counts`` on, in one ``UPDATE … RETURNING``: ``((estate id,
    year), last number)`` of those that exist."""
    columns = _COUNTERS.c
    statement = (
        update(_COUNTERS)
        .where(tuple_(columns.estate_id, columns.year).in_(list(counts)))
        .values(
            last_number=columns.last_number
            + case(
                *[
                    (and_(columns.estate_id == estate_id, columns.year == year), count)
                    for (estate_id, year), count in counts.items()
                ]
            )
        )
        .returning(columns.estate_id, columns.year, columns.last_number)
    )
    rows = session.connection().execute(statement)
    return [((estate_id, year), int(last)) for estate_id, year, last in rows]


def _create_counter(session: Session, estate_id: int, year: int) -> None:
    upsert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(
        upsert(_COUNTERS)
        .values(estate_id=estate_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )


_COUNTERS = cast(Table, FeeReceiptCounter.__table__)
_BUMP_COUNTER = (  # built once: every payment runs it
    update(_COUNTERS)
    .where(
        _COUNTERS.c.estate_id == bindparam("counter_estate_id"),
        _COUNTERS.c.year == bindparam("counter_year"),
    )
    .values(last_number=_COUNTERS.c.last_number + bindparam("count"))
    .returning(_COUNTERS.c.last_number)
)


_COUNTERS_IF_FREE = (
    select(_COUNTERS.c.estate_id, _COUNTERS.c.year)
    .where(tuple_(_COUNTERS.c.estate_id, _COUNTERS.c.year).in_(bindparam("keys", expanding=True)))
    .order_by(_COUNTERS.c.estate_id, _COUNTERS.c.year)
    .with_for_update(skip_locked=True)
)
_PAYMENT_ID = func.nextval(func.pg_get_serial_sequence("fee_payments", "id"))
#: PostgreSQL, built once: ``_BUMP_COUNTER`` by one, also taking the next payment id.
_BUMP_COUNTER_AND_PAYMENT_ID = _BUMP_COUNTER.returning(_PAYMENT_ID)


def take_number_and_payment_id(session: Session, estate_id: int, year: int) -> tuple[int, int]:
    """PostgreSQL: ``take_numbers`` of one number and the id of the payment to be written
    (``payments._write_lone``), in one statement."""
    connection = session.connection()
    bump = {"counter_estate_id": estate_id, "counter_year": year, "count": 1}
    row = connection.execute(_BUMP_COUNTER_AND_PAYMENT_ID, bump).first()
    if row is None:  # the year's first receipt
        _create_counter(session, estate_id, year)
        row = connection.execute(_BUMP_COUNTER_AND_PAYMENT_ID, bump).one()
    return int(row[0]), int(row[1])

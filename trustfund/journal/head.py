"""An estate's chain head and what a transaction remembers about it: the head read and
locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises every
writer) and written back, the entries added for the mirror hook, the accounts seen open.
Moved out of ``journal.service``, which still exports these names."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Table,
    bindparam,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import (
    LedgerAccount,
    LedgerHead,
)
from trustfund.errors import (
    FieldError,
    NotFoundError,
    ValidationError,
)
from trustfund.ledger.accounts import (
    BANK,
)
from trustfund.ledger.text import GENESIS
from trustfund.messages import Message, Reason

#: ``session.info`` key: ids of estates whose chain this transaction may have extended.
CHAINED_ESTATES = "trustfund.chained_estates"


#: ``session.info`` key: the entries this transaction added, as ``(innermost transaction,
#: estate id, seq, text)`` (the mirror hook appends them after the commit without reading
#: them back; those added inside a savepoint that was rolled back are dropped).
NEW_ENTRIES = "trustfund.new_entries"


def _ensure_head(session: Session, estate_id: int) -> None:
    values = {"estate_id": estate_id, "last_seq": 0, "last_hash": GENESIS}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(LedgerHead).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(LedgerHead).values(**values).on_conflict_do_nothing())


@dataclass
class Head:
    """An estate's chain head as read under its lock; ``_append`` moves it on and
    ``_save_head`` writes it back."""

    estate_id: int
    last_seq: int
    last_hash: str


_HEADS = typing.cast(Table, LedgerHead.__table__)


# Built once: every posting runs them (building a statement costs more than running it).
_LOCK_HEAD = (
    select(_HEADS.c.last_seq, _HEADS.c.last_hash)
    .where(_HEADS.c.estate_id == bindparam("estate_id"))
    .with_for_update()
)


_SAVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.estate_id == bindparam("head_estate_id"))
    .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))
)


_OPENED = select(LedgerAccount.account, LedgerAccount.opened_on).where(
    LedgerAccount.estate_id == bindparam("estate_id"),
    LedgerAccount.account.in_(bindparam("accounts", expanding=True)),
)


def _lock_head(session: Session, estate_id: int) -> Head:
    """The estate's chain head, locked until the transaction ends (fresh from the database)."""
    connection = session.connection()
    row = connection.execute(_LOCK_HEAD, {"estate_id": estate_id}).first()
    if row is None:
        if session.get(Estate, estate_id) is None:
            raise NotFoundError(Message("journal.no_estate", estate_id=estate_id))
        _ensure_head(session, estate_id)
        row = connection.execute(_LOCK_HEAD, {"estate_id": estate_id}).one()
    # Whoever locks the head may append to the chain: the mirror hook appends after commit.
    session.info.setdefault(CHAINED_ESTATES, set()).add(estate_id)
    return Head(estate_id, row.last_seq, row.last_hash)


_LOCK_HEADS = (
    select(_HEADS.c.estate_id, _HEADS.c.last_seq, _HEADS.c.last_hash)
    .where(_HEADS.c.estate_id.in_(bindparam("estate_ids", expanding=True)))
    .order_by(_HEADS.c.estate_id)
    .with_for_update()
)


def _lock_heads(session: Session, estate_ids: Sequence[int]) -> dict[int, Head]:
    """``_lock_head`` of several estates: their heads locked in one statement, in estate
    order (the order every writer of several estates takes them in), by estate id."""
    if len(estate_ids) == 1:
        return {estate_ids[0]: _lock_head(session, estate_ids[0])}
    rows = session.connection().execute(_LOCK_HEADS, {"estate_ids": sorted(estate_ids)})
    heads = {row.estate_id: Head(row.estate_id, row.last_seq, row.last_hash) for row in rows}
    for estate_id in sorted(set(estate_ids) - heads.keys()):  # an estate's first entry
        heads[estate_id] = _lock_head(session, estate_id)
    session.info.setdefault(CHAINED_ESTATES, set()).update(heads)
    return heads


def lock_heads_if_free(session: Session, estate_ids: Sequence[int]) -> set[int]:
    """PostgreSQL: lock the heads of ``estate_ids`` that no other transaction holds, without
    waiting for the others (``FOR UPDATE SKIP LOCKED``, in estate order); returns the estates
    whose heads are now locked until the transaction ends (an estate without a head yet is
    not among them)."""
    rows = session.connection().execute(_HEADS_IF_FREE, {"estate_ids": sorted(estate_ids)})
    return set(rows.scalars())


_HEADS_IF_FREE = (
    select(_HEADS.c.estate_id)
    .where(_HEADS.c.estate_id.in_(bindparam("estate_ids", expanding=True)))
    .order_by(_HEADS.c.estate_id)
    .with_for_update(skip_locked=True)
)


def lock_estate_head(session: Session, estate_id: int) -> None:
    """Serialise with every writer of the estate until the transaction ends (for workflows
    that decide from the journal's state, like opening the books)."""
    _lock_head(session, estate_id)


def _save_head(session: Session, head: Head) -> None:
    _save_heads(session, [head])


def _save_heads(session: Session, heads: Sequence[Head]) -> None:
    """Write moved heads back (one ``UPDATE`` per head: psycopg pipelines several)."""
    values = [
        {"head_estate_id": h.estate_id, "new_seq": h.last_seq, "new_hash": h.last_hash}
        for h in heads
    ]
    session.connection().execute(_SAVE_HEAD, values[0] if len(values) == 1 else values)
    for head in heads:
        loaded = session.identity_map.get(session.identity_key(LedgerHead, head.estate_id))
        if loaded is not None:
            session.expire(loaded)  # an ORM copy read earlier in this session is stale now


def _raise_problems(problems: Sequence[tuple[str, Reason]]) -> None:
    if problems:
        errors = [FieldError(f, r) for f, r in problems]
        raise ValidationError(Message("input.problems", problems=errors), errors=errors)


def _remember(session: Session, estate_id: int, seq: int, text: str) -> None:
    """Note an entry this transaction added, for the mirror hook (``NEW_ENTRIES``), with the
    innermost transaction it was added in: a savepoint rolled back forgets it."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(NEW_ENTRIES, []).append((transaction, estate_id, seq, text))


#: ``session.info`` key: ``{estate_id: {account: opened_on}}`` seen in this session. Accounts
#: are never closed, so what was open stays open; any rollback forgets it.
OPENED_ACCOUNTS = "trustfund.opened_accounts"


@event.listens_for(Session, "after_soft_rollback")
def _forget_opened_accounts(session: Session, previous: SessionTransaction) -> None:
    session.info.pop(OPENED_ACCOUNTS, None)
    if previous.nested and (added := session.info.get(NEW_ENTRIES)):
        # The entries added inside the savepoint (or a savepoint within it) are gone.
        added[:] = [item for item in added if not _within(item[0], previous)]


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def opened_accounts(session: Session, estate_id: int, accounts: set[str]) -> dict[str, date]:
    """When each of ``accounts`` was opened (missing: not open), remembered for the session so
    that a caller may read them before it takes the estate's locks and ``post_entry`` then
    finds them without a query."""
    known: dict[str, date] = session.info.setdefault(OPENED_ACCOUNTS, {}).setdefault(estate_id, {})
    if missing := accounts - known.keys():
        rows = session.connection().execute(
            _OPENED, {"estate_id": estate_id, "accounts": sorted(missing)}
        )
        known.update((account, opened_on) for account, opened_on in rows)
    return known


#: What a caller is told while an estate's books are not open (a staff page shows it in
#: Chinese, ``web/staff/zh.py``).


def books_opened_on(session: Session, estate_id: int) -> date | None:
    """When the estate's books opened (its bank account's opening date), or ``None``."""
    return opened_accounts(session, estate_id, {BANK}).get(BANK)

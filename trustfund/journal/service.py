"""The posting service: the only way money enters the journal.

``post_entry`` checks a draft (balanced to the fen, accounts open on its date, period not
locked, no fund below zero, no personal data), appends it to the estate's hash chain under
the next gapless sequence number and stores its text and postings. Like every building
block it only flushes: the caller commits, together with its own workflow rows.

Writers of one estate are serialised on its ``ledger_heads`` row (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises every writer). Checks that
need no lock (balance, texts, accounts open, personal data) run before the head is locked;
under it run only the idempotency key, period locks, opening the accounts an entry needs
for the first time (``open_when_needed``: decided again under the lock, so two writers never
open one account twice), fund balances, seq and hash.

The service is split along its seams; this module posts, and each of the others holds one
concern: ``journal.head`` (the chain head, its lock, what a transaction remembers),
``journal.chart`` (accounts opened as chained ``open`` entries, when first needed),
``journal.personal`` (no personal data in entries), ``journal.periods`` (period locks),
``journal.solvency`` (no fund, bank or cash below zero) and ``journal.reading`` (entries,
balances, the chart). Import a name from the module that defines it.
"""

from __future__ import annotations

import json
import typing
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Table,
    bindparam,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import (
    JournalDailyTotal,
    JournalEntry,
    JournalPosting,
    PeriodLock,
)
from trustfund.errors import (
    ConflictError,
    IdempotencyConflictError,
    NotFoundError,
    ValidationError,
)
from trustfund.journal.chart import (
    _check_accounts_open,
    _open_needed,
    open_accounts,
    open_project_fund,
)
from trustfund.journal.head import (
    Head,
    _lock_head,
    _lock_heads,
    _raise_problems,
    _remember,
    _save_heads,
)
from trustfund.journal.periods import _check_period_open, lock_period, period_locks
from trustfund.journal.personal import _check_personal_data, _texts, personal_data_problems
from trustfund.journal.reading import account_balances, fund_balances, fund_changes, get_entry
from trustfund.journal.solvency import _check_funds, _check_money_accounts, _takes_money_out
from trustfund.ledger import bean
from trustfund.ledger.accounts import (
    BANK,
    Fund,
    books_chart,
    fund_of,
    opening_equity_account,
)
from trustfund.ledger.chain import entry_hash
from trustfund.ledger.entries import (
    EntryDraft,
    Leg,
    check_draft,
    fingerprint,
    fund_deltas,
    normalised_legs,
)
from trustfund.ledger.money import ZERO, to_money
from trustfund.ledger.text import draft_canonical, with_hash
from trustfund.messages import Message

#: What this module defines, and the names of the modules above that tests and benchmarks
#: still read through ``journal.service``; the service's own code imports each name from the
#: module that defines it.
__all__ = [
    "PostedEntry",
    "PostedPosting",
    "account_balances",
    "check_entry",
    "fund_balances",
    "fund_changes",
    "get_entry",
    "lock_period",
    "open_books",
    "open_project_fund",
    "period_locks",
    "personal_data_problems",
    "post_entries",
    "post_entry",
    "post_in_estates",
    "reverse_entry",
]


def open_books(
    session: Session,
    estate_id: int,
    *,
    on: date,
    opening_balances: Mapping[str, Decimal] | None = None,
) -> None:
    """Open the books' chart (``books_chart``; idempotent) and post the opening balances, one
    amount per fund held in the committee's bank account, as one entry::

        2026-01-01 * "期初余额" ^tf-1
          kind: "opening"
          Assets:Bank:Committee 22910.50 CNY
          Equity:Opening:Electricity -3120.50 CNY
          ...

    Running it again with the same balances changes nothing; with different balances it
    raises ``IdempotencyConflictError``. Also raises ``ValidationError``.
    """
    if session.get(Estate, estate_id) is None:
        raise NotFoundError(Message("journal.no_estate", estate_id=estate_id))
    open_accounts(session, estate_id, books_chart(), on=on)
    balances = {k: to_money(v) for k, v in (opening_balances or {}).items() if to_money(v) != ZERO}
    if not balances:
        return
    for fund in balances:
        if fund not in set(Fund) and not fund.startswith("autonomy:"):
            raise ValidationError.field(f"opening_balances.{fund}", Message("journal.unknown_fund"))
    legs = [Leg(BANK, sum(balances.values(), ZERO))]
    legs += [Leg(opening_equity_account(f), -amount) for f, amount in sorted(balances.items())]
    draft = EntryDraft(date=on, narration="期初余额", legs=tuple(legs), kind="opening")
    post_entry(session, estate_id, draft, idempotency_key=f"opening-balances:{estate_id}")


_ENTRIES = typing.cast(Table, JournalEntry.__table__)
_POSTINGS = typing.cast(Table, JournalPosting.__table__)
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_ENTRY_MANY = insert(_ENTRIES).returning(_ENTRIES.c.id, sort_by_parameter_order=True)
#: The entry already posted with ``:key`` and a period lock covering ``:on`` (ids or NULL).
_KEY_AND_PERIOD = select(
    select(JournalEntry.id)
    .where(
        JournalEntry.estate_id == bindparam("estate_id"),
        JournalEntry.idempotency_key == bindparam("key"),
    )
    .scalar_subquery(),
    select(PeriodLock.id)
    .where(
        PeriodLock.estate_id == bindparam("estate_id"),
        PeriodLock.start <= bindparam("on", type_=Date),
        PeriodLock.end >= bindparam("on", type_=Date),
        PeriodLock.lifted_at.is_(None),
    )
    .limit(1)
    .scalar_subquery(),
)


def post_entry(
    session: Session,
    estate_id: int,
    draft: EntryDraft,
    *,
    idempotency_key: str,
    actor_user_id: int | None = None,
) -> PostedEntry:
    """Append ``draft`` to the estate's journal and return the stored entry (flushed only).

    Same key + same content → the existing entry; same key + different content →
    ``IdempotencyConflictError``. Raises ``ValidationError`` (unbalanced, bad or unopened
    accounts, personal data, bad texts), ``PeriodLockedError``, ``InsufficientFundsError``.
    """
    return _post(session, estate_id, draft, idempotency_key, actor_user_id, reverses_seq=None)


def check_entry(session: Session, estate_id: int, draft: EntryDraft) -> None:
    """The checks of ``post_entry`` that need no lock (amounts, balance, texts, accounts open
    on the date, personal data), for a draft that will be posted later (a proposed entry is
    refused when proposed, not when approved). Raises ``ValidationError``,
    ``BooksNotOpenError``."""
    _raise_problems(check_draft(draft))
    if bean.residual(bean.to_transaction(draft)) != ZERO:
        _raise_problems([("legs", Message("journal.beancount_unbalanced"))])
    _check_accounts_open(session, estate_id, draft.date, normalised_legs(draft))
    _check_personal_data(session, estate_id, draft)


def post_entries(
    session: Session,
    estate_id: int,
    items: Sequence[tuple[EntryDraft, str]],
    *,
    actor_user_id: int | None = None,
) -> list[PostedEntry]:
    """``post_entry`` for several ``(draft, idempotency key)`` of one estate in order, as one
    batch (``post_in_estates``). Raises what ``post_entry`` raises."""
    return post_in_estates(
        session, [(estate_id, draft, key, actor_user_id) for draft, key in items]
    )


def post_in_estates(
    session: Session, items: Sequence[tuple[int, EntryDraft, str, int | None]]
) -> list[PostedEntry]:
    """``post_entry`` for several ``(estate id, draft, idempotency key, actor)`` — of one
    estate, or of several (a group commit) — each estate's drafts in order, as one batch.
    The checks that need no lock run for all drafts first (personal data in one query per
    estate and 200 drafts); then every estate's head is locked (one statement, in estate
    order), and keys and period locks are read in one query each; the entries, their
    postings, the heads and the daily totals are then written in one ``execute`` each. An
    estate whose drafts take money out of a fund, use a key twice or use one already used
    posts them one by one through ``post_entry`` (its head already locked). Flushes once.
    Raises what ``post_entry`` raises (fields named ``entries[i].…`` by the item's index)."""
    if len(items) <= 1:
        return [
            post_entry(session, estate_id, draft, idempotency_key=key, actor_user_id=actor)
            for estate_id, draft, key, actor in items
        ]
    checked: list[tuple[EntryDraft, tuple[Leg, ...], str, str]] = []
    for index, (_, draft, key, _) in enumerate(items):
        problems = check_draft(draft)
        if not key or len(key) > 200:
            problems.append(("idempotency_key", Message("journal.name_length")))
        _raise_problems([(f"entries[{index}].{f}", r) for f, r in problems])
        legs = tuple(normalised_legs(draft))
        if bean.residual(bean.to_transaction(draft)) != ZERO:
            _raise_problems([(f"entries[{index}].legs", Message("journal.beancount_unbalanced"))])
        round_trip = bean.entry_round_trip_problems(draft)
        _raise_problems([(f"entries[{index}].{f}", r) for f, r in round_trip])
        checked.append((draft, legs, key, fingerprint(draft, None)))
    of_estate: dict[int, list[int]] = defaultdict(list)  # estate → its items' indexes
    for index, (estate_id, _, _, _) in enumerate(items):
        of_estate[estate_id].append(index)
    one_by_one: set[int] = set()
    for estate_id, indexes in of_estate.items():
        keys = [checked[i][2] for i in indexes]
        legs_of = [checked[i][1] for i in indexes]
        takes = any(d < ZERO for legs in legs_of for d in fund_deltas(legs).values())
        if takes or any(_takes_money_out(legs) for legs in legs_of) or len(set(keys)) != len(keys):
            one_by_one.add(estate_id)
    # (an estate posting one by one gets every check from ``post_entry``, a replay first)
    to_open: dict[int, set[str]] = defaultdict(set)
    for index, (estate_id, draft, _, _) in enumerate(items):
        if estate_id in one_by_one:
            continue
        to_open[estate_id] |= _check_accounts_open(
            session, estate_id, draft.date, checked[index][1], where=f"entries[{index}]."
        )
    for estate_id, indexes in of_estate.items():
        if estate_id in one_by_one:
            continue
        for start in range(0, len(indexes), 200):
            chunk = [checked[i][0] for i in indexes[start : start + 200]]
            fields = [(f"{i}.{n}", text) for i, d in enumerate(chunk) for n, text in _texts(d)]
            if personal_data_problems(session, estate_id, fields):
                for draft in chunk:
                    _check_personal_data(session, estate_id, draft)  # raises for the first
    heads = _lock_heads(session, sorted(of_estate))
    one_by_one |= _estates_with_keys(
        session,
        [
            (estate_id, checked[i][2])
            for estate_id, indexes in of_estate.items()
            if estate_id not in one_by_one
            for i in indexes
        ],
    )
    batched = [i for i, item in enumerate(items) if item[0] not in one_by_one]
    _check_periods_open(session, [(items[i][0], checked[i][0].date) for i in batched])
    posted: dict[int, PostedEntry] = {}
    for estate_id in sorted(one_by_one):
        for i in of_estate[estate_id]:
            _, draft, key, actor = items[i]
            posted[i] = post_entry(
                session, estate_id, draft, idempotency_key=key, actor_user_id=actor
            )
    moved = sorted({items[i][0] for i in batched})
    for estate_id in moved:
        if to_open[estate_id]:
            dated = [(checked[i][0].date, checked[i][1]) for i in of_estate[estate_id]]
            _open_needed(session, estate_id, dated)
            heads[estate_id] = _lock_head(session, estate_id)  # moved on by the opens
    appended = [
        _append(heads[items[i][0]], draft, legs, key, print_, items[i][3], None)
        for i in batched
        for draft, legs, key, print_ in [checked[i]]
    ]
    if appended:
        written = _write_entries(session, [heads[estate_id] for estate_id in moved], appended)
        posted.update(zip(batched, written, strict=True))
    return [posted[i] for i in range(len(items))]


def _estates_with_keys(session: Session, keys: Sequence[tuple[int, str]]) -> set[int]:
    """The estates of ``keys`` (``(estate id, idempotency key)``) that used one of them."""
    wanted = set(keys)
    estates = sorted({estate_id for estate_id, _ in keys})
    used: set[int] = set()
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(JournalEntry.estate_id, JournalEntry.idempotency_key).where(
                JournalEntry.estate_id.in_(estates),
                JournalEntry.idempotency_key.in_([key for _, key in keys[start : start + 500]]),
            )
        )
        used.update(estate_id for estate_id, key in rows if (estate_id, key) in wanted)
    return used


def _check_periods_open(session: Session, dated: Sequence[tuple[int, date]]) -> None:
    """Every ``(estate id, date)`` is in no locked period (one query). Raises
    ``PeriodLockedError``."""
    if not dated:
        return
    dates = [on for _, on in dated]
    locks = session.execute(
        select(PeriodLock.estate_id, PeriodLock.start, PeriodLock.end).where(
            PeriodLock.estate_id.in_(sorted({estate_id for estate_id, _ in dated})),
            PeriodLock.start <= max(dates),
            PeriodLock.end >= min(dates),
            PeriodLock.lifted_at.is_(None),
        )
    ).all()
    for estate_id, on in sorted(set(dated)):
        if any(locked == estate_id and begin <= on <= end for locked, begin, end in locks):
            _check_period_open(session, estate_id, on)  # raises PeriodLockedError


def reverse_entry(
    session: Session,
    estate_id: int,
    seq: int,
    *,
    on: date,
    reason: str,
    idempotency_key: str,
    actor_user_id: int | None = None,
) -> PostedEntry:
    """Post the reversal of entry ``seq`` dated ``on`` (every leg negated, linked by
    ``reverses``). An entry is reversed at most once and a reversal is never reversed
    (``ConflictError``); a replay with the same key returns the first reversal.
    Raises ``NotFoundError``, ``ConflictError``, ``ValidationError``, ``PeriodLockedError``,
    ``InsufficientFundsError``, ``IdempotencyConflictError``."""
    original = get_entry(session, estate_id, seq)
    if original.kind == "open":
        raise ConflictError(Message("journal.open_entry_not_reversible", seq=seq))
    if not reason.strip():
        raise ValidationError.field("reason", Message("input.empty"))
    _raise_problems(personal_data_problems(session, estate_id, [("reason", reason)]))
    draft = EntryDraft(
        date=on,
        narration=f"冲销第{seq}笔：{reason.strip()}",
        legs=tuple(Leg(p.account, -p.amount) for p in original.postings),
        payee=original.payee,
        kind="reversal",
    )
    return _post(session, estate_id, draft, idempotency_key, actor_user_id, reverses_seq=seq)


def _post(
    session: Session,
    estate_id: int,
    draft: EntryDraft,
    idempotency_key: str,
    actor_user_id: int | None,
    *,
    reverses_seq: int | None,
) -> PostedEntry:
    problems = check_draft(draft)
    if not idempotency_key or len(idempotency_key) > 200:
        problems.append(("idempotency_key", Message("journal.name_length")))
    _raise_problems(problems)
    legs = normalised_legs(draft)
    if bean.residual(bean.to_transaction(draft)) != ZERO:  # beancount's own check
        _raise_problems([("legs", Message("journal.beancount_unbalanced"))])
    # the text to be stored must parse back to this very entry (last line of defence)
    _raise_problems(bean.entry_round_trip_problems(draft, reverses_seq=reverses_seq))
    print_ = fingerprint(draft, reverses_seq)

    # Checks that need no lock run first, so the head stays locked only for what does
    # (period locks, the key, funds, seq and hash): accounts only ever open, and the texts
    # are the draft's own.
    try:
        to_open = _check_accounts_open(session, estate_id, draft.date, legs)
        _check_personal_data(session, estate_id, draft)
    except ValidationError:
        # A replay of an entry posted before still answers with that entry (the key was
        # looked up first when every check ran under the lock).
        replayed = _entry_by_key(session, estate_id, idempotency_key)
        if replayed is None:
            raise
        return _replay(replayed, idempotency_key, print_)

    head = _lock_head(session, estate_id)
    existing_id, period_lock_id = (
        session.connection()
        .execute(
            _KEY_AND_PERIOD, {"estate_id": estate_id, "key": idempotency_key, "on": draft.date}
        )
        .one()
    )
    if existing_id is not None:
        existing = session.get(JournalEntry, existing_id)
        assert existing is not None
        return _replay(existing, idempotency_key, print_)
    if period_lock_id is not None:
        _check_period_open(session, estate_id, draft.date)  # raises PeriodLockedError
    # (one statement for the key and the period: it runs after the lock, so it sees every
    # entry and period lock committed before this writer got the head)
    if reverses_seq is not None:
        _check_reversible(session, estate_id, reverses_seq)
    if to_open:
        _open_needed(session, estate_id, [(draft.date, legs)])
        head = _lock_head(session, estate_id)  # moved on by the opens
    _check_funds(session, estate_id, draft.date, legs)
    _check_money_accounts(session, estate_id, draft.date, legs)

    appended = _append(head, draft, legs, idempotency_key, print_, actor_user_id, reverses_seq)
    return _write_entries(session, [head], [appended])[0]


@dataclass(frozen=True)
class PostedPosting:
    position: int
    account: str
    fund: str | None
    amount: Decimal
    date: date


@dataclass(frozen=True)
class PostedEntry:
    """A journal entry as stored (what ``post_entry`` returns): the columns of
    ``JournalEntry`` that callers read, and its postings."""

    id: int
    estate_id: int
    seq: int
    date: date
    kind: str
    payee: str | None
    narration: str
    meta: str
    text: str
    hash: str
    prev_hash: str
    reverses_seq: int | None
    created_at: datetime
    postings: tuple[PostedPosting, ...]


def _posted(entry: JournalEntry) -> PostedEntry:
    return PostedEntry(
        **{name: getattr(entry, name) for name in _ENTRY_FIELDS},
        postings=tuple(
            PostedPosting(p.position, p.account, p.fund, p.amount, p.date) for p in entry.postings
        ),
    )


_ENTRY_FIELDS = (
    "id",
    "estate_id",
    "seq",
    "date",
    "kind",
    "payee",
    "narration",
    "meta",
    "text",
    "hash",
    "prev_hash",
    "reverses_seq",
    "created_at",
)


def _append(
    head: Head,
    draft: EntryDraft,
    legs: Sequence[Leg],
    idempotency_key: str,
    print_: str,
    actor_user_id: int | None,
    reverses_seq: int | None,
) -> tuple[dict[str, Any], tuple[PostedPosting, ...]]:
    """Chain a checked draft onto the locked ``head``: the entry's row and its postings, for
    ``_write_entries`` (nothing is written yet)."""
    seq = head.last_seq + 1
    canonical = draft_canonical(
        draft, seq=seq, prev=head.last_hash, legs=legs, reverses_seq=reverses_seq
    )
    digest = entry_hash(head.last_hash, canonical)
    row = {
        "estate_id": head.estate_id,
        "seq": seq,
        "date": draft.date,
        "kind": draft.kind,
        "payee": draft.payee,
        "narration": draft.narration,
        "meta": json.dumps(dict(sorted(draft.meta.items())), ensure_ascii=False),
        "text": with_hash(canonical, digest),
        "hash": digest,
        "prev_hash": head.last_hash,
        "idempotency_key": idempotency_key,
        "fingerprint": print_,
        "reverses_seq": reverses_seq,
        "actor_user_id": actor_user_id,
        "created_at": utcnow(),
    }
    postings = tuple(
        PostedPosting(i, leg.account, fund_of(leg.account), leg.amount, draft.date)
        for i, leg in enumerate(legs)
    )
    head.last_seq = seq
    head.last_hash = digest
    return row, postings


def _write_entries(
    session: Session,
    heads: Sequence[Head],
    appended: list[tuple[dict[str, Any], tuple[PostedPosting, ...]]],
) -> list[PostedEntry]:
    """Store appended entries (of the estates of ``heads``, whose heads they moved) and their
    postings and move the stored heads (Core ``INSERT``s: this is every posting's path), and
    add them to the estates' daily totals."""
    connection = session.connection()
    rows = [row for row, _ in appended]
    if len(rows) == 1:
        ids = [connection.execute(_INSERT_ENTRY, rows[0]).scalar_one()]
    else:
        ids = list(connection.execute(_INSERT_ENTRY_MANY, rows).scalars())
    _insert_rows(
        connection,
        _POSTINGS,
        [
            {
                "entry_id": entry_id,
                "estate_id": row["estate_id"],
                "date": p.date,
                "position": p.position,
                "account": p.account,
                "fund": p.fund,
                "amount": p.amount,
            }
            for entry_id, (row, postings) in zip(ids, appended, strict=True)
            for p in postings
        ],
    )
    _save_heads(session, heads)
    entries = [
        PostedEntry(
            id=entry_id,
            postings=postings,
            **{name: row[name] for name in _ENTRY_FIELDS if name != "id"},
        )
        for entry_id, (row, postings) in zip(ids, appended, strict=True)
    ]
    for entry in entries:
        _remember(session, entry.estate_id, entry.seq, entry.text)
    _add_daily_totals(session, entries)
    return entries


def _daily_total_rows(postings: Sequence[tuple[int, PostedPosting]]) -> list[dict[str, Any]]:
    """Whole fen per (estate, day, account) of ``postings`` (``(estate id, posting)``), in a
    stable order."""
    sums: dict[tuple[int, date, str], int] = defaultdict(int)
    for estate_id, posting in postings:
        sums[(estate_id, posting.date, posting.account)] += int(posting.amount * 100)
    return [
        {"estate_id": estate_id, "date": on, "account": account, "fen": fen}
        for (estate_id, on, account), fen in sorted(sums.items())
    ]


def _add_daily_totals(session: Session, entries: Sequence[PostedEntry]) -> None:
    """Add the new entries' postings to ``journal_daily_totals`` (whole fen per estate,
    account and day) with ``INSERT … ON CONFLICT DO UPDATE``, while the caller still holds
    the estates' head locks, so no other writer touches these rows."""
    rows = _daily_total_rows([(e.estate_id, p) for e in entries for p in e.postings])
    _insert_rows(session.connection(), _DAILY_TOTALS, rows, add_to="fen")


_DAILY_TOTALS = typing.cast(Table, JournalDailyTotal.__table__)


def _insert_rows(
    connection: Connection, table: Table, rows: list[dict[str, Any]], *, add_to: str | None = None
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one ``execute`` — each
    row's ``add_to`` column added to the row already there with the same primary key, if one
    is given (``INSERT … ON CONFLICT DO UPDATE``). On PostgreSQL psycopg pipelines the rows'
    statements. (Measured, ``bench/group_cost.py`` and ``payment_instructions.py``: one
    array per column through ``unnest``, or one multi-row ``VALUES``, cost no less for a
    group's 32 rows and 2–7 % more for a lone payment's four.)"""
    if not rows:
        return
    dialect = connection.dialect.name
    key = (dialect, table.name, add_to)
    statement = _UPSERTS.get(key)
    if statement is None:
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        if add_to is not None:
            statement = statement.on_conflict_do_update(
                index_elements=list(table.primary_key.columns),
                set_={add_to: table.c[add_to] + statement.excluded[add_to]},
            )
        _UPSERTS[key] = statement
    connection.execute(statement, rows)


#: ``_insert_rows``' statements, built when first used: by (dialect, table, ``add_to``).
_UPSERTS: dict[tuple[str, str, str | None], Any] = {}


def _entry_by_key(session: Session, estate_id: int, key: str) -> JournalEntry | None:
    return session.scalars(
        select(JournalEntry).where(
            JournalEntry.estate_id == estate_id, JournalEntry.idempotency_key == key
        )
    ).one_or_none()


def _replay(existing: JournalEntry, idempotency_key: str, print_: str) -> PostedEntry:
    if existing.fingerprint != print_:
        raise IdempotencyConflictError(
            Message(
                "journal.idempotency_other_entry", idempotency_key=idempotency_key, seq=existing.seq
            ),
            extra={"seq": existing.seq},
        )
    return _posted(existing)


def _check_reversible(session: Session, estate_id: int, seq: int) -> None:
    original = get_entry(session, estate_id, seq)
    if original.reverses_seq is not None:
        raise ConflictError(
            Message("journal.reversal_of_reversal", seq=seq, reverses_seq=original.reverses_seq)
        )
    already = session.scalar(
        select(JournalEntry.seq).where(
            JournalEntry.estate_id == estate_id, JournalEntry.reverses_seq == seq
        )
    )
    if already is not None:
        raise ConflictError(Message("journal.reversed_already", seq=seq, already=already))

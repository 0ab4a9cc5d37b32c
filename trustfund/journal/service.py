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
"""

from __future__ import annotations

import hashlib
import json
import typing
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    cast,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.elements import ColumnElement

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.grants import GrantProject
from trustfund.db.models.journal import (
    JournalDailyTotal,
    JournalEntry,
    JournalPosting,
    LedgerAccount,
    LedgerHead,
    PeriodLock,
)
from trustfund.errors import (
    BooksNotOpenError,
    ConflictError,
    FieldError,
    IdempotencyConflictError,
    InsufficientFundsError,
    NotFoundError,
    PeriodLockedError,
    ValidationError,
)
from trustfund.estates.service import today_in
from trustfund.ledger import bean, privacy
from trustfund.ledger.accounts import (
    BANK,
    CASH,
    AccountSpec,
    Fund,
    account_label,
    books_chart,
    check_account,
    expense_account,
    fund_label,
    fund_of,
    opening_equity_account,
    project_chart,
    standard_chart,
)
from trustfund.ledger.chain import entry_hash
from trustfund.ledger.entries import (
    EntryDraft,
    Leg,
    check_draft,
    fingerprint,
    fund_deltas,
    normalised_legs,
    text_problem,
)
from trustfund.ledger.money import ZERO, to_money
from trustfund.ledger.text import GENESIS, draft_canonical, open_canonical, with_hash
from trustfund.messages import Message, Reason, reason_of

#: Why a text is refused as personal data (never repeating what was found in it).
NAME_REASON = Message("journal.personal_name")
PHONE_REASON = Message("journal.personal_phone")
PERSONAL_DATA_REASONS = frozenset({NAME_REASON, PHONE_REASON})


# --- chart ------------------------------------------------------------------------------


#: ``session.info`` key: ids of estates whose chain this transaction may have extended.
CHAINED_ESTATES = "trustfund.chained_estates"
#: ``session.info`` key: the entries this transaction added, as ``(innermost transaction,
#: estate id, seq, text)`` (the mirror hook appends them after the commit without reading
#: them back; those added inside a savepoint that was rolled back are dropped).
NEW_ENTRIES = "trustfund.new_entries"


def open_accounts(
    session: Session,
    estate_id: int,
    specs: Sequence[AccountSpec],
    *,
    on: date,
    actor_user_id: int | None = None,
) -> int:
    """Open ``specs`` in the estate's books on ``on`` (accounts already open are kept as they
    are). Each opening is a chained journal entry (an ``open`` directive), so the exported
    file is covered by the hash chain from its first directive on. Returns how many were
    opened. Raises ``ValidationError`` for a bad account or display name."""
    todo = [spec for spec in specs if spec.account not in _open_now(session, estate_id)]
    problems = []
    for spec in todo:
        if why := check_account(spec.account):
            problems.append(
                ("account", Message("input.value_reason", value=spec.account, reason=why))
            )
        elif why := text_problem(spec.name) or (
            None if spec.name.strip() else Message("input.empty")
        ):
            problems.append(("name", why))
        elif why := bean.open_round_trip_problem(
            spec.account, spec.name, fund_of(spec.account), on
        ):
            problems.append(
                ("account", Message("input.value_reason", value=spec.account, reason=why))
            )  # the last line of defence
    _raise_problems(problems)
    if not todo:
        return 0
    head = _lock_head(session, estate_id)
    # Read again under the lock: a writer that held it before may have opened some of them
    # (and committed) since the read above.
    existing = _open_now(session, estate_id)
    todo = [spec for spec in todo if spec.account not in existing]
    for spec in todo:
        fund = fund_of(spec.account)
        seq = head.last_seq + 1
        canonical = open_canonical(
            seq=seq, prev=head.last_hash, on=on, account=spec.account, name=spec.name, fund=fund
        )
        digest = entry_hash(head.last_hash, canonical)
        session.add(
            LedgerAccount(
                estate_id=estate_id, account=spec.account, name=spec.name, fund=fund, opened_on=on
            )
        )
        opening = JournalEntry(
            estate_id=estate_id,
            seq=seq,
            date=on,
            kind="open",
            payee=None,
            narration=spec.name,
            meta=json.dumps({"account": spec.account}),
            text=with_hash(canonical, digest),
            hash=digest,
            prev_hash=head.last_hash,
            idempotency_key=f"open:{spec.account}",
            fingerprint=hashlib.sha256(canonical.split("\n", 1)[0].encode()).hexdigest(),
            actor_user_id=actor_user_id,
        )
        session.add(opening)
        _remember(session, estate_id, seq, opening.text)
        head.last_seq, head.last_hash = seq, digest
    session.flush()
    _save_head(session, head)
    return len(todo)


def _open_now(session: Session, estate_id: int) -> set[str]:
    """The accounts open in the estate's books, read from the database."""
    return set(
        session.scalars(select(LedgerAccount.account).where(LedgerAccount.estate_id == estate_id))
    )


def open_project_fund(session: Session, estate_id: int, code: str, name: str, *, on: date) -> str:
    """Open the sub-fund of a restricted autonomy project (its spending account; the rest of
    its chart opens when first needed); returns its fund ``autonomy:<code>``. Raises
    ``ValidationError`` for a bad code."""
    try:
        specs = project_chart(code, fund_label(f"autonomy:{code}", {code: name}))
    except ValueError as exc:
        raise ValidationError.field("code", reason_of(exc)) from exc
    spending = expense_account(f"autonomy:{code}", "Projects")
    open_accounts(session, estate_id, [s for s in specs if s.account == spending], on=on)
    return f"autonomy:{code}"


_STANDARD = frozenset(spec.account for spec in standard_chart())
_PROJECT_TITLE = select(GrantProject.title).where(
    GrantProject.estate_id == bindparam("estate_id"), GrantProject.code == bindparam("code")
)


def chart_spec(session: Session, estate_id: int, account: str) -> AccountSpec | None:
    """The account as the chart knows it (its Chinese name by ``account_label``), when it may
    open on first use: an account of the standard chart, or of the chart of one of the
    estate's autonomy projects (its sub-fund open). ``None`` for any other name."""
    found = _chart_entry(session, estate_id, account)
    return found[0] if found is not None else None


def _chart_entry(
    session: Session, estate_id: int, account: str
) -> tuple[AccountSpec, date | None] | None:
    """``chart_spec`` and the day before which it may not open (a project's account: the day
    the project's sub-fund opened)."""
    if account in _STANDARD:
        return AccountSpec(account, account_label(account)), None
    fund = fund_of(account)
    if fund is None or not fund.startswith("autonomy:"):
        return None
    code = fund.split(":", 1)[1]
    spending = expense_account(fund, "Projects")
    fund_opened = opened_accounts(session, estate_id, {spending}).get(spending)
    if fund_opened is None:
        return None
    title = session.connection().execute(_PROJECT_TITLE, {"estate_id": estate_id, "code": code})
    found = title.scalar()
    projects = {code: found} if found else None
    if account not in {spec.account for spec in project_chart(code, fund_label(fund, projects))}:
        return None
    return AccountSpec(account, account_label(account, projects)), fund_opened


def _first_open_day(session: Session, estate_id: int, books: date, on: date) -> date:
    """The date an account needed by an entry dated ``on`` opens: the first day of the
    stretch of unlocked days that holds ``on`` (never before the books): every entry that
    may still be posted from that day on can use it, and no published period gains an entry."""
    if on <= books:
        return books
    locked_until = session.scalar(
        select(func.max(PeriodLock.end)).where(
            PeriodLock.estate_id == estate_id,
            PeriodLock.end < on,
            PeriodLock.lifted_at.is_(None),
        )
    )
    if locked_until is None or locked_until < books:
        return books
    return locked_until + timedelta(days=1)


def open_when_needed(
    session: Session, estate_id: int, accounts: Iterable[str], *, on: date
) -> dict[str, date]:
    """When each of ``accounts`` opened, opening now those of the chart (``chart_spec``) that
    an entry dated ``on`` needs for the first time — each a chained ``open`` entry dated
    ``_first_open_day`` (a project's account: not before its sub-fund opened). Accounts the
    chart does not know, and any account while the books are not open, are left out of the
    answer (the caller refuses them). Flushes.

    Whether an account is still to be opened, and on which day, is decided under the
    estate's head lock (the lock every writer appends under, held until the transaction
    ends): two writers that both found an account missing open it once — the second reads it
    open once it holds the lock — and the entry that needs it is appended in the same
    transaction, after it."""
    wanted = set(accounts)
    opened = opened_accounts(session, estate_id, wanted)
    if wanted <= opened.keys() or books_opened_on(session, estate_id) is None:
        return {a: opened[a] for a in wanted if a in opened}
    _lock_head(session, estate_id)
    opened = opened_accounts(session, estate_id, wanted)  # those missing are read again
    missing = sorted(wanted - opened.keys())
    books = books_opened_on(session, estate_id)
    if missing and books is not None:
        day = _first_open_day(session, estate_id, books, on)
        for account in missing:
            if (entry := _chart_entry(session, estate_id, account)) is not None:
                spec, not_before = entry
                open_accounts(session, estate_id, [spec], on=max(day, not_before or day))
        opened = opened_accounts(session, estate_id, wanted)
    return {a: opened[a] for a in wanted if a in opened}


def account_known(session: Session, estate_id: int, account: str) -> bool:
    """Whether entries may post to ``account``: it is open, or the chart opens it when first
    needed."""
    return account in opened_accounts(session, estate_id, {account}) or (
        books_opened_on(session, estate_id) is not None
        and chart_spec(session, estate_id, account) is not None
    )


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


# --- posting ----------------------------------------------------------------------------


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
_ENTRIES = typing.cast(Table, JournalEntry.__table__)
_POSTINGS = typing.cast(Table, JournalPosting.__table__)
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
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_ENTRY_MANY = insert(_ENTRIES).returning(_ENTRIES.c.id, sort_by_parameter_order=True)
_INSERT_POSTINGS = insert(_POSTINGS)
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


def lock_estate_head(session: Session, estate_id: int) -> None:
    """Serialise with every writer of the estate until the transaction ends (for workflows
    that decide from the journal's state, like opening the books)."""
    _lock_head(session, estate_id)


def _save_head(session: Session, head: Head) -> None:
    session.connection().execute(
        _SAVE_HEAD,
        {"head_estate_id": head.estate_id, "new_seq": head.last_seq, "new_hash": head.last_hash},
    )
    loaded = session.identity_map.get(session.identity_key(LedgerHead, head.estate_id))
    if loaded is not None:
        session.expire(loaded)  # an ORM copy read earlier in this session is stale now


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
    """``post_entry`` for several ``(draft, idempotency key)`` in order, as one batch: the
    checks that need no lock run for all drafts first (personal data in one query per 200
    drafts), then the head is locked once and keys and period locks are read in one query
    each. Drafts that take money out of a fund, keys used twice or already used go one by
    one through ``post_entry``. Flushes once. Raises what ``post_entry`` raises."""
    if len(items) <= 1:
        return [
            post_entry(session, estate_id, draft, idempotency_key=key, actor_user_id=actor_user_id)
            for draft, key in items
        ]
    checked: list[tuple[EntryDraft, tuple[Leg, ...], str, str]] = []
    for index, (draft, key) in enumerate(items):
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
    keys = [key for _, key in items]
    takes = any(d < ZERO for _, legs, _, _ in checked for d in fund_deltas(legs).values()) or any(
        _takes_money_out(legs) for _, legs, _, _ in checked
    )
    if takes or len(set(keys)) != len(keys):
        return _one_by_one(session, estate_id, items, actor_user_id)
    to_open: set[str] = set()
    for index, (draft, legs, _, _) in enumerate(checked):
        to_open |= _check_accounts_open(
            session, estate_id, draft.date, legs, where=f"entries[{index}]."
        )
    for start in range(0, len(checked), 200):
        chunk = [draft for draft, _, _, _ in checked[start : start + 200]]
        fields = [(f"{i}.{name}", value) for i, d in enumerate(chunk) for name, value in _texts(d)]
        if personal_data_problems(session, estate_id, fields):
            for draft in chunk:
                _check_personal_data(session, estate_id, draft)  # raises for the first
    head = _lock_head(session, estate_id)
    used: set[str] = set()
    for start in range(0, len(keys), 500):
        used.update(
            session.scalars(
                select(JournalEntry.idempotency_key).where(
                    JournalEntry.estate_id == estate_id,
                    JournalEntry.idempotency_key.in_(keys[start : start + 500]),
                )
            )
        )
    if used:
        return _one_by_one(session, estate_id, items, actor_user_id)
    dates = [draft.date for draft, _, _, _ in checked]
    locks = session.execute(
        select(PeriodLock.start, PeriodLock.end).where(
            PeriodLock.estate_id == estate_id,
            PeriodLock.start <= max(dates),
            PeriodLock.end >= min(dates),
            PeriodLock.lifted_at.is_(None),
        )
    ).all()
    for on in sorted(set(dates)):
        if any(begin <= on <= end for begin, end in locks):
            _check_period_open(session, estate_id, on)  # raises PeriodLockedError
    if to_open:
        _open_needed(session, estate_id, [(draft.date, legs) for draft, legs, _, _ in checked])
        head = _lock_head(session, estate_id)  # moved on by the opens
    appended = [
        _append(head, draft, legs, key, print_, actor_user_id, None)
        for draft, legs, key, print_ in checked
    ]
    return _write_entries(session, head, appended)


def _one_by_one(
    session: Session,
    estate_id: int,
    items: Sequence[tuple[EntryDraft, str]],
    actor_user_id: int | None,
) -> list[PostedEntry]:
    return [
        post_entry(session, estate_id, draft, idempotency_key=key, actor_user_id=actor_user_id)
        for draft, key in items
    ]


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


def _raise_problems(problems: Sequence[tuple[str, Reason]]) -> None:
    if problems:
        errors = [FieldError(f, r) for f, r in problems]
        raise ValidationError(Message("input.problems", problems=errors), errors=errors)


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
    return _write_entries(session, head, [appended])[0]


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
    session: Session, head: Head, appended: list[tuple[dict[str, Any], tuple[PostedPosting, ...]]]
) -> list[PostedEntry]:
    """Store appended entries and their postings and move the stored head (Core ``INSERT``s:
    this is every posting's path), and add them to the estate's daily totals."""
    connection = session.connection()
    rows = [row for row, _ in appended]
    if len(rows) == 1:
        ids = [connection.execute(_INSERT_ENTRY, rows[0]).scalar_one()]
    else:
        ids = list(connection.execute(_INSERT_ENTRY_MANY, rows).scalars())
    connection.execute(
        _INSERT_POSTINGS,
        [
            {
                "entry_id": entry_id,
                "estate_id": head.estate_id,
                "date": p.date,
                "position": p.position,
                "account": p.account,
                "fund": p.fund,
                "amount": p.amount,
            }
            for entry_id, (_, postings) in zip(ids, appended, strict=True)
            for p in postings
        ],
    )
    _save_head(session, head)
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
    _add_daily_totals(session, head.estate_id, entries)
    return entries


def _remember(session: Session, estate_id: int, seq: int, text: str) -> None:
    """Note an entry this transaction added, for the mirror hook (``NEW_ENTRIES``), with the
    innermost transaction it was added in: a savepoint rolled back forgets it."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(NEW_ENTRIES, []).append((transaction, estate_id, seq, text))


def _add_daily_totals(session: Session, estate_id: int, entries: Sequence[PostedEntry]) -> None:
    """Add the new entries' postings to ``journal_daily_totals`` (whole fen per account and
    day): one ``INSERT … ON CONFLICT DO UPDATE`` per 500 rows, while the caller still holds
    the estate's head lock, so no other writer touches these rows."""
    sums: dict[tuple[date, str], int] = defaultdict(int)
    for entry in entries:
        for posting in entry.postings:
            sums[(posting.date, posting.account)] += int(posting.amount * 100)
    rows = [
        {"estate_id": estate_id, "date": on, "account": account, "fen": fen}
        for (on, account), fen in sorted(sums.items())
    ]
    connection = session.connection()
    statement = _ADD_DAILY_TOTALS[connection.dialect.name]
    for start in range(0, len(rows), 500):
        connection.execute(statement, rows[start : start + 500])


def _daily_totals_upsert(dialect_insert: Any) -> Any:
    statement = dialect_insert(_DAILY_TOTALS)
    return statement.on_conflict_do_update(
        index_elements=["estate_id", "date", "account"],
        set_={"fen": _DAILY_TOTALS.c.fen + statement.excluded.fen},
    )


_DAILY_TOTALS = typing.cast(Table, JournalDailyTotal.__table__)
#: Per dialect, built once: ``INSERT … ON CONFLICT DO UPDATE`` adding to a day's total.
_ADD_DAILY_TOTALS = {
    "postgresql": _daily_totals_upsert(postgresql.insert),
    "sqlite": _daily_totals_upsert(sqlite.insert),
}


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


def _check_accounts_open(
    session: Session, estate_id: int, on: date, legs: Sequence[Leg], *, where: str = ""
) -> set[str]:
    """Every leg's account is open on ``on``, or the chart opens it when first needed (the
    accounts returned: ``_open_needed`` opens them under the head lock, just before the entry
    is appended). Raises ``BooksNotOpenError``, ``ValidationError`` (``journal.
    account_not_open``, ``journal.account_opens_later``; fields prefixed by ``where``)."""
    accounts = {leg.account for leg in legs}
    opened = opened_accounts(session, estate_id, accounts)
    to_open: set[str] = set()
    if any(a not in opened for a in accounts):
        if books_opened_on(session, estate_id) is None:
            raise BooksNotOpenError(
                Message("journal.books_not_open"), extra={"step": "books/opening"}
            )
        opened = dict(opened)
        for account in accounts - opened.keys():
            if (entry := _chart_entry(session, estate_id, account)) is not None:
                to_open.add(account)
                opened[account] = max(on, entry[1] or on)  # a project's: not before its fund
    _raise_problems(_leg_problems(session, estate_id, legs, opened, on, where))
    return to_open


def _leg_problems(
    session: Session,
    estate_id: int,
    legs: Sequence[Leg],
    opened: Mapping[str, date],
    on: date,
    where: str,
) -> list[tuple[str, Reason]]:
    """Legs whose account is not open, or opens only after ``on`` (named by its ``open``
    entry's Chinese name)."""
    problems: list[tuple[str, Reason]] = []
    for i, leg in enumerate(legs):
        opened_on = opened.get(leg.account)
        if opened_on is None:
            problems.append(
                (
                    f"{where}legs[{i}].account",
                    Message("journal.account_not_open", account=leg.account),
                )
            )
        elif opened_on > on:
            problems.append(
                (
                    f"{where}legs[{i}].account",
                    Message(
                        "journal.account_opens_later",
                        account=leg.account,
                        name=_account_name(session, estate_id, leg.account),
                        opened_on=opened_on,
                    ),
                )
            )
    return problems


def _account_name(session: Session, estate_id: int, account: str) -> str:
    """The Chinese name the account was opened with (or will open with)."""
    stored = session.scalar(
        select(LedgerAccount.name).where(
            LedgerAccount.estate_id == estate_id, LedgerAccount.account == account
        )
    )
    if stored is not None:
        return stored
    spec = chart_spec(session, estate_id, account)
    return spec.name if spec is not None else account_label(account)


def _open_needed(
    session: Session, estate_id: int, entries: Sequence[tuple[date, Sequence[Leg]]]
) -> None:
    """Under the head lock, open the accounts ``entries`` need for the first time
    (``open_when_needed``: each dated for the earliest entry that needs it) and check again
    that every leg's account is open on its entry's date — a writer that held the lock before
    may have opened one since the check before the lock, dated later than this entry."""
    first: dict[str, date] = {}
    for on, legs in entries:
        for leg in legs:
            first[leg.account] = min(on, first.get(leg.account, on))
    opened: dict[str, date] = {}
    for on in sorted(set(first.values())):
        wanted = [account for account, day in first.items() if day == on]
        opened.update(open_when_needed(session, estate_id, wanted, on=on))
    where = len(entries) > 1
    for index, (on, legs) in enumerate(entries):
        prefix = f"entries[{index}]." if where else ""
        _raise_problems(_leg_problems(session, estate_id, legs, opened, on, prefix))


def _texts(draft: EntryDraft) -> list[tuple[str, str]]:
    """The entry's free texts, named by field: what the personal-data check reads."""
    fields: list[tuple[str, str]] = [("narration", draft.narration)]
    if draft.payee is not None:
        fields.append(("payee", draft.payee))
    fields += [(f"meta.{k}", v) for k, v in sorted(draft.meta.items())]
    return fields


def _check_personal_data(session: Session, estate_id: int, draft: EntryDraft) -> None:
    """Refuse owner names and phone numbers of the estate's households (and anything that
    looks like a mobile number) in the entry's texts. Raises ``ValidationError``."""
    _raise_problems(personal_data_problems(session, estate_id, _texts(draft)))


def personal_data_problems(
    session: Session, estate_id: int, fields: Sequence[tuple[str, str]]
) -> list[tuple[str, Message]]:
    """``(field, reason)`` for each of ``fields`` (``(name, text)``) that holds an owner's
    name or a phone number of one of the estate's households, or a mobile number of anyone.

    Texts are compared by their keys (``ledger.privacy``: NFKC, case folded, no spaces,
    punctuation or invisible characters, any script's digits), so ``鲁 磊`` is ``鲁磊`` and
    ``138.0000.0001`` is ``13800000001``. The households are searched in the database (one
    query for all the texts, reading only the stored keys), never loaded into Python; only a
    household that matches comes back. The reason never repeats what was found.
    Domains that post later what they accept now (a claim's payee, a transfer's reason)
    call this when the text is written, so it is refused then and not at payment."""
    problems: dict[str, Message] = {
        name: PHONE_REASON for name, value in fields if privacy.mobile_number_in(value)
    }
    rest = [(name, value) for name, value in fields if name not in problems]
    keyed = [(name, privacy.text_key(value), privacy.number_key(value)) for name, value in rest]
    for name_key, phone_key in _household_keys_in(session, estate_id, keyed):
        for field, names, numbers in keyed:
            if field in problems:
                continue
            if phone_key is not None and phone_key in numbers:
                problems[field] = PHONE_REASON
            elif name_key is not None and name_key in names:
                problems[field] = NAME_REASON
    return [(name, problems[name]) for name, _ in fields if name in problems]


def _household_keys_in(
    session: Session, estate_id: int, keyed: Sequence[tuple[str, str, str]]
) -> list[tuple[str | None, str | None]]:
    """``(name_key, phone_key)`` of the estate's households (at most ``_KEYS_LIMIT``) whose
    name key is in one of the texts' name keys or whose phone key is in one of their number
    keys. The keys are joined with a newline, which no key holds, so no match spans two
    texts."""
    if not any(names for _, names, _ in keyed):
        return []
    connection = session.connection()
    rows = connection.execute(
        _PERSON_KEYS[connection.dialect.name],
        {
            "estate_id": estate_id,
            "names": "\n".join(names for _, names, _ in keyed),
            # a phone key is all digits: only runs of 7+ digits can hold one
            "numbers": "\n".join(
                run for _, _, numbers in keyed for run in privacy.phone_runs(numbers)
            ),
        },
    ).all()
    return [(name_key, phone_key) for name_key, phone_key in rows]


#: At most this many matching households are read back (enough to name every field).
_KEYS_LIMIT = 50


def _person_keys_query(position: Any) -> Select[str | None, str | None]:
    """Keys of ``:estate_id``'s households whose name key is in ``:names`` or whose phone
    key is in ``:numbers``; ``position`` is the dialect's substring search
    (``strpos``/``instr``). Reads only the index ``ix_households_privacy_keys``."""
    names = bindparam("names", type_=String)
    numbers = bindparam("numbers", type_=String)
    return (
        select(Household.name_key, Household.phone_key)
        .where(
            Household.estate_id == bindparam("estate_id"),
            or_(
                and_(Household.name_key.is_not(None), position(names, Household.name_key) > 0),
                and_(Household.phone_key.is_not(None), position(numbers, Household.phone_key) > 0),
            ),
        )
        .limit(_KEYS_LIMIT)
    )


#: Per dialect, built once: every posting runs it.
_PERSON_KEYS = {
    "postgresql": _person_keys_query(func.strpos),
    "sqlite": _person_keys_query(func.instr),
}


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


# --- reading ----------------------------------------------------------------------------


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


# --- period locks -----------------------------------------------------------------------


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

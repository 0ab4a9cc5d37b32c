"""The estate's chart of accounts in its journal: accounts open as chained ``open`` entries,
the books' own at 建账 and every other account of the chart when an entry first needs it
(decided under the head lock). Moved out of ``journal.service``, which still exports these
names."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy import (
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Session

from trustfund.db.models.grants import GrantProject
from trustfund.db.models.journal import (
    JournalEntry,
    LedgerAccount,
    PeriodLock,
)
from trustfund.errors import (
    BooksNotOpenError,
    ValidationError,
)
from trustfund.journal.head import (
    _lock_head,
    _raise_problems,
    _remember,
    _save_head,
    books_opened_on,
    opened_accounts,
)
from trustfund.ledger import bean
from trustfund.ledger.accounts import (
    AccountSpec,
    account_label,
    check_account,
    expense_account,
    fund_label,
    fund_of,
    project_chart,
    standard_chart,
)
from trustfund.ledger.chain import entry_hash
from trustfund.ledger.entries import (
    Leg,
    text_problem,
)
from trustfund.ledger.text import open_canonical, with_hash
from trustfund.messages import Message, Reason, reason_of


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

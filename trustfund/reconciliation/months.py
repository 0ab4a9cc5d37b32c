"""The month-end bank reconciliation (银行余额调节表) and its approval.

For a month M (its last day ``E``)::

    statement balance on E  + book items not yet on the statement   (企业已收/已付, 银行未收/未付)
  = book balance on E       + statement items not yet in the books  (银行已收/已付, 企业未收/未付)

- *book items in transit*: bank movements dated ≤ E that are not matched to a statement line
  dated ≤ E (a reversed entry and its reversal both dated ≤ E cancel and are left out);
- *statement items in transit*: lines dated from the books' opening day to E that are not
  matched to movements all dated ≤ E.

The two adjusted balances agree exactly when the statement's balance before the books opened
equals the bank balance the books opened with and every difference since is one of the
listed items. Preparing (the steward, Action.RECORD) is refused unless they agree and the
imported statement covers the whole month. The committee approves through the generic
approvals route (subject kind ``bank_reconciliation``, one committee approver; whoever
prepared it or confirmed one of its matches cannot decide).

The approval is bound to ``content`` — the figures, both lists of items and the month's
matches with who confirmed them — computed afresh whenever asked: a later import, a match
made or undone, or an entry posted into the month changes it, which voids the request
(``revalidate``, called after every import and match change) and in any case keeps the month
from reading as reconciled (``view``: ``reconciled`` only while the approved content is
today's).
"""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest, RequestStatus
from trustfund.db.base import utcnow
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import BankMatch, BankReconciliation, BankStatementLine
from trustfund.db.session import command
from trustfund.errors import ConflictError, ValidationError
from trustfund.estates.service import today_in
from trustfund.journal.head import books_opened_on
from trustfund.journal.solvency import money_balance
from trustfund.ledger.accounts import BANK
from trustfund.ledger.money import ZERO
from trustfund.messages import Message
from trustfund.reconciliation import matching, statements
from trustfund.reconciliation.schemas import (
    ApproverOut,
    MonthContentOut,
    MonthOut,
    MonthRowOut,
    PreparedOut,
)

SUBJECT_KIND = "bank_reconciliation"


def parse_month(text: str) -> tuple[str, date]:
    """``"2026-03"`` → (``"2026-03"``, 2026-03-31). Raises ValidationError naming ``month``."""
    try:
        year, month = (int(p) for p in text.split("-"))
        end = date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise ValidationError.field(
            "month", Message("reconciliation.not_a_month", text=repr(text))
        ) from None
    return f"{year:04d}-{month:02d}", end


def statement_balance(lines: list[BankStatementLine], on: date) -> Decimal | None:
    """The statement's balance at the end of ``on``: the last line's up to it, else the
    balance before the first line after it; None without lines."""
    before = [line for line in lines if line.date <= on]
    if before:
        return before[-1].balance
    after = [line for line in lines if line.date > on]
    return after[0].balance - after[0].amount if after else None


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {i: n for i, n in rows}


@dataclass(frozen=True)
class Loaded:
    """What every month's figures are computed from, read once (``load``)."""

    opened: date | None
    lines: list[BankStatementLine]
    moves: list[matching.Movement]
    active: list[BankMatch]
    covered: date | None


def load(session: Session, estate_id: int) -> Loaded:
    return Loaded(
        books_opened_on(session, estate_id),
        statements.stored_lines(session, estate_id),
        matching.movements(session, estate_id),
        matching.active_matches(session, estate_id),
        statements.covered_through(session, estate_id),
    )


def compute(
    session: Session, estate_id: int, month: str, loaded: Loaded | None = None
) -> MonthContentOut:
    """The month's reconciliation as it stands now (the approval's ``content``); ``loaded``
    when several months are computed at once. Raises ValidationError (``month``)."""
    month, end = parse_month(month)
    data = loaded or load(session, estate_id)
    opened, all_lines, moves, active = data.opened, data.lines, data.moves, data.active
    stmt_balance = statement_balance(all_lines, end)
    book_balance = money_balance(session, estate_id, BANK, end) if opened else ZERO
    by_seq = {m.seq: m for m in moves}
    pairs = matching.cancelled_pairs(moves)
    lines_by_id = {line.id: line for line in all_lines}
    seqs_of: dict[int, list[int]] = defaultdict(list)
    for m in active:
        seqs_of[m.line_id].append(m.entry_seq)
    settled_lines = {
        line_id
        for line_id, seqs in seqs_of.items()
        if lines_by_id[line_id].date <= end
        and all(s in by_seq and by_seq[s].date <= end for s in seqs)
    }
    settled_seqs = {s for line_id in settled_lines for s in seqs_of[line_id]}
    matched_seqs = {x.entry_seq for x in active}
    book_items = [
        m
        for m in moves
        if m.date <= end
        and m.seq not in settled_seqs
        and not (
            m.seq in pairs
            and by_seq[pairs[m.seq]].date <= end
            and m.seq not in matched_seqs
            and pairs[m.seq] not in matched_seqs
        )
    ]
    scope = [
        line
        for line in all_lines
        if opened is not None and opened <= line.date <= end and line.id not in settled_lines
    ]
    month_start = end.replace(day=1)
    month_matches = [m for m in active if month_start <= lines_by_id[m.line_id].date <= end]
    people = user_names(session, {m.matched_by for m in month_matches if m.matched_by})
    book_sum = sum((m.amount for m in book_items), ZERO)
    stmt_sum = sum((line.amount for line in scope), ZERO)
    adjusted_statement = (stmt_balance or ZERO) + book_sum
    adjusted_book = book_balance + stmt_sum
    return {
        "month": month,
        "month_end": end.isoformat(),
        "books_opened_on": opened.isoformat() if opened else None,
        "statement_covered_through": _iso(data.covered),
        "statement_balance": None if stmt_balance is None else str(stmt_balance),
        "book_balance": str(book_balance),
        "book_items": [m.view() for m in book_items],
        "statement_items": [matching.line_view(line) for line in scope],
        "book_received_not_on_statement": _sum(book_items, positive=True),
        "book_paid_not_on_statement": _sum(book_items, positive=False),
        "bank_received_not_in_books": _sum(scope, positive=True),
        "bank_paid_not_in_books": _sum(scope, positive=False),
        "adjusted_statement_balance": str(adjusted_statement),
        "adjusted_book_balance": str(adjusted_book),
        "difference": str(adjusted_statement - adjusted_book),
        "matches": [
            {
                "line": matching.line_view(lines_by_id[m.line_id]),
                "entry": by_seq[m.entry_seq].view() if m.entry_seq in by_seq else None,
                "kind": m.kind,
                "note": m.note,
                "matched_by": m.matched_by,
                "matched_by_name": people.get(m.matched_by or 0),
            }
            for m in month_matches
        ],
    }


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


def _sum(items: list[Any], *, positive: bool) -> str:
    total = sum((i.amount for i in items if (i.amount > 0) == positive), ZERO)
    return str(abs(total))


def _problems(content: MonthContentOut, today: date) -> list[Message]:
    """Why the month cannot be prepared (empty when it can)."""
    end = date.fromisoformat(content["month_end"])
    out = []
    if content["books_opened_on"] is None:
        out.append(Message("reconciliation.books_not_open"))
    elif end < date.fromisoformat(content["books_opened_on"]):
        out.append(Message("reconciliation.books_opened_after", opened=content["books_opened_on"]))
    if end >= today:
        out.append(Message("reconciliation.month_not_ended", today=today))
    covered = content["statement_covered_through"]
    if covered is None:
        out.append(Message("reconciliation.statement_missing", end=end))
    elif date.fromisoformat(covered) < end:
        out.append(Message("reconciliation.statement_short", covered=covered, end=end))
    if Decimal(content["difference"]) != ZERO:
        out.append(
            Message(
                "reconciliation.balances_differ",
                difference=content["difference"],
                statement=content["adjusted_statement_balance"],
                books=content["adjusted_book_balance"],
            )
        )
    return out


def _record(session: Session, estate_id: int, month: str) -> BankReconciliation | None:
    return session.scalars(
        select(BankReconciliation).where(
            BankReconciliation.estate_id == estate_id, BankReconciliation.month == month
        )
    ).first()


def status_of(
    session: Session, record: BankReconciliation | None, content: Mapping[str, Any]
) -> tuple[str, ApprovalRequest | None]:
    """``not_prepared``, ``pending``, ``reconciled``, ``rejected``, or ``void`` (the figures
    changed after it was prepared or approved)."""
    if record is None:
        return "not_prepared", None
    state, request = standing(session, SUBJECT_KIND, record.id, content)
    return {"none": "not_prepared", "approved": "reconciled"}.get(state, state), request


def standing(
    session: Session, subject_kind: str, subject_id: int, content: Mapping[str, Any]
) -> tuple[str, ApprovalRequest | None]:
    """Where a subject whose approval is bound to ``content`` computed afresh stands:
    ``none`` (never submitted), ``pending`` or ``approved`` (and ``content`` is still what was
    submitted), ``rejected``, or ``void`` (changed since, or voided); and its latest request."""
    request = approvals.current_request(session, subject_kind, subject_id)
    if request is None:
        return "none", None
    current = approvals.content_hash(content) == request.content_hash
    if request.status == RequestStatus.APPROVED and current:
        return "approved", request
    if request.status == RequestStatus.PENDING and current:
        return "pending", request
    if request.status == RequestStatus.REJECTED:
        return "rejected", request
    return "void", request


def view(session: Session, estate: Estate, month: str) -> MonthOut:
    """The month as it stands, with whether it can be prepared and its approval."""
    return view_with_problems(session, estate, month)[0]


def view_with_problems(
    session: Session, estate: Estate, month: str
) -> tuple[MonthOut, list[Message]]:
    """``view``, and why the month cannot be prepared as coded messages (its ``problems``
    are their English; the staff page says them in Chinese)."""
    content = compute(session, estate.id, month)
    record = _record(session, estate.id, content["month"])
    status, request = status_of(session, record, content)
    problems = _problems(content, today_in(estate))
    prepared: PreparedOut | None = None
    if record is not None:
        who = user_names(session, {record.prepared_by})
        prepared = {
            "by": record.prepared_by,
            "by_name": who.get(record.prepared_by),
            "at": record.prepared_at.isoformat(),
            "statement_balance": str(record.statement_balance),
            "book_balance": str(record.book_balance),
        }
    approved_by: list[ApproverOut] = (
        [
            {"name": name, "at": at.isoformat()}
            for name, _, at in approvals.approvers_of(session, request.id)
        ]
        if request is not None and status == "reconciled"
        else []
    )
    shown: MonthOut = {
        **content,
        "balanced": Decimal(content["difference"]) == ZERO,
        "can_prepare": not problems,
        "problems": [p.en for p in problems],
        "status": status,
        "prepared": prepared,
        "approval_request_id": request.id if request is not None else None,
        "approval_status": request.status.value if request is not None else None,
        "void_reason": request.void_reason if request is not None else None,
        "approved_by": approved_by,
        "proposals": [
            p
            for p in matching.proposals(session, estate.id)
            if p["line"]["date"][:7] == content["month"]
        ]
        if status != "reconciled"
        else [],
    }
    return shown, problems


def submit_month(
    session: Session, estate: Estate, month: str, *, actor_user_id: int
) -> BankReconciliation:
    """Prepare the month and submit it to the committee (flushes; ``prepare`` commits).
    Raises ValidationError (month), ConflictError (cannot be prepared: the reasons; already
    reconciled or pending with these figures)."""
    content = compute(session, estate.id, month)
    problems = _problems(content, today_in(estate))
    if problems:
        raise ConflictError(
            Message("reconciliation.month_not_ready", month=content["month"], problems=problems),
            extra={"problems": [p.en for p in problems]},
        )
    record = _record(session, estate.id, content["month"])
    status = status_of(session, record, content)[0]
    if status in ("reconciled", "pending"):
        raise ConflictError(
            Message("reconciliation.month_already", month=content["month"], status=status)
        )
    if record is None:
        record = BankReconciliation(estate_id=estate.id, month=content["month"])
        session.add(record)
    record.month_end = date.fromisoformat(content["month_end"])
    assert content["statement_balance"] is not None  # covered through the month's end
    record.statement_balance = Decimal(content["statement_balance"])
    record.book_balance = Decimal(content["book_balance"])
    record.content = approvals.canonical(content)
    record.prepared_by = actor_user_id
    record.prepared_at = utcnow()
    session.flush()
    approvals.record_participant(
        session, estate.id, SUBJECT_KIND, record.id, actor_user_id, "author"
    )
    for match in content["matches"]:
        if match["matched_by"]:
            approvals.record_participant(
                session, estate.id, SUBJECT_KIND, record.id, match["matched_by"], "editor"
            )
    approvals.submit(
        session,
        estate.id,
        subject_kind=SUBJECT_KIND,
        subject_id=record.id,
        content=content,
        amount=abs(record.statement_balance),
        submitted_by=actor_user_id,
    )
    return record


@command
def prepare(session: Session, estate: Estate, month: str, *, actor_user_id: int) -> MonthOut:
    """The command: ``submit_month``, then the month as it stands."""
    record = submit_month(session, estate, month, actor_user_id=actor_user_id)
    return view(session, estate, record.month)


def revalidate(session: Session, estate_id: int) -> list[str]:
    """After an import or a match change: every prepared month whose figures changed has its
    open or approved request voided. Returns those months. Flushes."""
    loaded: Loaded | None = None
    months: dict[int, str] = {}

    def fresh(record_id: int) -> Mapping[str, Any] | None:
        nonlocal loaded
        record = session.get(BankReconciliation, record_id)
        if record is None or record.estate_id != estate_id:
            return None
        loaded = loaded or load(session, estate_id)
        months[record_id] = record.month
        return compute(session, estate_id, record.month, loaded)

    voided = approvals.void_changed(
        session,
        estate_id,
        SUBJECT_KIND,
        fresh,
        reason="the statement or its matches changed after the month was prepared",
    )
    return [months[record_id] for record_id in voided]


def reconciled_month(session: Session, estate_id: int, on: date) -> dict[str, Any] | None:
    """The approved, still standing reconciliation of the month ending on ``on``:
    ``{"month", "month_end", "statement_balance", "book_balance", "approved_on"}``, else
    None (for disclosures)."""
    month = f"{on.year:04d}-{on.month:02d}"
    record = _record(session, estate_id, month)
    if record is None or record.month_end != on:
        return None
    content = compute(session, estate_id, month)
    status, request = status_of(session, record, content)
    if status != "reconciled" or request is None or request.decided_at is None:
        return None
    return {
        "month": month,
        "month_end": on.isoformat(),
        "statement_balance": content["statement_balance"],
        "book_balance": content["book_balance"],
        "approved_on": request.decided_at.date().isoformat(),
    }


def list_months(session: Session, estate: Estate) -> list[MonthRowOut]:
    """Every month from the books' opening to the last ended month, newest first, with its
    status and difference."""
    opened = books_opened_on(session, estate.id)
    if opened is None:
        return []
    today = today_in(estate)
    loaded = load(session, estate.id)
    out: list[MonthRowOut] = []
    year, month = opened.year, opened.month
    while date(year, month, 1) <= today:
        key = f"{year:04d}-{month:02d}"
        content = compute(session, estate.id, key, loaded)
        status, _ = status_of(session, _record(session, estate.id, key), content)
        out.append(
            {
                "month": key,
                "status": status,
                "statement_balance": content["statement_balance"],
                "book_balance": content["book_balance"],
                "difference": content["difference"],
                "items": len(content["book_items"]) + len(content["statement_items"]),
            }
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(reversed(out))


def _content(session: Session, record_id: int) -> Mapping[str, Any]:
    record = session.get(BankReconciliation, record_id)
    if record is None:
        return {}
    return compute(session, record.estate_id, record.month)


def stored_content(record: BankReconciliation) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.content)
    return loaded


approvals.register_subject(SUBJECT_KIND, content=_content)

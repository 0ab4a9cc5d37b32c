"""The steward's cash counted by denomination (现金盘点) and approved by the committee.

The steward counts the cash on hand — so many 100-yuan notes, so many 5-jiao coins — on a
day; the pieces' sum (``counted``) is compared with the books' cash, ``Assets:Cash:Steward``
at the end of that day (``book_cash``). A difference needs the steward's explanation
(``note``); it is never booked here: a shortage or a surplus is recorded through the usual
approved workflows, and a later count shows whether the books now agree.

Each count is submitted as approval subject ``cash_count`` (one committee approver,
``approvals.rules``); whoever prepared it cannot decide it (four eyes). The approval is bound to
``content`` — the pieces, their sum, the note and the books' cash for that day *as the books say
now* — computed afresh whenever it is asked for: an entry posted (or reversed) on or before the
counted day changes the books' cash, so the content no longer hashes as approved and the count
reads ``void`` (the decision route refuses a pending one with 409; ``revalidate`` voids the
request when a new count is prepared). A count row is never changed; a recount is a new row.

A disclosure states the last standing approved count of its period (``approved_count_in``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest
from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import CashCount
from trustfund.db.session import command
from trustfund.errors import FieldError, NotFoundError, ValidationError
from trustfund.estates.service import today_in
from trustfund.journal.head import books_opened_on
from trustfund.journal.solvency import money_balance
from trustfund.ledger.accounts import CASH
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message
from trustfund.reconciliation.months import standing, user_names
from trustfund.reconciliation.schemas import (
    ApproverOut,
    CashBookOut,
    CashCountContentOut,
    CashCountOut,
    DenominationOut,
)

SUBJECT_KIND = "cash_count"
#: Renminbi in circulation, largest first: ``(key, value in yuan, label)``. The key is what
#: the API and the form name (``counts.100``, ``counts.0.5``).
DENOMINATIONS: tuple[tuple[str, Decimal, str], ...] = (
    ("100", Decimal("100.00"), "100元"),
    ("50", Decimal("50.00"), "50元"),
    ("20", Decimal("20.00"), "20元"),
    ("10", Decimal("10.00"), "10元"),
    ("5", Decimal("5.00"), "5元"),
    ("1", Decimal("1.00"), "1元"),
    ("0.5", Decimal("0.50"), "5角"),
    ("0.2", Decimal("0.20"), "2角"),
    ("0.1", Decimal("0.10"), "1角"),
    ("0.05", Decimal("0.05"), "5分"),
    ("0.02", Decimal("0.02"), "2分"),
    ("0.01", Decimal("0.01"), "1分"),
)
KEYS = tuple(key for key, _, _ in DENOMINATIONS)
MAX_PIECES = 100_000
MAX_NOTE = 200


def denomination_list() -> list[DenominationOut]:
    """Every denomination with no pieces (what a count may list)."""
    return [
        {"value": money_text(value), "label": label, "count": 0, "amount": "0.00"}
        for _, value, label in DENOMINATIONS
    ]


def check_counts(raw: Mapping[str, Any]) -> dict[str, int]:
    """``{key: pieces}`` checked: known keys, whole numbers 0–100,000 (zeros dropped).
    Raises ValidationError naming ``counts.<key>`` for each bad one."""
    errors: list[FieldError] = []
    counts: dict[str, int] = {}
    for key, pieces in raw.items():
        field = f"counts.{key}"
        if key not in KEYS:
            errors.append(
                FieldError(field, Message("cash_count.unknown_denomination", keys=", ".join(KEYS)))
            )
        elif isinstance(pieces, bool) or not isinstance(pieces, int):
            errors.append(FieldError(field, Message("number.not_whole")))
        elif pieces < 0:
            errors.append(FieldError(field, Message("number.negative")))
        elif pieces > MAX_PIECES:
            errors.append(FieldError(field, Message("number.too_large", limit=MAX_PIECES)))
        elif pieces:
            counts[key] = pieces
    if errors:
        raise ValidationError(
            Message(
                "input.what_problems", what=Message("reconciliation.count_invalid"), problems=errors
            ),
            errors=errors,
        )
    return {key: counts[key] for key in KEYS if key in counts}


def _pieces(counts: Mapping[str, int]) -> list[DenominationOut]:
    return [
        {
            "value": money_text(value),
            "label": label,
            "count": counts[key],
            "amount": money_text(value * counts[key]),
        }
        for key, value, label in DENOMINATIONS
        if counts.get(key)
    ]


def _sum(counts: Mapping[str, int]) -> Decimal:
    return sum((value * counts.get(key, 0) for key, value, _ in DENOMINATIONS), ZERO)


def book_cash(session: Session, estate_id: int, on: date) -> Decimal:
    """The books' cash held by the steward at the end of ``on``."""
    return money_balance(session, estate_id, CASH, on)


def book_view(session: Session, estate: Estate, on: date | None) -> CashBookOut:
    """What a count on ``on`` (default today) is compared with."""
    day = on or today_in(estate)
    return {
        "on": day.isoformat(),
        "book_cash": money_text(book_cash(session, estate.id, day)),
        "denominations": denomination_list(),
    }


def content_of(session: Session, count: CashCount) -> CashCountContentOut:
    """The count as it stands now (what the approval is bound to)."""
    counts: dict[str, int] = json.loads(count.counts)
    books = book_cash(session, count.estate_id, count.counted_on)
    return {
        "counted_on": count.counted_on.isoformat(),
        "denominations": _pieces(counts),
        "counted": money_text(count.counted),
        "book_cash": money_text(books),
        "difference": money_text(count.counted - books),
        "note": count.note,
        "prepared_by": count.prepared_by,
    }


def status_of(
    session: Session, count: CashCount, content: Mapping[str, Any]
) -> tuple[str, ApprovalRequest | None]:
    """``pending``, ``approved``, ``rejected`` or ``void`` (changed since, or voided), and
    the request (every count is submitted when it is made)."""
    state, request = standing(session, SUBJECT_KIND, count.id, content)
    return ("void" if state == "none" else state), request


def view(session: Session, count: CashCount) -> CashCountOut:
    content = content_of(session, count)
    status, request = status_of(session, count, content)
    approved_by: list[ApproverOut] = (
        [
            {"name": name, "at": at.isoformat()}
            for name, _, at in approvals.approvers_of(session, request.id)
        ]
        if request is not None and status == "approved"
        else []
    )
    void_reason = request.void_reason if request is not None else None
    if status == "void" and void_reason is None:
        void_reason = "the books' cash for that day changed after the count was prepared"
    return {
        **content,
        "id": count.id,
        "prepared_by_name": user_names(session, {count.prepared_by}).get(count.prepared_by),
        "prepared_at": count.prepared_at.isoformat(),
        "book_cash_when_prepared": money_text(count.book_cash),
        "status": status,
        "approval_request_id": request.id if request is not None else None,
        "approval_status": request.status.value if request is not None else None,
        "void_reason": void_reason,
        "approved_by": approved_by,
    }


def get(session: Session, estate_id: int, count_id: int) -> CashCount:
    """Raises NotFoundError (also for another estate's count)."""
    count = session.get(CashCount, count_id)
    if count is None or count.estate_id != estate_id:
        raise NotFoundError(Message("cash_count.not_found", count_id=count_id))
    return count


def get_view(session: Session, estate: Estate, count_id: int) -> CashCountOut:
    """Raises NotFoundError."""
    return view(session, get(session, estate.id, count_id))


def list_counts(session: Session, estate: Estate, limit: int = 100) -> list[CashCountOut]:
    """The estate's counts, newest day first."""
    rows = session.scalars(
        select(CashCount)
        .where(CashCount.estate_id == estate.id)
        .order_by(CashCount.counted_on.desc(), CashCount.id.desc())
        .limit(limit)
    )
    return [view(session, c) for c in rows]


def _check_day(session: Session, estate: Estate, on: date) -> None:
    opened = books_opened_on(session, estate.id)
    today = today_in(estate)
    if opened is None:
        raise ValidationError.field("counted_on", Message("cash_count.books_not_open"))
    if on > today:
        raise ValidationError.field(
            "counted_on", Message("input.in_future", today=today.isoformat())
        )
    if on < opened:
        raise ValidationError.field(
            "counted_on", Message("input.not_before", day=opened.isoformat())
        )


def submit_count(
    session: Session,
    estate: Estate,
    *,
    counted_on: date,
    counts: Mapping[str, Any],
    note: str,
    actor_user_id: int,
) -> CashCount:
    """Record a count and submit it to the committee (subject ``cash_count``); flushes
    (``prepare`` commits). Raises ValidationError (``counted_on``: books not open, in the
    future, before the books opened; ``counts.<key>``; ``note``: too long, or missing when the
    count differs from the books)."""
    _check_day(session, estate, counted_on)
    pieces = check_counts(counts)
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise ValidationError.field("note", Message("input.too_long", limit=MAX_NOTE))
    counted = _sum(pieces)
    books = book_cash(session, estate.id, counted_on)
    if counted != books and not text:
        raise ValidationError.field(
            "note",
            Message(
                "cash_count.explain_difference",
                counted=money_text(counted),
                book_cash=money_text(books),
                difference=money_text(counted - books),
            ),
        )
    revalidate(session, estate.id)
    count = CashCount(
        estate_id=estate.id,
        counted_on=counted_on,
        counts=json.dumps(pieces, separators=(",", ":")),
        counted=counted,
        book_cash=books,
        note=text,
        prepared_by=actor_user_id,
    )
    session.add(count)
    session.flush()
    approvals.record_participant(
        session, estate.id, SUBJECT_KIND, count.id, actor_user_id, "author"
    )
    approvals.submit(
        session,
        estate.id,
        subject_kind=SUBJECT_KIND,
        subject_id=count.id,
        content=content_of(session, count),
        amount=counted,
        submitted_by=actor_user_id,
    )
    return count


@command
def prepare(
    session: Session,
    estate: Estate,
    *,
    counted_on: date,
    counts: Mapping[str, Any],
    note: str,
    actor_user_id: int,
) -> CashCountOut:
    """The command: ``submit_count``, then the count as it stands."""
    count = submit_count(
        session,
        estate,
        counted_on=counted_on,
        counts=counts,
        note=note,
        actor_user_id=actor_user_id,
    )
    return view(session, count)


def pieces_of(amount: Decimal) -> dict[str, int]:
    """The fewest pieces making ``amount`` (largest denomination first): what the demo's
    steward counts."""
    left, out = amount, {}
    for key, value, _ in DENOMINATIONS:
        pieces = int(left // value)
        if pieces:
            out[key] = pieces
            left -= value * pieces
    return out


def revalidate(session: Session, estate_id: int) -> list[int]:
    """Every pending or approved count whose books' cash changed since has its request
    voided. Returns those counts' ids. Flushes."""

    def fresh(count_id: int) -> Mapping[str, Any] | None:
        count = session.get(CashCount, count_id)
        return None if count is None else content_of(session, count)

    return approvals.void_changed(
        session,
        estate_id,
        SUBJECT_KIND,
        fresh,
        reason="the books' cash for that day changed after the count was prepared",
    )


def approved_count_in(
    session: Session, estate_id: int, start: date, end: date
) -> dict[str, Any] | None:
    """The last count dated ``start``–``end`` that is approved and still stands:
    ``{"counted_on", "counted", "book_cash", "difference", "approved_on", "approver_roles"}``,
    else None (for disclosures: roles, never names)."""
    rows = session.scalars(
        select(CashCount)
        .where(
            CashCount.estate_id == estate_id,
            CashCount.counted_on >= start,
            CashCount.counted_on <= end,
        )
        .order_by(CashCount.counted_on.desc(), CashCount.id.desc())
    )
    for count in rows:
        content = content_of(session, count)
        status, request = status_of(session, count, content)
        if status != "approved" or request is None or request.decided_at is None:
            continue
        roles = sorted({role.value for _, role, _ in approvals.approvers_of(session, request.id)})
        return {
            "counted_on": content["counted_on"],
            "counted": content["counted"],
            "book_cash": content["book_cash"],
            "difference": content["difference"],
            "approved_on": request.decided_at.date().isoformat(),
            "approver_roles": roles,
        }
    return None


def _content(session: Session, count_id: int) -> Mapping[str, Any]:
    count = session.get(CashCount, count_id)
    return {} if count is None else content_of(session, count)


approvals.register_subject(SUBJECT_KIND, content=_content)

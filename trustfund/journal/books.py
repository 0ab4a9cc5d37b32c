"""Opening the books (建账): the steward enters, per fund, what the paper ledger holds on the
opening date — bank balance, cash on hand, owed to contractors, fees received in advance —
and the committee approves; then the standard chart opens on that date and one entry of
kind ``opening`` is posted (a proposed entry, ``journal.proposals``)::

    2025-01-01 * "期初余额"
      kind: "opening"
      Assets:Bank:Committee 3620.50 CNY
      Assets:Cash:Steward 200.00 CNY
      Liabilities:Payable:Contractors -300.00 CNY
      Liabilities:Prepaid:Fees -400.00 CNY
      Equity:Opening:Electricity -3120.50 CNY
      ...

Each fund opens at bank + cash − payable − prepaid (never below zero). Until the entry is
posted nothing can be posted in the estate (``BooksNotOpenError``); after it, a second
opening is refused and the opening is corrected only by reversing entries.
"""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, JournalProposal
from trustfund.db.session import command
from trustfund.errors import ConflictError, FieldError, ValidationError
from trustfund.estates.service import today_in
from trustfund.journal import head, proposals, schemas
from trustfund.ledger.accounts import (
    BANK,
    CASH,
    FUND_NAMES_ZH,
    PAYABLE,
    PREPAID_FEES,
    Fund,
    opening_equity_account,
)
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text, parse_money
from trustfund.messages import Message, reason_of

NARRATION = "期初余额"
PARTS = ("bank", "cash", "payable", "prepaid")
#: Where each part of the opening goes, with the sign of its leg.
PART_ACCOUNTS = {
    "bank": (BANK, 1),
    "cash": (CASH, 1),
    "payable": (PAYABLE, -1),
    "prepaid": (PREPAID_FEES, -1),
}

NEXT_STEP = {
    None: "请红色管家在「建账」页面按纸质台账填写各基金的期初余额（银行存款、管家现金、"
    "应付承揽方、预收服务费），提交业委会审批；审批通过后即可记账。",
    proposals.PENDING: "期初余额已提交，等待业委会成员在「审批」页面审批（提交人不能自己审批）。",
    proposals.REJECTED: "期初余额被业委会驳回：请在「建账」页面修改后重新提交。",
}


def _opening_proposal(session: Session, estate_id: int) -> JournalProposal | None:
    return proposals.latest(session, estate_id, proposals.OPENING)


def proposal_view(session: Session, proposal: JournalProposal) -> schemas.OpeningProposal:
    rows = json.loads(proposal.detail)["funds"]
    request = proposals.request_of(session, proposal)
    totals = {part: sum((Decimal(r[part]) for r in rows), ZERO) for part in (*PARTS, "opening")}
    return schemas.OpeningProposal(
        id=proposal.id,
        date=proposal.date,
        funds=[
            schemas.OpeningFund(name=FUND_NAMES_ZH.get(r["fund"], r["fund"]), **r) for r in rows
        ],
        **{f"total_{part}": money_text(total) for part, total in totals.items()},
        status=proposal.status,
        approval_request_id=request.id if request is not None else None,
        approval_status=request.status.value if request is not None else None,
        proposed_by=proposal.proposed_by,
        entry_seq=proposal.entry_seq,
    )


def status(session: Session, estate: Estate) -> schemas.BooksStatus:
    """Whether the estate's books are open, since when, by which entry, and the opening
    proposal (if any); ``next_step`` says in Chinese what to do while they are not open."""
    opened_on = head.books_opened_on(session, estate.id)
    proposal = _opening_proposal(session, estate.id)
    entry_seq = session.scalar(
        select(JournalEntry.seq).where(
            JournalEntry.estate_id == estate.id, JournalEntry.kind == "opening"
        )
    )
    return schemas.BooksStatus(
        open=opened_on is not None,
        opened_on=opened_on,
        opening_entry_seq=entry_seq,
        proposal=proposal_view(session, proposal) if proposal is not None else None,
        next_step=None
        if opened_on is not None
        else NEXT_STEP.get(proposal.status if proposal is not None else None, NEXT_STEP[None]),
    )


def _amount(value: str, field: str, errors: list[FieldError]) -> Decimal:
    try:
        return parse_money(value if value != "" else "0")  # strict; refuses negatives
    except ValueError as exc:
        errors.append(FieldError(field, reason_of(exc)))
        return ZERO


def opening_draft(
    estate: Estate, data: schemas.OpeningIn
) -> tuple[EntryDraft, list[dict[str, str]]]:
    """The opening entry for ``data`` and the per-fund rows shown for approval.
    Raises ``ValidationError`` naming every bad field."""
    errors: list[FieldError] = []
    if data.date > today_in(estate):
        errors.append(FieldError("date", Message("journal.books_open_future")))
    if data.date.year < 2000:
        errors.append(FieldError("date", Message("journal.year_from_2000")))
    rows: list[dict[str, str]] = []
    totals = dict.fromkeys(PARTS, ZERO)
    equity: list[Leg] = []
    seen: set[str] = set()
    for i, item in enumerate(data.funds):
        fund = item.fund.strip()
        if fund not in {f.value for f in Fund}:
            errors.append(
                FieldError(
                    f"funds[{i}].fund", Message("input.one_of_short", choices=", ".join(Fund))
                )
            )
            continue
        if fund in seen:
            errors.append(
                FieldError(f"funds[{i}].fund", Message("journal.fund_listed_twice", fund=fund))
            )
            continue
        seen.add(fund)
        parts = {p: _amount(getattr(item, p), f"funds[{i}].{p}", errors) for p in PARTS}
        opening = parts["bank"] + parts["cash"] - parts["payable"] - parts["prepaid"]
        if opening < ZERO:
            errors.append(
                FieldError(
                    f"funds[{i}]",
                    Message("journal.opening_negative", fund=fund, opening=money_text(opening)),
                )
            )
        for p in PARTS:
            totals[p] += parts[p]
        if opening != ZERO:
            equity.append(Leg(opening_equity_account(fund), -opening))
        rows.append(
            {
                "fund": fund,
                **{p: money_text(v) for p, v in parts.items()},
                "opening": money_text(opening),
            }
        )
    if errors:
        raise ValidationError(
            Message("journal.opening_invalid", problems=errors),
            errors=errors,
        )
    legs = [
        Leg(account, sign * totals[part])
        for part, (account, sign) in PART_ACCOUNTS.items()
        if totals[part] != ZERO
    ]
    draft = EntryDraft(date=data.date, narration=NARRATION, legs=(*legs, *equity), kind="opening")
    return draft, rows


@command
def propose_opening(
    session: Session, estate: Estate, data: schemas.OpeningIn, *, actor_user_id: int
) -> schemas.OpeningProposal:
    """Propose (or, while pending or rejected, replace) the estate's opening balances and
    submit them to the committee; commits. Raises ``ValidationError`` (fields named),
    ``ConflictError`` (the books are already open)."""
    head.lock_estate_head(session, estate.id)  # one proposal at a time per estate
    if (opened := head.books_opened_on(session, estate.id)) is not None:
        raise ConflictError(Message("journal.books_opened_once", opened=opened))
    draft, rows = opening_draft(estate, data)
    proposal = proposals.propose(
        session,
        estate.id,
        proposals.OPENING,
        draft,
        detail={"funds": rows},
        actor_user_id=actor_user_id,
        replacing=_opening_proposal(session, estate.id),
    )
    view = proposal_view(session, proposal)
    return view

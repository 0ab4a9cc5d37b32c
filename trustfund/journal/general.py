"""General (manual) entries: what one person may post alone, and what needs four eyes.

DESIGN (2026-12-05): no money leaves the bank or enters payables without an approved
workflow. So a general entry posted directly by one person may only *reclassify* spending
within one fund — every leg an ``Expenses`` account of the same fund, summing to zero — or
reverse such an entry. Anything that moves money between parties (bank, cash on hand,
prepaid fees, goods …) is *proposed* (``journal.proposals``, subject kind
``journal_entry``, the payout tiers, approvers never its author, editors or submitter) and
posted exactly as approved. Payables are never touched by hand: an approved claim creates
them and paying the claim settles them. Income, Equity and fund transfers belong to their
domains (fee payments, gifts, approved fund transfers).

Both kinds are dated no later than tomorrow in the estate's time zone and not before the
books opened.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, JournalProposal
from trustfund.db.session import command
from trustfund.errors import (
    BooksNotOpenError,
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationError,
)
from trustfund.estates.service import today_in
from trustfund.journal import head, proposals, reading, schemas, service
from trustfund.ledger.accounts import PAYABLE, fund_of
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import money_text, to_money
from trustfund.messages import Message, reason_of

GENERAL_KIND = "general"
#: How far after today (estate time) a manual entry may be dated.
FUTURE_MARGIN = timedelta(days=1)


def _legs(data: list[schemas.LegCreate], errors: list[FieldError]) -> list[Leg]:
    legs = []
    for i, leg in enumerate(data):
        try:
            legs.append(Leg(leg.account, to_money(leg.amount)))
        except ValueError as exc:
            errors.append(FieldError(f"legs[{i}].amount", reason_of(exc)))
    return legs


def is_reclassification(legs: list[Leg] | tuple[Leg, ...]) -> bool:
    """Every leg an Expenses account of one and the same fund (the sum is checked when
    posting): money stays where it was, only its expense item changes."""
    funds = {fund_of(leg.account) for leg in legs}
    return (
        len(legs) >= 2
        and all(leg.account.startswith("Expenses:") for leg in legs)
        and len(funds) == 1
        and None not in funds
    )


def _direct_problems(legs: list[schemas.LegCreate]) -> list[FieldError]:
    errors = []
    first_fund = next(
        (fund_of(leg.account) for leg in legs if leg.account.startswith("Expenses:")), None
    )
    for i, leg in enumerate(legs):
        fund = fund_of(leg.account)
        field = f"legs[{i}].account"
        if leg.account.startswith("Expenses:") and fund is not None:
            if fund != first_fund:
                errors.append(FieldError(field, Message("journal.one_fund", fund=first_fund)))
        elif fund is not None:
            errors.append(FieldError(field, Message("journal.fund_change", fund=fund)))
        else:
            errors.append(FieldError(field, Message("journal.needs_approval", account=leg.account)))
    return errors


def _proposal_problems(legs: list[schemas.LegCreate]) -> list[FieldError]:
    errors = []
    for i, leg in enumerate(legs):
        fund = fund_of(leg.account)
        field = f"legs[{i}].account"
        if leg.account == PAYABLE or leg.account.startswith(PAYABLE + ":"):
            errors.append(FieldError(field, Message("journal.payable_by_claim")))
        elif fund is not None:
            errors.append(FieldError(field, Message("journal.fund_change", fund=fund)))
    return errors


def _date_problems(session: Session, estate: Estate, on: date) -> list[FieldError]:
    """No later than tomorrow in the estate; not before the books opened."""
    today = today_in(estate)
    if on > today + FUTURE_MARGIN:
        return [
            FieldError(
                "date",
                Message("journal.after_today", value=today + FUTURE_MARGIN, today=today),
            )
        ]
    opened = head.books_opened_on(session, estate.id)
    if opened is not None and on < opened:
        return [FieldError("date", Message("journal.before_books_opened", opened=opened))]
    return []


def _raise(session: Session, estate: Estate, errors: list[FieldError], what: Message) -> None:
    """Bad input first (422, every field named), then whether the books are open (409)."""
    if errors:
        raise ValidationError(
            Message("input.what_problems", what=what, problems=errors), errors=errors
        )
    if head.books_opened_on(session, estate.id) is None:
        raise BooksNotOpenError(Message("journal.books_not_open"), extra={"step": "books/opening"})


def direct_draft(session: Session, estate: Estate, data: schemas.EntryCreate) -> EntryDraft:
    """The draft of a general entry one person may post alone (a reclassification within one
    fund). Raises ``ValidationError`` naming each leg that needs approval, ``BooksNotOpenError``."""
    errors = _date_problems(session, estate, data.date)
    legs = _legs(data.legs, errors)
    errors += _direct_problems(data.legs)
    if data.kind != GENERAL_KIND:
        errors.append(
            FieldError(
                "kind",
                Message("journal.kind_not_general", general_kind=GENERAL_KIND, kind=data.kind),
            )
        )
    _raise(session, estate, errors, Message("journal.general_not_alone"))
    return _general_draft(data, legs)


def _general_draft(
    data: schemas.EntryCreate | schemas.ProposalCreate, legs: list[Leg]
) -> EntryDraft:
    return EntryDraft(
        date=data.date,
        narration=data.narration,
        legs=tuple(legs),
        payee=data.payee,
        meta=data.meta,
        kind=GENERAL_KIND,
    )


def check_direct_reversal(original: JournalEntry) -> None:
    """One person may reverse only a general entry that reclassified spending; any other
    correction is proposed (``reverses_seq``) and approved. Raises ``ConflictError``."""
    legs = tuple(Leg(p.account, p.amount) for p in original.postings)
    if original.kind != GENERAL_KIND:
        if original.kind == "opening":
            raise ConflictError(Message("journal.opening_reversal_proposed", seq=original.seq))
        raise ConflictError(
            Message("journal.correct_where_made", seq=original.seq, kind=repr(original.kind))
        )
    if not is_reclassification(legs):
        raise ConflictError(Message("journal.reversal_needs_approval", seq=original.seq))


# --- proposed general entries ------------------------------------------------------------


def _proposal_draft(
    session: Session, estate: Estate, data: schemas.ProposalCreate
) -> tuple[EntryDraft, dict[str, object]]:
    errors = _date_problems(session, estate, data.date)
    if data.reverses_seq is not None:
        original = reading.get_entry(session, estate.id, data.reverses_seq)
        if original.kind not in (GENERAL_KIND, "opening"):
            errors.append(
                FieldError(
                    "reverses_seq",
                    Message("journal.correct_in_workflow", seq=original.seq, kind=original.kind),
                )
            )
        if data.legs:
            errors.append(FieldError("legs", Message("journal.reversal_has_no_legs")))
        if not data.narration.strip():
            errors.append(FieldError("narration", Message("journal.reversal_reason_required")))
        _raise(session, estate, errors, Message("journal.proposed_reversal_invalid"))
        legs = tuple(Leg(p.account, -p.amount) for p in original.postings)
        draft = EntryDraft(
            date=data.date,
            narration=data.narration.strip(),
            legs=legs,
            payee=original.payee,
            kind="reversal",
        )
        return draft, {"reverses_seq": original.seq}
    legs_ = _legs(data.legs, errors)
    if len(data.legs) < 2:
        errors.append(FieldError("legs", Message("journal.two_legs")))
    errors += _proposal_problems(data.legs)
    _raise(session, estate, errors, Message("journal.proposed_entry_invalid"))
    return _general_draft(data, legs_), {}


def proposal_view(session: Session, proposal: JournalProposal) -> schemas.EntryProposal:
    request = proposals.request_of(session, proposal)
    return schemas.EntryProposal(
        id=proposal.id,
        date=proposal.date,
        narration=proposal.narration,
        payee=proposal.payee,
        meta=json.loads(proposal.meta),
        legs=[schemas.ProposedLeg(account=a, amount=v) for a, v in json.loads(proposal.legs)],
        reverses_seq=json.loads(proposal.detail).get("reverses_seq"),
        amount=money_text(proposal.amount),
        status=proposal.status,
        approval_request_id=request.id if request is not None else None,
        approval_status=request.status.value if request is not None else None,
        proposed_by=proposal.proposed_by,
        entry_seq=proposal.entry_seq,
    )


def _get(session: Session, estate: Estate, proposal_id: int) -> JournalProposal:
    proposal = proposals.get_proposal(session, estate.id, proposal_id)
    if proposal.purpose != proposals.ENTRY:
        raise NotFoundError(Message("journal.no_proposal", proposal_id=proposal_id))
    return proposal


@command
def propose(
    session: Session,
    estate: Estate,
    data: schemas.ProposalCreate,
    *,
    actor_user_id: int,
    proposal_id: int | None = None,
) -> schemas.EntryProposal:
    """Propose a general entry (or change a pending or rejected one: its request is void and
    it is submitted again, the editor never approving it); commits. Raises
    ``ValidationError`` (fields named), ``BooksNotOpenError``, ``NotFoundError``,
    ``ConflictError`` (changing a posted proposal)."""
    replacing = _get(session, estate, proposal_id) if proposal_id is not None else None
    draft, detail = _proposal_draft(session, estate, data)
    service.check_entry(session, estate.id, draft)
    proposal = proposals.propose(
        session,
        estate.id,
        proposals.ENTRY,
        draft,
        detail=detail,
        actor_user_id=actor_user_id,
        replacing=replacing,
    )
    view = proposal_view(session, proposal)
    return view


def get_proposal(session: Session, estate: Estate, proposal_id: int) -> schemas.EntryProposal:
    return proposal_view(session, _get(session, estate, proposal_id))


def list_proposals(session: Session, estate: Estate) -> list[schemas.EntryProposal]:
    rows = session.scalars(
        select(JournalProposal)
        .where(
            JournalProposal.estate_id == estate.id,
            JournalProposal.purpose == proposals.ENTRY,
        )
        .order_by(JournalProposal.id.desc())
        .limit(200)
    )
    return [proposal_view(session, p) for p in rows]

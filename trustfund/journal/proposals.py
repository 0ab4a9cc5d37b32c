"""Proposed entries: a draft entry written by one person, bound to an approval request with
its exact content (date, narration, payee, legs, metadata), and posted exactly as approved
once the rule's approvers (never its author, an editor or the submitter) said yes.

Two purposes share this one mechanism (approval subject kind in brackets):

- ``opening`` (``opening``): the opening balances that open an estate's books
  (``journal.books``); on approval the standard chart opens on the entry's date first;
- ``entry`` (``journal_entry``): a general entry that moves money between parties (bank,
  cash, payables, prepaid fees), which one person may not post alone (DESIGN 2026-12-05).

A proposal changed while pending or rejected is re-submitted (the earlier request is void);
a posted proposal never changes: it is corrected by reversing its entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest, RequestStatus
from trustfund.db.models.journal import JournalProposal
from trustfund.errors import ConflictError, NotFoundError
from trustfund.journal import chart, head, service
from trustfund.ledger.accounts import books_chart
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message

OPENING = "opening"
ENTRY = "entry"
#: Approval subject kind of each purpose.
SUBJECT_KINDS = {OPENING: "opening", ENTRY: "journal_entry"}
PURPOSES = {kind: purpose for purpose, kind in SUBJECT_KINDS.items()}

PENDING, APPROVED, REJECTED, POSTED = "pending", "approved", "rejected", "posted"


def draft_of(proposal: JournalProposal) -> EntryDraft:
    return EntryDraft(
        date=proposal.date,
        narration=proposal.narration,
        payee=proposal.payee,
        legs=tuple(Leg(account, Decimal(amount)) for account, amount in json.loads(proposal.legs)),
        meta=json.loads(proposal.meta),
        kind="opening" if proposal.purpose == OPENING else "general",
    )


def content(proposal: JournalProposal) -> dict[str, Any]:
    """What the approval is bound to: everything that would be posted, and what the proposer
    entered (``detail``)."""
    return {
        "purpose": proposal.purpose,
        "date": proposal.date,
        "narration": proposal.narration,
        "payee": proposal.payee,
        "legs": json.loads(proposal.legs),
        "meta": json.loads(proposal.meta),
        "detail": json.loads(proposal.detail),
    }


def _debits(draft: EntryDraft) -> Decimal:
    return sum((leg.amount for leg in draft.legs if leg.amount > ZERO), ZERO)


def _fill(proposal: JournalProposal, draft: EntryDraft, detail: Mapping[str, Any]) -> None:
    proposal.date = draft.date
    proposal.narration = draft.narration
    proposal.payee = draft.payee
    proposal.legs = json.dumps([[leg.account, money_text(leg.amount)] for leg in draft.legs])
    proposal.meta = json.dumps(dict(sorted(draft.meta.items())), ensure_ascii=False)
    proposal.detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    proposal.amount = _debits(draft)


def propose(
    session: Session,
    estate_id: int,
    purpose: str,
    draft: EntryDraft,
    *,
    detail: Mapping[str, Any],
    actor_user_id: int,
    replacing: JournalProposal | None = None,
) -> JournalProposal:
    """Store the draft (new, or ``replacing`` a pending or rejected proposal, whose earlier
    request becomes void) and submit it for approval. The caller has checked the draft.
    Flushes. Raises ``ConflictError`` (``replacing`` was posted)."""
    kind = SUBJECT_KINDS[purpose]
    if replacing is not None:
        if replacing.status == POSTED:
            raise ConflictError(
                Message(
                    "journal.proposal_posted",
                    replacing_id=replacing.id,
                    entry_seq=replacing.entry_seq,
                )
            )
        proposal = replacing
        part = "editor"
    else:
        proposal = JournalProposal(estate_id=estate_id, purpose=purpose, proposed_by=actor_user_id)
        session.add(proposal)
        part = "author"
    _fill(proposal, draft, detail)
    proposal.status = PENDING
    proposal.proposed_by = actor_user_id
    session.flush()
    approvals.record_participant(session, estate_id, kind, proposal.id, actor_user_id, part)
    approvals.submit(
        session,
        estate_id,
        subject_kind=kind,
        subject_id=proposal.id,
        content=content(proposal),
        amount=proposal.amount,
        submitted_by=actor_user_id,
    )
    return proposal


def latest(session: Session, estate_id: int, purpose: str) -> JournalProposal | None:
    return session.scalars(
        select(JournalProposal)
        .where(JournalProposal.estate_id == estate_id, JournalProposal.purpose == purpose)
        .order_by(JournalProposal.id.desc())
        .limit(1)
    ).first()


def get_proposal(session: Session, estate_id: int, proposal_id: int) -> JournalProposal:
    """Raises ``NotFoundError`` (also for another estate's proposal)."""
    proposal = session.get(JournalProposal, proposal_id)
    if proposal is None or proposal.estate_id != estate_id:
        raise NotFoundError(Message("journal.no_proposal", proposal_id=proposal_id))
    return proposal


def request_of(session: Session, proposal: JournalProposal) -> ApprovalRequest | None:
    return approvals.current_request(session, SUBJECT_KINDS[proposal.purpose], proposal.id)


def _after(session: Session, request: ApprovalRequest) -> None:
    """Post an approved proposal exactly as approved (in the deciding transaction: if it
    cannot be posted — a fund or the bank would go below zero, a locked period — the decision
    fails with that error and nothing is recorded)."""
    proposal = session.get(JournalProposal, request.subject_id)
    if proposal is None or proposal.status != PENDING:
        return
    if request.status == RequestStatus.REJECTED:
        proposal.status = REJECTED
        session.flush()
        return
    if request.status != RequestStatus.APPROVED:
        return
    if request.content_hash != approvals.content_hash(content(proposal)):  # pragma: no cover
        raise ConflictError(Message("journal.proposal_changed"))
    proposal.status = APPROVED
    draft = draft_of(proposal)
    if proposal.purpose == OPENING:
        if head.books_opened_on(session, proposal.estate_id) is not None:
            raise ConflictError(Message("journal.books_open_already"))
        chart.open_accounts(
            session, proposal.estate_id, books_chart(), on=proposal.date, actor_user_id=None
        )
    reverses = json.loads(proposal.detail).get("reverses_seq")
    if reverses is not None:
        entry = service.reverse_entry(
            session,
            proposal.estate_id,
            reverses,
            on=proposal.date,
            reason=proposal.narration,
            idempotency_key=f"proposal:{proposal.id}",
            actor_user_id=proposal.proposed_by,
        )
        proposal.entry_seq = entry.seq
    elif draft.legs:
        entry = service.post_entry(
            session,
            proposal.estate_id,
            draft,
            idempotency_key=f"proposal:{proposal.id}",
            actor_user_id=proposal.proposed_by,
        )
        proposal.entry_seq = entry.seq
    proposal.status = POSTED
    session.flush()


for _purpose, _kind in SUBJECT_KINDS.items():
    approvals.register_subject(
        _kind, content=approvals.row_content(JournalProposal, content), after_decision=_after
    )

"""Refund and receipt-void requests (退费/作废申请): money goes back only with four eyes.

A steward *requests* a refund (``request_refund``) or a receipt's void (``request_void``) with
a reason; nothing is posted. The request is an approval subject (kinds ``fee_refund`` and
``receipt_void``, the payout tiers of ``approvals.rules``) that a committee member who did not
request it decides — through ``POST …/approvals/{id}/decision`` or ``decide`` here. Whoever
requested it, and for a void whoever recorded the receipt's payment, can never decide it
(``approvals.check_not_participant``), also when they hold the committee's role too.

**The decision checks again.** The approval that completes the rule posts in the deciding
transaction, under the receipt counter's lock (``reversals.post_void`` / ``post_refund``): the
receipt must still be valid, the money still refundable, the cash still held (cash), the bank
and every fund still able to pay, the period open. If not, the decision is refused with a 409
naming the reason and nothing is recorded; the request stays pending for a rejection (or
its requester withdraws it, ``withdraw``).

**Posting date = decision date.** The entry is dated the estate's local day of the approving
decision: money leaves only once approved. (The demo replays history and passes its own day
to ``decide``; the API never does.)

**One waiting request per payment.** While a refund of a household's fee year, or a void of a
receipt, is pending, a second one is refused (409; unique ``pending_key``). A new request is
also checked against what waits: a refund may not exceed what the household kept less the
waiting voids of its receipts, and cash may not exceed the cash held less the waiting cash
requests. Deposits and payouts are not held back by waiting requests: the decision re-checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals import ApprovalRequest, Decision, RequestStatus
from trustfund.auth.principal import Principal
from trustfund.db.base import utcnow
from trustfund.db.models.estates import Household
from trustfund.db.models.fees import (
    FeePayment,
    FeeReceipt,
    FeeRefund,
    FeeRefundRequest,
    PaymentMethod,
    RefundRequestKind,
    RefundRequestStatus,
)
from trustfund.db.session import command
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    raise_if,
)
from trustfund.estates.service import today_in
from trustfund.fees.common import (
    MAX_FEE_YEAR,
    MIN_FEE_YEAR,
    HouseholdRef,
    get_estate,
    households_by_code,
)
from trustfund.fees.receipt_views import get_receipt
from trustfund.fees.reversals import (
    post_refund,
    post_void,
    refund_problem,
    refund_view,
    void_problem,
)
from trustfund.fees.schemas import RefundIn, RefundRequestOut, RequestDecisionOut, VoidIn
from trustfund.fields import amount as parse_money
from trustfund.journal.idempotency import run_idempotent
from trustfund.ledger.money import money_text
from trustfund.messages import Message

REFUND_KIND = "fee_refund"
VOID_KIND = "receipt_void"
#: Approval subject kind of each request kind.
SUBJECT_KINDS = {RefundRequestKind.REFUND: REFUND_KIND, RefundRequestKind.VOID: VOID_KIND}
KINDS = {kind: request_kind for request_kind, kind in SUBJECT_KINDS.items()}

#: The day the approving decision posts on, when not today (``decide(on=…)``: the demo).
_POSTING_DAY: ContextVar[date | None] = ContextVar("refund_posting_day", default=None)


# --- requesting ---------------------------------------------------------------------------


def _waiting_cash(session: Session, estate_id: int) -> Decimal:
    """What pending requests ask for in cash, estate-wide."""
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(FeeRefundRequest.amount), 0)).where(
                FeeRefundRequest.estate_id == estate_id,
                FeeRefundRequest.status == RefundRequestStatus.PENDING,
                FeeRefundRequest.method == PaymentMethod.CASH,
            )
        )
        or 0
    )


def _waiting_for_year(
    session: Session, estate_id: int, household_id: int, fee_year: int
) -> Decimal:
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(FeeRefundRequest.amount), 0)).where(
                FeeRefundRequest.estate_id == estate_id,
                FeeRefundRequest.household_id == household_id,
                FeeRefundRequest.fee_year == fee_year,
                FeeRefundRequest.status == RefundRequestStatus.PENDING,
            )
        )
        or 0
    )


def _pending(session: Session, estate_id: int, key: str) -> FeeRefundRequest | None:
    return session.scalar(
        select(FeeRefundRequest).where(
            FeeRefundRequest.estate_id == estate_id, FeeRefundRequest.pending_key == key
        )
    )


def _refuse_second(session: Session, estate_id: int, key: str, what: str) -> None:
    waiting = _pending(session, estate_id, key)
    if waiting is not None:
        raise ConflictError(
            Message("fees.request_pending", what=what, request_id=waiting.id),
            extra={"pending_request_id": waiting.id},
        )


def _submit(
    session: Session, estate_id: int, row: FeeRefundRequest, *, recorded_by: int | None
) -> None:
    """Insert the request and submit it for approval (flushes). ``recorded_by``: who
    recorded the payment a void would undo — they may not decide it either."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request for the same payment won
        raise ConflictError(Message("fees.payment_request_pending")) from exc
    kind = SUBJECT_KINDS[row.kind]
    approvals.record_participant(session, estate_id, kind, row.id, row.requested_by, "author")
    if recorded_by is not None and recorded_by != row.requested_by:
        approvals.record_participant(session, estate_id, kind, row.id, recorded_by, "author")
    approvals.submit(
        session,
        estate_id,
        subject_kind=kind,
        subject_id=row.id,
        content=content(session, row),
        amount=row.amount,
        submitted_by=row.requested_by,
    )


def ask_refund(
    session: Session, estate_id: int, data: RefundIn, *, actor_user_id: int
) -> FeeRefundRequest:
    """Record a refund request (flushes, posts nothing). Raises ValidationError (bad input,
    more than the household kept for the year less what waits, more cash than is held less
    what waits — naming ``amount``), ConflictError (a refund of that household and year is
    already pending)."""
    get_estate(session, estate_id)
    errors: list[FieldError] = []
    amount = parse_money(data.amount, "amount", errors)
    if amount is not None and amount <= 0:
        errors.append(FieldError("amount", Message("input.not_positive")))
    code = data.household_code.strip()
    household = households_by_code(session, estate_id, {code}).get(code)
    if household is None:
        errors.append(FieldError("household_code", Message("fees.no_household_named", code_=code)))
    if not MIN_FEE_YEAR <= data.fee_year <= MAX_FEE_YEAR:
        errors.append(FieldError("fee_year", Message("fees.implausible_year")))
    if not data.reason.strip():
        errors.append(FieldError("reason", Message("input.empty")))
    raise_if(errors, Message("fees.refund_request_invalid"))
    assert amount is not None and household is not None
    key = f"refund:{household.id}:{data.fee_year}"
    _refuse_second(session, estate_id, key, f"The refund of {household.code} for {data.fee_year}")
    method = PaymentMethod(data.method)
    problem = refund_problem(
        session,
        estate_id,
        household.id,
        data.fee_year,
        amount,
        method,
        held_back=_waiting_for_year(session, estate_id, household.id, data.fee_year),
        cash_held_back=_waiting_cash(session, estate_id),
    )
    if problem is not None:
        raise ValidationError.field("amount", problem)
    row = FeeRefundRequest(
        estate_id=estate_id,
        kind=RefundRequestKind.REFUND,
        household_id=household.id,
        fee_year=data.fee_year,
        amount=amount,
        method=method,
        reason=data.reason.strip(),
        requested_by=actor_user_id,
        requested_at=utcnow(),
        status=RefundRequestStatus.PENDING,
        pending_key=key,
    )
    _submit(session, estate_id, row, recorded_by=None)
    return row


def ask_void(
    session: Session, estate_id: int, receipt_no: str, reason: str, *, actor_user_id: int
) -> FeeRefundRequest:
    """Record a void request for a receipt (flushes, posts nothing). Raises NotFoundError,
    ValidationError (reason empty), ConflictError (the receipt cannot be voided now — void
    already, prepaid money already income, cash no longer held, money refunded since — or a
    void of it, or of cash the waiting requests need, is already pending)."""
    receipt = get_receipt(session, estate_id, receipt_no)
    if not reason.strip():
        raise ValidationError.field("reason", Message("input.empty"))
    key = f"void:{receipt.id}"
    _refuse_second(session, estate_id, key, f"Receipt {receipt_no}")
    problem = void_problem(session, estate_id, receipt)
    if problem is None:
        waiting = _waiting_for_year(session, estate_id, receipt.household_id, receipt.fee_year)
        if waiting:
            problem = Message("fees.void_refund_waiting", waiting=waiting)
    if problem is None and receipt.method == PaymentMethod.CASH:
        held = refund_problem(
            session,
            estate_id,
            receipt.household_id,
            receipt.fee_year,
            receipt.amount,
            PaymentMethod.CASH,
            cash_held_back=_waiting_cash(session, estate_id),
        )
        problem = held
    if problem is not None:
        raise ConflictError(
            Message("fees.receipt_not_voidable", receipt_no=receipt_no, problem=problem)
        )
    recorded_by = session.scalar(
        select(FeePayment.recorded_by_user_id).where(FeePayment.id == receipt.payment_id)
    )
    row = FeeRefundRequest(
        estate_id=estate_id,
        kind=RefundRequestKind.VOID,
        household_id=receipt.household_id,
        fee_year=receipt.fee_year,
        receipt_id=receipt.id,
        amount=receipt.amount,
        method=receipt.method,
        reason=reason.strip(),
        requested_by=actor_user_id,
        requested_at=utcnow(),
        status=RefundRequestStatus.PENDING,
        pending_key=key,
    )
    _submit(session, estate_id, row, recorded_by=recorded_by)
    return row


@command
def request_refund(
    session: Session,
    estate_id: int,
    data: RefundIn,
    *,
    actor_user_id: int,
    idempotency_key: str | None,
) -> tuple[RefundRequestOut, bool]:
    """Command: ``ask_refund``, idempotent by ``idempotency_key``. Returns
    ``(request view, replayed)``. Raises what ``ask_refund`` raises, IdempotencyConflictError."""
    result, replayed = run_idempotent(
        session,
        scope=f"fees.refund:{estate_id}",
        key=idempotency_key,
        fingerprint=data.model_dump(mode="json"),
        action=lambda: request_view(
            session, ask_refund(session, estate_id, data, actor_user_id=actor_user_id)
        ),
    )
    return result, replayed


@command
def request_void(
    session: Session,
    estate_id: int,
    receipt_no: str,
    data: VoidIn,
    *,
    actor_user_id: int,
    idempotency_key: str | None,
) -> tuple[RefundRequestOut, bool]:
    """Command: ``ask_void``, idempotent by ``idempotency_key``. Returns
    ``(request view, replayed)``. Raises what ``ask_void`` raises, IdempotencyConflictError."""
    result, replayed = run_idempotent(
        session,
        scope=f"fees.void:{estate_id}",
        key=idempotency_key,
        fingerprint={"receipt_no": receipt_no, "reason": data.reason},
        action=lambda: request_view(
            session,
            ask_void(session, estate_id, receipt_no, data.reason, actor_user_id=actor_user_id),
        ),
    )
    return result, replayed


# --- deciding -----------------------------------------------------------------------------


def content(session: Session, row: FeeRefundRequest) -> dict[str, Any]:
    """What the approval is bound to: everything the posting will use."""
    household = session.get(Household, row.household_id)
    receipt = session.get(FeeReceipt, row.receipt_id) if row.receipt_id else None
    return {
        "kind": row.kind.value,
        "household_code": household.code if household else None,
        "fee_year": row.fee_year,
        "receipt_no": receipt.receipt_no if receipt else None,
        "amount": row.amount,
        "method": row.method.value,
        "reason": row.reason,
        "requested_by": row.requested_by,
    }


def _content(session: Session, row_id: int) -> Mapping[str, Any]:
    row = session.get(FeeRefundRequest, row_id)
    return content(session, row) if row is not None else {}


def _after(session: Session, request: ApprovalRequest) -> None:
    """Rejected: record it and free the payment. Approved: post now, dated the decision day
    (the deciding transaction: a refusal fails the decision with its reason, 409)."""
    row = session.get(FeeRefundRequest, request.subject_id)
    if row is None or row.status != RefundRequestStatus.PENDING:
        return
    if request.status == RequestStatus.REJECTED:
        row.status = RefundRequestStatus.REJECTED
    elif request.status == RequestStatus.APPROVED:
        estate = get_estate(session, row.estate_id)
        on = _POSTING_DAY.get() or today_in(estate)
        if row.kind == RefundRequestKind.VOID:
            assert row.receipt_id is not None
            receipt = session.get(FeeReceipt, row.receipt_id)
            assert receipt is not None
            post_void(
                session,
                row.estate_id,
                receipt,
                reason=row.reason,
                on=on,
                actor_user_id=row.requested_by,
            )
            row.entry_seq = receipt.void_entry_seq
        else:
            household = session.get(Household, row.household_id)
            assert household is not None
            refund = post_refund(
                session,
                row.estate_id,
                household=HouseholdRef(household.id, household.code),
                fee_year=row.fee_year,
                amount=row.amount,
                method=row.method,
                reason=row.reason,
                on=on,
                actor_user_id=row.requested_by,
            )
            row.refund_id = refund.id
            row.entry_seq = refund.entry_seq
        row.status = RefundRequestStatus.POSTED
        row.posted_on = on
    else:
        return
    row.pending_key = None
    row.decided_at = utcnow()
    session.flush()


for _kind in SUBJECT_KINDS.values():
    approvals.register_subject(_kind, content=_content, after_decision=_after)


def get_request(session: Session, estate_id: int, request_id: int) -> FeeRefundRequest:
    """Raises NotFoundError (also for another estate's request)."""
    row = session.get(FeeRefundRequest, request_id)
    if row is None or row.estate_id != estate_id:
        raise NotFoundError(Message("fees.no_request", request_id=request_id))
    return row


def approval_of(session: Session, row: FeeRefundRequest) -> ApprovalRequest:
    request = approvals.current_request(session, SUBJECT_KINDS[row.kind], row.id)
    assert request is not None  # submitted with the row
    return request


def decide(
    session: Session,
    estate_id: int,
    request_id: int,
    *,
    principal: Principal,
    decision: Decision,
    reason: str | None,
    reviewed_hash: str | None = None,
    on: date | None = None,
) -> RefundRequestOut:
    """Entry point (commits): approve, or reject with a note, a refund or void request —
    the same as the approvals route on its approval request. ``on`` (the demo only) dates the
    posting; otherwise the decision day. Raises what ``approvals.decide_request`` raises, and
    what ``post_void`` / ``post_refund`` raise when the approval cannot be carried out (409
    naming why; nothing is recorded)."""
    row = get_request(session, estate_id, request_id)
    with posting_day(on):
        approvals.decide_request(
            session,
            estate_id,
            approval_of(session, row).id,
            principal=principal,
            decision=decision,
            reason=reason,
            reviewed_hash=reviewed_hash,
        )
    return request_view(session, row)


@contextmanager
def posting_day(on: date | None) -> Iterator[None]:
    """Approvals decided inside date their posting ``on`` (None: the decision day). For the
    demo and model tests, which replay history; the API never uses it."""
    token = _POSTING_DAY.set(on)
    try:
        yield
    finally:
        _POSTING_DAY.reset(token)


@command
def withdraw(
    session: Session, estate_id: int, request_id: int, *, actor_user_id: int
) -> RefundRequestOut:
    """Command: whoever asked takes a pending request back (a mistake, or conditions that
    changed); its approval request becomes void and the payment is free for a new request.
    Raises NotFoundError, PermissionDeniedError (not the requester), ConflictError (no
    longer pending)."""
    row = get_request(session, estate_id, request_id)
    approval = approvals.get_request(session, estate_id, approval_of(session, row).id)
    session.refresh(approval, with_for_update=True)  # a decision in flight finishes first
    session.refresh(row)
    if row.requested_by != actor_user_id:
        raise PermissionDeniedError(Message("fees.only_asker_withdraws"))
    if row.status != RefundRequestStatus.PENDING:
        raise ConflictError(Message("fees.request_not_pending", status=row.status.value))
    approvals.void_for_subject(
        session, SUBJECT_KINDS[row.kind], row.id, reason="withdrawn by whoever asked for it"
    )
    row.status = RefundRequestStatus.WITHDRAWN
    row.pending_key = None
    row.decided_at = utcnow()
    session.flush()
    return request_view(session, row)


# --- reading ------------------------------------------------------------------------------

STATUSES = tuple(s.value for s in RefundRequestStatus)


def list_requests(
    session: Session, estate_id: int, status: str | None = "pending"
) -> list[RefundRequestOut]:
    """Requests of the estate, newest first; ``status`` pending (default), posted, rejected,
    withdrawn or None for all. Raises ValidationError (unknown status)."""
    query = select(FeeRefundRequest).where(FeeRefundRequest.estate_id == estate_id)
    if status is not None:
        if status not in STATUSES:
            raise ValidationError.field(
                "status", Message("input.one_of_short", choices=", ".join(STATUSES))
            )
        query = query.where(FeeRefundRequest.status == RefundRequestStatus(status))
    rows = session.scalars(query.order_by(FeeRefundRequest.id.desc())).all()
    return [request_view(session, row) for row in rows]


def request_view(session: Session, row: FeeRefundRequest) -> RefundRequestOut:
    """The request with its approval's progress (user ids, not names)."""
    approval = approval_of(session, row)
    decisions: list[RequestDecisionOut] = [
        {
            "user_id": d.user_id,
            "decision": "approve" if d.decision == Decision.APPROVE else "reject",
            "note": d.reason,
            "decided_at": d.decided_at.isoformat(),
        }
        for d in approval.decisions
    ]
    rejected = next((d for d in decisions if d["decision"] == "reject"), None)
    refund = session.get(FeeRefund, row.refund_id) if row.refund_id else None
    about = content(session, row)
    return {
        "id": row.id,
        "kind": "refund" if row.kind == RefundRequestKind.REFUND else "void",
        "status": row.status.value,  # type: ignore[typeddict-item]
        "household_code": about["household_code"],
        "fee_year": row.fee_year,
        "receipt_no": about["receipt_no"],
        "amount": money_text(row.amount),
        "method": row.method.value,
        "reason": row.reason,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at.isoformat(),
        "approval_request_id": approval.id,
        "approval_status": approval.status.value,
        "rule": approval.rule_label,
        "approvals_needed": approval.approvals_needed,
        "approvals": sum(1 for d in decisions if d["decision"] == "approve"),
        "decisions": decisions,
        "rejection_note": rejected["note"] if rejected else None,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "posted_on": row.posted_on.isoformat() if row.posted_on else None,
        "entry_seq": row.entry_seq,
        "refund": refund_view(session, refund) if refund is not None else None,
    }

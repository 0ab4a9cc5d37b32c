"""Four eyes (DESIGN principle 7): requests, decisions, owners' votes.

A subject (a claim, a contract, a fee schedule, a disclosure …) is submitted with its
``content`` — whatever it wants the approval bound to (payee, amount, fund, lines …). The
content is canonicalised (sorted JSON, Decimals as strings) and hashed; a decision is only
accepted while the subject's content still hashes to the submitted hash. Whoever submitted
cannot decide. Every building block here only flushes; ``decide_request`` is the entry point
of one HTTP request and commits.

Concurrency: ``decide`` and ``record_owners_vote`` lock the request row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serialises writers), and the decisions table is unique per
(request, person), so two approvals racing are counted exactly once each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from trustfund.approvals import subjects
from trustfund.approvals.rules import check_kind, owners_vote_passes, requirement
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Principal, Role
from trustfund.db.base import utcnow
from trustfund.db.models.approvals import (
    ApprovalDecision,
    ApprovalParticipant,
    ApprovalRequest,
    Decision,
    RequestStatus,
)
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.session import command, lock_row, unit_of_work
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from trustfund.ledger.money import money_text, to_money
from trustfund.messages import Message, reason_of

MAX_REASON = 500


class ContentChangedError(ConflictError):
    """The subject no longer matches what was submitted; the request was voided."""

    title = "Changed since submitted"
    type_slug = "content-changed"


def _default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def canonical(content: Mapping[str, Any]) -> str:
    """Sorted, compact JSON; Decimals and dates as strings (``"500.00"``, ``"2026-03-01"``)."""
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _roles(request: ApprovalRequest) -> frozenset[Role]:
    return frozenset(Role(r) for r in request.approver_roles.split(",") if r)


def _lock(session: Session, request_id: int) -> ApprovalRequest:
    request = lock_row(
        session,
        ApprovalRequest,
        request_id,
        estate_id=None,
        missing=Message("approvals.no_request", request_id=request_id),
    )
    session.refresh(request, attribute_names=["decisions"])
    return request


#: Parts someone can have played in a subject; every one of them excludes approving it.
PARTS = ("author", "editor", "submitter")


def record_participant(
    session: Session, estate_id: int, subject_kind: str, subject_id: int, user_id: int, part: str
) -> None:
    """Remember that ``user_id`` wrote (``author``), changed (``editor``) or submitted
    (``submitter``) the subject: ``decide`` refuses their decision on it from now on, in
    every later request too. Every create and edit service of an approval subject calls
    this. Idempotent; flushes."""
    assert part in PARTS, part
    values = {
        "estate_id": estate_id,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "user_id": user_id,
        "part": part,
        "at": utcnow(),
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(ApprovalParticipant).values(**values).on_conflict_do_nothing())
    session.flush()


def participants(session: Session, subject_kind: str, subject_id: int) -> dict[int, set[str]]:
    """``{user id: parts}`` of everyone who wrote, edited or submitted the subject."""
    rows = session.execute(
        select(ApprovalParticipant.user_id, ApprovalParticipant.part).where(
            ApprovalParticipant.subject_kind == subject_kind,
            ApprovalParticipant.subject_id == subject_id,
        )
    )
    found: dict[int, set[str]] = {}
    for user_id, part in rows:
        found.setdefault(user_id, set()).add(part)
    return found


def check_not_participant(
    session: Session, subject_kind: str, subject_id: int, user_id: int
) -> None:
    """Raises PermissionDeniedError if ``user_id`` wrote, edited or submitted the subject
    (every approval route calls this, the generic decision and fee schedules alike)."""
    parts = participants(session, subject_kind, subject_id).get(user_id)
    if parts:
        did = " and ".join(_PART_WORDS[p] for p in PARTS if p in parts)
        raise PermissionDeniedError(
            Message("approvals.four_eyes_participant", did=did, subject_kind=subject_kind)
        )


_PART_WORDS = {"author": "wrote", "editor": "edited", "submitter": "submitted"}


def submit(
    session: Session,
    estate_id: int,
    *,
    subject_kind: str,
    subject_id: int,
    content: Mapping[str, Any],
    amount: Decimal,
    submitted_by: int,
) -> ApprovalRequest:
    """A new pending request for the subject, with the requirement of the estate's rule for
    its kind and amount. Voids any earlier open or approved request of the same subject.
    Raises ValidationError (bad kind or amount)."""
    check_kind(subject_kind)
    need = requirement(session, estate_id, subject_kind, amount)
    void_for_subject(session, subject_kind, subject_id, reason="superseded by a new submission")
    request = ApprovalRequest(
        estate_id=estate_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        content_hash=content_hash(content),
        content_json=canonical(content),
        amount=to_money(amount),
        submitted_by=submitted_by,
        submitted_at=utcnow(),
        status=RequestStatus.PENDING,
        rule_label=need.rule_label,
        approvals_needed=need.approvals_needed,
        approver_roles=",".join(sorted(r.value for r in need.approver_roles)),
        owners_vote_required=need.owners_vote,
    )
    session.add(request)
    session.flush()
    record_participant(session, estate_id, subject_kind, subject_id, submitted_by, "submitter")
    return request


def _settle(session: Session, request: ApprovalRequest) -> None:
    """Move a pending request to APPROVED once enough approvals (and, when required, a
    passed owners' vote) are recorded."""
    approvals = sum(1 for d in request.decisions if d.decision == Decision.APPROVE)
    vote_ok = not request.owners_vote_required or request.vote_passed is True
    if approvals >= request.approvals_needed and vote_ok:
        request.status = RequestStatus.APPROVED
        request.decided_at = utcnow()


def decide(
    session: Session,
    request_id: int,
    *,
    principal: Principal,
    decision: Decision,
    reason: str | None,
    content: Mapping[str, Any],
) -> ApprovalRequest:
    """Record ``principal``'s decision. Flushes.

    Raises NotFoundError; PermissionDeniedError (the submitter, no approver role in the
    estate, a second decision by the same person); ConflictError (not pending);
    ContentChangedError (``content`` no longer hashes to the submitted hash: the request is
    marked VOID — commit before re-raising to keep that); ValidationError (a rejection
    without a reason, a reason too long)."""
    request = _lock(session, request_id)
    estate = session.get(Estate, request.estate_id)
    if estate is None:  # pragma: no cover - foreign key
        raise NotFoundError(Message("approvals.no_request", request_id=request_id))
    if principal.user_id == request.submitted_by:
        raise PermissionDeniedError(Message("approvals.four_eyes_submitter"))
    check_not_participant(session, request.subject_kind, request.subject_id, principal.user_id)
    held = principal.roles_for(estate.id, estate.community) & _roles(request)
    if not held:
        roles = " or ".join(sorted(r.value for r in _roles(request)))
        raise PermissionDeniedError(Message("approvals.wrong_role", roles=roles))
    if any(d.user_id == principal.user_id for d in request.decisions):
        raise PermissionDeniedError(Message("approvals.decided_already"))
    if request.status != RequestStatus.PENDING:
        raise ConflictError(Message("approvals.not_pending", value=request.status.value))
    if content_hash(content) != request.content_hash:
        request.status = RequestStatus.VOID
        request.void_reason = "the subject changed after it was submitted"
        request.decided_at = utcnow()
        session.flush()
        raise ContentChangedError(
            Message("approvals.changed_after_submit", subject_kind=request.subject_kind)
        )
    text = (reason or "").strip()
    if decision == Decision.REJECT and not text:
        raise ValidationError.field("reason", Message("approvals.rejection_reason_required"))
    if len(text) > MAX_REASON:
        raise ValidationError.field("reason", Message("input.too_long", limit=MAX_REASON))
    role = sorted(held, key=lambda r: r.value)[0]
    request.decisions.append(
        ApprovalDecision(
            user_id=principal.user_id,
            role=role.value,
            decision=decision,
            reason=text or None,
            decided_at=utcnow(),
        )
    )
    if decision == Decision.REJECT:
        request.status = RequestStatus.REJECTED
        request.decided_at = utcnow()
    else:
        _settle(session, request)
    session.flush()
    if request.status != RequestStatus.PENDING:
        subjects.after_decision(session, request)
    return request


def decide_request(
    session: Session,
    estate_id: int,
    request_id: int,
    *,
    principal: Principal,
    decision: Decision,
    reason: str | None,
    reviewed_hash: str | None = None,
) -> ApprovalRequest:
    """Entry point (commits): decide against the subject's current content. ``reviewed_hash``
    (optional) is the hash the decider looked at; if it is not the request's, 409.
    A request of another estate is 404. Raises what ``decide`` raises."""
    request = session.get(ApprovalRequest, request_id)
    if request is None or request.estate_id != estate_id:
        raise NotFoundError(Message("approvals.no_request_here", request_id=request_id))
    if reviewed_hash is not None and reviewed_hash != request.content_hash:
        raise ConflictError(
            Message("approvals.reviewed_other_content"),
            extra={"content_hash": request.content_hash},
        )
    content = subjects.current_content(session, request)
    # a ContentChangedError still commits: the request stays VOID
    with unit_of_work(session, keep=(ContentChangedError,)):
        decided = decide(
            session,
            request_id,
            principal=principal,
            decision=decision,
            reason=reason,
            content=content,
        )
    return decided


def record_owners_vote(
    session: Session,
    request_id: int,
    *,
    households_total: int,
    households_voted: int,
    households_for: int,
    area_total: Decimal,
    area_voted: Decimal,
    area_for: Decimal,
    held_on: date,
    recorded_by: int,
) -> ApprovalRequest:
    """Record the owners' vote on a request that needs one and apply the double-majority rule
    (``owners_vote_passes``): passed + enough approvals → APPROVED; failed → REJECTED.
    Flushes. Raises NotFoundError, PermissionDeniedError (the submitter), ConflictError (not
    pending, no vote required, already recorded), ValidationError (inconsistent figures)."""
    request = _lock(session, request_id)
    if recorded_by == request.submitted_by:
        raise PermissionDeniedError(Message("approvals.four_eyes_vote"))
    if not request.owners_vote_required:
        raise ConflictError(Message("approvals.vote_not_needed"))
    if request.status != RequestStatus.PENDING:
        raise ConflictError(Message("approvals.not_pending", value=request.status.value))
    if request.vote_passed is not None:
        raise ConflictError(Message("approvals.vote_recorded_already"))
    errors: list[FieldError] = []
    if households_total <= 0:
        errors.append(FieldError("households_total", Message("input.not_positive")))
    if not 0 <= households_voted <= households_total:
        errors.append(FieldError("households_voted", Message("approvals.voted_above_total")))
    if not 0 <= households_for <= households_voted:
        errors.append(FieldError("households_for", Message("approvals.for_above_voted")))
    areas: dict[str, Decimal] = {}
    for name, value in (
        ("area_total", area_total),
        ("area_voted", area_voted),
        ("area_for", area_for),
    ):
        try:
            areas[name] = to_money(value)
        except ValueError as exc:
            errors.append(FieldError(name, Message("approvals.area_invalid", exc=reason_of(exc))))
    if len(areas) == 3:
        if areas["area_total"] <= 0:
            errors.append(FieldError("area_total", Message("input.not_positive")))
        if not 0 <= areas["area_voted"] <= areas["area_total"]:
            errors.append(FieldError("area_voted", Message("approvals.area_voted_above_total")))
        if not 0 <= areas["area_for"] <= areas["area_voted"]:
            errors.append(FieldError("area_for", Message("approvals.area_for_above_voted")))
    if errors:
        raise ValidationError(
            Message("approvals.vote_inconsistent", problems=errors),
            errors=errors,
        )
    request.vote_households_total = households_total
    request.vote_households_voted = households_voted
    request.vote_households_for = households_for
    request.vote_area_total = areas["area_total"]
    request.vote_area_voted = areas["area_voted"]
    request.vote_area_for = areas["area_for"]
    request.vote_held_on = held_on
    request.vote_recorded_by = recorded_by
    request.vote_passed = owners_vote_passes(
        households_total=households_total,
        households_voted=households_voted,
        households_for=households_for,
        area_total=areas["area_total"],
        area_voted=areas["area_voted"],
        area_for=areas["area_for"],
    )
    if request.vote_passed:
        _settle(session, request)
    else:
        request.status = RequestStatus.REJECTED
        request.decided_at = utcnow()
    session.flush()
    if request.status != RequestStatus.PENDING:
        subjects.after_decision(session, request)
    return request


def void_for_subject(
    session: Session, subject_kind: str, subject_id: int, *, reason: str = "the subject changed"
) -> None:
    """The subject changed: its pending or approved requests become VOID. Flushes."""
    open_requests = session.scalars(
        select(ApprovalRequest).where(
            ApprovalRequest.subject_kind == subject_kind,
            ApprovalRequest.subject_id == subject_id,
            ApprovalRequest.status.in_([RequestStatus.PENDING, RequestStatus.APPROVED]),
        )
    )
    for request in open_requests:
        request.status = RequestStatus.VOID
        request.void_reason = reason[:200]
        request.decided_at = utcnow()
    session.flush()


def void_changed(
    session: Session,
    estate_id: int,
    subject_kind: str,
    content: Callable[[int], Mapping[str, Any] | None],
    *,
    reason: str,
) -> list[int]:
    """Every subject of ``subject_kind`` in the estate with a pending or approved request
    whose ``content(subject_id)``, computed afresh, is no longer what was submitted has its
    requests voided with ``reason`` (``None``: the subject is gone, left alone). Returns those
    subjects' ids, in id order. Flushes. For subjects whose content is computed from the books
    (a cash count, a reconciled month), which change without the subject itself changing."""
    live = session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.estate_id == estate_id,
            ApprovalRequest.subject_kind == subject_kind,
            ApprovalRequest.status.in_([RequestStatus.PENDING, RequestStatus.APPROVED]),
        )
        .order_by(ApprovalRequest.subject_id, ApprovalRequest.id)
    ).all()
    voided: list[int] = []
    for request in live:
        if voided and voided[-1] == request.subject_id:
            continue
        fresh = content(request.subject_id)
        if fresh is not None and content_hash(fresh) != request.content_hash:
            void_for_subject(session, subject_kind, request.subject_id, reason=reason)
            voided.append(request.subject_id)
    return voided


def current_request(session: Session, subject_kind: str, subject_id: int) -> ApprovalRequest | None:
    """The subject's latest request, whatever its status."""
    return session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.subject_kind == subject_kind,
            ApprovalRequest.subject_id == subject_id,
        )
        .order_by(ApprovalRequest.id.desc())
        .limit(1)
    ).first()


def is_approved(
    session: Session, subject_kind: str, subject_id: int, content: Mapping[str, Any]
) -> bool:
    """True only if the latest request is APPROVED and was approved for exactly ``content``."""
    request = current_request(session, subject_kind, subject_id)
    return (
        request is not None
        and request.status == RequestStatus.APPROVED
        and request.content_hash == content_hash(content)
    )


def get_request(session: Session, estate_id: int, request_id: int) -> ApprovalRequest:
    """Raises NotFoundError (also for another estate's request)."""
    request = session.get(ApprovalRequest, request_id)
    if request is None or request.estate_id != estate_id:
        raise NotFoundError(Message("approvals.no_request_here", request_id=request_id))
    return request


def inbox(session: Session, estate_id: int, principal: Principal) -> list[ApprovalRequest]:
    """Pending requests this person may decide: holding an approver role, not written,
    edited or submitted by them, not already decided by them. Oldest first."""
    estate = session.get(Estate, estate_id)
    if estate is None:
        return []
    roles = principal.roles_for(estate.id, estate.community)
    rows = session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.estate_id == estate_id,
            ApprovalRequest.status == RequestStatus.PENDING,
            ApprovalRequest.submitted_by != principal.user_id,
            ~select(ApprovalParticipant.id)
            .where(
                ApprovalParticipant.subject_kind == ApprovalRequest.subject_kind,
                ApprovalParticipant.subject_id == ApprovalRequest.subject_id,
                ApprovalParticipant.user_id == principal.user_id,
            )
            .exists(),
        )
        .options(selectinload(ApprovalRequest.decisions))
        .order_by(ApprovalRequest.submitted_at, ApprovalRequest.id)
    )
    return [
        r
        for r in rows
        if roles & _roles(r) and all(d.user_id != principal.user_id for d in r.decisions)
    ]


def approvers_of(session: Session, request_id: int) -> list[tuple[str, Role, datetime]]:
    """Who approved: ``(display name, role, when)``, in order."""
    rows = session.execute(
        select(User.display_name, ApprovalDecision.role, ApprovalDecision.decided_at)
        .join(User, User.id == ApprovalDecision.user_id)
        .where(
            ApprovalDecision.request_id == request_id,
            ApprovalDecision.decision == Decision.APPROVE,
        )
        .order_by(ApprovalDecision.id)
    )
    return [(name, Role(role), when) for name, role, when in rows]


def request_view(request: ApprovalRequest) -> ApprovalRequestOut:
    """The request as JSON (user ids, not names: names are for staff pages to add)."""
    approvals = [d for d in request.decisions if d.decision == Decision.APPROVE]
    view: ApprovalRequestOut = {
        "id": request.id,
        "subject_kind": request.subject_kind,
        "subject_id": request.subject_id,
        "status": request.status.value,
        "amount": money_text(request.amount),
        "content_hash": request.content_hash,
        "content": json.loads(request.content_json),
        "rule": request.rule_label,
        "approvals_needed": request.approvals_needed,
        "approvals": len(approvals),
        "approver_roles": sorted(r.value for r in _roles(request)),
        "owners_vote_required": request.owners_vote_required,
        "submitted_by": request.submitted_by,
        "submitted_at": request.submitted_at.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "void_reason": request.void_reason,
        "decisions": [
            {
                "user_id": d.user_id,
                "role": d.role,
                "decision": d.decision.value,
                "reason": d.reason,
                "decided_at": d.decided_at.isoformat(),
            }
            for d in request.decisions
        ],
    }
    if request.owners_vote_required:
        view["owners_vote"] = (
            None
            if request.vote_passed is None
            else {
                "households_total": request.vote_households_total,
                "households_voted": request.vote_households_voted,
                "households_for": request.vote_households_for,
                "area_total": str(request.vote_area_total),
                "area_voted": str(request.vote_area_voted),
                "area_for": str(request.vote_area_for),
                "held_on": request.vote_held_on.isoformat() if request.vote_held_on else None,
                "passed": request.vote_passed,
            }
        )
    return view


@command
def record_vote_request(
    session: Session,
    estate_id: int,
    request_id: int,
    *,
    recorded_by: int,
    households_total: int,
    households_voted: int,
    households_for: int,
    area_total: str,
    area_voted: str,
    area_for: str,
    held_on: date,
) -> ApprovalRequest:
    """Entry point (commits) for ``record_owners_vote``; areas as strings (``"52310.40"``).
    Raises what ``record_owners_vote`` raises; NotFoundError for another estate's request."""
    get_request(session, estate_id, request_id)
    areas: list[Decimal] = []
    for name, value in (
        ("area_total", area_total),
        ("area_voted", area_voted),
        ("area_for", area_for),
    ):
        try:
            areas.append(to_money(value))
        except ValueError as exc:
            raise ValidationError.field(
                name, Message("approvals.area_invalid", exc=reason_of(exc))
            ) from exc
    request = record_owners_vote(
        session,
        request_id,
        households_total=households_total,
        households_voted=households_voted,
        households_for=households_for,
        area_total=areas[0],
        area_voted=areas[1],
        area_for=areas[2],
        held_on=held_on,
        recorded_by=recorded_by,
    )
    return request

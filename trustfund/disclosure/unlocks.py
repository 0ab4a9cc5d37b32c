"""Lifting a period lock: the correction procedure (DESIGN, decisions of 2026-12-05).

Publishing the disclosure of an ended period locks it. When the books of that period must
change after all (a payment booked on the wrong day, a missing invoice), the steward or a
committee member proposes lifting the lock and says why; a majority of the estate's
committee members approves it through ``trustfund.approvals`` (kind ``period_unlock``, a
rule administrators cannot change; whoever proposed cannot decide). On approval the lock is
lifted — the row stays, with when, by which request and why — an audit record is written in
the same transaction, and the public pages show the lift with its reason at once::

    locked (published) ── propose (reason) ──> pending ── committee majority ──> lifted
                                                  └── rejected / void: stays locked
    lifted ── corrected version (supersedes the published one) published ──> locked again

While lifted, entries dated in the period are accepted (the corrections themselves); the
period's published version stays public, marked on the estate's page as being corrected,
until the corrected version is published, which locks the period again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.principal import Principal, Role
from trustfund.db.models.disclosure import DisclosureSnapshot, DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import PeriodLock
from trustfund.db.session import command
from trustfund.disclosure.periods import period_between
from trustfund.disclosure.schemas import LockLiftProposedOut, LockOut, LockPendingOut, PublicLiftOut
from trustfund.errors import ConflictError, NotFoundError, PermissionDeniedError
from trustfund.journal import periods
from trustfund.messages import Message
from trustfund.settlements.disclosure_sections import Scrubber

SUBJECT_KIND = "period_unlock"
#: Who may propose lifting a lock: the people who keep or answer for the books.
PROPOSER_ROLES = frozenset({Role.STEWARD, Role.COMMITTEE})
MAX_REASON = 500


def get_lock(session: Session, estate: Estate, lock_id: int) -> PeriodLock:
    """Raises ``NotFoundError`` (also for another estate's lock)."""
    lock = session.get(PeriodLock, lock_id)
    if lock is None or lock.estate_id != estate.id:
        raise NotFoundError(Message("journal.no_lock", lock_id=lock_id))
    return lock


def content_of(lock: PeriodLock, reason: str) -> dict[str, Any]:
    """What the committee's approval is bound to: the lock, still in force, and the reason."""
    return {
        "lock_id": lock.id,
        "period": period_between(lock.start, lock.end).title,
        "start": lock.start,
        "end": lock.end,
        "lock_reason": lock.reason,
        "still_locked": lock.lifted_at is None,
        "reason": reason,
    }


def propose(
    session: Session, estate: Estate, lock_id: int, *, principal: Principal, reason: str
) -> approvals.ApprovalRequest:
    """Ask the committee to lift lock ``lock_id``, saying why. Flushes.

    Raises ``PermissionDeniedError`` (neither the estate's steward nor a committee member),
    ``NotFoundError``, ``ValidationError`` (reason missing, too long or with control
    characters), ``ConflictError`` (already lifted, or a proposal is waiting)."""
    if not principal.roles_for(estate.id, estate.community) & PROPOSER_ROLES:
        raise PermissionDeniedError(Message("disclosure.lift_by_steward_or_committee"))
    lock = get_lock(session, estate, lock_id)
    text = approvals.proposal_reason(
        reason, limit=MAX_REASON, missing=Message("disclosure.lift_reason_required")
    )
    if lock.lifted_at is not None:
        raise ConflictError(Message("disclosure.lifted_already", lock_id=lock.id))
    waiting = approvals.current_request(session, SUBJECT_KIND, lock.id)
    if waiting is not None and waiting.status == approvals.RequestStatus.PENDING:
        raise ConflictError(
            Message(
                "disclosure.lift_waiting",
                lock_id=lock.id,
                waiting_id=waiting.id,
            ),
            extra={"approval_request_id": waiting.id},
        )
    return approvals.submit(
        session,
        estate.id,
        subject_kind=SUBJECT_KIND,
        subject_id=lock.id,
        content=content_of(lock, text),
        amount=Decimal("0.00"),
        submitted_by=principal.user_id,
    )


@command
def propose_request(
    session: Session, estate: Estate, lock_id: int, *, principal: Principal, reason: str
) -> LockLiftProposedOut:
    """The command behind ``propose``: the lock and the approval request as JSON."""
    request = propose(session, estate, lock_id, principal=principal, reason=reason)
    return {
        "lock": lock_view(session, get_lock(session, estate, lock_id)),
        "approval": approvals.request_view(request),
    }


def _requested_reason(session: Session, lock_id: int) -> str:
    request = approvals.current_request(session, SUBJECT_KIND, lock_id)
    if request is None:
        return ""
    return str(json.loads(request.content_json).get("reason", ""))


def _current_content(session: Session, lock_id: int) -> Mapping[str, Any]:
    lock = session.get(PeriodLock, lock_id)
    if lock is None:
        raise NotFoundError(Message("disclosure.no_lock", lock_id=lock_id))
    return content_of(lock, _requested_reason(session, lock_id))


def _after_decision(session: Session, request: approvals.ApprovalRequest) -> None:
    """An approved proposal lifts the lock and writes the audit record, in the decision's
    own transaction (so neither happens without the other)."""
    if request.status != approvals.RequestStatus.APPROVED:
        return
    reason = str(json.loads(request.content_json)["reason"])
    lock = periods.lift_lock(
        session, request.estate_id, request.subject_id, request_id=request.id, reason=reason
    )
    approvals.audit_approved(
        session,
        request,
        action="disclosure.period_unlocked",
        path=f"period-locks/{lock.id}",
        detail={
            "lock_id": lock.id,
            "start": lock.start.isoformat(),
            "end": lock.end.isoformat(),
            "reason": reason,
        },
        proposed_by=request.submitted_by,
    )


approvals.register_subject(SUBJECT_KIND, content=_current_content, after_decision=_after_decision)


def _local_date(estate: Estate, when: datetime) -> str:
    return when.astimezone(ZoneInfo(estate.timezone)).date().isoformat()


def lock_view(session: Session, lock: PeriodLock) -> LockOut:
    """A lock for staff (API, pages, CLI): its period, state and any waiting proposal."""
    request = approvals.current_request(session, SUBJECT_KIND, lock.id)
    pending: LockPendingOut | None = None
    if request is not None and request.status == approvals.RequestStatus.PENDING:
        pending = {
            "approval_request_id": request.id,
            "reason": json.loads(request.content_json).get("reason"),
            "approvals": sum(
                1 for d in request.decisions if d.decision == approvals.Decision.APPROVE
            ),
            "approvals_needed": request.approvals_needed,
            "proposed_by": request.submitted_by,
        }
    return {
        "id": lock.id,
        "period": period_between(lock.start, lock.end).title,
        "start": lock.start.isoformat(),
        "end": lock.end.isoformat(),
        "reason": lock.reason,
        "active": lock.lifted_at is None,
        "lifted_at": lock.lifted_at.isoformat() if lock.lifted_at else None,
        "lift_reason": lock.lift_reason,
        "lift_request_id": lock.lift_request_id,
        "pending": pending,
    }


def lock_views(session: Session, estate: Estate) -> list[LockOut]:
    """Every lock of the estate, newest period first."""
    return [lock_view(session, lock) for lock in reversed(periods.period_locks(session, estate.id))]


def public_lifts(session: Session, estate: Estate) -> list[PublicLiftOut]:
    """Every lifted lock, for residents: the period, the day it was lifted, that a committee
    majority agreed (how many of how many), the reason, and the corrected version once it is
    published. No names (approvers are counted, not named)."""
    lifted = session.scalars(
        select(PeriodLock)
        .where(PeriodLock.estate_id == estate.id, PeriodLock.lifted_at.is_not(None))
        .order_by(PeriodLock.lifted_at.desc(), PeriodLock.id.desc())
    )
    scrub = Scrubber(session, estate.id)  # staff wrote the reason: no owner names or phones
    out: list[PublicLiftOut] = []
    for lock in lifted:
        assert lock.lifted_at is not None
        request = (
            session.get(approvals.ApprovalRequest, lock.lift_request_id)
            if lock.lift_request_id is not None
            else None
        )
        agreed = (
            sum(1 for d in request.decisions if d.decision == approvals.Decision.APPROVE)
            if request is not None
            else 0
        )
        corrected = session.execute(
            select(DisclosureVersion.id, DisclosureVersion.number, DisclosureSnapshot.published_at)
            .join(DisclosureSnapshot, DisclosureSnapshot.version_id == DisclosureVersion.id)
            .where(
                DisclosureVersion.estate_id == estate.id,
                DisclosureVersion.status == VersionStatus.PUBLISHED,
                DisclosureVersion.start <= lock.end,
                DisclosureVersion.end >= lock.start,
                DisclosureSnapshot.published_at > lock.lifted_at,
            )
            .order_by(DisclosureSnapshot.published_at, DisclosureSnapshot.id)
            .limit(1)
        ).first()
        out.append(
            {
                "period": period_between(lock.start, lock.end).title,
                "start": lock.start.isoformat(),
                "end": lock.end.isoformat(),
                "lifted_on": _local_date(estate, lock.lifted_at),
                "reason": scrub(lock.lift_reason),
                "approvals": agreed,
                "approvals_needed": request.approvals_needed if request is not None else None,
                "corrected_by": (
                    {
                        "version_id": corrected.id,
                        "number": corrected.number,
                        "published_on": _local_date(estate, corrected.published_at),
                    }
                    if corrected is not None
                    else None
                ),
            }
        )
    return out

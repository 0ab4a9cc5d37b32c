"""Who approved, on the residents' pages: by name or by role (issue 16 item 6; DESIGN,
"Public names").

Elected committee members sign the paper 公示 today, so the committee may decide that its
members' display names appear next to what they approved on the public pages — or that
only their role and number do ("业委会委员2人"). By default they appear by role. The
decision is the committee's, per estate, and never one person's:

    propose (steward or committee member, with a reason) ── committee majority ──> in force
                                                      └── rejected / void: nothing changes

A proposal is a ``public_names_changes`` row and an approval request of kind
``public_names`` (a majority of the committee members, counted at the proposal; a rule
administrators cannot change, ``approvals.rules.FIXED_KINDS``; whoever proposed cannot
decide). The approval stamps the row and writes an audit record in the same transaction;
the estate's public page lists every change in force with its day, how many members agreed
and the reason. The newest approved row is the setting.

Names are those of approvers who decided as committee members; everyone else (council
members, …) is counted by role. Owners never appear. The setting is read when a statement is
built, so the committee's approval of a disclosure covers the names it shows, and a
published snapshot keeps what was in force when it was published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals.schemas import ApprovalRequestOut
from trustfund.auth.principal import Principal, Role
from trustfund.db.base import utcnow
from trustfund.db.models.auth import User
from trustfund.db.models.disclosure import PublicNamesChange
from trustfund.db.models.estates import Estate
from trustfund.db.session import command
from trustfund.disclosure.sections import ExpenseNote
from trustfund.disclosure.signoff import ROLE_ZH
from trustfund.errors import ConflictError, NotFoundError, PermissionDeniedError
from trustfund.messages import Message

SUBJECT_KIND = "public_names"
#: Who may propose a change: the people who keep or answer for the books.
PROPOSER_ROLES = frozenset({Role.STEWARD, Role.COMMITTEE})
#: The role whose members may appear by name (DESIGN: committee members' display names).
NAMED_ROLE = Role.COMMITTEE
MAX_REASON = 500


class PublicNamesChangeOut(TypedDict):
    """A proposal; ``approval_request_id``: its request (the one deciding it while it waits,
    the one that approved it once in force)."""

    id: int
    show_names: bool
    reason: str
    proposed_by: int
    proposed_at: str
    approved_at: str | None
    approval_request_id: int | None


class PublicNamesOut(TypedDict):
    """The estate's setting, what changed it, and any proposal waiting for the committee."""

    show_names: bool
    since: str | None
    changes: list[PublicNamesChangeOut]
    pending: PublicNamesChangeOut | None


class PublicNamesProposedOut(TypedDict):
    change: PublicNamesChangeOut
    approval: ApprovalRequestOut


class PublicNamesHistoryOut(TypedDict):
    """A change in force, for residents: counted approvers, never named."""

    show_names: bool
    approved_on: str
    approvals: int
    approvals_needed: int | None
    reason: str


def _in_force(session: Session, estate_id: int) -> PublicNamesChange | None:
    return session.scalar(
        select(PublicNamesChange)
        .where(PublicNamesChange.estate_id == estate_id, PublicNamesChange.approved_at.is_not(None))
        .order_by(PublicNamesChange.approved_at.desc(), PublicNamesChange.id.desc())
        .limit(1)
    )


def shown(session: Session, estate_id: int) -> bool:
    """Whether the committee decided that approvers appear by name (default: by role)."""
    current = _in_force(session, estate_id)
    return bool(current and current.show_names)


def display_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Display names of users (approvers), by id."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        int(uid): str(name)
        for uid, name in session.execute(
            select(User.id, User.display_name).where(User.id.in_(ids))
        ).all()
    }


def line_names(
    session: Session, estate_id: int, notes: Mapping[int, ExpenseNote]
) -> dict[int, list[str]]:
    """Per expense line (its entry's seq), the approvers' names aligned with its roles — the
    name of each who decided as a committee member, "" for everyone else — when the
    committee decided that approvers appear by name; ``{}`` otherwise."""
    if not notes or not shown(session, estate_id):
        return {}
    named_role = ROLE_ZH[NAMED_ROLE]
    ids = {
        uid
        for note in notes.values()
        for role, uid in zip(note.approver_roles, note.approver_ids, strict=False)
        if role == named_role
    }
    names = display_names(session, ids)
    return {
        seq: [
            names.get(uid, "") if role == named_role else ""
            for role, uid in zip(note.approver_roles, note.approver_ids, strict=False)
        ]
        for seq, note in notes.items()
        if note.approver_ids
    }


def _view(change: PublicNamesChange) -> PublicNamesChangeOut:
    return {
        "id": change.id,
        "show_names": change.show_names,
        "reason": change.reason,
        "proposed_by": change.proposed_by,
        "proposed_at": change.proposed_at.isoformat(),
        "approved_at": change.approved_at.isoformat() if change.approved_at else None,
        "approval_request_id": change.request_id,
    }


def _pending_view(session: Session, change: PublicNamesChange) -> PublicNamesChangeOut:
    """A waiting proposal, with the approval request the committee decides."""
    request = approvals.current_request(session, SUBJECT_KIND, change.id)
    return {**_view(change), "approval_request_id": request.id if request else None}


def _pending(session: Session, estate_id: int) -> PublicNamesChange | None:
    for change in session.scalars(
        select(PublicNamesChange)
        .where(PublicNamesChange.estate_id == estate_id, PublicNamesChange.approved_at.is_(None))
        .order_by(PublicNamesChange.id.desc())
    ):
        request = approvals.current_request(session, SUBJECT_KIND, change.id)
        if request is not None and request.status == approvals.RequestStatus.PENDING:
            return change
    return None


def content_of(session: Session, change: PublicNamesChange) -> dict[str, Any]:
    """What the committee's approval is bound to: the change, its reason, and the setting in
    force when it was proposed (a change approved meanwhile voids it)."""
    current = _in_force(session, change.estate_id)
    return {
        "change_id": change.id,
        "show_names": change.show_names,
        "reason": change.reason,
        "in_force": current.id if current else None,
        "approved": change.approved_at is not None,
    }


def propose(
    session: Session, estate: Estate, *, principal: Principal, show_names: bool, reason: str
) -> tuple[PublicNamesChange, approvals.ApprovalRequest]:
    """Ask the committee to show approvers by name (``show_names``) or by role. Flushes.

    Raises ``PermissionDeniedError`` (neither the estate's steward nor a committee member),
    ``ValidationError`` (reason missing, too long or with control characters),
    ``ConflictError`` (the setting is that already, or a proposal is waiting)."""
    if not principal.roles_for(estate.id, estate.community) & PROPOSER_ROLES:
        raise PermissionDeniedError(Message("disclosure.names_by_steward_or_committee"))
    text = approvals.proposal_reason(
        reason, limit=MAX_REASON, missing=Message("disclosure.names_reason_required")
    )
    if shown(session, estate.id) == show_names:
        raise ConflictError(Message("disclosure.names_already", show_names=show_names))
    waiting = _pending(session, estate.id)
    if waiting is not None:
        request = approvals.current_request(session, SUBJECT_KIND, waiting.id)
        assert request is not None
        raise ConflictError(
            Message("disclosure.names_waiting", waiting_id=request.id),
            extra={"approval_request_id": request.id},
        )
    change = PublicNamesChange(
        estate_id=estate.id,
        show_names=show_names,
        reason=text,
        proposed_by=principal.user_id,
        proposed_at=utcnow(),
    )
    session.add(change)
    session.flush()
    approvals.record_participant(
        session, estate.id, SUBJECT_KIND, change.id, principal.user_id, "author"
    )
    request = approvals.submit(
        session,
        estate.id,
        subject_kind=SUBJECT_KIND,
        subject_id=change.id,
        content=content_of(session, change),
        amount=Decimal("0.00"),
        submitted_by=principal.user_id,
    )
    return change, request


@command
def propose_request(
    session: Session, estate: Estate, *, principal: Principal, show_names: bool, reason: str
) -> PublicNamesProposedOut:
    """The command behind ``propose``: the change and its approval request as JSON."""
    change, request = propose(
        session, estate, principal=principal, show_names=show_names, reason=reason
    )
    return {"change": _view(change), "approval": approvals.request_view(request)}


def setting(session: Session, estate: Estate) -> PublicNamesOut:
    """The setting for staff (API, CLI): in force since when, every change, and any waiting
    proposal."""
    current = _in_force(session, estate.id)
    changes = session.scalars(
        select(PublicNamesChange)
        .where(PublicNamesChange.estate_id == estate.id)
        .order_by(PublicNamesChange.id)
    )
    pending = _pending(session, estate.id)
    return {
        "show_names": bool(current and current.show_names),
        "since": current.approved_at.isoformat() if current and current.approved_at else None,
        "changes": [_view(c) for c in changes],
        "pending": _pending_view(session, pending) if pending else None,
    }


def _current_content(session: Session, change_id: int) -> Mapping[str, Any]:
    change = session.get(PublicNamesChange, change_id)
    if change is None:
        raise NotFoundError(Message("disclosure.no_names_change", change_id=change_id))
    return content_of(session, change)


def _after_decision(session: Session, request: approvals.ApprovalRequest) -> None:
    """An approved proposal takes effect and is written to the audit log, in the decision's
    own transaction (neither happens without the other)."""
    if request.status != approvals.RequestStatus.APPROVED:
        return
    change = session.get(PublicNamesChange, request.subject_id)
    assert change is not None
    change.approved_at = utcnow()
    change.request_id = request.id
    approvals.audit_approved(
        session,
        request,
        action="disclosure.public_names_changed",
        path=f"public-names/{change.id}",
        detail={
            "change_id": change.id,
            "show_names": change.show_names,
            "reason": change.reason,
        },
        proposed_by=change.proposed_by,
    )


approvals.register_subject(SUBJECT_KIND, content=_current_content, after_decision=_after_decision)


def public_history(session: Session, estate: Estate) -> list[PublicNamesHistoryOut]:
    """Every change in force so far, newest first, for the estate's public page: what was
    decided, the day, how many committee members agreed, the reason (masked like other
    staff text)."""
    from trustfund.settlements.disclosure_sections import Scrubber

    rows = list(
        session.scalars(
            select(PublicNamesChange)
            .where(
                PublicNamesChange.estate_id == estate.id,
                PublicNamesChange.approved_at.is_not(None),
            )
            .order_by(PublicNamesChange.approved_at.desc(), PublicNamesChange.id.desc())
        )
    )
    if not rows:
        return []
    scrub = Scrubber(session, estate.id)
    zone = ZoneInfo(estate.timezone)
    out: list[PublicNamesHistoryOut] = []
    for change in rows:
        assert change.approved_at is not None
        request = (
            session.get(approvals.ApprovalRequest, change.request_id)
            if change.request_id is not None
            else None
        )
        out.append(
            {
                "show_names": change.show_names,
                "approved_on": change.approved_at.astimezone(zone).date().isoformat(),
                "approvals": sum(
                    1 for d in request.decisions if d.decision == approvals.Decision.APPROVE
                )
                if request is not None
                else 0,
                "approvals_needed": request.approvals_needed if request is not None else None,
                "reason": scrub(change.reason),
            }
        )
    return out

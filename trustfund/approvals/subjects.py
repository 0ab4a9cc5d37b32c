"""What the approvals package knows about each kind of subject, registered by the package
that owns it: how to read its current content (so a decision is checked against what the
subject says *now*) and what to do once a request is decided (e.g. mark a claim approved).

A kind nobody registered is decided against the content stored with the request; its owner
must call ``void_for_subject`` whenever the subject changes (as every subject must anyway)
and check ``is_approved`` before acting on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from trustfund.db.models.approvals import ApprovalRequest, Decision
from trustfund.db.models.auth import AuditRecord, User
from trustfund.errors import ValidationError
from trustfund.ledger.entries import text_problem
from trustfund.messages import Message

ContentReader = Callable[[Session, int], Mapping[str, Any]]
AfterDecision = Callable[[Session, ApprovalRequest], None]


@dataclass(frozen=True)
class Subject:
    content: ContentReader
    after_decision: AfterDecision | None = None


_SUBJECTS: dict[str, Subject] = {}

_Row = TypeVar("_Row")


def row_content(model: type[_Row], content: Callable[[_Row], Mapping[str, Any]]) -> ContentReader:
    """The ``ContentReader`` of a subject that is one row of ``model``: ``content`` of the
    row, or nothing once it is gone (``register_subject(kind, content=row_content(Claim,
    claim_content))``)."""

    def read(session: Session, subject_id: int) -> Mapping[str, Any]:
        row = session.get(model, subject_id)
        return content(row) if row is not None else {}

    return read


def register_subject(
    kind: str, *, content: ContentReader, after_decision: AfterDecision | None = None
) -> None:
    """Called once at import time by the package owning ``kind``."""
    _SUBJECTS[kind] = Subject(content, after_decision)


def current_content(session: Session, request: ApprovalRequest) -> Mapping[str, Any]:
    subject = _SUBJECTS.get(request.subject_kind)
    if subject is None:
        stored: dict[str, Any] = json.loads(request.content_json)
        return stored
    return subject.content(session, request.subject_id)


def after_decision(session: Session, request: ApprovalRequest) -> None:
    subject = _SUBJECTS.get(request.subject_kind)
    if subject is not None and subject.after_decision is not None:
        subject.after_decision(session, request)


def proposal_reason(raw: str, *, limit: int, missing: Message) -> str:
    """The reason given for a proposal the committee decides, stripped: ``missing`` when
    there is none, at most ``limit`` characters, fit for the ledger and the audit log.
    Raises ``ValidationError`` on the field ``reason``."""
    reason = (raw or "").strip()
    if not reason:
        raise ValidationError.field("reason", missing)
    if len(reason) > limit:
        raise ValidationError.field("reason", Message("input.too_long", limit=limit))
    if why := text_problem(reason):
        raise ValidationError.field("reason", why)
    return reason


def audit_approved(
    session: Session,
    request: ApprovalRequest,
    *,
    action: str,
    path: str,
    detail: dict[str, Any],
    proposed_by: int | None,
) -> None:
    """The audit record of an approved proposal taking effect (an ``after_decision`` hook
    calls it in the decision's own transaction): by the last approver, with ``detail``, who
    proposed it, who approved it and how many approvals it needed. Flushes."""
    approvers = [d.user_id for d in request.decisions if d.decision == Decision.APPROVE]
    last = session.get(User, approvers[-1]) if approvers else None
    session.add(
        AuditRecord(
            user_id=last.id if last else None,
            username=last.username if last else "system",
            action=action,
            method="EVENT",
            path=path,
            estate_id=request.estate_id,
            outcome="ok",
            status_code=0,
            detail={
                **detail,
                "approval_request_id": request.id,
                "proposed_by": proposed_by,
                "approved_by": approvers,
                "approvals_needed": request.approvals_needed,
            },
        )
    )
    session.flush()

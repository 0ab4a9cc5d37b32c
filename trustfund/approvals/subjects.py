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
from typing import Any

from sqlalchemy.orm import Session

from trustfund.db.models.approvals import ApprovalRequest

ContentReader = Callable[[Session, int], Mapping[str, Any]]
AfterDecision = Callable[[Session, ApprovalRequest], None]


@dataclass(frozen=True)
class Subject:
    content: ContentReader
    after_decision: AfterDecision | None = None


_SUBJECTS: dict[str, Subject] = {}


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

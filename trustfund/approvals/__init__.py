"""Four-eyes approvals with per-estate rules (see ``docs.md``). The names below are the
contract other packages use."""

from trustfund.approvals.rules import (
    DEFAULT_RULES,
    Requirement,
    Tier,
    owners_vote_passes,
    requirement,
    set_rules,
    tiers,
)
from trustfund.approvals.service import (
    ContentChangedError,
    approvers_of,
    canonical,
    content_hash,
    current_request,
    decide,
    decide_request,
    get_request,
    inbox,
    is_approved,
    record_owners_vote,
    record_vote_request,
    request_view,
    submit,
    void_for_subject,
)
from trustfund.approvals.subjects import register_subject
from trustfund.db.models.settlements import (
    ApprovalDecision,
    ApprovalRequest,
    Decision,
    RequestStatus,
)

__all__ = [
    "DEFAULT_RULES",
    "ApprovalDecision",
    "ApprovalRequest",
    "ContentChangedError",
    "Decision",
    "RequestStatus",
    "Requirement",
    "Tier",
    "approvers_of",
    "canonical",
    "content_hash",
    "current_request",
    "decide",
    "decide_request",
    "get_request",
    "inbox",
    "is_approved",
    "owners_vote_passes",
    "record_owners_vote",
    "record_vote_request",
    "register_subject",
    "request_view",
    "requirement",
    "set_rules",
    "submit",
    "tiers",
    "void_for_subject",
]

"""Request bodies (``*In``) and answers (``*Out``, TypedDicts the views build) of the
approvals API. Amounts travel as strings (``"500.00"``, ``ledger.money.Money``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from trustfund.ledger.money import Money


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, description="required for a rejection")
    content_hash: str | None = Field(
        default=None, description="the content_hash you reviewed (409 if it is not current)"
    )


class TierIn(BaseModel):
    up_to: str | None = Field(
        default=None, description='inclusive upper amount, e.g. "500.00"; null for the last tier'
    )
    approvals_needed: int | Literal["majority"] = Field(
        description="how many approvers, or 'majority' of the role's holders"
    )
    approver_role: Literal["committee", "council"] = "committee"
    owners_vote: bool = False


class RulesIn(BaseModel):
    tiers: list[TierIn]


class OwnersVoteIn(BaseModel):
    households_total: int
    households_voted: int
    households_for: int
    area_total: str
    area_voted: str
    area_for: str
    held_on: date


# --- answers ---------------------------------------------------------------------------------


class ApprovalDecisionOut(TypedDict):
    user_id: int
    role: str
    decision: str
    reason: str | None
    decided_at: str


class OwnersVoteOut(TypedDict):
    """The owners' vote (业主表决) recorded for a request; areas in m²."""

    households_total: int | None
    households_voted: int | None
    households_for: int | None
    area_total: str
    area_voted: str
    area_for: str
    held_on: str | None
    passed: bool | None


class _OwnersVoteOut(TypedDict, total=False):
    # A base of its own: ``NotRequired`` is lost under ``from __future__ import annotations``
    # on Python 3.11 (the key would be documented as required).
    owners_vote: OwnersVoteOut | None


class ApprovalRequestOut(_OwnersVoteOut):
    """An approval request: what was submitted (``content``, bound by ``content_hash``), the
    rule that applies and every decision (user ids; staff pages add the names).
    ``owners_vote`` is present only when the rule asks for one (null until recorded)."""

    id: int
    subject_kind: str
    subject_id: int
    status: str
    amount: Money
    content_hash: str
    content: dict[str, Any]
    rule: str
    approvals_needed: int
    approvals: int
    approver_roles: list[str]
    owners_vote_required: bool
    submitted_by: int
    submitted_at: str
    decided_at: str | None
    void_reason: str | None
    decisions: list[ApprovalDecisionOut]


class TierOut(TypedDict):
    up_to: Money | None
    approvals_needed: int | Literal["majority"]
    approver_role: str
    owners_vote: bool


class RulesOut(TypedDict):
    """The approval tiers of a subject kind, and the four-eyes rule that always applies."""

    subject_kind: str
    four_eyes: str
    tiers: list[TierOut]

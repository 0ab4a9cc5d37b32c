"""Request bodies of the approvals API. Amounts travel as strings (``"500.00"``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


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

"""API shapes of disclosures. The statement itself is a plain JSON object (see
``statements.build_statement``); money is a string with two decimals."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field


class DisclosureCreate(BaseModel):
    period: str = Field(
        max_length=40, description="2026, 2026Q1, 2026-03 or 2026-01-01..2026-03-31"
    )
    note: str = Field(default="", max_length=1000)
    supersedes_id: int | None = Field(
        default=None, description="A correction: the published version it replaces"
    )
    correction_reason: str | None = Field(default=None, max_length=1000)


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=500)


class Version(BaseModel):
    id: int
    period: str
    start: dt.date
    end: dt.date
    number: int
    status: str
    note: str
    supersedes_id: int | None
    correction_reason: str | None
    figures_sha256: str
    submitted_at: dt.datetime
    approval_status: str | None
    approvals: list[dict[str, Any]]
    published: dict[str, Any] | None


class Draft(BaseModel):
    period: dict[str, str]
    figures_sha256: str
    ledger_seq: int
    ledger_hash: str
    statement: dict[str, Any]


class LockLiftCreate(BaseModel):
    reason: str = Field(
        max_length=500,
        description="Why the published period must change (required; shown publicly with "
        "owners' names and phone numbers masked).",
    )

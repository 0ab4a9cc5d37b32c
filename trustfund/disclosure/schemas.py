"""API shapes of disclosures. The statement itself is a plain JSON object (see
``statements.build_statement``); money is a string with two decimals."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from trustfund.approvals.schemas import ApprovalRequestOut


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


class PublicNamesCreate(BaseModel):
    show_names: bool = Field(
        description="true: committee members who approved appear by their display names on "
        'the public pages; false: by role and number ("业委会委员2人").'
    )
    reason: str = Field(
        max_length=500,
        description="Why (required; shown publicly with owners' names and phones masked).",
    )


# --- answers (TypedDicts the views build; see ``fees.schemas``) --------------------------------


class LockPendingOut(TypedDict):
    approval_request_id: int
    reason: str | None
    approvals: int
    approvals_needed: int
    proposed_by: int


class LockOut(TypedDict):
    """A period lock for staff: its period, state and any lift waiting for approval."""

    id: int
    period: str
    start: str
    end: str
    reason: str
    active: bool
    lifted_at: str | None
    lift_reason: str | None
    lift_request_id: int | None
    pending: LockPendingOut | None


class LockLiftProposedOut(TypedDict):
    lock: LockOut
    approval: ApprovalRequestOut


class CorrectedByOut(TypedDict):
    version_id: int
    number: int
    published_on: str


class PublicLiftOut(TypedDict):
    """A lifted lock as residents see it: counted approvers, never named."""

    period: str
    start: str
    end: str
    lifted_on: str
    reason: str
    approvals: int
    approvals_needed: int | None
    corrected_by: CorrectedByOut | None


class PublishedOut(TypedDict):
    """A published disclosure version with its ledger head and the hashes of its files."""

    version_id: int
    period: str
    start: str
    end: str
    title: str
    number: int
    supersedes_id: int | None
    superseded_by_id: int | None
    correction_reason: str | None
    published_at: str
    ledger_seq: int
    ledger_hash: str
    json_sha256: str
    html_sha256: str
    pdf_sha256: str


class EstateRefOut(TypedDict):
    slug: str
    name: str
    community: str


class PublishedListOut(TypedDict):
    estate: EstateRefOut
    disclosures: list[PublishedOut]
    lifted_locks: list[PublicLiftOut]


class PublishedDocumentOut(PublishedOut):
    """The published statement (``statements.build_statement``, stored as published) and
    its publication facts."""

    statement: dict[str, Any]
    publication: dict[str, Any]


class CollectionSummaryOut(TypedDict):
    fee_year: int
    as_of: str
    households: int
    paid_in_full: int
    partial: int
    unpaid: int
    household_rate: str | None
    amount_rate: str | None


class FundBalanceOut(TypedDict):
    fund: str
    name: str
    balance: str


class LastPublicationOut(TypedDict):
    version_id: int
    period: str
    number: int
    published_at: str


class PendingCorrectionOut(TypedDict):
    period: str
    lifted_on: str
    reason: str


class SupervisedEstateOut(TypedDict):
    slug: str
    name: str
    community: str
    today: str
    collection: CollectionSummaryOut | None
    funds: list[FundBalanceOut]
    funds_total: str
    last_publication: LastPublicationOut | None
    published_count: int
    due_period: str
    overdue: bool
    corrections_pending: list[PendingCorrectionOut]
    cash_on_hand: str  # the steward's cash not yet deposited
    cash_since: str | None  # the oldest undeposited cash receipt's date
    pending_approvals: int  # approval requests waiting for a decision


class SupervisionOut(TypedDict):
    """The estates a supervisor oversees, and the slugs of those overdue with a disclosure."""

    estates: list[SupervisedEstateOut]
    overdue: list[str]

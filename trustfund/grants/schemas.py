"""Request bodies (``*In``) and answers (``*Out``, TypedDicts the views build) of the
autonomy-fund API. Money travels as strings (``"120.00"``, ``ledger.money.Money``); services
parse it, so a bad value is a 422 naming its field. Dates are ISO strings."""

from __future__ import annotations

from datetime import date
from typing import Literal, TypedDict

from pydantic import BaseModel, Field

from trustfund.ledger.money import Money
from trustfund.settlements.schemas import ClaimLineIn, ClaimOut

SourceKindIn = Literal[
    "government", "community", "venture", "sponsorship", "public_revenue", "crowdfunding"
]


class SourceIn(BaseModel):
    kind: SourceKindIn = Field(
        description="government 财政支持, community 社区建设经费, venture 公益创投资金, "
        "sponsorship 单位及个人赞助, public_revenue 小区公共收益, crowdfunding 居民众筹"
    )
    donor_name: str = Field(description="funder or donor (staff only when anonymous)")
    anonymous: bool = Field(default=False, description="shown as 匿名 in the ledger and in public")
    note: str = ""


class GiftIn(BaseModel):
    source_id: int
    amount: str
    received_on: date
    project_id: int | None = Field(
        default=None, description="restricted to this project's sub-fund; null = unrestricted"
    )
    household_code: str | None = Field(
        default=None, description="the contributing household (crowdfunding), by its code"
    )
    note: str = ""


class InKindIn(BaseModel):
    source_id: int
    item: str = Field(description="e.g. 蜡梅树, 垃圾桶, 志愿劳动")
    unit: str = Field(description="e.g. 棵, 个, 工时")
    quantity: str | int
    estimated_value: str | None = Field(
        default=None, description="estimated value in yuan; null = recorded without a value"
    )
    received_on: date
    project_id: int | None = None
    note: str = ""


class BudgetLineIn(BaseModel):
    description: str
    amount: str


class PlanItemIn(BaseModel):
    source_id: int
    amount: str


class ProjectIn(BaseModel):
    code: str = Field(description="1–31 upper-case letters, digits or dashes; names the sub-fund")
    title: str
    purpose: str
    applicant: str
    applied_on: date
    lines: list[BudgetLineIn]
    plan: list[PlanItemIn] = Field(default_factory=list, description="funding plan by source")


class RevisionLineIn(BaseModel):
    line_id: int | None = Field(default=None, description="an existing line; null = a new line")
    description: str | None = None
    amount: str


class BudgetRevisionIn(BaseModel):
    reason: str
    lines: list[RevisionLineIn]


class DisbursementIn(BaseModel):
    budget_line_id: int
    payee: str
    contractor_id: int | None = None
    description: str
    work_date: date
    lines: list[ClaimLineIn]
    submit: bool = Field(default=True, description="submit the claim for approval at once")


class SettleIn(BaseModel):
    settled_on: date
    note: str = ""


class TransferIn(BaseModel):
    kind: Literal["transfer", "refund"]
    amount: str
    moved_on: date
    reason: str
    from_fund: str | None = Field(default=None, description="transfer: autonomy or autonomy:<CODE>")
    to_fund: str | None = Field(default=None, description="transfer: autonomy or autonomy:<CODE>")
    gift_id: int | None = Field(default=None, description="refund: the restricted gift returned")


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str | None = None


# --- answers ---------------------------------------------------------------------------------


class SourceOut(TypedDict):
    """A funding source; the public sees ``public_name`` in ``donor_name`` and no note."""

    id: int
    kind: str
    kind_name: str
    donor_name: str
    public_name: str
    anonymous: bool
    note: str


class GiftOut(TypedDict):
    id: int
    source_id: int
    donor: str
    kind: str
    project_id: int | None
    amount: Money
    received_on: str
    household_code: str | None
    note: str
    entry_seq: int


class InKindOut(TypedDict):
    id: int
    source_id: int
    donor: str
    project_id: int | None
    item: str
    unit: str
    quantity: str
    estimated_value: Money | None
    received_on: str
    note: str
    entry_seq: int | None
    use_entry_seq: int | None


class BudgetLineOut(TypedDict):
    id: int
    position: int
    description: str
    amount: Money
    approved_amount: Money | None
    committed: Money


class FundingPlanOut(TypedDict):
    source_id: int
    amount: Money


class ProjectApprovalOut(TypedDict):
    request_id: int
    status: str
    rule: str
    approvals_needed: int
    content_hash: str


class RevisionLineOut(TypedDict):
    line_id: int | None
    description: str
    amount: Money


class BudgetRevisionOut(TypedDict):
    id: int
    status: str
    reason: str
    total: Money
    lines: list[RevisionLineOut]


#: ``from`` is a Python keyword, hence the functional form.
ProjectEventOut = TypedDict(
    "ProjectEventOut",
    {
        "from": str | None,
        "to": str,
        "at": str,
        "by": str | None,
        "by_user_id": int | None,
        "reason": str,
    },
)


class ProjectOut(TypedDict):
    """A project (自治项目) with its budget lines, funding plan, approval, budget revisions
    and status history."""

    id: int
    code: str
    fund: str
    title: str
    purpose: str
    applicant: str
    applied_on: str
    status: str
    status_name: str
    settled_on: str | None
    budget_total: Money
    lines: list[BudgetLineOut]
    plan: list[FundingPlanOut]
    approval: ProjectApprovalOut | None
    budget_revisions: list[BudgetRevisionOut]
    history: list[ProjectEventOut]


class DisbursementOut(TypedDict):
    id: int
    project_id: int
    budget_line_id: int
    claim: ClaimOut


class SettlementLineOut(TypedDict):
    id: int
    description: str
    budget: Money
    actual: Money
    difference: Money


class LedgerFiguresOut(TypedDict):
    received: Money
    received_by_source: dict[str, Money]
    spent: Money
    in_kind_used: Money
    transfers: Money
    remaining: Money


class SettlementOut(TypedDict):
    """A project's settlement (结项): actual against budget per line, beside the ledger."""

    project_id: int
    code: str
    status: str
    settled_on: str | None
    lines: list[SettlementLineOut]
    budget_total: Money
    actual_total: Money
    ledger: LedgerFiguresOut
    matches_ledger: bool


class TransferApprovalOut(TypedDict):
    request_id: int
    status: str
    rule: str
    approvals_needed: int


class TransferOut(TypedDict):
    id: int
    kind: str
    from_fund: str
    to_fund: str | None
    gift_id: int | None
    amount: Money
    moved_on: str
    reason: str
    status: str
    entry_seq: int | None
    approval: TransferApprovalOut | None

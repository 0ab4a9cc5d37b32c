"""Request bodies of the autonomy-fund API. Money travels as strings (``"120.00"``);
services parse it, so a bad value is a 422 naming its field."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from trustfund.settlements.schemas import ClaimLineIn

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

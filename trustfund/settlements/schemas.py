"""Request bodies for settlements. Money travels as strings (``"120.00"``), quantities as
strings or integers (``"2.5"``); services parse them so a bad value is a 422 naming its
field."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class ContractorIn(BaseModel):
    name: str = Field(description="company name (第三方公司)")
    credit_code: str = Field(default="", description="统一社会信用代码")
    contact: str = Field(default="", description="contact person and phone (staff only)")


class ContractIn(BaseModel):
    contractor_id: int
    title: str
    scope: str = Field(description="what the contractor repairs (承揽范围)")
    starts_on: date
    ends_on: date | None = Field(default=None, description="default: one year after starts_on")
    estimated_amount: str | None = Field(default=None, description="expected yearly cost")


class WorkOrderIn(BaseModel):
    building: str
    entrance: str = ""
    location: str = Field(default="", description="e.g. 三楼楼道")
    problem: str
    reporter: str = Field(default="", description="who reported it (staff only)")
    reported_on: date | None = None


class WorkOrderStepIn(BaseModel):
    status: Literal["assigned", "done", "settled"]
    on: date | None = Field(default=None, description="default: today")
    contractor_id: int | None = Field(default=None, description="required when assigning")
    claim_id: int | None = Field(default=None, description="required when settling")


class ClaimLineIn(BaseModel):
    item_code: str | None = Field(default=None, description="reference price item code")
    description: str | None = Field(default=None, description="free text (or the item name)")
    quantity: str | int
    unit: str | None = Field(default=None, description="default: the reference item's unit")
    unit_price: str
    over_reason: str | None = Field(
        default=None, description="required when the unit price is above the reference price"
    )


class ClaimIn(BaseModel):
    payee: str
    contractor_id: int | None = None
    fund: str = Field(description="electricity, maintenance, garbage, autonomy or autonomy:<CODE>")
    expense_item: str = Field(description="expense account item, e.g. Repairs, Bills, Removal")
    description: str
    work_date: date
    work_order_id: int | None = None
    lines: list[ClaimLineIn]


class PayIn(BaseModel):
    paid_on: date | None = Field(default=None, description="default: today")


class VoucherPublicIn(BaseModel):
    public: bool = Field(description="true: the voucher shows no personal data and may be shown")


class GoodsSlipIn(BaseModel):
    item: str = Field(description="goods name, e.g. 声控灯泡")
    unit: str = Field(description="e.g. 个, 只, 箱")
    kind: Literal["purchase", "donation", "issue"]
    quantity: str | int
    slip_date: date
    claim_id: int | None = None
    work_order_id: int | None = None
    donor: str = ""
    estimated_value: str | None = None
    note: str = ""

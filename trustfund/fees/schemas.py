"""Request bodies and answers for fees. Money travels as strings (``"200.00"``); services
parse them with ``to_money`` so a bad amount is a 422 naming its field."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["cash", "wechat", "alipay", "bank_transfer"]


class ComponentIn(BaseModel):
    fund: str = Field(description="electricity, maintenance, garbage or autonomy")
    name: str = Field(min_length=1, max_length=50, description="公共电费 …")
    amount: str = Field(description='full fee for this component, e.g. "50.00"')
    vacant_amount: str | None = Field(
        default=None, description="vacancy fee for this component (rule 'amounts' only)"
    )


class ScheduleIn(BaseModel):
    components: list[ComponentIn]
    vacancy_rule: Literal["percent", "amounts"] = "percent"
    vacancy_percent: str | None = Field(
        default=None, description='percentage of the full fee a vacant household pays ("50")'
    )


class ScheduleApproval(BaseModel):
    content_hash: str = Field(description="the content_hash of the schedule you reviewed")


class AllocationIn(BaseModel):
    household_code: str
    fee_year: int
    amount: str


class PaymentIn(BaseModel):
    method: Method
    amount: str = Field(description="total handed over; must equal the sum of allocations")
    allocations: list[AllocationIn] = Field(min_length=1)
    paid_on: date | None = Field(default=None, description="local date; default today")
    payer: str = Field(default="", max_length=50, description="staff-only note, never published")
    reference: str = Field(default="", max_length=80, description="transfer reference")


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)
    voided_on: date | None = None


class RefundIn(BaseModel):
    household_code: str
    fee_year: int
    amount: str
    method: Method = "cash"
    reason: str = Field(min_length=1, max_length=200)
    refunded_on: date | None = None


class DepositIn(BaseModel):
    amount: str
    deposited_on: date | None = None
    reference: str = Field(default="", max_length=80)


class RecogniseIn(BaseModel):
    on: date | None = None

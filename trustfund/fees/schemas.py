"""Request bodies (``*In``) and answers (``*Out``) of fees. Money travels as strings
(``"200.00"``); services parse them with ``to_money`` so a bad amount is a 422 naming its
field, and write them with ``money_text`` (``ledger.money.Money``).

Answers are ``TypedDict``s: the views build plain dicts (what the API sends, the staff pages
read and the idempotency store replays), and the types make mypy check each view against
its declared shape and give OpenAPI a schema per operation. Dates are ISO strings."""

from __future__ import annotations

from datetime import date
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from trustfund.ledger.money import Money

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
    """A request to void a receipt; it is dated the day a committee member approves it."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, description="why (shown on the receipt)")


class RefundIn(BaseModel):
    """A request to refund a household's fee year; dated the day a committee member
    approves it (no date field: money leaves only once approved)."""

    model_config = ConfigDict(extra="forbid")

    household_code: str
    fee_year: int
    amount: str = Field(description='e.g. "100.00"; split over funds like what was paid')
    method: Method = Field(default="cash", description="how the money goes back")
    reason: str = Field(min_length=1, max_length=200)


class DepositIn(BaseModel):
    amount: str
    deposited_on: date | None = None
    reference: str = Field(default="", max_length=80)


class RecogniseIn(BaseModel):
    on: date | None = None


# --- answers ---------------------------------------------------------------------------------


class ScheduleComponentOut(TypedDict):
    fund: str
    name: str
    amount: Money
    vacant_amount: Money


class ScheduleOut(TypedDict):
    """A fee schedule (收费标准) with the full and the vacancy fee per component."""

    fee_year: int
    status: str
    approved: bool
    content_hash: str
    vacancy_rule: str
    vacancy_percent: str | None
    components: list[ScheduleComponentOut]
    total: Money
    vacant_total: Money
    submitted_by_user_id: int | None
    approved_by_user_id: int | None
    approved_at: str | None


class SpendYearOut(TypedDict):
    year: int
    spend: dict[str, Money]


class ProposedComponentOut(TypedDict):
    fund: str
    name: str
    average_spend: Money
    amount: Money
    calculation: str


class ProposalOut(TypedDict):
    """A schedule priced from the last years' spend, with its calculation."""

    fee_year: int
    years: list[int]
    history: list[SpendYearOut]
    occupied: int
    vacant: int
    vacancy_fraction: str
    payers: str
    collection_rate: str
    collection_rate_year: int | None
    components: list[ProposedComponentOut]
    total: Money
    method: str


class ChargesIssuedOut(TypedDict):
    fee_year: int
    issued: int
    occupied: int
    vacant: int
    already_charged: int


class FundAmountOut(TypedDict):
    fund: str
    amount: Money


class ReceiptOut(TypedDict):
    """A receipt as staff see it (household code, no names); a void one keeps its number."""

    receipt_no: str
    household_code: str
    fee_year: int
    amount: Money
    paid_on: str
    method: str
    prepaid: bool
    status: str
    void_reason: str | None
    voided_on: str | None
    entry_seq: int
    void_entry_seq: int | None
    lines: list[FundAmountOut]


class ReceiptCheckedOut(ReceiptOut):
    """A receipt with its check code (收据校验码, ``inquiries.checkcode``): printed on the
    receipt, staff only, never on a public page."""

    check_code: str


class PaymentOut(TypedDict):
    id: int
    method: str
    amount: Money
    paid_on: str
    receipts: list[ReceiptOut]


class PaymentImportOut(TypedDict):
    payments: int
    amount: Money
    first_receipt: str | None
    last_receipt: str | None


class AccountComponentOut(TypedDict):
    fund: str
    charged: Money
    paid: Money
    outstanding: Money


class HouseholdAccountOut(TypedDict):
    """What a household was charged, has paid and owes for a fee year, with its receipts."""

    household_code: str
    fee_year: int
    components: list[AccountComponentOut]
    charged: Money
    paid: Money
    outstanding: Money
    receipts: list[ReceiptOut]


class CashOut(TypedDict):
    cash: Money
    since: str | None


class DepositOut(TypedDict):
    id: int
    amount: Money
    deposited_on: str
    entry_seq: int
    cash: Money
    since: str | None


class PrepaidRecognisedOut(TypedDict):
    fee_year: int
    receipts: int
    refunds: int
    amount: Money
    entry_seq: int | None
    by_fund: dict[str, Money]


class CollectionStatsOut(TypedDict):
    households: int
    paid_in_full: int
    partial: int
    unpaid: int
    charged: Money
    paid: Money
    arrears: Money
    household_rate: str | None
    amount_rate: str | None


class BuildingCollectionOut(CollectionStatsOut):
    building: str


class YearCollectionOut(CollectionStatsOut):
    fee_year: int
    as_of: str


class ComponentCollectionOut(TypedDict):
    fund: str
    name: str
    charged: Money
    paid: Money
    arrears: Money
    amount_rate: str | None


class OccupancyCollectionOut(TypedDict, total=False):
    occupied: CollectionStatsOut
    vacant: CollectionStatsOut


class CollectionOut(TypedDict):
    """Arrears and collection rates of a fee year (rates are percentages, or null)."""

    fee_year: int
    as_of: str
    overall: CollectionStatsOut
    by_occupancy: OccupancyCollectionOut
    by_building: list[BuildingCollectionOut]
    by_component: list[ComponentCollectionOut]
    trend: list[YearCollectionOut]


class PublicReceiptOut(TypedDict):
    """What anyone holding a receipt may see: no owner, phone, payer or void reason."""

    estate: str
    estate_name: str
    receipt_no: str
    amount: Money
    paid_on: str
    fee_year: int
    household: str
    household_code: str
    status: str
    voided_on: str | None
    prepaid: bool
    lines: list[FundAmountOut]
    entry_seq: int


# --- answers: refund and void requests (``fees/refunds.py``) ---------------------------------


class RefundLineOut(TypedDict):
    fund: str
    amount: Money


class RefundOut(TypedDict):
    """A posted refund: how it was split over the funds."""

    id: int
    household_code: str
    fee_year: int
    amount: Money
    method: str
    refunded_on: str
    from_prepaid: bool
    entry_seq: int
    lines: list[RefundLineOut]


class RequestDecisionOut(TypedDict):
    user_id: int
    decision: Literal["approve", "reject"]
    note: str | None
    decided_at: str


class RefundRequestOut(TypedDict):
    """A refund or void request with its approval's progress (user ids, not names)."""

    id: int
    kind: Literal["refund", "void"]
    status: Literal["pending", "posted", "rejected", "withdrawn"]
    household_code: str | None
    fee_year: int
    receipt_no: str | None
    amount: Money
    method: str
    reason: str
    requested_by: int
    requested_at: str
    approval_request_id: int
    approval_status: str
    rule: str
    approvals_needed: int
    approvals: int
    decisions: list[RequestDecisionOut]
    rejection_note: str | None
    decided_at: str | None
    posted_on: str | None
    entry_seq: int | None
    refund: RefundOut | None

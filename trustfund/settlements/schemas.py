"""Request bodies (``*In``) and answers (``*Out``) of settlements. Money travels as strings
(``"120.00"``, ``ledger.money.Money``), quantities as strings or integers (``"2.5"``);
services parse them so a bad value is a 422 naming its field. Answers are TypedDicts the
views build (see ``fees.schemas``); dates are ISO strings."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from trustfund.ledger.money import Money


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
    photo_ids: list[int] | None = Field(
        default=None,
        max_length=50,
        description="photos of the work order (voucher ids) that back the claim: each must be "
        "a photo of `work_order_id` in this estate and not back another claim that is not "
        "void; they are shown with the claim to its approvers. Omitted: the claim keeps the "
        "photos it has; a list: exactly these.",
    )


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


# --- answers ---------------------------------------------------------------------------------


class ContractorOut(TypedDict):
    id: int
    name: str
    credit_code: str
    contact: str


class ContractOut(TypedDict):
    id: int
    contractor: ContractorOut
    title: str
    scope: str
    starts_on: str
    ends_on: str
    estimated_amount: Money | None
    status: str
    approval_request_id: int | None


class PriceItemOut(TypedDict):
    code: str
    name: str
    unit: str
    unit_price: str


class PriceListOut(TypedDict):
    """A version of the reference price list (unit prices keep their four decimals)."""

    id: int
    effective_from: str
    source: str
    items: list[PriceItemOut]


class PriceInForceOut(PriceItemOut):
    effective_from: str


class PricesOut(TypedDict):
    versions: list[PriceListOut]
    in_force: list[PriceInForceOut] | None


class _VoucherStaffOut(TypedDict, total=False):
    # Optional keys in a base of their own: ``NotRequired`` is lost under
    # ``from __future__ import annotations`` on Python 3.11.
    filename: str
    claim_id: int | None
    work_order_id: int | None
    uploaded_at: str


class VoucherOut(_VoucherStaffOut):
    """A voucher (凭证). ``filename``, ``claim_id``, ``work_order_id`` and ``uploaded_at``
    are staff-only and absent from the public answer."""

    id: int
    number: str
    sha256: str
    content_type: str
    size: int
    contains_personal_data: bool


class WorkOrderOut(TypedDict):
    id: int
    building: str
    entrance: str
    location: str
    problem: str
    reporter: str
    status: str
    contractor: str | None
    reported_on: str
    assigned_on: str | None
    done_on: str | None
    settled_on: str | None
    claim_id: int | None
    #: the staff page's photos (voucher views with their URL); the API answers ``[]``
    photos: list[dict[str, Any]]


class ClaimLineOut(TypedDict):
    item_code: str | None
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: Money
    reference_price: str | None
    above_reference: bool
    over_reference: Money | None
    over_reason: str | None


class ClaimApprovalOut(TypedDict):
    request_id: int
    status: str
    rule: str
    approvals_needed: int
    content_hash: str


class VoucherRefOut(TypedDict):
    id: int
    number: str


class ClaimOut(TypedDict):
    """A claim (结算/报销) with its lines, its current approval request and its vouchers."""

    id: int
    status: str
    revision: int
    payee: str
    contractor_id: int | None
    fund: str
    expense_item: str
    account: str
    description: str
    work_date: str
    work_order_id: int | None
    amount: Money
    above_reference: Money
    lines: list[ClaimLineOut]
    approval: ClaimApprovalOut | None
    rejected_reason: str | None
    payable_on: str | None
    payable_entry_seq: int | None
    paid_on: str | None
    paid_entry_seq: int | None
    vouchers: list[VoucherRefOut]


class GoodsSlipOut(TypedDict):
    id: int
    item: str
    unit: str
    kind: str
    direction: Literal["in", "out"]
    quantity: str
    slip_date: str
    claim_id: int | None
    work_order_id: int | None
    donor: str
    estimated_value: Money | None
    note: str


class GoodsStockOut(TypedDict):
    item: str
    unit: str
    received: str
    issued: str
    in_stock: str


class ExpenseRowOut(TypedDict):
    date: str
    claim_id: int
    item: str
    account: str
    description: str
    payee: str
    fund: str
    fund_name: str
    amount: Money
    vouchers: list[str]
    approvers: list[str]
    status: str
    entry_seq: int | None


class ExpenseTableOut(TypedDict):
    """The expense detail table (费用支出明细表); the public one names approvers' roles."""

    rows: list[ExpenseRowOut]
    total: Money
    by_fund: dict[str, Money]

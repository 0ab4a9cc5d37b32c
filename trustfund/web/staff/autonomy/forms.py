"""The autonomy pages' forms (what each posts, as the phone sends it) and their names."""

from __future__ import annotations

from pydantic import BaseModel, Field

from trustfund.db.models.grants import ProjectStatus, SourceKind
from trustfund.grants.common import SOURCE_NAMES_ZH, STATUS_ZH
from trustfund.web.staff.forms import FormNumber, Repeated, RepeatedNumber

BASE = "/staff/{estate_slug:str}/autonomy"
KIND_OPTIONS = [(k.value, SOURCE_NAMES_ZH[k]) for k in SourceKind]
STATUS_NAMES = {s.value: STATUS_ZH[s] for s in ProjectStatus}
RECEIVING = {"draft", "submitted", "approved", "implementing"}
ACTIVE = {"approved", "implementing"}


class GiftForm(BaseModel):
    key: str = Field(default="", max_length=64)
    kind: str = Field(default="crowdfunding", max_length=20)
    donor_name: str = Field(default="", max_length=100)
    anonymous: str = Field(default="", max_length=5)
    amount: FormNumber = Field(default="", max_length=20)
    received_on: str = Field(default="", max_length=20)
    project_id: str = Field(default="", max_length=12)
    household_code: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class InKindForm(BaseModel):
    key: str = Field(default="", max_length=64)
    kind: str = Field(default="sponsorship", max_length=20)
    donor_name: str = Field(default="", max_length=100)
    anonymous: str = Field(default="", max_length=5)
    item: str = Field(default="", max_length=100)
    unit: str = Field(default="", max_length=20)
    quantity: FormNumber = Field(default="", max_length=20)
    estimated_value: FormNumber = Field(default="", max_length=20)
    received_on: str = Field(default="", max_length=20)
    project_id: str = Field(default="", max_length=12)
    note: str = Field(default="", max_length=200)


class ProjectForm(BaseModel):
    action: str = Field(default="save", max_length=10)
    code: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=100)
    purpose: str = Field(default="", max_length=2000)
    applicant: str = Field(default="", max_length=100)
    applied_on: str = Field(default="", max_length=20)
    line_description: Repeated = Field(default_factory=list)
    line_amount: RepeatedNumber = Field(default_factory=list)
    plan_source: Repeated = Field(default_factory=list)
    plan_amount: RepeatedNumber = Field(default_factory=list)

    def lines(self) -> list[dict[str, str]]:
        """The budget rows as sent, then one blank row (at least three rows)."""
        rows = [
            {"description": at(self.line_description, i), "amount": at(self.line_amount, i)}
            for i in range(max(len(self.line_description), len(self.line_amount)))
        ]
        while len(rows) < 3 or any(rows[-1].values()):
            rows.append({"description": "", "amount": ""})
        return rows

    def plan(self) -> list[dict[str, str]]:
        n = max(len(self.plan_source), len(self.plan_amount), 2)
        return [
            {"source_id": at(self.plan_source, i), "amount": at(self.plan_amount, i)}
            for i in range(n)
        ]


class DisburseForm(BaseModel):
    key: str = Field(default="", max_length=64)
    budget_line_id: str = Field(default="", max_length=12)
    payee: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=300)
    work_date: str = Field(default="", max_length=20)
    item: str = Field(default="", max_length=200)
    quantity: FormNumber = Field(default="1", max_length=20)
    unit: str = Field(default="项", max_length=20)
    unit_price: FormNumber = Field(default="", max_length=20)


class BudgetForm(BaseModel):
    reason: str = Field(default="", max_length=500)
    line_id: Repeated = Field(default_factory=list)
    amount: RepeatedNumber = Field(default_factory=list)
    new_description: str = Field(default="", max_length=200)
    new_amount: FormNumber = Field(default="", max_length=20)


class SettleForm(BaseModel):
    settled_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=400)


class TransferForm(BaseModel):
    kind: str = Field(default="refund", max_length=10)
    amount: FormNumber = Field(default="", max_length=20)
    moved_on: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=500)
    gift_id: str = Field(default="", max_length=12)
    to_fund: str = Field(default="autonomy", max_length=40)


def at(values: list[str], i: int) -> str:
    """The ``i``-th value of a repeated field (empty past its end)."""
    return values[i][:2000] if i < len(values) else ""

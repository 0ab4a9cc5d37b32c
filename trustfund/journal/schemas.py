"""API shapes of the journal. Money is a string with two decimals (``"200.00"``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Posting(BaseModel):
    account: str
    fund: str | None
    amount: str


class Entry(BaseModel):
    seq: int
    date: dt.date
    kind: str
    payee: str | None
    narration: str
    meta: dict[str, str]
    hash: str
    prev_hash: str
    reverses_seq: int | None
    reversed_by_seq: int | None
    created_at: dt.datetime
    postings: list[Posting]
    text: str


class EntryPage(BaseModel):
    items: list[Entry]
    total: int
    page: int
    per_page: int


class LegCreate(BaseModel):
    account: str = Field(max_length=200)
    amount: str = Field(max_length=20, description='Debit positive, credit negative: "-50.00"')


class EntryCreate(BaseModel):
    """A general entry (e.g. a transfer between funds). Every other money movement is posted
    by its own workflow (fees, settlements, grants)."""

    date: dt.date
    narration: str = Field(max_length=500)
    payee: str | None = Field(default=None, max_length=500)
    meta: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "At most 20 items written into the entry's ledger text. Keys: 2–40 characters, "
            "a-z first, then a-z A-Z 0-9 _ - (not seq, prev, hash, kind, reverses); values: "
            "at most 500 characters, no control characters. An entry whose text would not "
            "read back as the same entry is refused (422 naming the field)."
        ),
    )
    legs: list[LegCreate] = Field(min_length=2, max_length=200)
    kind: str = Field(default="general", max_length=20)


class ReversalCreate(BaseModel):
    date: dt.date = Field(description="Date of the reversal (an open period)")
    reason: str = Field(min_length=1, max_length=400)


class AccountBalance(BaseModel):
    account: str
    name: str
    fund: str | None
    balance: str


class AccountBalances(BaseModel):
    start: dt.date | None
    end: dt.date | None
    accounts: list[AccountBalance]


class FundBalance(BaseModel):
    fund: str
    balance: str


class FundBalances(BaseModel):
    start: dt.date | None
    end: dt.date | None
    funds: list[FundBalance]


class PeriodLock(BaseModel):
    id: int
    start: dt.date
    end: dt.date
    reason: str = Field(description="why it was locked (the publication that locked it)")
    locked_at: dt.datetime
    locked_by: int | None
    active: bool = Field(description="false once lifted: entries dated inside are accepted")
    lifted_at: dt.datetime | None = None
    lift_request_id: int | None = Field(
        default=None, description="the approval request (committee majority) that lifted it"
    )
    lift_reason: str | None = None


class OpeningFundIn(BaseModel):
    """One fund's figures in the paper ledger on the opening date (all ≥ 0)."""

    fund: str = Field(max_length=60, description="electricity, maintenance, garbage or autonomy")
    bank: str = Field(default="0.00", max_length=20, description="银行存款: in the bank")
    cash: str = Field(default="0.00", max_length=20, description="管家现金: steward's cash")
    payable: str = Field(default="0.00", max_length=20, description="应付承揽方: owed")
    prepaid: str = Field(default="0.00", max_length=20, description="预收服务费: received ahead")


class OpeningIn(BaseModel):
    """The opening balances (期初余额) as the paper ledger holds them on ``date``. Each fund
    opens at bank + cash − payable − prepaid, which may be zero but not negative."""

    date: dt.date
    funds: list[OpeningFundIn] = Field(min_length=1, max_length=10)


class OpeningFund(BaseModel):
    fund: str
    name: str
    bank: str
    cash: str
    payable: str
    prepaid: str
    opening: str


class OpeningProposal(BaseModel):
    id: int
    date: dt.date
    funds: list[OpeningFund]
    total_bank: str
    total_cash: str
    total_payable: str
    total_prepaid: str
    total_opening: str
    status: str = Field(description="pending, approved, rejected or posted")
    approval_request_id: int | None
    approval_status: str | None
    proposed_by: int
    entry_seq: int | None


class BooksStatus(BaseModel):
    open: bool
    opened_on: dt.date | None
    opening_entry_seq: int | None
    proposal: OpeningProposal | None
    next_step: str | None = Field(description="What to do next while the books are not open")


class ProposalCreate(BaseModel):
    """A general entry proposed for approval (it moves money between parties: bank, cash,
    prepaid fees …), or, with ``reverses_seq``, the reversal of a general or opening entry
    (then ``legs`` is left out: the reversal negates the original's legs, and ``narration``
    is the reason)."""

    date: dt.date
    narration: str = Field(max_length=500)
    payee: str | None = Field(default=None, max_length=500)
    meta: dict[str, str] = Field(default_factory=dict)
    legs: list[LegCreate] = Field(default_factory=list, max_length=200)
    reverses_seq: int | None = Field(default=None, description="The entry this reverses")


class ProposedLeg(BaseModel):
    account: str
    amount: str


class EntryProposal(BaseModel):
    id: int
    date: dt.date
    narration: str
    payee: str | None
    meta: dict[str, str]
    legs: list[ProposedLeg]
    reverses_seq: int | None
    amount: str = Field(description="The sum of the debits: what the approval tiers read")
    status: str = Field(description="pending, rejected or posted")
    approval_request_id: int | None
    approval_status: str | None
    proposed_by: int
    entry_seq: int | None

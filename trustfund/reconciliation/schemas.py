"""Answers (``*Out``) of the bank routes: TypedDicts the views build (see ``fees.schemas``).
Amounts are strings with two decimals, signed as the bank signs them (in > 0, out < 0);
dates are ISO strings. A month's figures (``MonthContentOut``) are also what its approval
binds (``content_hash``), so their text never changes shape."""

from __future__ import annotations

from typing import TypedDict


class MovementOut(TypedDict):
    """A journal entry's net movement into (+) or out of (−) the bank."""

    seq: int
    date: str
    amount: str
    kind: str
    narration: str
    payee: str


class StatementLineOut(TypedDict):
    id: int
    serial: str
    date: str
    amount: str
    balance: str
    counterparty: str
    memo: str


class LineWithMatchesOut(StatementLineOut):
    entry_seqs: list[int]
    match_kind: str | None


class MatchOut(TypedDict):
    id: int
    line_id: int
    entry_seq: int
    kind: str
    note: str
    matched_by: int | None
    matched_by_name: str | None
    matched_at: str


class CandidateOut(MovementOut):
    named_by_line: bool


class MatchProposalOut(TypedDict):
    """A line with several book movements that could be it: a person chooses."""

    line: StatementLineOut
    candidates: list[CandidateOut]


class MatchingOut(TypedDict):
    proposed: list[MatchProposalOut]
    unmatched_lines: list[StatementLineOut]
    unmatched_entries: list[MovementOut]
    matches: list[MatchOut]


class MatchRunOut(MatchingOut):
    matched: int
    reconciliations_voided: list[str]


class MatchConfirmedOut(TypedDict):
    matches: list[MatchOut]
    matched: int
    reconciliations_voided: list[str]


class MatchUndoneOut(TypedDict):
    undone: int
    reconciliations_voided: list[str]


class StatementImportOut(TypedDict):
    import_id: int | None
    rows: int
    new_lines: int
    known_lines: int
    first_date: str
    last_date: str
    covered_through: str | None
    matched: int
    reconciliations_voided: list[str]


class MappingOut(TypedDict):
    """The estate's own statement headers (``header → field``) and the fields they name."""

    columns: dict[str, str]
    fields: list[str]


class MonthMatchOut(TypedDict):
    line: StatementLineOut
    entry: MovementOut | None
    kind: str
    note: str
    matched_by: int | None
    matched_by_name: str | None


class MonthContentOut(TypedDict):
    """A month's bank reconciliation (银行余额调节表) as it stands."""

    month: str
    month_end: str
    books_opened_on: str | None
    statement_covered_through: str | None
    statement_balance: str | None
    book_balance: str
    book_items: list[MovementOut]
    statement_items: list[StatementLineOut]
    book_received_not_on_statement: str
    book_paid_not_on_statement: str
    bank_received_not_in_books: str
    bank_paid_not_in_books: str
    adjusted_statement_balance: str
    adjusted_book_balance: str
    difference: str
    matches: list[MonthMatchOut]


class PreparedOut(TypedDict):
    by: int
    by_name: str | None
    at: str
    statement_balance: str
    book_balance: str


class ApproverOut(TypedDict):
    name: str
    at: str


class MonthOut(MonthContentOut):
    """The month with whether it can be prepared, why not, and its approval."""

    balanced: bool
    can_prepare: bool
    problems: list[str]
    status: str
    prepared: PreparedOut | None
    approval_request_id: int | None
    approval_status: str | None
    void_reason: str | None
    approved_by: list[ApproverOut]
    proposals: list[MatchProposalOut]


class MonthRowOut(TypedDict):
    month: str
    status: str
    statement_balance: str | None
    book_balance: str
    difference: str
    items: int


# --- cash counts (现金盘点) ---------------------------------------------------------------------


class DenominationOut(TypedDict):
    """One denomination the steward counted: ``value`` in yuan (``"0.50"`` is 5角)."""

    value: str
    label: str
    count: int
    amount: str


class CashCountContentOut(TypedDict):
    """A cash count as it stands (what its approval is bound to): the pieces counted, their
    sum, and the books' cash at the end of that day *as the books say now*."""

    counted_on: str
    denominations: list[DenominationOut]
    counted: str
    book_cash: str
    difference: str
    note: str
    prepared_by: int


class CashCountOut(CashCountContentOut):
    """The count with who prepared it, the books' cash when it was prepared, and its
    approval: ``status`` pending, approved (and the books' cash for that day unchanged),
    rejected, or void (the books' cash for that day changed after it was prepared)."""

    id: int
    prepared_by_name: str | None
    prepared_at: str
    book_cash_when_prepared: str
    status: str
    approval_request_id: int | None
    approval_status: str | None
    void_reason: str | None
    approved_by: list[ApproverOut]


class CashBookOut(TypedDict):
    """What a count on ``on`` is compared with, and the denominations it may list."""

    on: str
    book_cash: str
    denominations: list[DenominationOut]


# --- WeChat Pay / Alipay bills (收款码) ----------------------------------------------------------


class WalletImportOut(TypedDict):
    """``matched``: wallet lines matched (collections to payments, withdrawals to bank lines);
    ``bank_matched``: bank lines then matched to the payments a withdrawal carried."""

    source: str
    import_id: int | None
    rows: int
    new_lines: int
    known_lines: int
    first_date: str
    last_date: str
    matched: int
    bank_matched: int
    reconciliations_voided: list[str]


class WalletLineOut(TypedDict):
    """A bill line, signed as it moves the wallet, with what it is matched to."""

    id: int
    serial: str
    date: str
    amount: str
    balance: str | None
    kind: str
    counterparty: str
    memo: str
    entry_seqs: list[int]
    bank_line_id: int | None
    match_kind: str | None
    #: why it was matched (``amount and date``, or the note of whoever confirmed it)
    match_note: str
    #: who confirmed the match (None for an automatic one)
    matched_by_name: str | None


class PaidOut(TypedDict):
    """A fee payment recorded with the wallet's method (its receipts' entries together)."""

    payment_id: int
    entry_seqs: list[int]
    date: str
    amount: str
    receipts: list[str]
    reference: str


class PaidCandidateOut(PaidOut):
    named_by_line: bool


class WalletProposalOut(TypedDict):
    line: WalletLineOut
    candidates: list[PaidCandidateOut]


class WalletOut(TypedDict):
    source: str
    source_name: str
    lines: list[WalletLineOut]
    proposed: list[WalletProposalOut]
    unmatched_lines: list[WalletLineOut]
    unmatched_payments: list[PaidOut]


class WalletMatchRunOut(WalletOut):
    matched: int
    bank_matched: int
    reconciliations_voided: list[str]


class WalletMatchConfirmedOut(TypedDict):
    """``line``: the collection with its match; ``payment``: the payment it is; ``matched`` /
    ``bank_matched``: what that left unique, matched automatically after it."""

    line: WalletLineOut
    payment: PaidOut
    matched: int
    bank_matched: int
    reconciliations_voided: list[str]


class WalletMatchUndoneOut(TypedDict):
    """``undone``: match rows undone (one per receipt); ``bank_unmatched``: bank statement
    lines whose automatic match rested on it and was undone with it."""

    undone: int
    bank_unmatched: int
    reconciliations_voided: list[str]

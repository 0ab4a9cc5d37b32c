"""The expense detail table (费用支出明细表): every payout — date, item, payee, fund, amount,
voucher numbers and approvers. Staff see the approvers' names; the public variant shows
their roles only (and no voucher file names)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trustfund import approvals
from trustfund.db.models.approvals import RequestStatus
from trustfund.db.models.grants import GrantProject
from trustfund.db.models.settlements import Claim, ClaimStatus
from trustfund.ledger.accounts import EXPENSE_ITEMS, expense_account, fund_label
from trustfund.ledger.money import money_text
from trustfund.settlements.schemas import ExpenseRowOut, ExpenseTableOut
from trustfund.spreadsheet import append_row, finish_sheet, workbook_bytes

ROLE_ZH = {"committee": "业委会委员", "council": "理事会成员"}
HEADER = ("日期", "支出项目", "说明", "收款方", "基金", "金额（元）", "凭证号", "审批人", "状态")


def project_titles(session: Session, estate_id: int) -> dict[str, str]:
    """Autonomy projects' titles by code, for ``fund_label``."""
    rows = session.execute(
        select(GrantProject.code, GrantProject.title).where(GrantProject.estate_id == estate_id)
    )
    return {code: title for code, title in rows}


def _item_name(fund: str, item: str) -> str:
    base = fund.split(":", 1)[0]
    return EXPENSE_ITEMS.get(base, {}).get(item, item)


def expense_rows(
    session: Session,
    estate_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    public: bool = False,
) -> list[ExpenseRowOut]:
    """Payable and paid claims, by date (the payment date once paid, else the payable
    date), filtered to [start, end] inclusive."""
    claims = session.scalars(
        select(Claim)
        .where(
            Claim.estate_id == estate_id,
            Claim.status.in_([ClaimStatus.PAYABLE, ClaimStatus.PAID]),
        )
        .options(selectinload(Claim.vouchers))
    )
    titles = project_titles(session, estate_id)
    rows: list[ExpenseRowOut] = []
    for claim in claims:
        when = claim.paid_on or claim.payable_on or claim.work_date
        if (start and when < start) or (end and when > end):
            continue
        request = approvals.current_request(session, "claim", claim.id)
        approvers: list[str] = []
        if request is not None and request.status == RequestStatus.APPROVED:
            for name, role, _ in approvals.approvers_of(session, request.id):
                approvers.append(ROLE_ZH.get(role.value, role.value) if public else name)
        rows.append(
            {
                "date": when.isoformat(),
                "claim_id": claim.id,
                "item": _item_name(claim.fund, claim.expense_item),
                "account": expense_account(claim.fund, claim.expense_item),
                "description": claim.description,
                "payee": claim.payee,
                "fund": claim.fund,
                "fund_name": fund_label(claim.fund, titles),
                "amount": money_text(claim.amount),
                "vouchers": [v.number for v in claim.vouchers],
                "approvers": approvers,
                "status": claim.status.value,
                "entry_seq": claim.paid_entry_seq or claim.payable_entry_seq,
            }
        )
    rows.sort(key=lambda r: (r["date"], r["claim_id"]))
    return rows


def expense_table(
    session: Session,
    estate_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    public: bool = False,
) -> ExpenseTableOut:
    rows = expense_rows(session, estate_id, start=start, end=end, public=public)
    total = sum((Decimal(r["amount"]) for r in rows), Decimal("0.00"))
    by_fund: dict[str, Decimal] = {}
    for r in rows:
        by_fund[r["fund"]] = by_fund.get(r["fund"], Decimal("0.00")) + Decimal(r["amount"])
    return {
        "rows": rows,
        "total": money_text(total),
        "by_fund": {k: money_text(v) for k, v in sorted(by_fund.items())},
    }


def expense_xlsx(
    session: Session,
    estate_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    public: bool = False,
) -> bytes:
    """The table as an XLSX workbook (amounts as numbers with two decimals)."""
    import openpyxl

    table = expense_table(session, estate_id, start=start, end=end, public=public)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "费用支出明细表"
    append_row(sheet, HEADER)
    for r in table["rows"]:
        append_row(
            sheet,
            [
                dt.date.fromisoformat(r["date"]),
                r["item"],
                r["description"],
                r["payee"],
                r["fund_name"],
                Decimal(r["amount"]),
                "、".join(r["vouchers"]),
                "、".join(r["approvers"]),
                "已付款" if r["status"] == "paid" else "待付款",
            ],
        )
    append_row(sheet, ["合计", "", "", "", "", Decimal(table["total"]), "", "", ""])
    finish_sheet(sheet)
    return workbook_bytes(workbook)

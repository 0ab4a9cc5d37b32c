"""The bank and cash sections of the period statement (listed in ``trustfund.wiring``, read
by ``trustfund.disclosure.sections``; the only place reconciliation touches disclosure).

``bank_reconciliation`` (银行对账): whether the bank balance at the period's end was reconciled
with the bank's own statement — the statement balance it was reconciled to, the book balance,
and the day the committee approved the month's 银行余额调节表 — or, plainly, that it was not
(no approved reconciliation of the month ending on the period's last day, or one whose
figures changed since). The statement's figures hash includes this section, so a disclosure
approved while the month stood reconciled loses its approval if the reconciliation is voided.

``cash_count`` (现金盘点): the steward's cash count the period relied on — the last count dated
inside the period that the committee approved and that still stands (the books' cash for
that day unchanged since) — its day, the amount counted, the books' cash, the difference, the
day it was approved and the approvers' role (never a name); or, plainly, that the cash was
not counted in the period (or no count of it was approved).
"""

from __future__ import annotations

import calendar

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.disclosure.periods import Period
from trustfund.disclosure.sections import SectionData
from trustfund.reconciliation.cash_counts import approved_count_in
from trustfund.reconciliation.months import reconciled_month

COLUMNS = (
    ("as_of", "对账日"),
    ("statement_balance", "银行对账单余额"),
    ("book_balance", "账面银行存款"),
    ("approved_on", "业委会批准"),
)


def bank_section(session: Session, estate: Estate, period: Period) -> SectionData:
    end = period.end
    if end.day != calendar.monthrange(end.year, end.month)[1]:
        return SectionData(
            COLUMNS, [], note=f"本期截至 {end}，不是月末：期末银行存款未与银行对账单核对。"
        )
    found = reconciled_month(session, estate.id, end)
    if found is None:
        return SectionData(
            COLUMNS,
            [],
            note=f"本期末（{end}）的银行存款未与银行对账单核对："
            "该月的银行余额调节表尚未编制或未经业委会批准。",
        )
    return SectionData(
        COLUMNS,
        [
            {
                "as_of": found["month_end"],
                "statement_balance": found["statement_balance"],
                "book_balance": found["book_balance"],
                "approved_on": found["approved_on"],
            }
        ],
        note=f"期末银行存款已与银行对账单核对：{found['month_end']} 对账单余额 "
        f"{found['statement_balance']} 元，加减未达账项后与账面一致，业委会于 "
        f"{found['approved_on']} 批准银行余额调节表。",
    )


CASH_COLUMNS = (
    ("counted_on", "盘点日"),
    ("counted", "实点现金"),
    ("book_cash", "账面现金"),
    ("difference", "差额"),
    ("approved_on", "业委会批准"),
)
ROLE_NAMES = {"committee": "业委会委员", "council": "理事会成员"}


def cash_section(session: Session, estate: Estate, period: Period) -> SectionData:
    found = approved_count_in(session, estate.id, period.start, period.end)
    if found is None:
        return SectionData(
            CASH_COLUMNS,
            [],
            note=f"本期（{period.start} 至 {period.end}）管家手头现金未盘点："
            "没有经业委会批准的现金盘点表。",
        )
    roles = "、".join(ROLE_NAMES.get(r, r) for r in found["approver_roles"]) or "业委会委员"
    agree = (
        "与账面一致"
        if found["difference"] == "0.00"
        else f"与账面相差 {found['difference']} 元（盘点表写明了原因）"
    )
    return SectionData(
        CASH_COLUMNS,
        [{key: found[key] for key, _ in CASH_COLUMNS}],
        note=f"本期依据 {found['counted_on']} 的现金盘点：按面额实点 {found['counted']} 元，"
        f"账面现金 {found['book_cash']} 元，{agree}；{roles}于 {found['approved_on']} 批准。",
    )

"""Where one domain plugs into another, listed in one place instead of registering itself
when imported.

- **Statement sections** (``disclosure.sections``): the tables other packages add to a
  period's statement, with their key, Chinese title and order, and the annotators that add
  what a package knows about an expenditure line (voucher, approvers' roles, payee).
- **Payable checks** (``settlements.payouts``): what must hold before a claim becomes
  payable — the moment its cost is booked and money may leave the fund. Each raises to
  refuse.

The lists are built when first asked for, by imports inside the functions: the modules
listed import the modules that ask for them (``grants`` imports ``settlements``), and a
script that imports ``settlements`` alone still gets every check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from trustfund.db.models.settlements import Claim
    from trustfund.disclosure.sections import ExpenseAnnotator, SectionProvider, SectionSpec

PayableCheck = Callable[[Session, "Claim"], None]


def statement_sections() -> list[tuple[SectionSpec, SectionProvider]]:
    """Every section of the statement that another package fills, in no particular order
    (the statement sorts them by ``order``)."""
    from trustfund.disclosure.sections import SectionSpec
    from trustfund.grants.disclosure_sections import projects_section
    from trustfund.reconciliation.disclosure_sections import bank_section, cash_section
    from trustfund.settlements.disclosure_sections import goods_section, reference_price_section

    return [
        (SectionSpec("bank_reconciliation", "银行对账（与银行对账单核对）", 5), bank_section),
        (SectionSpec("cash_count", "现金盘点（管家手头现金）", 6), cash_section),
        (
            SectionSpec("reference_price_flags", "结算超出政府参考价的明细及原因", 10),
            reference_price_section,
        ),
        (SectionSpec("autonomy_projects", "自治基金项目：预算与实际支出", 20), projects_section),
        (SectionSpec("goods_received", "物品入库及实物捐赠", 30), goods_section),
    ]


def expense_annotators() -> list[ExpenseAnnotator]:
    """What settlements knows about its payouts' expenditure lines."""
    from trustfund.settlements.disclosure_sections import claim_notes

    return [claim_notes]


def payable_checks() -> list[PayableCheck]:
    """The autonomy fund's budget guard: a claim on a project's sub-fund is one of the
    project's disbursements, the project is active and its line stays within budget."""
    from trustfund.grants.disbursements import guard_payable

    return [guard_payable]

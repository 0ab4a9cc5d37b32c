"""The standard chart of accounts and the funds. Pure; the same names in every estate.

Account names are beancount names (ASCII components); the Chinese display name of each
account travels in its ``open`` directive's ``name`` metadata.

Every Income, Expenses and Equity account belongs to exactly one fund, read from its name:
the first component after the root that names a fund (``Electricity``, ``Maintenance``,
``Garbage``, ``Autonomy``), and for a restricted autonomy project ``Autonomy:Project:<CODE>``
(fund ``autonomy:<CODE>``). Assets and Liabilities belong to no fund: the bank account holds
the money of every fund at once.

A fund's balance = -(sum of its Income and Equity postings) - (sum of its Expenses postings)
= -(sum of all postings on its accounts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from trustfund.messages import Invalid, Message


class Fund(StrEnum):
    ELECTRICITY = "electricity"  # 公共电费
    MAINTENANCE = "maintenance"  # 公共设施维护
    GARBAGE = "garbage"  # 生活垃圾清运费
    AUTONOMY = "autonomy"  # 自治基金


FUND_NAMES_ZH: dict[str, str] = {
    Fund.ELECTRICITY: "公共电费",
    Fund.MAINTENANCE: "公共设施维护",
    Fund.GARBAGE: "生活垃圾清运费",
    Fund.AUTONOMY: "自治基金",
}

#: The fee funds: the three parts of the yearly service fee (综合服务费).
FEE_FUNDS: tuple[Fund, ...] = (Fund.ELECTRICITY, Fund.MAINTENANCE, Fund.GARBAGE)

BANK = "Assets:Bank:Committee"  # 业委会银行账户
CASH = "Assets:Cash:Steward"  # 管家现金
GOODS = "Assets:Goods"  # 实物 (donated or bought goods, at value)
PREPAID_FEES = "Liabilities:Prepaid:Fees"  # 预收下年度服务费
PAYABLE = "Liabilities:Payable:Contractors"  # 应付承揽方款项

ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
FUND_ROOTS = ("Equity", "Income", "Expenses")

_COMPONENT = re.compile(r"[A-Z0-9][A-Za-z0-9-]*")  # always fullmatch
_PROJECT_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,30}")
_FUND_COMPONENT = {f.value.capitalize(): f.value for f in Fund}

#: Sources of the autonomy fund (自治基金来源), each an income account under the fund.
AUTONOMY_SOURCES: dict[str, str] = {
    "Government": "财政支持",
    "Community": "社区建设经费",
    "Venture": "公益创投资金",
    "Sponsorship": "单位及个人赞助",
    "PublicRevenue": "小区公共收益",
    "Crowdfunding": "居民众筹",
    "InKind": "实物捐赠",
}

#: Standard expense items per fund.
EXPENSE_ITEMS: dict[str, dict[str, str]] = {
    Fund.ELECTRICITY: {"Bills": "公共电费支出"},
    Fund.MAINTENANCE: {"Repairs": "维修费用", "Materials": "维修材料"},
    Fund.GARBAGE: {"Removal": "垃圾清运费用"},
    Fund.AUTONOMY: {"Projects": "自治项目支出"},
}


def fund_component(fund: str) -> str:
    """``"electricity"`` → ``"Electricity"``; ``"autonomy:P01"`` → ``"Autonomy:Project:P01"``."""
    if fund.startswith("autonomy:"):
        code = fund.split(":", 1)[1]
        if not _PROJECT_CODE.fullmatch(code):
            raise Invalid(Message("ledger.project_code_invalid", code=repr(code)))
        return f"Autonomy:Project:{code}"
    try:
        return Fund(fund).value.capitalize()
    except ValueError:
        raise Invalid(Message("ledger.unknown_fund", fund=repr(fund))) from None


def project_fund(code: str) -> str:
    """The fund string of a restricted autonomy project: ``"autonomy:<CODE>"``."""
    fund = f"autonomy:{code}"
    fund_component(fund)
    return fund


def fee_income_account(fund: Fund) -> str:
    """``Income:Fees:Electricity`` etc. — only the fee funds take service fees."""
    if Fund(fund) not in FEE_FUNDS:
        raise Invalid(Message("ledger.not_a_fee_fund", fund=repr(fund)))
    return f"Income:Fees:{fund_component(fund)}"


def autonomy_income_account(source: str, fund: str = Fund.AUTONOMY) -> str:
    """``Income:Autonomy:Sponsorship``, or ``Income:Autonomy:Project:P01:Crowdfunding``."""
    if source not in AUTONOMY_SOURCES:
        raise Invalid(Message("ledger.unknown_source", source=repr(source)))
    if fund != Fund.AUTONOMY and not fund.startswith("autonomy:"):
        raise Invalid(Message("ledger.not_autonomy_fund", fund=repr(fund)))
    return f"Income:{fund_component(fund)}:{source}"


def expense_account(fund: str, item: str) -> str:
    """``expense_account("maintenance", "Repairs")`` → ``Expenses:Maintenance:Repairs``.

    ``item`` is one account component (ASCII, a leading lower-case letter is capitalised).
    """
    item = item[:1].upper() + item[1:]
    if not _COMPONENT.fullmatch(item):
        raise Invalid(Message("ledger.expense_item_invalid", item=repr(item)))
    return f"Expenses:{fund_component(fund)}:{item}"


def opening_equity_account(fund: str) -> str:
    """``Equity:Opening:Electricity``: where a fund's opening balance comes from."""
    return f"Equity:Opening:{fund_component(fund)}"


def transfer_equity_account(fund: str) -> str:
    """``Equity:Transfers:Electricity``: moving money between funds (its own approved entry)."""
    return f"Equity:Transfers:{fund_component(fund)}"


def fund_of(account: str) -> str | None:
    """The fund of an Income/Expenses/Equity account; ``None`` for Assets/Liabilities and for
    names that do not name exactly one fund (``check_account`` refuses those)."""
    parts = account.split(":")
    if parts[0] not in FUND_ROOTS:
        return None
    found: list[str] = []
    i = 1
    while i < len(parts):
        fund = _FUND_COMPONENT.get(parts[i])
        if fund is not None:
            if fund == Fund.AUTONOMY and i + 2 < len(parts) and parts[i + 1] == "Project":
                found.append(f"autonomy:{parts[i + 2]}")
                i += 3
                continue
            found.append(fund)
        i += 1
    return found[0] if len(found) == 1 else None


def check_account(account: str) -> Message | None:
    """Why ``account`` is not a usable account name, or ``None`` if it is."""
    parts = account.split(":")
    if len(parts) < 2 or parts[0] not in ROOTS:
        return Message("ledger.account_root", value=", ".join(ROOTS))
    if len(account) > 200:
        return Message("ledger.account_too_long")
    for part in parts[1:]:
        if not _COMPONENT.fullmatch(part):
            return Message("ledger.account_component", part=part)
    if parts[0] in FUND_ROOTS and fund_of(account) is None:
        return Message("ledger.account_one_fund")
    return None


@dataclass(frozen=True)
class AccountSpec:
    """One account of the chart: its name and Chinese display name."""

    account: str
    name: str


def standard_chart() -> list[AccountSpec]:
    """The accounts every estate opens (``open_books``)."""
    specs = [
        AccountSpec(BANK, "业委会银行账户"),
        AccountSpec(CASH, "管家现金"),
        AccountSpec(GOODS, "实物资产"),
        AccountSpec(PREPAID_FEES, "预收下年度服务费"),
        AccountSpec(PAYABLE, "应付承揽方款项"),
    ]
    for fund in Fund:
        zh = FUND_NAMES_ZH[fund]
        if fund in FEE_FUNDS:
            specs.append(AccountSpec(fee_income_account(fund), f"服务费收入·{zh}"))
        specs.append(AccountSpec(opening_equity_account(fund), f"期初余额·{zh}"))
        specs.append(AccountSpec(transfer_equity_account(fund), f"基金调拨·{zh}"))
        for item, item_zh in EXPENSE_ITEMS[fund].items():
            specs.append(AccountSpec(expense_account(fund, item), f"{item_zh}·{zh}"))
    for source, source_zh in AUTONOMY_SOURCES.items():
        specs.append(AccountSpec(autonomy_income_account(source), f"{source_zh}·自治基金"))
    return specs


def books_chart() -> list[AccountSpec]:
    """The accounts that open with the books (建账): the bank account, whose opening date is
    the books', and each fund's opening equity, so every fund is listed from the first day.
    Every other account of the chart opens when an entry first needs it (``journal.service.
    open_when_needed``): a ledger opens no account it never uses."""
    accounts = [BANK, *(opening_equity_account(fund) for fund in Fund)]
    return [AccountSpec(account, _STANDARD_NAMES[account]) for account in accounts]


def project_chart(code: str, name: str) -> list[AccountSpec]:
    """The accounts of one restricted autonomy project (its own sub-fund)."""
    fund = project_fund(code)
    specs = [
        AccountSpec(opening_equity_account(fund), f"期初余额·{name}"),
        AccountSpec(transfer_equity_account(fund), f"基金调拨·{name}"),
        AccountSpec(expense_account(fund, "Projects"), f"项目支出·{name}"),
    ]
    for source, source_zh in AUTONOMY_SOURCES.items():
        specs.append(AccountSpec(autonomy_income_account(source, fund), f"{source_zh}·{name}"))
    return specs


#: Expense accounts named after a source: what was received in kind, put to use.
_USE_NAMES = {"InKind": "实物捐赠使用"}

#: Chinese names of the roots and the middle components of our account names.
_ROOT_NAMES = {
    "Assets": "资产",
    "Liabilities": "负债",
    "Equity": "权益",
    "Income": "收入",
    "Expenses": "支出",
}


def fund_label(fund: str, projects: Mapping[str, str] | None = None) -> str:
    """A fund as people read it, the one place that names funds in Chinese:
    ``electricity`` → 公共电费; ``autonomy:KLGY`` → 自治项目·<the project's title>
    (``projects``: code → title), or 自治项目 KLGY when the title is not known."""
    if fund.startswith("autonomy:"):
        code = fund.split(":", 1)[1]
        title = (projects or {}).get(code)
        return f"自治项目·{title}" if title else f"自治项目 {code}"
    return FUND_NAMES_ZH.get(fund, fund)


def account_label(account: str, projects: Mapping[str, str] | None = None) -> str:
    """An account as people read it: the standard chart's name (``Expenses:Maintenance:
    Repairs`` → 维修费用·公共设施维护), a project's (``Expenses:Autonomy:Project:GXCF:
    Projects`` → 项目支出·自治项目·<title>), or, for an account outside both, the
    Chinese root and fund with the item's own name."""
    known = _STANDARD_NAMES.get(account)
    if known:
        return known
    fund = fund_of(account)
    if fund is not None and fund.startswith("autonomy:"):
        code = fund.split(":", 1)[1]
        for spec in project_chart(code, fund_label(fund, projects)):
            if spec.account == account:
                return spec.name
    parts = account.split(":")
    root = _ROOT_NAMES.get(parts[0], parts[0])
    if fund is None:
        return f"{root}·{parts[-1]}"
    base = fund.split(":", 1)[0]
    item = EXPENSE_ITEMS.get(base, {}).get(parts[-1])
    if parts[0] == "Expenses":
        item = item or _USE_NAMES.get(parts[-1])
    item = item or AUTONOMY_SOURCES.get(parts[-1])
    return f"{item or root}·{fund_label(fund, projects)}"


_STANDARD_NAMES = {spec.account: spec.name for spec in standard_chart()}

"""Chinese names of funds and accounts from one place (issue 17)."""

from __future__ import annotations

from trustfund.ledger.accounts import account_label, fund_label, standard_chart


def test_funds() -> None:
    assert fund_label("electricity") == "公共电费"
    assert fund_label("autonomy") == "自治基金"
    assert fund_label("autonomy:KLGY", {"KLGY": "快乐果园"}) == "自治项目·快乐果园"
    assert fund_label("autonomy:KLGY") == "自治项目 KLGY"


def test_accounts() -> None:
    projects = {"GXCF": "共享厨房"}
    assert account_label("Expenses:Autonomy:Project:GXCF:Projects", projects) == (
        "项目支出·自治项目·共享厨房"
    )
    assert account_label("Expenses:Maintenance:Repairs") == "维修费用·公共设施维护"
    assert account_label("Assets:Bank:Committee") == "业委会银行账户"
    assert account_label("Expenses:Maintenance:Painting") == "支出·公共设施维护"
    for spec in standard_chart():
        label = account_label(spec.account)
        assert label == spec.name and ":" not in label

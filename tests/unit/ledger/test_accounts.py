from __future__ import annotations

import pytest

from trustfund.ledger.accounts import (
    BANK,
    FUND_ROOTS,
    Fund,
    check_account,
    expense_account,
    fee_income_account,
    fund_of,
    opening_equity_account,
    project_chart,
    standard_chart,
)


def test_names_and_funds() -> None:
    assert fee_income_account(Fund.ELECTRICITY) == "Income:Fees:Electricity"
    assert opening_equity_account("garbage") == "Equity:Opening:Garbage"
    assert expense_account("maintenance", "repairs") == "Expenses:Maintenance:Repairs"
    assert fund_of("Income:Fees:Maintenance") == "maintenance"
    assert fund_of("Expenses:Autonomy:Project:P01:Projects") == "autonomy:P01"
    assert fund_of("Income:Autonomy:Sponsorship") == "autonomy"
    assert fund_of(BANK) is None
    assert fund_of("Expenses:Electricity:Garbage") is None  # two funds: refused
    with pytest.raises(ValueError):
        fee_income_account(Fund.AUTONOMY)
    with pytest.raises(ValueError):
        expense_account("maintenance", "维修")


def test_every_income_expense_equity_account_has_exactly_one_fund() -> None:
    for spec in [*standard_chart(), *project_chart("P01", "楼道绿化")]:
        assert check_account(spec.account) is None, spec.account
        if spec.account.split(":")[0] in FUND_ROOTS:
            assert fund_of(spec.account) is not None, spec.account


@pytest.mark.parametrize(
    "bad",
    ["Assets", "Cash:Foo", "Assets:bank", "Assets:Bank Committee", "Income:Fees", "Assets:银行"],
)
def test_bad_account_names_are_refused(bad: str) -> None:
    assert check_account(bad) is not None

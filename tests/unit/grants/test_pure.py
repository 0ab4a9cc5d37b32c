"""Pure parts of the autonomy fund: public names, the budget-line check, JSON figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trustfund.db.models.grants import BudgetLine, GrantSource, SourceKind
from trustfund.grants.common import ANONYMOUS, SOURCE_ACCOUNTS, public_name
from trustfund.grants.disbursements import BudgetExceededError, _check_line
from trustfund.grants.settlement import as_json
from trustfund.ledger.accounts import AUTONOMY_SOURCES, autonomy_income_account


def test_anonymous_donors_have_only_a_public_name() -> None:
    named = GrantSource(kind=SourceKind.SPONSORSHIP, donor_name="春光里便利店", anonymous=False)
    hidden = GrantSource(kind=SourceKind.SPONSORSHIP, donor_name="俞国平", anonymous=True)
    assert public_name(named) == "春光里便利店"
    assert public_name(hidden) == ANONYMOUS == "匿名"


def test_every_source_kind_has_an_income_account_in_every_fund() -> None:
    for kind in SourceKind:
        assert SOURCE_ACCOUNTS[kind] in AUTONOMY_SOURCES
        assert autonomy_income_account(SOURCE_ACCOUNTS[kind], "autonomy:KLGY").startswith(
            "Income:Autonomy:Project:KLGY:"
        )


def test_a_line_holds_exactly_its_approved_amount() -> None:
    line = BudgetLine(
        description="苗木", amount=Decimal("500.00"), approved_amount=Decimal("500.00")
    )
    _check_line(line, Decimal("400.00"), Decimal("100.00"), "Claim 1")  # exactly full: fine
    with pytest.raises(BudgetExceededError) as refused:
        _check_line(line, Decimal("400.00"), Decimal("100.01"), "Claim 2")
    assert refused.value.extra == {
        "budget_line_id": None,
        "approved": "500.00",
        "committed": "400.00",
        "requested": "100.01",
    }
    unapproved = BudgetLine(description="围栏", amount=Decimal("300.00"), approved_amount=None)
    with pytest.raises(BudgetExceededError, match="no approved amount"):
        _check_line(unapproved, Decimal("0.00"), Decimal("1.00"), "Claim 3")


def test_figures_become_strings_with_two_decimals() -> None:
    assert as_json({"a": [Decimal("1.5"), date(2026, 7, 1)], "b": None}) == {
        "a": ["1.50", "2026-07-01"],
        "b": None,
    }

"""Money is written as text in one place (``ledger.money``): ``money_text`` for JSON and
files, ``format_money`` for people. A two-decimal f-string elsewhere is a second formatter."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from trustfund.ledger.money import format_money, money_text

PACKAGE = Path(__file__).resolve().parents[3] / "trustfund"
#: Files still formatting money with their own f-string, and why (shrink this list).
NOT_YET: dict[str, str] = {}
TWO_DECIMALS = re.compile(r"\{[^{}]*:,?\.2f\}")


def test_money_text_is_the_json_form() -> None:
    assert money_text(Decimal("1234.5")) == "1234.50"
    assert money_text(Decimal("-0.50")) == "-0.50"
    assert money_text(Decimal("200.00")) == "200.00"
    assert money_text(Decimal("1000000")) == "1000000.00"  # no separators


def test_format_money_is_the_display_form() -> None:
    assert format_money(Decimal("1234.5")) == "1,234.50"
    assert format_money(Decimal("-1234567.891")) == "-1,234,567.89"


def test_no_other_module_formats_money_itself() -> None:
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "money.py" and TWO_DECIMALS.search(path.read_text(encoding="utf-8"))
    )
    assert [f for f in found if f not in NOT_YET] == [], (
        "format money with ledger.money.money_text (JSON, files) or format_money (people)"
    )
    assert sorted(set(NOT_YET) - set(found)) == [], "these no longer format money: unlist them"

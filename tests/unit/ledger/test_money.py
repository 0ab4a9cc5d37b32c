from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from trustfund.ledger.money import (
    MAX_MONEY,
    cell_number,
    fold_wide,
    format_money,
    parse_decimal,
    parse_money,
    split_exact,
    to_money,
)


def test_to_money_quantizes_and_refuses_what_is_not_money() -> None:
    assert to_money("200") == Decimal("200.00")
    assert to_money("-50.5") == Decimal("-50.50")
    assert str(to_money(Decimal("-0"))) == "0.00"
    for bad in (1.5, "1.005", "NaN", "Infinity", "abc", True, " 1,234.5 ", "1_000", "1e3"):
        with pytest.raises(ValueError):
            to_money(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,5", "use a dot for decimals; no thousands separators"),
        ("1,50", "use a dot for decimals; no thousands separators"),
        ("1,500.00", "use a dot for decimals; no thousands separators"),
        ("1，5", "use a dot for decimals; no thousands separators"),
        ("１００", "use the digits 0-9 (no full-width or other digits)"),
        ("٣", "use the digits 0-9 (no full-width or other digits)"),
        ("१२", "use the digits 0-9 (no full-width or other digits)"),
        ("1_000", "not a number"),
        ("1e3", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("-Infinity", "not a number"),
        ("0x10", "not a number"),
        ("5.", "not a number"),
        (".5", "not a number"),
        ("1.2.3", "not a number"),
        ("50\n", "has spaces around it"),
        (" 50", "has spaces around it"),
        ("+5", "write no plus sign"),
        ("-5", "must not be negative"),
        ("0.001", "has more than 2 decimals"),
        ("", "is empty"),
        ("1000000000000", "too large: at most 999999999999.99"),
        ("1" * 5000, "too large: at most 999999999999.99"),
    ],
)
def test_parse_money_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_money(text)
    assert str(caught.value).startswith(reason)


def test_parse_money_reads_plain_amounts_to_the_fen() -> None:
    assert parse_money("200") == Decimal("200.00")
    assert str(parse_money("0.5")) == "0.50"
    assert str(parse_money("007.10")) == "7.10"
    assert parse_money("999999999999.99") == MAX_MONEY
    assert parse_money("-12.3", negative=True) == Decimal("-12.30")
    assert str(parse_money("-0", negative=True)) == "0.00"
    assert parse_decimal("0.5380", places=4, limit=Decimal(10)) == Decimal("0.5380")
    assert str(parse_decimal("2", places=3, limit=Decimal(10))) == "2.000"
    with pytest.raises(ValueError, match="more than 3 decimals"):
        parse_decimal("1.0001", places=3, limit=Decimal(10))
    with pytest.raises(ValueError, match="must not be a float"):
        to_money(1.5)  # type: ignore[arg-type]


_GRAMMAR = re.compile(r"(-?)[0-9]+(\.[0-9]{1,2})?")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20), st.booleans())
@example("1,5", False)
@example("１００", False)
@example("٣", False)
@example("1_000", False)
@example("1e3", True)
@example("NaN", True)
@example("50\n", False)
def test_parse_money_accepts_only_ascii_digits_one_dot_two_decimals(text: str, neg: bool) -> None:
    """Whatever the text, the parser either refuses it with a ValueError or the text is
    exactly the grammar (ASCII digits, one dot, ≤ 2 decimals, a minus only when allowed) and
    the result is its value to the fen within NUMERIC(14,2)."""
    try:
        value = parse_money(text, negative=neg)
    except ValueError as exc:
        assert str(exc)  # every refusal has a reason
        match = _GRAMMAR.fullmatch(text)
        assert match is None or (match[1] and not neg) or abs(Decimal(text)) > MAX_MONEY
        return
    match = _GRAMMAR.fullmatch(text)
    assert match is not None and (neg or not match[1])
    assert value == Decimal(text) and value.as_tuple().exponent == -2
    assert abs(value) <= MAX_MONEY


@given(st.integers(min_value=-99_999_999_999_999, max_value=99_999_999_999_999))
def test_parse_money_round_trips_every_fen_amount(fen: int) -> None:
    amount = Decimal(fen).scaleb(-2)
    text = f"{amount:.2f}"
    assert parse_money(text, negative=True) == amount
    assert to_money(text) == amount
    wide = text.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    with pytest.raises(ValueError):
        parse_money(wide, negative=True)  # the API takes ASCII only …
    assert parse_money(fold_wide(f"\u3000{wide} "), negative=True) == amount  # … forms fold it


def test_cell_number_reads_spreadsheet_cells() -> None:
    assert cell_number(199.5) == "199.5"
    assert cell_number(200.0) == "200"
    assert cell_number(0.1 + 0.2) == "0.30000000000000004"  # refused later: 17 decimals
    assert cell_number(Decimal("12.30")) == "12.30"
    assert cell_number(None) == ""
    assert cell_number(" １２．５ ") == "12.5"
    assert cell_number("1,5") == "1,5"  # not silently changed: refused by the parser


def test_split_exact_gives_leftover_fen_to_largest_remainders_then_earliest() -> None:
    assert split_exact(Decimal("100.00"), [Decimal(1)] * 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert split_exact(Decimal("200.00"), [Decimal(50), Decimal(90), Decimal(60)]) == [
        Decimal("50.00"),
        Decimal("90.00"),
        Decimal("60.00"),
    ]
    # 0.05 over 50/90/60: exact 0.0125, 0.0225, 0.015 → floors 1,2,1 fen, no leftover
    assert split_exact(Decimal("0.05"), [Decimal(50), Decimal(90), Decimal(60)]) == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("0.02"),
    ]
    assert split_exact(Decimal("-1.00"), [Decimal(1)] * 3)[0] == Decimal("-0.34")


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(any),
)
def test_split_exact_always_sums_to_the_total(fen: int, weights: list[int]) -> None:
    total = Decimal(fen) / 100
    parts = split_exact(total, [Decimal(w) for w in weights])
    assert sum(parts, Decimal(0)) == total
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    weight_sum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part - total * w / weight_sum) < Decimal("0.01")


def test_format_money() -> None:
    assert format_money(Decimal("1234.5")) == "1,234.50"

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund.ledger.money import format_money, split_exact, to_money


def test_to_money_quantizes_and_refuses_what_is_not_money() -> None:
    assert to_money("200") == Decimal("200.00")
    assert str(to_money(Decimal("-0"))) == "0.00"
    assert to_money(" 1,234.5 ") == Decimal("1234.50")
    for bad in (1.5, "1.005", "NaN", "Infinity", "abc", True):
        with pytest.raises(ValueError):
            to_money(bad)  # type: ignore[arg-type]


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

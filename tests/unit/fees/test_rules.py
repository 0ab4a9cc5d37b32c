"""Pure fee arithmetic: every split sums exactly, every fund stays exact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund.fees.rules import (
    Component,
    allocate,
    charge_lines,
    fee_year_start,
    format_receipt_no,
    mask_household,
    schedule_content_hash,
    vacant_amounts,
)

DEMO = [
    Component("electricity", "公共电费", Decimal("50.00")),
    Component("maintenance", "公共设施维护", Decimal("90.00")),
    Component("garbage", "生活垃圾清运费", Decimal("60.00")),
]

fen = st.integers(min_value=1, max_value=10_000_000).map(lambda n: Decimal(n) / 100)
percent = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 100)
funds = ["electricity", "maintenance", "garbage"]


@st.composite
def schedules(draw: st.DrawFn) -> list[Component]:
    n = draw(st.integers(min_value=1, max_value=3))
    return [Component(funds[i], f"c{i}", draw(fen)) for i in range(n)]


def test_demo_schedule_half_price_for_vacant() -> None:
    assert vacant_amounts(DEMO, "percent", Decimal("50")) == [
        Decimal("25.00"),
        Decimal("45.00"),
        Decimal("30.00"),
    ]
    lines = charge_lines(DEMO, vacant=False, rule="percent", percent=Decimal("50"))
    assert sum(lines.values()) == Decimal("200.00")


def test_vacancy_discount_leftover_fen_goes_to_largest_remainder() -> None:
    # 200 × 33.33% = 66.66 → discount 133.34 split 50:90:60 = 33.335, 60.003, 40.002
    # → floors 33.33, 60.00, 40.00 (133.33) and the one leftover fen to electricity (0.005).
    assert vacant_amounts(DEMO, "percent", Decimal("33.33")) == [
        Decimal("16.66"),
        Decimal("30.00"),
        Decimal("20.00"),
    ]


def test_per_component_vacancy_rule() -> None:
    comps = [
        Component("electricity", "公共电费", Decimal("50.00"), Decimal("0.00")),
        Component("garbage", "生活垃圾清运费", Decimal("60.00"), Decimal("30.00")),
    ]
    assert vacant_amounts(comps, "amounts", None) == [Decimal("0.00"), Decimal("30.00")]
    with pytest.raises(ValueError):
        vacant_amounts([Component("garbage", "x", Decimal("1.00"))], "amounts", None)


@given(schedules(), percent)
def test_vacancy_split_is_exact_and_never_negative(comps: list[Component], pct: Decimal) -> None:
    vacant = vacant_amounts(comps, "percent", pct)
    full = sum(c.amount for c in comps)
    expected = (full * pct / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert sum(vacant) == expected
    for c, v in zip(comps, vacant, strict=True):
        assert Decimal("0.00") <= v <= c.amount
        assert v == v.quantize(Decimal("0.01"))


@given(schedules(), st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6))
def test_partial_payments_pay_every_component_exactly(
    comps: list[Component], shares: list[int]
) -> None:
    """Any sequence of partial payments that ends by paying the rest leaves every fund with
    exactly its charge; no part ever exceeds what is outstanding on its fund."""
    outstanding = {c.fund: c.amount for c in comps}
    paid = dict.fromkeys(outstanding, Decimal("0.00"))
    for share in shares:
        left = sum(outstanding.values())
        if left == 0:
            break
        amount = max(Decimal("0.01"), (left * share / 100).quantize(Decimal("0.01")))
        amount = min(amount, left)
        parts = allocate(amount, {f: a for f, a in outstanding.items() if a > 0})
        assert sum(parts.values()) == amount
        for f, a in parts.items():
            assert Decimal("0.00") < a <= outstanding[f]
            outstanding[f] -= a
            paid[f] += a
    rest = sum(outstanding.values())
    if rest:
        for f, a in allocate(rest, {f: a for f, a in outstanding.items() if a > 0}).items():
            paid[f] += a
    assert paid == {c.fund: c.amount for c in comps}


@given(schedules(), st.data())
def test_refund_never_takes_more_than_a_fund_received(
    comps: list[Component], data: st.DataObject
) -> None:
    paid = {c.fund: c.amount for c in comps}
    total = sum(paid.values())
    amount = data.draw(st.integers(min_value=1, max_value=int(total * 100))).__truediv__(100)
    amount = Decimal(amount).quantize(Decimal("0.01"))
    parts = allocate(amount, paid)
    assert sum(parts.values()) == amount
    assert all(parts[f] <= paid[f] for f in parts)


def test_allocate_refuses_more_than_outstanding() -> None:
    with pytest.raises(ValueError):
        allocate(Decimal("200.01"), {"electricity": Decimal("200.00")})
    with pytest.raises(ValueError):
        allocate(Decimal("0.00"), {"electricity": Decimal("200.00")})


def test_content_hash_changes_with_any_edit() -> None:
    base = schedule_content_hash(2026, DEMO, "percent", Decimal("50.00"))
    assert base == schedule_content_hash(2026, list(DEMO), "percent", Decimal("50.00"))
    edited = [DEMO[0], Component("maintenance", "公共设施维护", Decimal("90.01")), DEMO[2]]
    assert schedule_content_hash(2026, edited, "percent", Decimal("50.00")) != base
    assert schedule_content_hash(2026, DEMO, "percent", Decimal("40.00")) != base
    assert schedule_content_hash(2027, DEMO, "percent", Decimal("50.00")) != base


def test_small_helpers() -> None:
    assert fee_year_start(2026) == date(2026, 1, 1)
    assert format_receipt_no(2026, 1) == "2026-000001"
    assert mask_household("3", "1", "402") == "3幢-*-**2"
    assert "402" not in mask_household("3", "1", "402")

"""Natural order of address parts: 2 before 10, everywhere (issue 17)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trustfund.estates.order import address_key, natural_key


def test_numbers_compare_as_numbers() -> None:
    assert sorted(["10", "2", "1", "11", "3"], key=natural_key) == ["1", "2", "3", "10", "11"]
    assert sorted(["A10", "A2", "B1"], key=natural_key) == ["A2", "A10", "B1"]
    assert sorted(["12幢", "3幢", "2A", "2"], key=natural_key) == ["2", "2A", "3幢", "12幢"]
    assert sorted(["1001", "502", "99"], key=natural_key) == ["99", "502", "1001"]


def test_addresses_by_building_then_entrance_then_room() -> None:
    rows = [("10", "1", "101"), ("2", "10", "101"), ("2", "2", "1001"), ("2", "2", "502")]
    assert sorted(rows, key=lambda r: address_key(*r)) == [
        ("2", "2", "502"),
        ("2", "2", "1001"),
        ("2", "10", "101"),
        ("10", "1", "101"),
    ]


@given(st.lists(st.text(alphabet="0123456789AB幢-", max_size=6)))
def test_any_parts_sort_without_error_and_digits_by_value(parts: list[str]) -> None:
    ordered = sorted(parts, key=natural_key)
    numbers = [int(p) for p in ordered if p.isdigit()]
    assert numbers == sorted(numbers)

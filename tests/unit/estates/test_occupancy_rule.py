"""occupancy_on: the status of the latest row on or before the day; before the first row,
the first row's status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustfund.db.models.estates import Household, HouseholdOccupancy, Occupancy
from trustfund.estates.occupancy import occupancy_on, status_on

OCC, VAC = Occupancy.OCCUPIED, Occupancy.VACANT
HISTORY = [(date(2025, 1, 1), OCC), (date(2026, 3, 15), VAC), (date(2026, 9, 1), OCC)]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 6, 1), OCC),  # before the first row: the first row's status
        (date(2025, 1, 1), OCC),
        (date(2026, 3, 14), OCC),
        (date(2026, 3, 15), VAC),  # a change counts from its own day
        (date(2026, 8, 31), VAC),
        (date(2026, 9, 1), OCC),
        (date(2030, 1, 1), OCC),
    ],
)
def test_status_on_examples(on: date, expected: Occupancy) -> None:
    assert status_on(HISTORY, on) is expected


def test_before_a_vacant_first_row_is_vacant() -> None:
    assert status_on([(date(2026, 3, 1), VAC)], date(2020, 1, 1)) is VAC


def test_empty_history_is_a_bug() -> None:
    with pytest.raises(ValueError):
        status_on([], date(2026, 1, 1))


def test_occupancy_on_a_household_ignores_row_order() -> None:
    household = Household(code="H-ABCDEF", entrance="1", room="101")
    household.occupancies = [
        HouseholdOccupancy(status=VAC, effective_from=date(2026, 3, 15)),
        HouseholdOccupancy(status=OCC, effective_from=date(2025, 1, 1)),
    ]
    assert occupancy_on(household, date(2026, 1, 1)) is OCC
    assert occupancy_on(household, date(2026, 4, 1)) is VAC


histories = st.lists(
    st.tuples(st.integers(0, 2000), st.sampled_from(list(Occupancy))),
    min_size=1,
    max_size=12,
    unique_by=lambda t: t[0],
).map(lambda rows: sorted((date(2024, 1, 1) + timedelta(days=d), s) for d, s in rows))


@given(histories, st.integers(-100, 2100))
def test_status_on_matches_its_definition(
    history: list[tuple[date, Occupancy]], offset: int
) -> None:
    on = date(2024, 1, 1) + timedelta(days=offset)
    earlier = [s for d, s in history if d <= on]
    expected = earlier[-1] if earlier else history[0][1]
    assert status_on(history, on) is expected

from __future__ import annotations

from datetime import date

import pytest

from trustfund.disclosure.periods import last_finished_quarter, parse_period
from trustfund.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "label", "start", "end", "title"),
    [
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), "2026年度"),
        ("2026Q1", "2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2026年第一季度"),
        ("2026q4", "2026Q4", date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度"),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        (" 2026-03 ", "2026-03", date(2026, 3, 1), date(2026, 3, 31), "2026年3月"),
        (
            "2026-01-15..2026-02-15",
            "2026-01-15..2026-02-15",
            date(2026, 1, 15),
            date(2026, 2, 15),
            "2026-01-15 至 2026-02-15",
        ),
        (
            "2026-05-05..2026-05-05",
            "2026-05-05..2026-05-05",
            date(2026, 5, 5),
            date(2026, 5, 5),
            None,
        ),
    ],
)
def test_periods_parse(text: str, label: str, start: date, end: date, title: str | None) -> None:
    p = parse_period(text)
    assert (p.label, p.start, p.end) == (label, start, end)
    if title:
        assert p.title == title


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not a period"),
        ("2026Q5", "is not a period"),
        ("2026-13", "month 13"),
        ("1999", "outside"),
        ("2026-02-30..2026-03-01", "not a calendar date"),
        ("2026-03-01..2026-02-01", "starts (2026-03-01) after it ends"),
        ("2020-01-01..2026-01-01", "longer than five years"),
        ("Q1 2026", "is not a period"),
        ("2026-1", "is not a period"),
    ],
)
def test_bad_periods_name_the_field_and_reason(text: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_period(text, field="period")
    assert info.value.errors[0].field == "period"
    assert reason in info.value.errors[0].reason


def test_last_finished_quarter() -> None:
    assert last_finished_quarter(date(2026, 11, 23)).label == "2026Q3"
    assert last_finished_quarter(date(2026, 1, 1)).label == "2025Q4"
    assert last_finished_quarter(date(2026, 4, 1)).label == "2026Q1"

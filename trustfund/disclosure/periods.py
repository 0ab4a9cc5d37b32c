"""Disclosure periods: ``2026`` (a year), ``2026Q1`` (a quarter), ``2026-03`` (a month) or
``2026-01-01..2026-03-31`` (any date range, both ends inclusive). Pure."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from trustfund.errors import ValidationError
from trustfund.messages import Message, reason_of

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Period:
    """A closed date range with the label it was written as."""

    label: str  # canonical: "2026", "2026Q1", "2026-03", "2026-01-01..2026-03-31"
    kind: str  # "year" | "quarter" | "month" | "range"
    start: date
    end: date

    @property
    def title(self) -> str:
        """Chinese title: ``2026年第一季度``."""
        if self.kind == "year":
            return f"{self.start.year}年度"
        if self.kind == "quarter":
            return f"{self.start.year}年{QUARTER_ZH[(self.start.month - 1) // 3 + 1]}"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def covers(self, other: Period) -> bool:
        return self.start <= other.start and self.end >= other.end

    def as_dict(self) -> dict[str, str]:
        return {
            "label": self.label,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "title": self.title,
        }


def _year(text: str, field: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError.field(
            field,
            Message(
                "disclosure.year_out_of_range", year=year, min_year=MIN_YEAR, max_year=MAX_YEAR
            ),
        )
    return year


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * q - 2, 1)
    end_month = 3 * q
    end = date(year, end_month, calendar.monthrange(year, end_month)[1])
    return Period(f"{year}Q{q}", "quarter", start, end)


def parse_period(text: str, field: str = "period") -> Period:
    """Parse a period. Raises ``ValidationError`` naming ``field`` and what was wrong."""
    value = (text or "").strip()
    if m := _YEAR.fullmatch(value):
        year = _year(m[1], field)
        return Period(str(year), "year", date(year, 1, 1), date(year, 12, 31))
    if m := _QUARTER.fullmatch(value):
        return quarter(_year(m[1], field), int(m[2]))
    if m := _MONTH.fullmatch(value):
        year, month = _year(m[1], field), int(m[2])
        if not 1 <= month <= 12:
            raise ValidationError.field(field, Message("disclosure.month_invalid", month=month))
        last = calendar.monthrange(year, month)[1]
        return Period(f"{year}-{month:02d}", "month", date(year, month, 1), date(year, month, last))
    if m := _RANGE.fullmatch(value):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError as exc:
            raise ValidationError.field(
                field, Message("disclosure.not_a_calendar_date", exc=reason_of(exc))
            ) from exc
        for day in (start, end):
            _year(str(day.year), field)
        if start > end:
            raise ValidationError.field(
                field, Message("disclosure.start_after_end", start=start, end=end)
            )
        if end - start > timedelta(days=366 * 5):
            raise ValidationError.field(field, Message("disclosure.period_too_long"))
        return Period(f"{start.isoformat()}..{end.isoformat()}", "range", start, end)
    raise ValidationError.field(
        field,
        Message("disclosure.not_a_period", value=value),
    )


def period_between(start: date, end: date) -> Period:
    """The period [start, end] under its own name when it is a year, quarter or month
    (``2026Q1``, titled 2026年第一季度), else as a date range."""
    for label in (
        str(start.year),
        f"{start.year}Q{(start.month - 1) // 3 + 1}",
        f"{start.year}-{start.month:02d}",
    ):
        candidate = parse_period(label)
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(f"{start.isoformat()}..{end.isoformat()}", "range", start, end)


def last_finished_quarter(today: date) -> Period:
    """The latest quarter that ended before ``today``."""
    q = (today.month - 1) // 3 + 1
    return quarter(today.year - 1, 4) if q == 1 else quarter(today.year, q - 1)

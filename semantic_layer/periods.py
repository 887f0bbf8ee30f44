"""Periods as concrete dates: pure calendar arithmetic, no wall clock.

A `Period` is an inclusive range of days. The domain conventions live here: a period's
base month is the month before its first month, its end month is its last month. Relative
periods ("the previous quarter") are resolved against an explicit `as_of` date, which
callers take from `warehouse_meta.as_of_date`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from semantic_layer.model import TimeGrain

SPINE = "periods"
"""The name of the compiled query's CTE holding one row per period."""

SPINE_COLUMNS = ("period_start", "period_end", "period_days", "base_month", "end_month")
"""The spine's columns a catalogue expression may use (as `periods.<column>`)."""

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def month_label(day: date) -> str:
    return f"{_MONTH_NAMES[day.month - 1]} {day.year}"


def period_name(start: date, grain: TimeGrain) -> str:
    """How people name the period of `grain` that starts on `start`: 'Q2 2025', 'March 2025', '2025'."""
    if grain is TimeGrain.year:
        return str(start.year)
    if grain is TimeGrain.quarter:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if grain is TimeGrain.month:
        return month_label(start)
    if grain is TimeGrain.week:
        return f"the week of {start.isoformat()}"
    return start.isoformat()


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive range of days, from `start` to `end`."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def months(cls, first: str, last: str | None = None) -> Period:
        """The whole months from `first` to `last` (both 'YYYY-MM'; `last` defaults to `first`)."""
        start = _parse_month(first)
        return cls(start, month_end(_parse_month(last or first)))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def base_month(self) -> date:
        """The month before the period's first month (first day of it)."""
        return add_months(self.start, -1)

    @property
    def end_month(self) -> date:
        """The period's last month (first day of it)."""
        return month_start(self.end)

    def trailing_start(self, days: int) -> date:
        """The first day of the last `days` days of the period."""
        return self.end - timedelta(days=days - 1)

    def label(self) -> str:
        """A human name: 'July 2025', 'Q3 2025', '2025', 'week of 2025-07-07', or 'July 2025 to September 2025'."""
        if self.is_whole_months:
            if self.month_count == 1:
                return month_label(self.start)
            if self.month_count == 3 and self.start.month % 3 == 1:
                return f"Q{self.start.month // 3 + 1} {self.start.year}"
            if self.month_count == 12 and self.start.month == 1:
                return str(self.start.year)
            return f"{month_label(self.start)} to {month_label(self.end)}"
        if self.start == self.end:
            return self.start.isoformat()
        if is_whole(self, TimeGrain.week):
            return f"week of {self.start.isoformat()}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _parse_month(text: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM")
    return date(int(match[1]), int(match[2]), 1)


def grain_start(day: date, grain: TimeGrain) -> date:
    """The first day of the `grain` period holding `day`."""
    if grain is TimeGrain.day:
        return day
    if grain is TimeGrain.week:
        return week_start(day)
    if grain is TimeGrain.month:
        return month_start(day)
    if grain is TimeGrain.quarter:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def next_grain_start(start: date, grain: TimeGrain) -> date:
    """The first day of the `grain` period after the one starting on `start`."""
    if grain is TimeGrain.day:
        return start + timedelta(days=1)
    if grain is TimeGrain.week:
        return start + timedelta(days=7)
    return add_months(start, {TimeGrain.month: 1, TimeGrain.quarter: 3, TimeGrain.year: 12}[grain])


def is_whole(period: Period, grain: TimeGrain) -> bool:
    """Whether `period` is exactly one calendar `grain` period (one whole month, quarter...)."""
    start = grain_start(period.start, grain)
    return start == period.start and next_grain_start(start, grain) - timedelta(days=1) == period.end


def grain_period(grain: TimeGrain, offset: int, as_of: date) -> Period:
    """The whole `grain` period `offset` periods from the one holding `as_of` (0 = it, -1 = the one before)."""
    start = grain_start(as_of, grain)
    step = -1 if offset < 0 else 1
    for _ in range(abs(offset)):
        start = grain_start(start - timedelta(days=1), grain) if step < 0 else next_grain_start(start, grain)
    return Period(start, next_grain_start(start, grain) - timedelta(days=1))


def trailing_days(days: int, as_of: date) -> Period:
    """The `days` days ending on `as_of`, inclusive."""
    return Period(as_of - timedelta(days=days - 1), as_of)


def calendar_period(text: str) -> Period:
    """'2025' → the year, '2025-Q3' → the quarter, '2025-07' → the month."""
    text = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})", text):
        return Period(date(int(match[1]), 1, 1), date(int(match[1]), 12, 31))
    if match := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        start = date(int(match[1]), int(match[2]) * 3 - 2, 1)
        return Period(start, month_end(add_months(start, 2)))
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return Period.months(text)
    raise ValueError(f"{text!r} is not a calendar period; write 2025, 2025-Q3 or 2025-07")


def split(period: Period, grain: TimeGrain | None) -> list[Period]:
    """`period` cut at `grain` boundaries (clipped to the period); the whole period when grain is None."""
    if grain is None:
        return [period]
    parts, start = [], period.start
    while start <= period.end:
        end = min(next_grain_start(grain_start(start, grain), grain) - timedelta(days=1), period.end)
        parts.append(Period(start, end))
        start = end + timedelta(days=1)
    return parts


def previous_period(period: Period) -> Period:
    """The period of the same length just before: whole months shift by months, others by days."""
    if period.is_whole_months:
        start = add_months(period.start, -period.month_count)
        return Period(start, period.start - timedelta(days=1))
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def same_period_last_year(period: Period) -> Period:
    """The same calendar dates a year earlier (whole months stay whole months)."""
    if period.is_whole_months:
        return Period(add_months(period.start, -12), month_end(add_months(period.end, -12)))
    return Period(_year_earlier(period.start), _year_earlier(period.end))


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


CALENDAR_GRAINS = (TimeGrain.month, TimeGrain.quarter, TimeGrain.year)
"""The grains whose periods are whole calendar units a date can be truncated to."""


@dataclass(frozen=True)
class CalendarSpan:
    """Contiguous periods that are each one whole calendar `grain` unit, from `start` to `end` inclusive."""

    grain: TimeGrain
    start: date
    end: date


def calendar_span(periods: list[Period]) -> CalendarSpan | None:
    """The span when `periods`, in order, are contiguous whole months, quarters or years: then a day lies in the
    span exactly when its truncation to the grain is one of the periods' starts. None otherwise."""
    if not periods:
        return None
    contiguous = all(b.start == a.end + timedelta(days=1) for a, b in zip(periods, periods[1:]))
    grain = next((g for g in CALENDAR_GRAINS if all(is_whole(p, g) for p in periods)), None)
    return CalendarSpan(grain, periods[0].start, periods[-1].end) if contiguous and grain else None

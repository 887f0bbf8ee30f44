"""Calendar arithmetic for periods, against dates worked out on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from semantic_layer.model import TimeGrain
from semantic_layer.periods import (
    Period,
    calendar_period,
    grain_period,
    previous_period,
    same_period_last_year,
    split,
    trailing_days,
)

AS_OF = date(2026, 10, 31)  # a Saturday


def test_base_and_end_month_follow_the_domain_notes():
    q3 = calendar_period("2025-Q3")
    assert (q3.base_month, q3.end_month) == (date(2025, 6, 1), date(2025, 9, 1))  # "compares September with June"
    year = calendar_period("2025")
    assert (year.base_month, year.end_month) == (date(2024, 12, 1), date(2025, 12, 1))  # December with December
    january = Period.months("2026-01")
    assert january.base_month == date(2025, 12, 1)


@pytest.mark.parametrize(("grain", "offset", "start", "end"), [
    (TimeGrain.month, 0, date(2026, 10, 1), date(2026, 10, 31)),
    (TimeGrain.month, -1, date(2026, 9, 1), date(2026, 9, 30)),
    (TimeGrain.quarter, -1, date(2026, 7, 1), date(2026, 9, 30)),
    (TimeGrain.quarter, -4, date(2025, 10, 1), date(2025, 12, 31)),
    (TimeGrain.year, -1, date(2025, 1, 1), date(2025, 12, 31)),
    (TimeGrain.week, 0, date(2026, 10, 26), date(2026, 11, 1)),
    (TimeGrain.week, -1, date(2026, 10, 19), date(2026, 10, 25)),
    (TimeGrain.day, -1, date(2026, 10, 30), date(2026, 10, 30)),
    (TimeGrain.month, 1, date(2026, 11, 1), date(2026, 11, 30)),
])
def test_grain_period_counts_back_from_as_of(grain, offset, start, end):
    assert grain_period(grain, offset, AS_OF) == Period(start, end)


def test_trailing_days_end_on_as_of():
    assert trailing_days(90, AS_OF) == Period(date(2026, 8, 3), AS_OF)


def test_calendar_period_and_month_parsing():
    assert calendar_period("2024-q1") == Period(date(2024, 1, 1), date(2024, 3, 31))
    assert calendar_period("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(ValueError, match="write 2025, 2025-Q3 or 2025-07"):
        calendar_period("last quarter")
    with pytest.raises(ValueError, match="write it as YYYY-MM"):
        Period.months("2025-13")


def test_split_cuts_at_grain_boundaries_and_clips():
    months = split(Period(date(2025, 1, 15), date(2025, 3, 10)), TimeGrain.month)
    assert months == [Period(date(2025, 1, 15), date(2025, 1, 31)), Period(date(2025, 2, 1), date(2025, 2, 28)),
                      Period(date(2025, 3, 1), date(2025, 3, 10))]
    weeks = split(Period(date(2026, 10, 1), date(2026, 10, 12)), TimeGrain.week)  # 1 October 2026 is a Thursday
    assert [w.start for w in weeks] == [date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 12)]
    assert split(calendar_period("2025"), None) == [calendar_period("2025")]
    assert len(split(calendar_period("2025"), TimeGrain.quarter)) == 4


def test_comparison_periods():
    assert previous_period(calendar_period("2025-Q1")) == calendar_period("2024-Q4")
    assert previous_period(Period.months("2025-03")) == Period.months("2025-02")
    assert previous_period(trailing_days(90, AS_OF)) == Period(date(2026, 5, 5), date(2026, 8, 2))
    assert same_period_last_year(Period.months("2024-02")) == Period(date(2023, 2, 1), date(2023, 2, 28))
    assert same_period_last_year(Period(date(2024, 2, 29), date(2024, 3, 5))) == Period(date(2023, 2, 28), date(2023, 3, 5))


def test_labels():
    assert calendar_period("2025-Q3").label() == "Q3 2025"
    assert Period.months("2025-07").label() == "July 2025"
    assert calendar_period("2025").label() == "2025"
    assert Period.months("2025-02", "2025-05").label() == "February 2025 to May 2025"
    assert trailing_days(7, AS_OF).label() == "2026-10-25 to 2026-10-31"


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end"):
        Period(date(2025, 2, 1), date(2025, 1, 1))


@pytest.mark.parametrize(("start", "grain", "name"), [
    (date(2025, 4, 1), TimeGrain.quarter, "Q2 2025"),
    (date(2025, 10, 1), TimeGrain.quarter, "Q4 2025"),
    (date(2025, 3, 1), TimeGrain.month, "March 2025"),
    (date(2025, 1, 1), TimeGrain.year, "2025"),
    (date(2026, 10, 26), TimeGrain.week, "the week of 2026-10-26"),
    (date(2026, 10, 31), TimeGrain.day, "2026-10-31"),
])
def test_a_period_is_named_as_people_name_it(start, grain, name):
    from semantic_layer.periods import period_name

    assert period_name(start, grain) == name

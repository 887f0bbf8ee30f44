"""The size budget: periods × groups × metrics counted from the query before anything is built, and a
refusal that names the query's size and the smallest change that fits. Counts are by hand."""

from __future__ import annotations

from datetime import date

import pytest

import semantic_layer.compile as compile_module
from semantic_layer.budget import (
    MAX_CELLS, MAX_PERIODS, QueryTooLarge, check_size, period_count, query_size, within_budget,
)
from semantic_layer.compile import compile_query
from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, SemanticQuery

YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
TWO_CENTURIES = Period(date(1900, 1, 1), date(2100, 12, 31))  # 201 years, 49 of them leap (1904…2096; 1900 and 2100 not)


@pytest.mark.parametrize("grain, count", [
    (None, 1), (TimeGrain.day, 365), (TimeGrain.month, 12), (TimeGrain.quarter, 4), (TimeGrain.year, 1),
    (TimeGrain.week, 53),  # 1 Jan 2025 is a Wednesday: the weeks of 30 Dec 2024 … 29 Dec 2025
])
def test_periods_are_counted_by_calendar_arithmetic(grain, count):
    assert period_count(YEAR_2025, grain) == count


def test_two_centuries_by_day_are_73414_days_and_2412_months():
    assert period_count(TWO_CENTURIES, TimeGrain.day) == 201 * 365 + 49
    assert period_count(TWO_CENTURIES, TimeGrain.month) == 2_412
    assert period_count(Period(date(2025, 2, 15), date(2025, 4, 1)), TimeGrain.month) == 3  # partial months count


def test_the_renewals_by_day_over_two_centuries_are_refused_with_the_coarser_grain_that_fits():
    query = SemanticQuery(metrics=("renewals_due",), time_range=TWO_CENTURIES, grain=TimeGrain.day)
    with pytest.raises(QueryTooLarge) as refused:
        check_size(query)
    assert str(refused.value) == ("That is 73,414 days × 1 metric, more than one answer may hold; ask by year "
                                  "instead of by day (201 years) or for a shorter period.")


def test_the_budget_is_checked_before_the_query_is_planned_or_built(monkeypatch):
    def never(*_):
        raise AssertionError("the query was planned before its size was checked")

    monkeypatch.setattr(compile_module, "plan_query", never)
    query = SemanticQuery(metrics=("renewals_due",), time_range=TWO_CENTURIES, grain=TimeGrain.day)
    with pytest.raises(QueryTooLarge):
        compile_query(query)


def test_a_year_by_day_fits_and_one_more_day_compared_with_does_not():
    leap_year = Period(date(2024, 1, 1), date(2024, 12, 31))
    daily = SemanticQuery(metrics=("dau",), time_range=leap_year, grain=TimeGrain.day)
    assert check_size(daily).rows == 366 == MAX_PERIODS
    compared = daily.model_copy(update={"compare": "previous_period"})
    with pytest.raises(QueryTooLarge, match=r"^That is 366 days \(and 1 more compared with\) × 1 metric, .*; "
                                            r"ask by week instead of by day \(53 weeks\) or for a shorter period\.$"):
        check_size(compared)


def test_groups_come_from_the_known_values_and_a_filter_narrows_them():
    query = SemanticQuery(metrics=("mrr", "arr", "health_score"), time_range=YEAR_2025, grain=TimeGrain.week,
                          dimensions=("account_name",))
    known = {"account_name": 1_500}
    assert query_size(query, known).cells == 53 * 1_500 * 3 == 238_500 > MAX_CELLS
    with pytest.raises(QueryTooLarge, match=r"^That is 53 weeks × 1,500 groups × 3 metrics \(238,500 values\), .*; "
                                            r"ask by month instead of by week \(12 months\) or for a shorter period\.$"):
        check_size(query, known)
    two = query.model_copy(update={"filters": (DimensionFilter(dimension="account_name", op="in",
                                                               values=("Acme", "Globex")),)})
    assert check_size(two, known).cells == 53 * 2 * 3


def test_without_a_grain_the_change_that_fits_is_a_breakdown_fewer():
    # health_band's values were not counted: it counts as DEFAULT_GROUPS (100) groups
    query = SemanticQuery(metrics=("mrr", "health_score"), time_range=YEAR_2025,
                          dimensions=("account_name", "health_band"))
    with pytest.raises(QueryTooLarge, match=r"1 period × 150,000 groups × 2 metrics \(300,000 values\).*; ask with "
                                            r"one breakdown fewer, or filter it to the groups you need\.$"):
        check_size(query, {"account_name": 1_500})


def test_when_no_grain_fits_a_shorter_period_is_named():
    query = SemanticQuery(metrics=("dau",), time_range=TWO_CENTURIES, grain=TimeGrain.month,
                          dimensions=("account_name",))
    # 201 years × 1,500 accounts is 301,500 > 200,000: at most 200,000 // 1,500 = 133 months
    with pytest.raises(QueryTooLarge, match=r"ask for at most 133 months \(from 2089-12-01 to 2100-12-31, say\) or "
                                            r"with one breakdown fewer\.$"):
        check_size(query, {"account_name": 1_500})


def test_within_budget_keeps_a_query_that_fits_and_coarsens_one_that_does_not():
    fits = SemanticQuery(metrics=("upcoming_renewals",), time_range=Period(date(2026, 1, 1), date(2026, 10, 31)),
                         grain=TimeGrain.day)
    assert within_budget(fits) is fits
    centuries = fits.model_copy(update={"time_range": Period(date(1900, 1, 1), date(2026, 10, 31))})
    assert within_budget(centuries).grain is TimeGrain.year  # 1,522 months and 507 quarters are over 366 periods
    assert within_budget(centuries.model_copy(update={"grain": TimeGrain.year})).grain is TimeGrain.year

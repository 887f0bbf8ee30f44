"""The time grammar, as a table: phrase → period, grain, comparison, against as_of 2026-10-31
(a month end) and 2026-11-15 (mid-month, so the current month and quarter are partial)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.planner.normalize import normalize
from assistant.planner.timewords import parse_time
from semantic_layer.model import TimeGrain
from semantic_layer.query import Comparison

OCT31 = date(2026, 10, 31)
NOV15 = date(2026, 11, 15)
PREV, YOY = Comparison.previous_period, Comparison.same_period_last_year

# (text, as_of, (start, end) or None, grain, comparison)
CASES = [
    ("nrr last quarter", OCT31, ("2026-07-01", "2026-09-30"), None, None),
    ("nrr last qtr", OCT31, ("2026-07-01", "2026-09-30"), None, None),
    ("grr for the previous quarter", NOV15, ("2026-07-01", "2026-09-30"), None, None),
    ("nps q3 2025", OCT31, ("2025-07-01", "2025-09-30"), None, None),
    ("nps in Q3", OCT31, ("2026-07-01", "2026-09-30"), None, None),
    ("nps in q4", OCT31, ("2025-10-01", "2025-12-31"), None, None),  # Q4 2026 is not complete yet
    ("upsell mrr q3-2026", OCT31, ("2026-07-01", "2026-09-30"), None, None),
    ("nrr 2025-q3", OCT31, ("2025-07-01", "2025-09-30"), None, None),
    ("nrr in 2025", OCT31, ("2025-01-01", "2025-12-31"), None, None),
    ("grr this year", OCT31, ("2026-01-01", "2026-10-31"), None, None),
    ("ytd nrr", NOV15, ("2026-01-01", "2026-11-15"), None, None),
    ("mau past 90 days", OCT31, ("2026-08-03", "2026-10-31"), None, None),
    ("tickets in the last 7 days", NOV15, ("2026-11-09", "2026-11-15"), None, None),
    ("csat last 6 months", OCT31, ("2026-05-01", "2026-10-31"), None, None),
    ("csat last 6 months", NOV15, ("2026-05-01", "2026-10-31"), None, None),
    ("nrr over the last 4 quarters", OCT31, ("2025-10-01", "2026-09-30"), None, None),
    ("health since march", OCT31, ("2026-03-01", "2026-10-31"), None, None),
    ("health since nov", OCT31, ("2025-11-01", "2026-10-31"), None, None),
    ("mrr last month", OCT31, ("2026-09-01", "2026-09-30"), None, None),
    ("mrr this month", NOV15, ("2026-11-01", "2026-11-15"), None, None),
    ("tickets last week", OCT31, ("2026-10-19", "2026-10-25"), None, None),
    ("nrr from jan to jun 2025", OCT31, ("2025-01-01", "2025-06-30"), None, None),
    ("ttv jan 2025 to sep 2026", OCT31, ("2025-01-01", "2026-09-30"), None, None),
    ("spend q1 to q3 2026", OCT31, ("2026-01-01", "2026-09-30"), None, None),
    ("spend q1-q3 2026", OCT31, ("2026-01-01", "2026-09-30"), None, None),
    ("wau as of oct 31", OCT31, ("2026-10-31", "2026-10-31"), None, None),
    ("mrr in 2026-07", OCT31, ("2026-07-01", "2026-07-31"), None, None),
    ("health by month", OCT31, None, TimeGrain.month, None),
    ("tickets weekly", OCT31, None, TimeGrain.week, None),
    ("ttv quarter by quarter in 2025", OCT31, ("2025-01-01", "2025-12-31"), TimeGrain.quarter, None),
    ("nrr month over month", OCT31, ("2026-10-01", "2026-10-31"), None, PREV),
    ("nrr mom", NOV15, ("2026-10-01", "2026-10-31"), None, PREV),
    ("nrr qoq", OCT31, ("2026-07-01", "2026-09-30"), None, PREV),
    ("nrr yoy", OCT31, None, None, YOY),
    ("nrr vs last year", OCT31, None, None, YOY),
    ("health october vs september", OCT31, ("2026-10-01", "2026-10-31"), None, PREV),
    ("qbrs oct vs sep", OCT31, ("2026-10-01", "2026-10-31"), None, PREV),
    ("health oct 2026 vs oct 2025", OCT31, ("2026-10-01", "2026-10-31"), None, YOY),
    ("nps q3 2026 vs q3 2025", OCT31, ("2026-07-01", "2026-09-30"), None, YOY),
    ("nrr last quarter vs the quarter before", OCT31, ("2026-07-01", "2026-09-30"), None, PREV),
    ("tickets in october compared to september", OCT31, ("2026-10-01", "2026-10-31"), None, PREV),
]


@pytest.mark.parametrize(("text", "as_of", "period", "grain", "compare"), CASES, ids=[c[0] for c in CASES])
def test_time_phrase(text, as_of, period, grain, compare):
    words = parse_time(normalize(text), as_of)
    got = None if words.period is None else (words.period.start.isoformat(), words.period.end.isoformat())
    assert (got, words.grain, words.compare) == (period, grain, compare)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("renew in the next 90 days", "2026-11-01", "2027-01-29"),
    ("renewals in the coming month", "2026-11-01", "2026-11-30"),
    ("up for renewal within the next 3 months", "2026-11-01", "2027-01-31"),
    ("renewing next quarter", "2027-01-01", "2027-03-31"),
    ("renewals between now and the end of february", "2026-11-01", "2027-02-28"),
    ("upcoming renewals", "2026-11-01", "2027-01-29"),  # no window said: the next 90 days, and a note says so
])
def test_what_is_coming_up_looks_past_as_of(text, start, end):
    words = parse_time(normalize(text), OCT31)
    assert ((words.ahead.start.isoformat(), words.ahead.end.isoformat()), words.period) == ((start, end), None)


# Phrases added with the typed planner: halves, boundaries, periods ago, comparisons with a named period.
MORE = [
    ("ticket volume h1 2026", ("2026-01-01", "2026-06-30"), None, None),
    ("revenue churn for the back half of last year", ("2025-07-01", "2025-12-31"), None, None),
    ("nrr in h2", ("2025-07-01", "2025-12-31"), None, None),  # H2 2026 is not complete: the latest complete H2
    ("grr since the start of last year", ("2025-01-01", "2026-10-31"), None, None),
    ("health since the end of last month", ("2026-10-01", "2026-10-31"), None, None),
    ("mrr two months ago", ("2026-08-01", "2026-08-31"), None, None),
    ("arr up for renewal in q1 next year", ("2027-01-01", "2027-03-31"), None, None),
    ("renewals due in march of next year", ("2027-03-01", "2027-03-31"), None, None),
    ("health 4 weeks back", ("2026-09-28", "2026-10-04"), None, None),
    ("health 4 weeks earlier", ("2026-09-28", "2026-10-04"), None, None),
    ("health 4 weeks before that?", ("2026-09-28", "2026-10-04"), None, None),
    ("nps the quarter before last", ("2026-04-01", "2026-06-30"), None, None),
    ("qbrs since july 1st", ("2026-07-01", "2026-10-31"), None, None),
    ("cohorts from 2024 onward", ("2024-01-01", "2026-10-31"), None, None),
    ("arr at the end of 2025 vs end of 2024", ("2025-01-01", "2025-12-31"), PREV, None),
    ("q1 through q3 this year", ("2026-01-01", "2026-09-30"), None, None),  # the narrower of two readings
    ("tickets this quarter vs last quarter", ("2026-10-01", "2026-10-31"), None, ("2026-07-01", "2026-09-30")),
    ("mau now vs last october", None, None, ("2025-10-01", "2025-10-31")),
    ("fewer users than at the end of july", None, None, ("2026-07-01", "2026-07-31")),
    ("oct mau vs june", ("2026-10-01", "2026-10-31"), None, ("2026-06-01", "2026-06-30")),
]


@pytest.mark.parametrize(("text", "period", "compare", "compare_with"), MORE, ids=[c[0] for c in MORE])
def test_more_time_phrases(text, period, compare, compare_with):
    words = parse_time(normalize(text), OCT31)
    got = None if words.period is None else (words.period.start.isoformat(), words.period.end.isoformat())
    other = None if words.compare_with is None else (words.compare_with.start.isoformat(), words.compare_with.end.isoformat())
    assert (got, words.compare, other) == (period, compare, compare_with)


def test_a_period_moved_back_is_a_shift_for_a_follow_up():
    assert parse_time("what about the year before", OCT31).shift is YOY
    assert parse_time("and the quarter before", OCT31).shift is PREV


@pytest.mark.parametrize("text", ["what may happen", "declining marketing adoption", "a decent september? no, separate",
                                  "how are we doing"])
def test_words_that_only_look_like_dates(text):
    words = parse_time(normalize(text), OCT31)
    assert words.period is None or words.phrases == ["september"]
    assert not any(p in ("may", "mar", "dec") for p in words.phrases)


def test_a_partial_period_is_noted_and_clipped_to_as_of():
    words = parse_time("nrr this quarter", NOV15)
    assert (words.period.start, words.period.end) == (date(2026, 10, 1), NOV15)
    assert "Q4 2026" in words.partial


def test_trend_words_ask_for_a_series():
    assert parse_time("nrr trend", OCT31).trend
    assert parse_time("health over time", OCT31).trend


_PHRASES = ["q1", "q3", "q3 2026", "q1 2025", "may", "march 2026", "may 2026", "jan", "dec 2025", "2025", "h1",
            "h2 2025", "last month", "this year", "last quarter", "ytd", "since june", "since last month",
            "the last 3 months", "next 90 days", "week of oct 5", "oct 12", "between now and year end",
            "the rest of the quarter", "to", "and", "vs", "from", "through", "-", "->", ",", "by month",
            "over the last 8 weeks", "yoy", "a year ago", "the month before", "end of q3"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PHRASES), min_size=1, max_size=5))
def test_any_run_of_time_phrases_reads_without_error_into_ordered_periods(words):
    time = parse_time(normalize(" ".join(words)), OCT31)
    for period in (time.period, time.compare_with, time.ahead, time.since, *(time.ends or ())):
        assert period is None or period.start <= period.end


def test_a_count_of_days_before_a_thing_is_not_a_period_ago():
    assert parse_time(normalize("health 2 days before the renewal"), OCT31).period is None

"""Whole calendar periods: a `within` source groups its rows by their truncated time, bounded by literal dates,
instead of joining them to the period spine; the rows are the same at every edge of a period.

    T1  opened 2025-12-31 23:59:59   before the span
    T2  opened 2026-01-01 00:00:00   January, its first instant
    T3  opened 2026-01-31 23:59:59   January, its last second
    T4  opened 2026-02-01 00:00:00   February
    T5  opened 2026-03-31 23:59:59.999  March, its last instant
    T6  opened 2026-04-01 00:00:00   after the span
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run

from semantic_layer.compile import compile_query
from semantic_layer.model import TimeGrain
from semantic_layer.periods import CalendarSpan, Period, calendar_period, calendar_span, split
from semantic_layer.query import SemanticQuery

Q1 = calendar_period("2026-Q1")

ROWS = """
INSERT INTO accounts VALUES
  ('A1', 'Alder', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-01-01', NULL, 5);
INSERT INTO tickets SELECT id, 'A1', NULL, opened_at, NULL, NULL, 'email', 'bug', 'high', NULL, 'open' FROM (VALUES
  ('T1', TIMESTAMP '2025-12-31 23:59:59'), ('T2', TIMESTAMP '2026-01-01 00:00:00'),
  ('T3', TIMESTAMP '2026-01-31 23:59:59'), ('T4', TIMESTAMP '2026-02-01 00:00:00'),
  ('T5', TIMESTAMP '2026-03-31 23:59:59.999'), ('T6', TIMESTAMP '2026-04-01 00:00:00')) AS t(id, opened_at);
"""


@pytest.mark.parametrize(("periods", "span"), [
    (split(Q1, TimeGrain.month), CalendarSpan(TimeGrain.month, date(2026, 1, 1), date(2026, 3, 31))),
    ([Q1], CalendarSpan(TimeGrain.quarter, date(2026, 1, 1), date(2026, 3, 31))),
    (split(calendar_period("2025-Q4"), TimeGrain.quarter) + [Q1],
     CalendarSpan(TimeGrain.quarter, date(2025, 10, 1), date(2026, 3, 31))),
    ([calendar_period("2025")], CalendarSpan(TimeGrain.year, date(2025, 1, 1), date(2025, 12, 31))),
])
def test_contiguous_whole_months_quarters_or_years_form_a_span(periods, span):
    assert calendar_span(periods) == span


@pytest.mark.parametrize("periods", [
    [Period.months("2026-01"), Period.months("2026-03")],  # a gap: February's rows would land in no period
    [Period(date(2026, 1, 1), date(2026, 1, 15))],  # half a month
    [Period(date(2026, 10, 5), date(2026, 10, 11))],  # a week
    [Period(date(2026, 2, 1), date(2026, 4, 30))],  # three months, but not a calendar quarter
    [],
])
def test_gaps_and_partial_or_uncalendared_periods_form_none(periods):
    assert calendar_span(periods) is None


def test_tickets_land_in_their_month_at_every_edge(con):
    con.execute(ROWS)
    query = SemanticQuery(metrics=["ticket_volume"], time_range=Q1, grain=TimeGrain.month)
    sql = compile_query(query).sql()
    assert "DATE_TRUNC('MONTH', tickets.opened_at)" in sql and "BETWEEN periods.period_start" not in sql
    assert [(r["period_start"], r["ticket_volume"]) for r in run(con, query)] == [
        (date(2026, 1, 1), 2), (date(2026, 2, 1), 1), (date(2026, 3, 1), 1)]


def test_a_quarter_counts_its_last_instant_and_nothing_after(con):
    con.execute(ROWS)
    (row,) = run(con, SemanticQuery(metrics=["ticket_volume"], time_range=Q1))
    assert row["ticket_volume"] == 4  # T2-T5


def test_weeks_and_compared_periods_keep_the_spine_join(con):
    con.execute(ROWS)
    weekly = SemanticQuery(metrics=["ticket_volume"], time_range=Period(date(2026, 1, 26), date(2026, 2, 8)),
                           grain=TimeGrain.week)
    assert "BETWEEN periods.period_start" in compile_query(weekly).sql()
    assert [r["ticket_volume"] for r in run(con, weekly)] == [2, 0]  # T3, T4 in the week of 26 January
    compared = SemanticQuery(metrics=["ticket_volume"], time_range=Period.months("2026-01"), compare="previous_period")
    assert "BETWEEN periods.period_start" in compile_query(compared).sql()
    (row,) = run(con, compared)
    assert row["ticket_volume"] == 2

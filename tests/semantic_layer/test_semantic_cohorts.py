"""Signup cohorts: time to value per quarter of contract start, on accounts whose days to value are set by hand.

    A1  contract 2025-04-10  first value 2025-07-09   90 days      Q2 2025 cohort
    A2  contract 2025-05-01  first value 2025-06-20   50 days      Q2 2025 cohort
    A3  contract 2025-06-15  not reached              107 days by 2025-09-30, the period's end
    A4  contract 2025-07-01  first value 2025-07-21   20 days      Q3 2025 cohort
    A5  contract 2025-08-01  first value 2025-10-30   90 days      Q3 2025 cohort (reached after the period)
    A6  contract 2024-12-01  first value 2025-04-05   not a cohort of the period
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

ROWS = """
INSERT INTO accounts VALUES
  ('A1', 'Alder', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-04-10', NULL, 5),
  ('A2', 'Birch', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-05-01', NULL, 5),
  ('A3', 'Cedar', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-06-15', NULL, 5),
  ('A4', 'Dogwood', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-07-01', NULL, 5),
  ('A5', 'Elm', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2025-08-01', NULL, 5),
  ('A6', 'Fir', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2024-12-01', NULL, 5);
INSERT INTO onboarding_milestones VALUES
  ('A1', 'first_value', DATE '2025-05-10', DATE '2025-07-09'), ('A2', 'first_value', DATE '2025-06-01', DATE '2025-06-20'),
  ('A3', 'first_value', DATE '2025-07-15', NULL), ('A4', 'first_value', DATE '2025-08-01', DATE '2025-07-21'),
  ('A5', 'first_value', DATE '2025-09-01', DATE '2025-10-30'), ('A6', 'first_value', DATE '2025-01-01', DATE '2025-04-05'),
  ('A1', 'kickoff', DATE '2025-04-15', DATE '2025-04-15');
"""


@pytest.mark.metric_values("cohort_ttv_median_days", "cohort_ttv_over_60_share")
def test_each_signup_quarter_of_the_period_gets_its_median_days_to_value_and_share_over_60_days(con):
    con.execute(ROWS)
    rows = run(con, SemanticQuery(metrics=["cohort_ttv_median_days", "cohort_ttv_over_60_share"],
                                  time_range=Period.months("2025-04", "2025-09"), dimensions=["signup_cohort"]))
    by_cohort = {r["signup_cohort"]: (r["cohort_ttv_median_days"], r["cohort_ttv_over_60_share"]) for r in rows}
    assert set(by_cohort) == {date(2025, 4, 1), date(2025, 7, 1)}  # A6's cohort (Q4 2024) is not a row of its own
    assert by_cohort[date(2025, 4, 1)] == pytest.approx((70, 200 / 3))  # median of 90 and 50; A1 and A3 over 60 of 3
    assert by_cohort[date(2025, 7, 1)] == pytest.approx((55, 50))  # median of 20 and 90; A5 over 60 of 2


@pytest.mark.metric_values("cohort_reached_ttv_over_30_share", "cohort_reached_ttv_over_60_share",
                           "cohort_reached_ttv_over_90_share")
def test_the_shares_over_n_days_of_a_cohort_count_only_the_accounts_that_reached_first_value(con):
    con.execute(ROWS)
    names = ["cohort_reached_ttv_over_30_share", "cohort_reached_ttv_over_60_share", "cohort_reached_ttv_over_90_share"]
    rows = run(con, SemanticQuery(metrics=names, time_range=Period.months("2025-04", "2025-09"), dimensions=["signup_cohort"]))
    by_cohort = {r["signup_cohort"]: tuple(r[n] for n in names) for r in rows}
    # Q2: A1 90 days, A2 50 days (A3 has not reached it and is left out); 90 is not more than 90
    assert by_cohort[date(2025, 4, 1)] == pytest.approx((100, 50, 0))
    assert by_cohort[date(2025, 7, 1)] == pytest.approx((50, 50, 0))  # Q3: A4 20 days, A5 90 days

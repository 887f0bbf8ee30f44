"""On the demo warehouse, the compiler agrees with independent hand-written SQL to 0.01.

The reference queries are written differently on purpose (a base-month ⟕ end-month join,
AVG of indicators, MEDIAN of date differences) so that a shared mistake is unlikely.
"""

from __future__ import annotations

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

Q3_2026 = Period.months("2026-07", "2026-09")

RETENTION = """
WITH base AS (SELECT account_id, mrr FROM account_mrr_monthly WHERE month = DATE '2026-06-01' AND mrr > 0),
     final AS (SELECT account_id, mrr FROM account_mrr_monthly WHERE month = DATE '2026-09-01')
SELECT a.segment,
       SUM(COALESCE(final.mrr, 0)) * 100.0 / SUM(base.mrr) AS nrr,
       SUM(LEAST(COALESCE(final.mrr, 0), base.mrr)) * 100.0 / SUM(base.mrr) AS grr,
       COUNT(*) FILTER (WHERE final.mrr IS NULL) * 100.0 / COUNT(*) AS logo_churn_rate
FROM base LEFT JOIN final USING (account_id) JOIN accounts a USING (account_id)
GROUP BY ROLLUP (a.segment)
"""

SURVEYS = """
SELECT 100.0 * AVG(CASE WHEN score >= 9 THEN 1 ELSE 0 END) - 100.0 * AVG(CASE WHEN score <= 6 THEN 1 ELSE 0 END)
FROM survey_responses
WHERE survey_type = 'nps' AND responded_at >= TIMESTAMP '2026-07-01' AND responded_at < TIMESTAMP '2026-10-01'
"""

CSAT = """
SELECT 100.0 * AVG(CASE WHEN score IN (4, 5) THEN 1 ELSE 0 END)
FROM survey_responses
WHERE survey_type = 'csat' AND responded_at >= TIMESTAMP '2026-07-01' AND responded_at < TIMESTAMP '2026-10-01'
"""

TTV = """
SELECT MEDIAN(m.completed_on - a.contract_start)
FROM onboarding_milestones m JOIN accounts a ON a.account_id = m.account_id
WHERE m.milestone = 'first_value' AND m.completed_on >= DATE '2026-07-01' AND m.completed_on <= DATE '2026-09-30'
"""


@pytest.fixture(scope="module")
def compiled(demo_con):
    (row,) = run(demo_con, SemanticQuery(metrics=["nrr", "grr", "logo_churn_rate", "nps", "csat", "ttv_median_days"],
                                         time_range=Q3_2026))
    return row


def test_retention_matches_hand_written_sql(demo_con, compiled):
    expected = {segment: values for segment, *values in demo_con.execute(RETENTION).fetchall()}
    nrr, grr, churn = expected[None]
    assert compiled["nrr"] == pytest.approx(nrr, abs=0.01)
    assert compiled["grr"] == pytest.approx(grr, abs=0.01)
    assert compiled["logo_churn_rate"] == pytest.approx(churn, abs=0.01)
    assert 0 < grr <= 100 and nrr > 0  # the data is not degenerate
    rows = run(demo_con, SemanticQuery(metrics=["nrr", "grr", "logo_churn_rate"], time_range=Q3_2026, dimensions=["segment"]))
    assert {r["segment"] for r in rows} == {s for s in expected if s is not None}
    for r in rows:
        assert [r["nrr"], r["grr"], r["logo_churn_rate"]] == pytest.approx(expected[r["segment"]], abs=0.01)


def test_surveys_match_hand_written_sql(demo_con, compiled):
    assert compiled["nps"] == pytest.approx(demo_con.execute(SURVEYS).fetchone()[0], abs=0.01)
    assert compiled["csat"] == pytest.approx(demo_con.execute(CSAT).fetchone()[0], abs=0.01)


def test_time_to_value_matches_hand_written_sql(demo_con, compiled):
    expected = demo_con.execute(TTV).fetchone()[0]
    assert expected is not None
    assert compiled["ttv_median_days"] == pytest.approx(expected, abs=0.01)


OCTOBER_2026 = Period.months("2026-10")

CURRENT_HEALTH = """
SELECT a.segment, AVG(h.health_score)
FROM health_scores_weekly h JOIN accounts a USING (account_id)
WHERE h.week_start = date_trunc('week', DATE '2026-10-31')
GROUP BY a.segment
"""

UNDER_CONTRACT = "contract_start <= DATE '2026-10-31' AND (churned_on IS NULL OR churned_on > DATE '2026-10-31')"

USAGE_RATE = f"""
WITH week AS (SELECT * FROM user_activity_daily WHERE activity_date BETWEEN DATE '2026-10-25' AND DATE '2026-10-31'),
     days AS (SELECT account_id, COUNT(DISTINCT activity_date) AS n FROM week GROUP BY account_id),
     per_user AS (SELECT account_id, user_id, COUNT(*) AS n FROM week GROUP BY account_id, user_id),
     power AS (SELECT account_id, COUNT(*) AS n FROM per_user WHERE n >= 3 GROUP BY account_id)
SELECT a.segment,
       100.0 * AVG(CASE WHEN a.segment = 'SMB' THEN COALESCE(days.n, 0) >= 3
                        WHEN a.segment = 'Mid-Market' THEN COALESCE(power.n, 0) >= 3
                        WHEN a.segment = 'Enterprise' THEN COALESCE(power.n, 0) >= 5
                        ELSE COALESCE(days.n, 0) >= 3 END::INT)
FROM accounts a LEFT JOIN days USING (account_id) LEFT JOIN power USING (account_id)
WHERE {UNDER_CONTRACT}
GROUP BY a.segment
"""

EXPANSION_READY = f"""
WITH recent AS (SELECT account_id, COUNT(DISTINCT user_id) AS n FROM user_activity_daily
                WHERE activity_date BETWEEN DATE '2026-10-02' AND DATE '2026-10-31' GROUP BY account_id),
     prior AS (SELECT account_id, COUNT(DISTINCT user_id) AS n FROM user_activity_daily
               WHERE activity_date BETWEEN DATE '2026-09-02' AND DATE '2026-10-01' GROUP BY account_id),
     latest AS (SELECT account_id, health_score FROM health_scores_weekly WHERE week_start = DATE '2026-10-26')
SELECT a.segment, COUNT(*)
FROM accounts a JOIN recent USING (account_id) LEFT JOIN prior USING (account_id) JOIN latest USING (account_id)
WHERE {UNDER_CONTRACT} AND recent.n > COALESCE(prior.n, 0) AND recent.n >= 0.9 * a.seats_purchased
  AND latest.health_score > 85
GROUP BY a.segment
"""


def test_current_health_usage_rate_and_expansion_readiness_match_hand_written_sql(demo_con):
    rows = run(demo_con, SemanticQuery(metrics=["health_score", "product_usage_rate", "expansion_ready_accounts"],
                                       time_range=OCTOBER_2026, dimensions=["segment"]))
    health = dict(demo_con.execute(CURRENT_HEALTH).fetchall())
    usage = dict(demo_con.execute(USAGE_RATE).fetchall())
    ready = dict(demo_con.execute(EXPANSION_READY).fetchall())
    assert {r["segment"] for r in rows} == set(health) == set(usage)
    for r in rows:
        assert r["health_score"] == pytest.approx(health[r["segment"]], abs=0.01)
        assert r["product_usage_rate"] == pytest.approx(usage[r["segment"]], abs=0.01)
        assert r["expansion_ready_accounts"] == ready.get(r["segment"], 0)
    assert sum(ready.values()) > 0 and 0 < min(usage.values()) < 100  # the data is not degenerate

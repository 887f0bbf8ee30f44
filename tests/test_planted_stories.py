"""The planted stories of data/README.md are visible in the demo warehouse.

Each test looks for its story the way an analyst would, with plain SQL over the raw
tables and no knowledge of which accounts the generator picked, and checks that the
story stands out from the rest of the data.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo_con")


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_a_one_signup_cohort_takes_twice_as_long_to_first_value(demo_con):
    cohorts = rows(demo_con, """
        WITH ttv AS (
            SELECT date_trunc('quarter', a.contract_start) AS cohort,
                   m.completed_on - a.contract_start AS days,
                   (SELECT count(*) FROM tickets t
                     WHERE t.account_id = a.account_id AND t.category = 'integration'
                       AND t.opened_at < a.contract_start + INTERVAL 150 DAY) AS integration_tickets
            FROM accounts a
            JOIN onboarding_milestones m ON m.account_id = a.account_id AND m.milestone = 'first_value'
            WHERE m.completed_on IS NOT NULL AND a.contract_start BETWEEN DATE '2024-01-01' AND DATE '2026-06-30'
        )
        SELECT cohort, median(days), avg(integration_tickets), count(*)
        FROM ttv GROUP BY cohort ORDER BY median(days) DESC
    """)
    slowest, runner_up = cohorts[0], cohorts[1]
    norm = sorted(c[1] for c in cohorts[1:])[len(cohorts[1:]) // 2]
    assert str(slowest[0])[:10] == "2025-04-01", cohorts
    assert 1.6 <= slowest[1] / norm <= 2.5, (slowest, norm)
    assert slowest[1] > 1.4 * runner_up[1]
    # Integration tickets spike with it.
    other_integration = sorted(c[2] for c in cohorts[1:])[len(cohorts[1:]) // 2]
    assert slowest[2] > 3 * other_integration, cohorts


def quarterly_nrr(con):
    return rows(con, """
        WITH q(quarter, base_month, end_month) AS (VALUES
            ('2026-Q1', DATE '2025-12-01', DATE '2026-03-01'),
            ('2026-Q2', DATE '2026-03-01', DATE '2026-06-01'),
            ('2026-Q3', DATE '2026-06-01', DATE '2026-09-01'))
        SELECT a.region, a.segment, q.quarter, count(*) AS starting,
               100 * sum(coalesce(e.mrr, 0)) / sum(b.mrr) AS nrr
        FROM q
        JOIN account_mrr_monthly b ON b.month = q.base_month
        JOIN accounts a ON a.account_id = b.account_id
        LEFT JOIN account_mrr_monthly e ON e.account_id = b.account_id AND e.month = q.end_month
        GROUP BY a.region, a.segment, q.quarter
    """)


def test_b_one_region_segment_loses_nrr_over_the_last_two_quarters(demo_con):
    nrr = {(r, s, q): (n, v) for r, s, q, n, v in quarterly_nrr(demo_con)}
    emea = [float(nrr[("EMEA", "Mid-Market", q)][1]) for q in ("2026-Q1", "2026-Q2", "2026-Q3")]
    assert emea[0] > emea[1] > emea[2], emea
    assert emea[0] - emea[2] >= 7, emea
    # The lowest Q3 NRR of every region × segment with a sizeable base.
    q3 = {(r, s): float(v) for (r, s, q), (n, v) in nrr.items() if q == "2026-Q3" and n >= 40}
    assert min(q3, key=q3.get) == ("EMEA", "Mid-Market"), q3


ENTERPRISE_FALLING = """
    WITH mau AS (
        SELECT account_id,
               count(DISTINCT user_id) FILTER (WHERE activity_date BETWEEN {recent}) AS recent,
               count(DISTINCT user_id) FILTER (WHERE activity_date BETWEEN {earlier}) AS earlier
        FROM user_activity_daily GROUP BY account_id
    )
    SELECT count(*)
    FROM accounts a JOIN mau USING (account_id)
    WHERE a.segment = 'Enterprise' AND mau.recent < 0.7 * mau.earlier
      AND EXISTS (SELECT 1 FROM tickets t
                   WHERE t.account_id = a.account_id AND t.priority IN ('high', 'urgent')
                     AND t.opened_at <= CAST({cutoff} AS TIMESTAMP) + INTERVAL 1 DAY
                     AND (t.resolved_at IS NULL OR t.resolved_at > CAST({cutoff} AS TIMESTAMP) + INTERVAL 1 DAY))
"""


def test_c_a_dozen_enterprise_accounts_lose_users_with_urgent_tickets_open(demo_con):
    now = rows(demo_con, ENTERPRISE_FALLING.format(
        recent="DATE '2026-10-02' AND DATE '2026-10-31'", earlier="DATE '2026-07-01' AND DATE '2026-07-30'", cutoff="DATE '2026-10-31'"))[0][0]
    a_year_before = rows(demo_con, ENTERPRISE_FALLING.format(
        recent="DATE '2025-10-02' AND DATE '2025-10-31'", earlier="DATE '2025-07-01' AND DATE '2025-07-30'", cutoff="DATE '2025-10-31'"))[0][0]
    assert 10 <= now <= 20, now
    assert a_year_before <= 3, a_year_before


def test_d_accounts_using_more_seats_than_bought_with_rising_usage(demo_con):
    ready = rows(demo_con, """
        WITH mau AS (
            SELECT account_id,
                   count(DISTINCT user_id) FILTER (WHERE activity_date BETWEEN DATE '2026-10-02' AND DATE '2026-10-31') AS oct,
                   count(DISTINCT user_id) FILTER (WHERE activity_date BETWEEN DATE '2026-06-01' AND DATE '2026-06-30') AS jun
            FROM user_activity_daily GROUP BY account_id
        )
        SELECT a.account_id, mau.oct, a.seats_purchased, mau.jun
        FROM accounts a JOIN mau USING (account_id)
        WHERE a.churned_on IS NULL AND mau.oct > a.seats_purchased AND mau.oct > 1.1 * mau.jun
    """)
    assert len(ready) >= 15, ready


def test_e_one_csm_book_loses_health_sharply_in_the_last_month(demo_con):
    drops = rows(demo_con, """
        WITH weekly AS (
            SELECT a.csm_id, h.week_start, avg(h.health_score) AS health
            FROM health_scores_weekly h JOIN accounts a USING (account_id)
            WHERE a.csm_id IS NOT NULL GROUP BY a.csm_id, h.week_start
        )
        SELECT csm_id,
               avg(health) FILTER (WHERE week_start >= DATE '2026-10-05')
             - avg(health) FILTER (WHERE week_start BETWEEN DATE '2026-09-07' AND DATE '2026-09-28') AS change
        FROM weekly GROUP BY csm_id ORDER BY change
    """)
    (worst_csm, worst), (_, second) = drops[0], drops[1]
    assert worst <= -10, drops[:3]
    assert second > worst / 2, drops[:3]
    # The drop is explained by its components: usage and support fell for that book.
    usage_change, support_change = rows(demo_con, f"""
        SELECT avg(usage_score) FILTER (WHERE week_start >= DATE '2026-10-05')
             - avg(usage_score) FILTER (WHERE week_start BETWEEN DATE '2026-09-07' AND DATE '2026-09-28'),
               avg(support_score) FILTER (WHERE week_start >= DATE '2026-10-05')
             - avg(support_score) FILTER (WHERE week_start BETWEEN DATE '2026-09-07' AND DATE '2026-09-28')
        FROM health_scores_weekly JOIN accounts USING (account_id) WHERE csm_id = '{worst_csm}'
    """)[0]
    assert usage_change < -15 and support_change < -5, (usage_change, support_change)

"""The demo warehouse behaves like real CS data: the correlations the domain expects hold.

Every number here comes from plain SQL over the raw tables. Thresholds are loose enough
for another seed and tight enough that a generator drawing tables independently fails.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo_con")

# Accounts paying in October 2025, with what happened to them by October 2026 and how
# they looked before: usage per seat, relationship NPS, time to value, urgent trouble.
COHORT = """
WITH base AS (
    SELECT b.account_id, b.mrr AS start_mrr, e.mrr AS end_mrr, a.segment, a.seats_purchased
    FROM account_mrr_monthly b
    JOIN accounts a USING (account_id)
    LEFT JOIN account_mrr_monthly e ON e.account_id = b.account_id AND e.month = DATE '2026-10-01'
    WHERE b.month = DATE '2025-10-01'
),
usage AS (
    SELECT account_id, count(*) / 30.0 AS active_users_per_day
    FROM user_activity_daily WHERE activity_date BETWEEN DATE '2025-09-01' AND DATE '2025-09-30'
    GROUP BY account_id
),
nps AS (
    SELECT account_id, avg(score) AS nps_avg FROM survey_responses
    WHERE survey_type = 'nps' AND responded_at < DATE '2025-10-01' GROUP BY account_id
),
ttv AS (
    SELECT m.account_id, m.completed_on - a.contract_start AS days
    FROM onboarding_milestones m JOIN accounts a USING (account_id) WHERE m.milestone = 'first_value'
),
urgent AS (
    SELECT account_id, count(*) AS unresolved_urgent FROM tickets
    WHERE priority IN ('high', 'urgent') AND opened_at < DATE '2026-06-01'
      AND (resolved_at IS NULL OR resolved_at > opened_at + INTERVAL 14 DAY)
      AND opened_at >= DATE '2025-06-01'
    GROUP BY account_id
),
breadth AS (
    SELECT account_id, count(DISTINCT feature) AS features_used
    FROM feature_usage_daily WHERE activity_date BETWEEN DATE '2025-09-01' AND DATE '2025-09-30'
    GROUP BY account_id
)
SELECT base.*, coalesce(u.active_users_per_day, 0) / base.seats_purchased AS usage_per_seat,
       percent_rank() OVER (PARTITION BY base.segment ORDER BY coalesce(u.active_users_per_day, 0) / base.seats_purchased) AS usage_rank,
       n.nps_avg, t.days AS ttv_days, coalesce(g.unresolved_urgent, 0) AS unresolved_urgent,
       coalesce(br.features_used, 0) AS features_used,
       end_mrr IS NULL AS churned, coalesce(end_mrr, 0) > start_mrr AS expanded
FROM base
LEFT JOIN usage u USING (account_id) LEFT JOIN nps n USING (account_id)
LEFT JOIN ttv t USING (account_id) LEFT JOIN urgent g USING (account_id)
LEFT JOIN breadth br USING (account_id)
"""


def rate(con, outcome: str, condition: str) -> float:
    return con.execute(f"SELECT avg(CAST({outcome} AS DOUBLE)) FROM ({COHORT}) WHERE {condition}").fetchone()[0]


def churn_vs_segment_norm(con, condition: str) -> float:
    """Churned accounts matching `condition` ÷ the churn their segments' base rates predict.

    Standardising by segment keeps Enterprise (many tickets, slow onboarding, little churn)
    from hiding a signal that holds within every segment."""
    return con.execute(f"""
        WITH c AS ({COHORT}), norm AS (SELECT segment, avg(CAST(churned AS DOUBLE)) AS base FROM c GROUP BY segment)
        SELECT sum(CAST(churned AS DOUBLE)) / sum(base) FROM c JOIN norm USING (segment) WHERE {condition}""").fetchone()[0]


@pytest.mark.parametrize("risky, safe", [
    ("usage_rank < 0.25", "usage_rank > 0.75"),
    ("nps_avg < 7", "nps_avg >= 8"),
    ("ttv_days > 60 OR ttv_days IS NULL", "ttv_days <= 30"),
    ("unresolved_urgent >= 1", "unresolved_urgent = 0"),
], ids=["low usage", "detractor NPS", "slow time to value", "unresolved urgent tickets"])
def test_churn_is_likelier_with_each_risk_signal(demo_con, risky, safe):
    risky_ratio = churn_vs_segment_norm(demo_con, risky)
    safe_ratio = churn_vs_segment_norm(demo_con, safe)
    assert risky_ratio > 1.4 * safe_ratio, (risky_ratio, safe_ratio)


def test_expansion_is_likelier_with_broad_adoption_and_full_seats(demo_con):
    broad = rate(demo_con, "expanded", "features_used >= 9")
    narrow = rate(demo_con, "expanded", "features_used <= 5")
    assert broad > 1.5 * narrow, (broad, narrow)
    full = rate(demo_con, "expanded", "usage_rank > 0.75")
    empty = rate(demo_con, "expanded", "usage_rank < 0.25")
    assert full > 1.5 * empty, (full, empty)


def by_segment(con, sql):
    return {segment: value for segment, value in con.execute(sql).fetchall()}


def test_enterprise_pays_more_onboards_slower_and_churns_less_than_smb(demo_con):
    mrr = by_segment(demo_con, "SELECT segment, avg(mrr) FROM account_mrr_monthly JOIN accounts USING (account_id) WHERE month = DATE '2026-10-01' GROUP BY segment")
    assert mrr["Enterprise"] > 3 * mrr["Mid-Market"] > 3 * mrr["SMB"], mrr
    ttv = by_segment(demo_con, """SELECT a.segment, median(m.completed_on - a.contract_start) FROM onboarding_milestones m
                                  JOIN accounts a USING (account_id) WHERE m.milestone = 'first_value' GROUP BY a.segment""")
    assert ttv["Enterprise"] > 1.5 * ttv["SMB"], ttv
    churn = by_segment(demo_con, f"SELECT segment, avg(CAST(churned AS DOUBLE)) FROM ({COHORT}) GROUP BY segment")
    assert churn["SMB"] > 2 * churn["Enterprise"], churn
    assert 0.01 <= churn["Enterprise"] <= 0.10 and 0.08 <= churn["SMB"] <= 0.30, churn


def test_enterprise_has_named_csms_and_smb_is_low_touch(demo_con):
    models = demo_con.execute("""
        SELECT segment, avg(CAST(service_model = 'named' AND csm_id IS NOT NULL AS DOUBLE)),
               avg(CAST(service_model = 'low-touch' AND csm_id IS NULL AS DOUBLE))
        FROM accounts GROUP BY segment""").fetchall()
    shares = {segment: (named, low_touch) for segment, named, low_touch in models}
    assert shares["Enterprise"][0] == 1.0
    assert shares["SMB"][1] > 0.8


def test_usage_dips_in_august_and_at_year_end(demo_con):
    per_month = dict(demo_con.execute("""
        SELECT strftime(activity_date, '%m'), count(*) / count(DISTINCT activity_date)
        FROM user_activity_daily
        WHERE activity_date BETWEEN DATE '2024-06-01' AND DATE '2024-12-31' AND dayofweek(activity_date) BETWEEN 1 AND 5
        GROUP BY 1""").fetchall())
    # Compared with the mean of July and September, so the growing customer base cancels out.
    assert per_month["08"] < 0.92 * (per_month["07"] + per_month["09"]) / 2, per_month
    assert per_month["12"] < per_month["11"], per_month


def test_weekends_are_quiet(demo_con):
    weekday, weekend = demo_con.execute("""
        SELECT count(*) FILTER (WHERE dayofweek(activity_date) BETWEEN 1 AND 5) / 5.0,
               count(*) FILTER (WHERE dayofweek(activity_date) IN (0, 6)) / 2.0
        FROM user_activity_daily""").fetchone()
    assert weekend < 0.2 * weekday


def test_renewals_fall_on_contract_anniversaries(demo_con):
    off = demo_con.execute("""
        SELECT count(*) FROM renewals r JOIN accounts a USING (account_id)
        WHERE date_diff('month', a.contract_start, r.term_end + 1) % 12 <> 0
           OR (day(r.term_end + 1) <> day(a.contract_start) AND day(r.term_end + 1) <> day(last_day(r.term_end + 1)))""").fetchone()[0]
    assert off == 0
    churned_without_anniversary = demo_con.execute("""
        SELECT count(*) FROM renewals r JOIN accounts a USING (account_id)
        WHERE r.outcome = 'churned' AND a.churned_on <> r.term_end + 1""").fetchone()[0]
    assert churned_without_anniversary == 0


def test_mrr_stops_when_an_account_churns(demo_con):
    after = demo_con.execute("""
        SELECT count(*) FROM account_mrr_monthly m JOIN accounts a USING (account_id)
        WHERE a.churned_on IS NOT NULL AND m.month >= date_trunc('month', a.churned_on)""").fetchone()[0]
    before_start = demo_con.execute("""
        SELECT count(*) FROM account_mrr_monthly m JOIN accounts a USING (account_id)
        WHERE m.month < date_trunc('month', a.contract_start)""").fetchone()[0]
    assert (after, before_start) == (0, 0)


def test_health_is_the_contract_weighting_of_its_components(demo_con):
    worst = demo_con.execute("""
        SELECT max(abs(health_score - (0.4 * usage_score + 0.2 * support_score + 0.2 * engagement_score
                                       + 0.1 * payment_score + 0.1 * executive_score)))
        FROM health_scores_weekly""").fetchone()[0]
    assert worst <= 0.051


def test_health_components_follow_behaviour(demo_con):
    usage_corr, support_corr = demo_con.execute("""
        WITH weekly AS (
            SELECT account_id, CAST(date_trunc('week', activity_date) AS DATE) AS week_start, count(*) AS user_days
            FROM user_activity_daily GROUP BY ALL
        ),
        open_severe AS (
            SELECT h.account_id, h.week_start, count(t.ticket_id) AS severe
            FROM health_scores_weekly h LEFT JOIN tickets t
              ON t.account_id = h.account_id AND t.priority IN ('high', 'urgent')
             AND t.opened_at < h.week_start + 7 AND (t.resolved_at IS NULL OR t.resolved_at >= h.week_start + 7)
            WHERE h.week_start >= DATE '2026-01-01'
            GROUP BY ALL
        )
        SELECT corr(h.usage_score, coalesce(w.user_days, 0) / a.seats_purchased),
               corr(h.support_score, o.severe)
        FROM health_scores_weekly h
        JOIN accounts a USING (account_id)
        JOIN open_severe o USING (account_id, week_start)
        LEFT JOIN weekly w USING (account_id, week_start)""").fetchone()
    assert usage_corr > 0.5, usage_corr
    assert support_corr < -0.5, support_corr


def test_headline_metrics_sit_in_believable_ranges(demo_con):
    nps, csat, fcr = demo_con.execute("""
        SELECT (SELECT 100 * avg(CAST(score >= 9 AS DOUBLE)) - 100 * avg(CAST(score <= 6 AS DOUBLE))
                  FROM survey_responses WHERE survey_type = 'nps' AND responded_at >= DATE '2025-11-01'),
               (SELECT 100 * avg(CAST(score >= 4 AS DOUBLE)) FROM survey_responses
                 WHERE survey_type = 'csat' AND responded_at >= DATE '2025-11-01'),
               (SELECT 100 * avg(CAST(contacts_to_resolve = 1 AS DOUBLE)) FROM tickets WHERE status = 'resolved')""").fetchone()
    assert 10 <= nps <= 60 and 70 <= csat <= 95 and 65 <= fcr <= 90, (nps, csat, fcr)
    bands = dict(demo_con.execute("""
        SELECT CASE WHEN health_score >= 80 THEN 'green' WHEN health_score >= 50 THEN 'yellow' ELSE 'red' END, count(*)
        FROM health_scores_weekly WHERE week_start = DATE '2026-10-26' GROUP BY 1""").fetchall())
    assert min(bands.get(b, 0) for b in ("green", "yellow", "red")) >= 10, bands

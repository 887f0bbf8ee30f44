-- case: metric_health_risk_accounts
-- query: {"metrics":["health_risk_accounts"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Health-risk accounts (health_risk_accounts): count of distinct accounts with a weekly health_score < 60 in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), health_weeks AS (
  /* health_weeks: health_risk_accounts */
  SELECT
    periods.period_start,
    COUNT(DISTINCT CASE WHEN health_scores_weekly.health_score < 60 THEN health_scores_weekly.account_id END) AS health_risk_accounts
  FROM health_scores_weekly
  JOIN periods
    ON health_scores_weekly.week_start BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(health_weeks.health_risk_accounts, 0) AS health_risk_accounts
  FROM grid
  LEFT JOIN health_weeks
    ON health_weeks.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.health_risk_accounts AS health_risk_accounts
FROM results
ORDER BY
  results.period_start,
  results.period_end

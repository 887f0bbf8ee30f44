-- case: metric_feature_adoption_rate
-- query: {"metrics":["feature_adoption_rate"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Feature adoption rate (feature_adoption_rate): accounts that used the feature in P ÷ active accounts in P × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), feature_use AS (
  /* feature_use: feature_accounts */
  SELECT
    periods.period_start,
    COUNT(DISTINCT feature_usage_daily.account_id) AS feature_accounts
  FROM feature_usage_daily
  JOIN periods
    ON feature_usage_daily.activity_date BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start
), daily_activity AS (
  /* daily_activity: active_accounts */
  SELECT
    periods.period_start,
    COUNT(DISTINCT user_activity_daily.account_id) AS active_accounts
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.period_start AND periods.period_end
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
    (
      COALESCE(feature_use.feature_accounts, 0) / NULLIF(COALESCE(daily_activity.active_accounts, 0), 0)
    ) * 100.0 AS feature_adoption_rate
  FROM grid
  LEFT JOIN feature_use
    ON feature_use.period_start = grid.period_start
  LEFT JOIN daily_activity
    ON daily_activity.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.feature_adoption_rate AS feature_adoption_rate
FROM results
ORDER BY
  results.period_start,
  results.period_end

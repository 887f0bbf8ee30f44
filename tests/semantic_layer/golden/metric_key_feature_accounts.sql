-- case: metric_key_feature_accounts
-- query: {"metrics":["key_feature_accounts"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Accounts using a key feature (key_feature_accounts): count of distinct accounts with a key-feature event in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), feature_use AS (
  /* feature_use: key_feature_accounts */
  SELECT
    periods.period_start,
    COUNT(DISTINCT CASE WHEN features.is_key_feature THEN feature_usage_daily.account_id END) AS key_feature_accounts
  FROM feature_usage_daily
  LEFT JOIN features
    ON features.feature = feature_usage_daily.feature
  JOIN periods
    ON feature_usage_daily.activity_date BETWEEN periods.period_start AND periods.period_end
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
    COALESCE(feature_use.key_feature_accounts, 0) AS key_feature_accounts
  FROM grid
  LEFT JOIN feature_use
    ON feature_use.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.key_feature_accounts AS key_feature_accounts
FROM results
ORDER BY
  results.period_start,
  results.period_end

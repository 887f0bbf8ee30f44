-- case: metric_dau_mau
-- query: {"metrics":["dau_mau"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Stickiness (DAU/MAU) (dau_mau): DAU ÷ MAU
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   User activity in the last 30 days (the last 30 days of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_30_start)
), daily_activity AS (
  /* daily_activity: dau */
  SELECT
    periods.period_start,
    COUNT(*) AS dau__numerator,
    MAX(periods.period_days) AS dau__denominator
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start
), monthly_activity AS (
  /* monthly_activity: mau */
  SELECT
    periods.period_start,
    COUNT(DISTINCT user_activity_daily.user_id) AS mau
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_30_start AND periods.period_end
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
    COALESCE(daily_activity.dau__numerator * 1.0 / NULLIF(daily_activity.dau__denominator, 0), 0) / NULLIF(COALESCE(monthly_activity.mau, 0), 0) AS dau_mau
  FROM grid
  LEFT JOIN daily_activity
    ON daily_activity.period_start = grid.period_start
  LEFT JOIN monthly_activity
    ON monthly_activity.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.dau_mau AS dau_mau
FROM results
ORDER BY
  results.period_start,
  results.period_end

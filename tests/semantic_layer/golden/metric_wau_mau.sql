-- case: metric_wau_mau
-- query: {"metrics":["wau_mau"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Stickiness (WAU/MAU) (wau_mau): WAU ÷ MAU
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   User activity in the last 7 days (the last 7 days of each period).
--   User activity in the last 30 days (the last 30 days of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2025-07-01' AS DATE),
      CAST('2025-09-30' AS DATE),
      92,
      CAST('2025-06-01' AS DATE),
      CAST('2025-09-01' AS DATE),
      CAST('2025-09-24' AS DATE),
      CAST('2025-09-01' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, trailing_30_start)
), weekly_activity AS (
  /* weekly_activity: wau */
  SELECT
    periods.period_start,
    COUNT(DISTINCT user_activity_daily.user_id) AS wau
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_7_start AND periods.period_end
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
    COALESCE(weekly_activity.wau, 0) / NULLIF(COALESCE(monthly_activity.mau, 0), 0) AS wau_mau
  FROM grid
  LEFT JOIN weekly_activity
    ON weekly_activity.period_start = grid.period_start
  LEFT JOIN monthly_activity
    ON monthly_activity.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.wau_mau AS wau_mau
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_avg_session_minutes
-- query: {"metrics":["avg_session_minutes"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Average session length (avg_session_minutes): minutes active ÷ sessions
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), daily_activity AS (
  /* daily_activity: avg_session_minutes */
  SELECT
    CAST(DATE_TRUNC('QUARTER', user_activity_daily.activity_date) AS DATE) AS period_start,
    SUM(user_activity_daily.minutes_active) AS avg_session_minutes__numerator,
    SUM(user_activity_daily.sessions) AS avg_session_minutes__denominator
  FROM user_activity_daily
  WHERE
    user_activity_daily.activity_date >= CAST('2025-07-01' AS DATE) AND user_activity_daily.activity_date < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', user_activity_daily.activity_date) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    daily_activity.avg_session_minutes__numerator * 1.0 / NULLIF(daily_activity.avg_session_minutes__denominator, 0) AS avg_session_minutes
  FROM grid
  LEFT JOIN daily_activity
    ON daily_activity.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.avg_session_minutes AS avg_session_minutes
FROM results
ORDER BY
  results.period_start,
  results.period_end

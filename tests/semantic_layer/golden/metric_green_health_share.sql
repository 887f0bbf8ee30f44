-- case: metric_green_health_share
-- query: {"metrics":["green_health_share"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Green health share (green_health_share): accounts whose latest weekly health_score ≥ 80 ÷ accounts with a latest weekly score × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Each account's latest weekly health score, the week starting in the period's last 7 days (the last 7 days of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE), CAST('2025-09-24' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start)
), latest_health_week AS (
  /* latest_health_week: green_health_share */
  SELECT
    periods.period_start,
    COUNT(DISTINCT CASE WHEN health_scores_weekly.health_score >= 80 THEN health_scores_weekly.account_id END) AS green_health_share__numerator,
    COUNT(DISTINCT health_scores_weekly.account_id) AS green_health_share__denominator
  FROM health_scores_weekly
  JOIN periods
    ON health_scores_weekly.week_start BETWEEN periods.trailing_7_start AND periods.period_end
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
    latest_health_week.green_health_share__numerator * 100.0 / NULLIF(latest_health_week.green_health_share__denominator, 0) AS green_health_share
  FROM grid
  LEFT JOIN latest_health_week
    ON latest_health_week.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.green_health_share AS green_health_share,
  (
    SELECT
      MIN(latest_health_week.green_health_share__denominator)
    FROM latest_health_week
  ) AS green_health_share__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

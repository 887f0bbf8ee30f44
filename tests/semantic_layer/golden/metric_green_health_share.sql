-- case: metric_green_health_share
-- query: {"metrics":["green_health_share"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Green health share (green_health_share): account-weeks with health_score ≥ 80 ÷ account-weeks × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), health_weeks AS (
  /* health_weeks: green_health_share */
  SELECT
    periods.period_start,
    COUNT(CASE WHEN health_scores_weekly.health_score >= 80 THEN 1 END) AS green_health_share__numerator,
    COUNT(*) AS green_health_share__denominator
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
    health_weeks.green_health_share__numerator * 100.0 / NULLIF(health_weeks.green_health_share__denominator, 0) AS green_health_share
  FROM grid
  LEFT JOIN health_weeks
    ON health_weeks.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.green_health_share AS green_health_share
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_health_score_avg
-- query: {"metrics":["health_score_avg"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Average weekly health score (health_score_avg): mean of weekly health_score over the account-weeks starting in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), health_weeks AS (
  /* health_weeks: health_score_avg */
  SELECT
    CAST(DATE_TRUNC('QUARTER', health_scores_weekly.week_start) AS DATE) AS period_start,
    AVG(health_scores_weekly.health_score) AS health_score_avg
  FROM health_scores_weekly
  WHERE
    health_scores_weekly.week_start >= CAST('2025-07-01' AS DATE) AND health_scores_weekly.week_start < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', health_scores_weekly.week_start) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    health_weeks.health_score_avg AS health_score_avg
  FROM grid
  LEFT JOIN health_weeks
    ON health_weeks.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.health_score_avg AS health_score_avg
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_trial_conversion_rate
-- query: {"metrics":["trial_conversion_rate"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Free-trial conversion rate (trial_conversion_rate): trials started in P that converted ÷ trials started in P × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), trials_started AS (
  /* trials_started: trial_conversion_rate */
  SELECT
    CAST(DATE_TRUNC('QUARTER', trials.started_on) AS DATE) AS period_start,
    COUNT(CASE WHEN NOT trials.converted_on IS NULL THEN 1 END) AS trial_conversion_rate__numerator,
    COUNT(*) AS trial_conversion_rate__denominator
  FROM trials
  WHERE
    trials.started_on >= CAST('2025-07-01' AS DATE) AND trials.started_on < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', trials.started_on) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    trials_started.trial_conversion_rate__numerator * 100.0 / NULLIF(trials_started.trial_conversion_rate__denominator, 0) AS trial_conversion_rate
  FROM grid
  LEFT JOIN trials_started
    ON trials_started.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.trial_conversion_rate AS trial_conversion_rate,
  (
    SELECT
      MIN(trials_started.trial_conversion_rate__denominator)
    FROM trials_started
  ) AS trial_conversion_rate__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

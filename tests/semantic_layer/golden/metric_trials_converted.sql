-- case: metric_trials_converted
-- query: {"metrics":["trials_converted"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Trials converted (trials_converted): count of trials started in P with a converted_on date
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), trials_started AS (
  /* trials_started: trials_converted */
  SELECT
    CAST(DATE_TRUNC('QUARTER', trials.started_on) AS DATE) AS period_start,
    COUNT(CASE WHEN NOT trials.converted_on IS NULL THEN 1 END) AS trials_converted
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
    COALESCE(trials_started.trials_converted, 0) AS trials_converted
  FROM grid
  LEFT JOIN trials_started
    ON trials_started.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.trials_converted AS trials_converted
FROM results
ORDER BY
  results.period_start,
  results.period_end

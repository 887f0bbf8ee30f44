-- case: metric_resolution_hours_median
-- query: {"metrics":["resolution_hours_median"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Median resolution time (resolution_hours_median): median hours from opened_at to resolved_at
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_resolved AS (
  /* tickets_resolved: resolution_hours_median */
  SELECT
    CAST(DATE_TRUNC('QUARTER', tickets.resolved_at) AS DATE) AS period_start,
    QUANTILE_CONT(DATE_DIFF('SECOND', tickets.opened_at, tickets.resolved_at) / 3600.0, 0.5
    ORDER BY
      DATE_DIFF('SECOND', tickets.opened_at, tickets.resolved_at) / 3600.0) AS resolution_hours_median
  FROM tickets
  WHERE
    tickets.resolved_at >= CAST('2025-07-01' AS DATE) AND tickets.resolved_at < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', tickets.resolved_at) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    tickets_resolved.resolution_hours_median AS resolution_hours_median
  FROM grid
  LEFT JOIN tickets_resolved
    ON tickets_resolved.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.resolution_hours_median AS resolution_hours_median
FROM results
ORDER BY
  results.period_start,
  results.period_end

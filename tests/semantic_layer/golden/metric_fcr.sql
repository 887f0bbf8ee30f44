-- case: metric_fcr
-- query: {"metrics":["fcr"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   First contact resolution (fcr): resolved tickets with contacts_to_resolve = 1 ÷ resolved tickets × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_resolved AS (
  /* tickets_resolved: fcr */
  SELECT
    CAST(DATE_TRUNC('QUARTER', tickets.resolved_at) AS DATE) AS period_start,
    COUNT(CASE WHEN NOT tickets.resolved_at IS NULL AND tickets.contacts_to_resolve = 1 THEN 1 END) AS fcr__numerator,
    COUNT(CASE WHEN NOT tickets.resolved_at IS NULL THEN 1 END) AS fcr__denominator
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
    tickets_resolved.fcr__numerator * 100.0 / NULLIF(tickets_resolved.fcr__denominator, 0) AS fcr
  FROM grid
  LEFT JOIN tickets_resolved
    ON tickets_resolved.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.fcr AS fcr,
  (
    SELECT
      MIN(tickets_resolved.fcr__denominator)
    FROM tickets_resolved
  ) AS fcr__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

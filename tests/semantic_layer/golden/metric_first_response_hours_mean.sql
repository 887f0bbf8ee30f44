-- case: metric_first_response_hours_mean
-- query: {"metrics":["first_response_hours_mean"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Mean first response time (first_response_hours_mean): mean hours from opened_at to first_response_at
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_opened AS (
  /* tickets_opened: first_response_hours_mean */
  SELECT
    CAST(DATE_TRUNC('QUARTER', tickets.opened_at) AS DATE) AS period_start,
    AVG(CASE WHEN NOT tickets.first_response_at IS NULL THEN DATE_DIFF('SECOND', tickets.opened_at, tickets.first_response_at) / 3600.0 END) AS first_response_hours_mean
  FROM tickets
  WHERE
    tickets.opened_at >= CAST('2025-07-01' AS DATE) AND tickets.opened_at < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', tickets.opened_at) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    tickets_opened.first_response_hours_mean AS first_response_hours_mean
  FROM grid
  LEFT JOIN tickets_opened
    ON tickets_opened.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.first_response_hours_mean AS first_response_hours_mean
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_ticket_volume
-- query: {"metrics":["ticket_volume"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Ticket volume (ticket_volume): count of tickets opened in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_opened AS (
  /* tickets_opened: ticket_volume */
  SELECT
    CAST(DATE_TRUNC('QUARTER', tickets.opened_at) AS DATE) AS period_start,
    COUNT(*) AS ticket_volume
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
    COALESCE(tickets_opened.ticket_volume, 0) AS ticket_volume
  FROM grid
  LEFT JOIN tickets_opened
    ON tickets_opened.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.ticket_volume AS ticket_volume
FROM results
ORDER BY
  results.period_start,
  results.period_end

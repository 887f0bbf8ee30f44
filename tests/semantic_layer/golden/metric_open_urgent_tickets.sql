-- case: metric_open_urgent_tickets
-- query: {"metrics":["open_urgent_tickets"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Open urgent tickets (open_urgent_tickets): count of urgent tickets opened by the end of P and not resolved by then
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Support tickets still open (as at the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_open AS (
  /* tickets_open: open_urgent_tickets */
  SELECT
    periods.period_start,
    COUNT(CASE WHEN tickets.priority = 'urgent' THEN 1 END) AS open_urgent_tickets
  FROM tickets
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) <= periods.period_end
    AND (
      CAST(tickets.resolved_at AS DATE) IS NULL OR CAST(tickets.resolved_at AS DATE) > periods.period_end
    )
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
    COALESCE(tickets_open.open_urgent_tickets, 0) AS open_urgent_tickets
  FROM grid
  LEFT JOIN tickets_open
    ON tickets_open.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.open_urgent_tickets AS open_urgent_tickets
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: urgent_and_high_tickets_weekly_by_category
-- query: {"metrics":["ticket_volume","first_response_hours_median"],"time_range":{"start":"2026-10-05","end":"2026-10-25"},"grain":"week","dimensions":["ticket_category"],"filters":[{"dimension":"ticket_priority","op":"in","values":["urgent","high"]}],"order_by":[{"field":"ticket_volume","descending":true}],"limit":20}
-- explanation:
--   Ticket volume (ticket_volume): count of tickets opened in P
--   Median first response time (first_response_hours_median): median hours from opened_at to first_response_at
--   Trend: one row per week, 3 weeks from 2026-10-05 to 2026-10-25.
--   Filters: Ticket priority in urgent, high.
--   One row per week and ticket category.
--   Ordered by ticket_volume descending.
--   At most 20 rows.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2026-10-05' AS DATE), CAST('2026-10-11' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE)),
    (CAST('2026-10-12' AS DATE), CAST('2026-10-18' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE)),
    (CAST('2026-10-19' AS DATE), CAST('2026-10-25' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), tickets_opened AS (
  /* tickets_opened: ticket_volume, first_response_hours_median */
  SELECT
    periods.period_start,
    tickets.category AS ticket_category,
    COUNT(*) AS ticket_volume,
    QUANTILE_CONT(CASE WHEN NOT tickets.first_response_at IS NULL THEN DATE_DIFF('SECOND', tickets.opened_at, tickets.first_response_at) / 3600.0 END, 0.5
    ORDER BY
      CASE WHEN NOT tickets.first_response_at IS NULL THEN DATE_DIFF('SECOND', tickets.opened_at, tickets.first_response_at) / 3600.0 END) AS first_response_hours_median
  FROM tickets
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  WHERE
    tickets.priority IN ('urgent', 'high')
  GROUP BY
    periods.period_start,
    tickets.category
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    dimension_values.ticket_category
  FROM periods
  CROSS JOIN (
    SELECT
      tickets_values.ticket_category
    FROM (
      SELECT DISTINCT
        tickets.category AS ticket_category
      FROM tickets
      WHERE
        tickets.priority IN ('urgent', 'high')
    ) AS tickets_values
    UNION
    SELECT
      tickets_opened.ticket_category
    FROM tickets_opened
    WHERE
      NOT tickets_opened.ticket_category IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.ticket_category,
    COALESCE(tickets_opened.ticket_volume, 0) AS ticket_volume,
    tickets_opened.first_response_hours_median AS first_response_hours_median
  FROM grid
  LEFT JOIN tickets_opened
    ON tickets_opened.period_start = grid.period_start AND tickets_opened.ticket_category IS NOT DISTINCT FROM grid.ticket_category
)
SELECT
  results.period_start,
  results.period_end,
  results.ticket_category,
  results.ticket_volume AS ticket_volume,
  results.first_response_hours_median AS first_response_hours_median
FROM results
ORDER BY
  results.ticket_volume DESC,
  results.period_start,
  results.period_end,
  results.ticket_category
LIMIT 20

-- case: metric_last_qbr_date
-- query: {"metrics":["last_qbr_date"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Last QBR date (last_qbr_date): the latest meeting_date of a qbr meeting on or before the end of P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   CS meetings held by the period's last day (on or before the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), meetings_to_date AS (
  /* meetings_to_date: last_qbr_date */
  SELECT
    periods.period_start,
    MAX(CASE WHEN meetings.meeting_type = 'qbr' THEN meetings.meeting_date END) AS last_qbr_date
  FROM meetings
  JOIN periods
    ON meetings.meeting_date <= periods.period_end
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
    meetings_to_date.last_qbr_date AS last_qbr_date
  FROM grid
  LEFT JOIN meetings_to_date
    ON meetings_to_date.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.last_qbr_date AS last_qbr_date
FROM results
ORDER BY
  results.period_start,
  results.period_end

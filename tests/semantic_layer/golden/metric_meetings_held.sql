-- case: metric_meetings_held
-- query: {"metrics":["meetings_held"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   CS meetings held (meetings_held): count of meetings in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), cs_meetings AS (
  /* cs_meetings: meetings_held */
  SELECT
    CAST(DATE_TRUNC('QUARTER', meetings.meeting_date) AS DATE) AS period_start,
    COUNT(*) AS meetings_held
  FROM meetings
  WHERE
    meetings.meeting_date >= CAST('2025-07-01' AS DATE) AND meetings.meeting_date < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', meetings.meeting_date) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(cs_meetings.meetings_held, 0) AS meetings_held
  FROM grid
  LEFT JOIN cs_meetings
    ON cs_meetings.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.meetings_held AS meetings_held
FROM results
ORDER BY
  results.period_start,
  results.period_end

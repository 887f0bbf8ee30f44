-- case: metric_qbr_count
-- query: {"metrics":["qbr_count"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   QBRs held (qbr_count): count of meetings of type qbr in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), cs_meetings AS (
  /* cs_meetings: qbr_count */
  SELECT
    CAST(DATE_TRUNC('QUARTER', meetings.meeting_date) AS DATE) AS period_start,
    COUNT(CASE WHEN meetings.meeting_type = 'qbr' THEN 1 END) AS qbr_count
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
    COALESCE(cs_meetings.qbr_count, 0) AS qbr_count
  FROM grid
  LEFT JOIN cs_meetings
    ON cs_meetings.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.qbr_count AS qbr_count
FROM results
ORDER BY
  results.period_start,
  results.period_end

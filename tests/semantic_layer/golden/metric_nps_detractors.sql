-- case: metric_nps_detractors
-- query: {"metrics":["nps_detractors"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Detractors (count) (nps_detractors): count of nps responses in P with score 0–6
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), surveys AS (
  /* surveys: nps_detractors */
  SELECT
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE) AS period_start,
    COUNT(CASE WHEN survey_responses.survey_type = 'nps' AND survey_responses.score <= 6 THEN 1 END) AS nps_detractors
  FROM survey_responses
  WHERE
    survey_responses.responded_at >= CAST('2025-07-01' AS DATE) AND survey_responses.responded_at < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(surveys.nps_detractors, 0) AS nps_detractors
  FROM grid
  LEFT JOIN surveys
    ON surveys.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.nps_detractors AS nps_detractors
FROM results
ORDER BY
  results.period_start,
  results.period_end

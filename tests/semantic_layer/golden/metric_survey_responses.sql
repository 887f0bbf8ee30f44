-- case: metric_survey_responses
-- query: {"metrics":["survey_responses"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Survey responses (survey_responses): count of survey_responses with responded_at in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), surveys AS (
  /* surveys: survey_responses */
  SELECT
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE) AS period_start,
    COUNT(*) AS survey_responses
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
    COALESCE(surveys.survey_responses, 0) AS survey_responses
  FROM grid
  LEFT JOIN surveys
    ON surveys.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.survey_responses AS survey_responses
FROM results
ORDER BY
  results.period_start,
  results.period_end

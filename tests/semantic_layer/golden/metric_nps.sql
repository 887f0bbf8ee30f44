-- case: metric_nps
-- query: {"metrics":["nps"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Net promoter score (nps): % promoters (9–10) − % detractors (0–6) over nps responses in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), surveys AS (
  /* surveys: nps */
  SELECT
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE) AS period_start,
    SUM(CASE WHEN survey_responses.survey_type = 'nps' THEN CASE WHEN survey_responses.score >= 9 THEN 1 WHEN survey_responses.score <= 6 THEN -1 ELSE 0 END END) AS nps__numerator,
    COUNT(CASE WHEN survey_responses.survey_type = 'nps' THEN 1 END) AS nps__denominator
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
    surveys.nps__numerator * 100.0 / NULLIF(surveys.nps__denominator, 0) AS nps
  FROM grid
  LEFT JOIN surveys
    ON surveys.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.nps AS nps,
  (
    SELECT
      MIN(surveys.nps__denominator)
    FROM surveys
  ) AS nps__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_nps_promoters
-- query: {"metrics":["nps_promoters"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Promoters (count) (nps_promoters): count of nps responses in P with score 9–10
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), surveys AS (
  /* surveys: nps_promoters */
  SELECT
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE) AS period_start,
    COUNT(CASE WHEN survey_responses.survey_type = 'nps' AND survey_responses.score >= 9 THEN 1 END) AS nps_promoters
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
    COALESCE(surveys.nps_promoters, 0) AS nps_promoters
  FROM grid
  LEFT JOIN surveys
    ON surveys.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.nps_promoters AS nps_promoters
FROM results
ORDER BY
  results.period_start,
  results.period_end

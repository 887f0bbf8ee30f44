-- case: csat_quarterly_by_segment_in_two_regions
-- query: {"metrics":["csat","nps"],"time_range":{"start":"2025-01-01","end":"2025-12-31"},"grain":"quarter","dimensions":["segment"],"filters":[{"dimension":"region","op":"in","values":["EMEA","APAC"]}]}
-- explanation:
--   CSAT (csat): csat responses scoring 4–5 ÷ all csat responses × 100
--   Net promoter score (nps): % promoters (9–10) − % detractors (0–6) over nps responses in P
--   Trend: one row per quarter, 4 quarters from Q1 2025 to Q4 2025.
--   Filters: Region in EMEA, APAC.
--   One row per quarter and segment.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-01-01' AS DATE), CAST('2025-03-31' AS DATE), 90, CAST('2024-12-01' AS DATE), CAST('2025-03-01' AS DATE)),
    (CAST('2025-04-01' AS DATE), CAST('2025-06-30' AS DATE), 91, CAST('2025-03-01' AS DATE), CAST('2025-06-01' AS DATE)),
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE)),
    (CAST('2025-10-01' AS DATE), CAST('2025-12-31' AS DATE), 92, CAST('2025-09-01' AS DATE), CAST('2025-12-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), surveys AS (
  /* surveys: csat, nps */
  SELECT
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE) AS period_start,
    accounts.segment AS segment,
    COUNT(CASE WHEN survey_responses.survey_type = 'csat' AND survey_responses.score >= 4 THEN 1 END) AS csat__numerator,
    COUNT(CASE WHEN survey_responses.survey_type = 'csat' THEN 1 END) AS csat__denominator,
    SUM(CASE WHEN survey_responses.survey_type = 'nps' THEN CASE WHEN survey_responses.score >= 9 THEN 1 WHEN survey_responses.score <= 6 THEN -1 ELSE 0 END END) AS nps__numerator,
    COUNT(CASE WHEN survey_responses.survey_type = 'nps' THEN 1 END) AS nps__denominator
  FROM survey_responses
  LEFT JOIN accounts
    ON accounts.account_id = survey_responses.account_id
  WHERE
    (
      survey_responses.responded_at >= CAST('2025-01-01' AS DATE) AND survey_responses.responded_at < CAST('2026-01-01' AS DATE)
    )
    AND accounts.region IN ('EMEA', 'APAC')
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', survey_responses.responded_at) AS DATE),
    accounts.segment
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    dimension_values.segment
  FROM periods
  CROSS JOIN (
    SELECT
      accounts_values.segment
    FROM (
      SELECT DISTINCT
        accounts.segment AS segment
      FROM accounts
      WHERE
        accounts.region IN ('EMEA', 'APAC')
    ) AS accounts_values
    UNION
    SELECT
      surveys.segment
    FROM surveys
    WHERE
      NOT surveys.segment IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.segment,
    surveys.csat__numerator * 100.0 / NULLIF(surveys.csat__denominator, 0) AS csat,
    surveys.nps__numerator * 100.0 / NULLIF(surveys.nps__denominator, 0) AS nps
  FROM grid
  LEFT JOIN surveys
    ON surveys.period_start = grid.period_start AND surveys.segment IS NOT DISTINCT FROM grid.segment
)
SELECT
  results.period_start,
  results.period_end,
  results.segment,
  results.csat AS csat,
  results.nps AS nps,
  (
    SELECT
      MIN(surveys.csat__denominator)
    FROM surveys
  ) AS csat__sample,
  (
    SELECT
      MIN(surveys.nps__denominator)
    FROM surveys
  ) AS nps__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end,
  results.segment

-- case: metric_renewal_rate
-- query: {"metrics":["renewal_rate"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Renewal rate (renewal_rate): renewed ÷ up for renewal × 100, over renewals whose term ended in P and are decided
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), renewals_due AS (
  /* renewals_due: renewal_rate */
  SELECT
    CAST(DATE_TRUNC('QUARTER', renewals.term_end) AS DATE) AS period_start,
    COUNT(CASE WHEN renewals.outcome IN ('renewed', 'churned') AND renewals.outcome = 'renewed' THEN 1 END) AS renewal_rate__numerator,
    COUNT(CASE WHEN renewals.outcome IN ('renewed', 'churned') THEN 1 END) AS renewal_rate__denominator
  FROM renewals
  WHERE
    renewals.term_end >= CAST('2025-07-01' AS DATE) AND renewals.term_end < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', renewals.term_end) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    renewals_due.renewal_rate__numerator * 100.0 / NULLIF(renewals_due.renewal_rate__denominator, 0) AS renewal_rate
  FROM grid
  LEFT JOIN renewals_due
    ON renewals_due.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.renewal_rate AS renewal_rate,
  (
    SELECT
      MIN(renewals_due.renewal_rate__denominator)
    FROM renewals_due
  ) AS renewal_rate__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

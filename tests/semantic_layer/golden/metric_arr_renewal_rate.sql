-- case: metric_arr_renewal_rate
-- query: {"metrics":["arr_renewal_rate"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   ARR renewal rate (arr_renewal_rate): renewed ARR ÷ ARR up for renewal × 100, over decided renewals whose term ended in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), renewals_due AS (
  /* renewals_due: arr_renewal_rate */
  SELECT
    CAST(DATE_TRUNC('QUARTER', renewals.term_end) AS DATE) AS period_start,
    SUM(CASE WHEN renewals.outcome IN ('renewed', 'churned') AND renewals.outcome = 'renewed' THEN renewals.renewed_arr END) AS arr_renewal_rate__numerator,
    SUM(CASE WHEN renewals.outcome IN ('renewed', 'churned') THEN renewals.arr_up_for_renewal END) AS arr_renewal_rate__denominator
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
    renewals_due.arr_renewal_rate__numerator * 100.0 / NULLIF(renewals_due.arr_renewal_rate__denominator, 0) AS arr_renewal_rate
  FROM grid
  LEFT JOIN renewals_due
    ON renewals_due.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.arr_renewal_rate AS arr_renewal_rate
FROM results
ORDER BY
  results.period_start,
  results.period_end

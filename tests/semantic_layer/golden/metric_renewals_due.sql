-- case: metric_renewals_due
-- query: {"metrics":["renewals_due"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Renewals due (renewals_due): count of renewals with term_end in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), renewals_due AS (
  /* renewals_due: renewals_due */
  SELECT
    CAST(DATE_TRUNC('QUARTER', renewals.term_end) AS DATE) AS period_start,
    COUNT(*) AS renewals_due
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
    COALESCE(renewals_due.renewals_due, 0) AS renewals_due
  FROM grid
  LEFT JOIN renewals_due
    ON renewals_due.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.renewals_due AS renewals_due
FROM results
ORDER BY
  results.period_start,
  results.period_end

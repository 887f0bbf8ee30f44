-- case: metric_lost_renewal_term_end
-- query: {"metrics":["lost_renewal_term_end"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Lost renewal term end (lost_renewal_term_end): the latest term_end in P of a renewal with outcome churned
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), renewals_due AS (
  /* renewals_due: lost_renewal_term_end */
  SELECT
    CAST(DATE_TRUNC('QUARTER', renewals.term_end) AS DATE) AS period_start,
    MAX(CASE WHEN renewals.outcome = 'churned' THEN renewals.term_end END) AS lost_renewal_term_end
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
    renewals_due.lost_renewal_term_end AS lost_renewal_term_end
  FROM grid
  LEFT JOIN renewals_due
    ON renewals_due.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.lost_renewal_term_end AS lost_renewal_term_end
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_overdue_renewal_arr
-- query: {"metrics":["overdue_renewal_arr"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Overdue renewal ARR (overdue_renewal_arr): sum of arr_up_for_renewal of renewals with term_end on or before the end of P and outcome pending
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Contract terms ended by the period's last day (on or before the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), ended_renewals AS (
  /* ended_renewals: overdue_renewal_arr */
  SELECT
    periods.period_start,
    SUM(CASE WHEN renewals.outcome = 'pending' THEN renewals.arr_up_for_renewal END) AS overdue_renewal_arr
  FROM renewals
  JOIN periods
    ON renewals.term_end <= periods.period_end
  GROUP BY
    periods.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(ended_renewals.overdue_renewal_arr, 0) AS overdue_renewal_arr
  FROM grid
  LEFT JOIN ended_renewals
    ON ended_renewals.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.overdue_renewal_arr AS overdue_renewal_arr
FROM results
ORDER BY
  results.period_start,
  results.period_end

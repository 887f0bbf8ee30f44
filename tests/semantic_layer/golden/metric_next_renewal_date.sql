-- case: metric_next_renewal_date
-- query: {"metrics":["next_renewal_date"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Next renewal date (next_renewal_date): the earliest term_end after the end of P of a term not closed by then
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Contract terms ending after the period and still undecided on its last day (after the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), upcoming_renewals_by_account AS (
  /* upcoming_renewals_by_account: contract terms ending after the period and still undecided on its last day, the next one per account */
  SELECT
    periods.period_start,
    renewals.renewal_id,
    renewals.account_id,
    renewals.term_end,
    renewals.arr_up_for_renewal,
    renewals.outcome,
    renewals.renewed_arr,
    renewals.closed_on
  FROM renewals
  JOIN periods
    ON renewals.term_end > periods.period_end AND (
      renewals.closed_on IS NULL OR renewals.closed_on > periods.period_end
    )
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY periods.period_start, renewals.account_id ORDER BY renewals.term_end) = 1
), upcoming_renewals AS (
  /* upcoming_renewals: next_renewal_date */
  SELECT
    upcoming_renewals_by_account.period_start,
    MIN(upcoming_renewals_by_account.term_end) AS next_renewal_date
  FROM upcoming_renewals_by_account
  JOIN periods
    ON periods.period_start = upcoming_renewals_by_account.period_start
  GROUP BY
    upcoming_renewals_by_account.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    upcoming_renewals.next_renewal_date AS next_renewal_date
  FROM grid
  LEFT JOIN upcoming_renewals
    ON upcoming_renewals.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.next_renewal_date AS next_renewal_date
FROM results
ORDER BY
  results.period_start,
  results.period_end

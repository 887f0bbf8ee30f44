-- case: metric_seats_purchased
-- query: {"metrics":["seats_purchased"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Seats purchased (seats_purchased): sum of seats_purchased over accounts under contract at the end of P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Accounts under contract on the period's last day (as at the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), contracted_accounts AS (
  /* contracted_accounts: seats_purchased */
  SELECT
    periods.period_start,
    SUM(accounts.seats_purchased) AS seats_purchased
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
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
    COALESCE(contracted_accounts.seats_purchased, 0) AS seats_purchased
  FROM grid
  LEFT JOIN contracted_accounts
    ON contracted_accounts.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.seats_purchased AS seats_purchased
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_accounts_under_contract
-- query: {"metrics":["accounts_under_contract"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Accounts under contract (accounts_under_contract): count of accounts with contract_start on or before the end of P and no churned_on by then
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
  /* contracted_accounts: accounts_under_contract */
  SELECT
    periods.period_start,
    COUNT(*) AS accounts_under_contract
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
    COALESCE(contracted_accounts.accounts_under_contract, 0) AS accounts_under_contract
  FROM grid
  LEFT JOIN contracted_accounts
    ON contracted_accounts.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.accounts_under_contract AS accounts_under_contract
FROM results
ORDER BY
  results.period_start,
  results.period_end

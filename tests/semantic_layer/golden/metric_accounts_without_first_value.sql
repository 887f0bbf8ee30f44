-- case: metric_accounts_without_first_value
-- query: {"metrics":["accounts_without_first_value"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Accounts without first value (accounts_without_first_value): count of accounts with contract_start on or before the end of P, not churned by then, whose first_value milestone was not completed by then
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   First-value milestones of customers whose contract had started and that had not reached it yet (a customer that left stops waiting) (as at the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), first_value_pending AS (
  /* first_value_pending: accounts_without_first_value */
  SELECT
    periods.period_start,
    COUNT(DISTINCT CASE WHEN onboarding_milestones.milestone = 'first_value' THEN onboarding_milestones.account_id END) AS accounts_without_first_value
  FROM onboarding_milestones
  LEFT JOIN accounts
    ON accounts.account_id = onboarding_milestones.account_id
  JOIN periods
    ON accounts.contract_start <= periods.period_end
    AND (
      LEAST(onboarding_milestones.completed_on, accounts.churned_on) IS NULL OR LEAST(onboarding_milestones.completed_on, accounts.churned_on) > periods.period_end
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
    COALESCE(first_value_pending.accounts_without_first_value, 0) AS accounts_without_first_value
  FROM grid
  LEFT JOIN first_value_pending
    ON first_value_pending.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.accounts_without_first_value AS accounts_without_first_value
FROM results
ORDER BY
  results.period_start,
  results.period_end

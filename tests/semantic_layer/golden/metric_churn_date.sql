-- case: metric_churn_date
-- query: {"metrics":["churn_date"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Churn date (churn_date): churned_on of accounts whose contract ended in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), account_churns AS (
  /* account_churns: churn_date */
  SELECT
    CAST(DATE_TRUNC('QUARTER', accounts.churned_on) AS DATE) AS period_start,
    MAX(accounts.churned_on) AS churn_date
  FROM accounts
  WHERE
    accounts.churned_on >= CAST('2025-07-01' AS DATE) AND accounts.churned_on < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', accounts.churned_on) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    account_churns.churn_date AS churn_date
  FROM grid
  LEFT JOIN account_churns
    ON account_churns.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.churn_date AS churn_date
FROM results
ORDER BY
  results.period_start,
  results.period_end

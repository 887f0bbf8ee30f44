-- case: metric_onboarding_accounts
-- query: {"metrics":["onboarding_accounts"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Onboarding accounts (onboarding_accounts): count of distinct accounts with milestones whose contract_start is in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), onboarding_cohort AS (
  /* onboarding_cohort: onboarding_accounts */
  SELECT
    periods.period_start,
    COUNT(DISTINCT onboarding_milestones.account_id) AS onboarding_accounts
  FROM onboarding_milestones
  LEFT JOIN accounts
    ON accounts.account_id = onboarding_milestones.account_id
  JOIN periods
    ON accounts.contract_start BETWEEN periods.period_start AND periods.period_end
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
    COALESCE(onboarding_cohort.onboarding_accounts, 0) AS onboarding_accounts
  FROM grid
  LEFT JOIN onboarding_cohort
    ON onboarding_cohort.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.onboarding_accounts AS onboarding_accounts
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_first_value_accounts
-- query: {"metrics":["first_value_accounts"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Accounts reaching first value (first_value_accounts): count of first_value milestones completed in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), first_value_reached AS (
  /* first_value_reached: first_value_accounts */
  SELECT
    CAST(DATE_TRUNC('QUARTER', onboarding_milestones.completed_on) AS DATE) AS period_start,
    COUNT(CASE WHEN onboarding_milestones.milestone = 'first_value' THEN 1 END) AS first_value_accounts
  FROM onboarding_milestones
  WHERE
    onboarding_milestones.completed_on >= CAST('2025-07-01' AS DATE) AND onboarding_milestones.completed_on < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', onboarding_milestones.completed_on) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(first_value_reached.first_value_accounts, 0) AS first_value_accounts
  FROM grid
  LEFT JOIN first_value_reached
    ON first_value_reached.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.first_value_accounts AS first_value_accounts
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_cohort_ttv_median_days
-- query: {"metrics":["cohort_ttv_median_days"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Cohort time to value (cohort_ttv_median_days): median days from contract_start to the first_value milestone's completion, over accounts whose contract_start is in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), onboarding_cohort AS (
  /* onboarding_cohort: cohort_ttv_median_days */
  SELECT
    CAST(DATE_TRUNC('QUARTER', accounts.contract_start) AS DATE) AS period_start,
    QUANTILE_CONT(
      CASE
        WHEN onboarding_milestones.milestone = 'first_value' AND NOT onboarding_milestones.completed_on IS NULL
        THEN DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on)
      END,
      0.5
    
    ORDER BY
      CASE
        WHEN onboarding_milestones.milestone = 'first_value' AND NOT onboarding_milestones.completed_on IS NULL
        THEN DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on)
      END) AS cohort_ttv_median_days
  FROM onboarding_milestones
  LEFT JOIN accounts
    ON accounts.account_id = onboarding_milestones.account_id
  WHERE
    accounts.contract_start >= CAST('2025-07-01' AS DATE) AND accounts.contract_start < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', accounts.contract_start) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    onboarding_cohort.cohort_ttv_median_days AS cohort_ttv_median_days
  FROM grid
  LEFT JOIN onboarding_cohort
    ON onboarding_cohort.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.cohort_ttv_median_days AS cohort_ttv_median_days
FROM results
ORDER BY
  results.period_start,
  results.period_end

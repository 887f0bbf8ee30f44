-- case: metric_cohort_reached_ttv_over_90_share
-- query: {"metrics":["cohort_reached_ttv_over_90_share"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Cohort TTV over 90 days (reached) (cohort_reached_ttv_over_90_share): cohort accounts with first value more than 90 days after contract_start ÷ cohort accounts with first value × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), onboarding_cohort AS (
  /* onboarding_cohort: cohort_reached_ttv_over_90_share */
  SELECT
    CAST(DATE_TRUNC('QUARTER', accounts.contract_start) AS DATE) AS period_start,
    COUNT(
      CASE
        WHEN (
          onboarding_milestones.milestone = 'first_value' AND NOT onboarding_milestones.completed_on IS NULL
        )
        AND DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on) > 90
        THEN 1
      END
    ) AS cohort_reached_ttv_over_90_share__numerator,
    COUNT(CASE WHEN onboarding_milestones.milestone = 'first_value' AND NOT onboarding_milestones.completed_on IS NULL THEN 1 END) AS cohort_reached_ttv_over_90_share__denominator
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
    onboarding_cohort.cohort_reached_ttv_over_90_share__numerator * 100.0 / NULLIF(onboarding_cohort.cohort_reached_ttv_over_90_share__denominator, 0) AS cohort_reached_ttv_over_90_share
  FROM grid
  LEFT JOIN onboarding_cohort
    ON onboarding_cohort.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.cohort_reached_ttv_over_90_share AS cohort_reached_ttv_over_90_share,
  (
    SELECT
      MIN(onboarding_cohort.cohort_reached_ttv_over_90_share__denominator)
    FROM onboarding_cohort
  ) AS cohort_reached_ttv_over_90_share__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_ttv_median_days
-- query: {"metrics":["ttv_median_days"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Time to value (median) (ttv_median_days): median days from contract_start to the first_value milestone's completion
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), first_value_reached AS (
  /* first_value_reached: ttv_median_days */
  SELECT
    CAST(DATE_TRUNC('QUARTER', onboarding_milestones.completed_on) AS DATE) AS period_start,
    QUANTILE_CONT(CASE WHEN onboarding_milestones.milestone = 'first_value' THEN DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on) END, 0.5
    ORDER BY
      CASE WHEN onboarding_milestones.milestone = 'first_value' THEN DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on) END) AS ttv_median_days
  FROM onboarding_milestones
  LEFT JOIN accounts
    ON accounts.account_id = onboarding_milestones.account_id
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
    first_value_reached.ttv_median_days AS ttv_median_days
  FROM grid
  LEFT JOIN first_value_reached
    ON first_value_reached.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.ttv_median_days AS ttv_median_days
FROM results
ORDER BY
  results.period_start,
  results.period_end

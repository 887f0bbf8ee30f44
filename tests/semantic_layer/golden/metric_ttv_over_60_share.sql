-- case: metric_ttv_over_60_share
-- query: {"metrics":["ttv_over_60_share"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   TTV over 60 days (ttv_over_60_share): first-value completions more than 60 days after contract_start ÷ first-value completions × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), first_value_reached AS (
  /* first_value_reached: ttv_over_60_share */
  SELECT
    CAST(DATE_TRUNC('QUARTER', onboarding_milestones.completed_on) AS DATE) AS period_start,
    COUNT(CASE WHEN onboarding_milestones.milestone = 'first_value' AND DATE_DIFF('DAY', accounts.contract_start, onboarding_milestones.completed_on) > 60 THEN 1 END) AS ttv_over_60_share__numerator,
    COUNT(CASE WHEN onboarding_milestones.milestone = 'first_value' THEN 1 END) AS ttv_over_60_share__denominator
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
    first_value_reached.ttv_over_60_share__numerator * 100.0 / NULLIF(first_value_reached.ttv_over_60_share__denominator, 0) AS ttv_over_60_share
  FROM grid
  LEFT JOIN first_value_reached
    ON first_value_reached.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.ttv_over_60_share AS ttv_over_60_share,
  (
    SELECT
      MIN(first_value_reached.ttv_over_60_share__denominator)
    FROM first_value_reached
  ) AS ttv_over_60_share__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

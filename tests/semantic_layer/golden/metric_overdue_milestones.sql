-- case: metric_overdue_milestones
-- query: {"metrics":["overdue_milestones"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Overdue onboarding milestones (overdue_milestones): count of milestones with due_on on or before the end of P and not completed by then, of accounts not churned by then
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Onboarding milestones due by the period's last day and not completed by then (a customer that left stops counting) (as at the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), milestones_overdue AS (
  /* milestones_overdue: overdue_milestones */
  SELECT
    periods.period_start,
    COUNT(*) AS overdue_milestones
  FROM onboarding_milestones
  LEFT JOIN accounts
    ON accounts.account_id = onboarding_milestones.account_id
  JOIN periods
    ON onboarding_milestones.due_on <= periods.period_end
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
    COALESCE(milestones_overdue.overdue_milestones, 0) AS overdue_milestones
  FROM grid
  LEFT JOIN milestones_overdue
    ON milestones_overdue.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.overdue_milestones AS overdue_milestones
FROM results
ORDER BY
  results.period_start,
  results.period_end

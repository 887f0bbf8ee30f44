-- case: metric_clv
-- query: {"metrics":["clv"],"time_range":{"start":"2025-07-01","end":"2025-09-30"},"grain":"month"}
-- explanation:
--   Customer lifetime value (clv): ARPU (monthly) ÷ monthly logo churn rate
--   Trend: one row per month, 3 months from July 2025 to September 2025.
--   Each month's revenue movements compare it with the month before (July 2025 against June 2025).
--   One row per month.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-07-31' AS DATE), 31, CAST('2025-06-01' AS DATE), CAST('2025-07-01' AS DATE)),
    (CAST('2025-08-01' AS DATE), CAST('2025-08-31' AS DATE), 31, CAST('2025-07-01' AS DATE), CAST('2025-08-01' AS DATE)),
    (CAST('2025-09-01' AS DATE), CAST('2025-09-30' AS DATE), 30, CAST('2025-08-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), mrr_months AS (
  /* mrr_months: arpu */
  SELECT
    CAST(DATE_TRUNC('MONTH', account_mrr_monthly.month) AS DATE) AS period_start,
    SUM(CASE WHEN account_mrr_monthly.mrr > 0 THEN account_mrr_monthly.mrr END) AS arpu__numerator,
    COUNT(CASE WHEN account_mrr_monthly.mrr > 0 THEN 1 END) AS arpu__denominator
  FROM account_mrr_monthly
  WHERE
    account_mrr_monthly.month >= CAST('2025-07-01' AS DATE) AND account_mrr_monthly.month < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', account_mrr_monthly.month) AS DATE)
), mrr_movements_by_account AS (
  /* mrr_movements_by_account: each account_id's mrr in the base month and in the end month */
  SELECT
    periods.period_start,
    account_mrr_monthly.account_id AS account_id,
    SUM(CASE WHEN account_mrr_monthly.month = periods.base_month THEN account_mrr_monthly.mrr ELSE 0 END) AS base_mrr,
    SUM(CASE WHEN account_mrr_monthly.month = periods.end_month THEN account_mrr_monthly.mrr ELSE 0 END) AS end_mrr
  FROM periods
  JOIN account_mrr_monthly
    ON account_mrr_monthly.month = periods.base_month OR account_mrr_monthly.month = periods.end_month
  GROUP BY
    periods.period_start,
    account_mrr_monthly.account_id
), mrr_movements AS (
  /* mrr_movements: logo_churn_rate */
  SELECT
    mrr_movements_by_account.period_start,
    COUNT(CASE WHEN mrr_movements_by_account.base_mrr > 0 AND mrr_movements_by_account.end_mrr = 0 THEN 1 END) AS logo_churn_rate__numerator,
    COUNT(CASE WHEN mrr_movements_by_account.base_mrr > 0 THEN 1 END) AS logo_churn_rate__denominator
  FROM mrr_movements_by_account
  GROUP BY
    mrr_movements_by_account.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    (
      mrr_months.arpu__numerator * 1.0 / NULLIF(mrr_months.arpu__denominator, 0)
    ) / NULLIF((
      (
        mrr_movements.logo_churn_rate__numerator * 100.0 / NULLIF(mrr_movements.logo_churn_rate__denominator, 0)
      ) / 100
    ), 0) AS clv
  FROM grid
  LEFT JOIN mrr_months
    ON mrr_months.period_start = grid.period_start
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.clv AS clv
FROM results
ORDER BY
  results.period_start,
  results.period_end

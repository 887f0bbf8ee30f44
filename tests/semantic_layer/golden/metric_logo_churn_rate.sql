-- case: metric_logo_churn_rate
-- query: {"metrics":["logo_churn_rate"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Logo churn rate (logo_churn_rate): lost customers ÷ starting customers × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Revenue movements compare the base month June 2025 with the end month September 2025; starting customers had MRR in the base month.
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
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
    mrr_movements.logo_churn_rate__numerator * 100.0 / NULLIF(mrr_movements.logo_churn_rate__denominator, 0) AS logo_churn_rate
  FROM grid
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.logo_churn_rate AS logo_churn_rate,
  (
    SELECT
      MIN(mrr_movements.logo_churn_rate__denominator)
    FROM mrr_movements
  ) AS logo_churn_rate__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

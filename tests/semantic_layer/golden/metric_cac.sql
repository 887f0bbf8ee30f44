-- case: metric_cac
-- query: {"metrics":["cac"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Customer acquisition cost (cac): sales + marketing spend in P ÷ new customers in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Revenue movements compare the base month June 2025 with the end month September 2025; starting customers had MRR in the base month.
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), department_spend AS (
  /* department_spend: sales_marketing_spend */
  SELECT
    CAST(DATE_TRUNC('QUARTER', spend_monthly.month) AS DATE) AS period_start,
    SUM(CASE WHEN spend_monthly.department IN ('sales', 'marketing') THEN spend_monthly.amount END) AS sales_marketing_spend
  FROM spend_monthly
  WHERE
    spend_monthly.month >= CAST('2025-07-01' AS DATE) AND spend_monthly.month < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', spend_monthly.month) AS DATE)
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
  /* mrr_movements: new_customers */
  SELECT
    mrr_movements_by_account.period_start,
    COUNT(CASE WHEN mrr_movements_by_account.base_mrr = 0 AND mrr_movements_by_account.end_mrr > 0 THEN 1 END) AS new_customers
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
    COALESCE(department_spend.sales_marketing_spend, 0) / NULLIF(COALESCE(mrr_movements.new_customers, 0), 0) AS cac
  FROM grid
  LEFT JOIN department_spend
    ON department_spend.period_start = grid.period_start
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.cac AS cac
FROM results
ORDER BY
  results.period_start,
  results.period_end

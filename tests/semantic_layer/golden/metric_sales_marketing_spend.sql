-- case: metric_sales_marketing_spend
-- query: {"metrics":["sales_marketing_spend"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Sales and marketing spend (sales_marketing_spend): sum of sales and marketing spend in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
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
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(department_spend.sales_marketing_spend, 0) AS sales_marketing_spend
  FROM grid
  LEFT JOIN department_spend
    ON department_spend.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.sales_marketing_spend AS sales_marketing_spend
FROM results
ORDER BY
  results.period_start,
  results.period_end

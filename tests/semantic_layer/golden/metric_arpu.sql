-- case: metric_arpu
-- query: {"metrics":["arpu"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   ARPU (arpu): revenue in P ÷ paying customers in P, per month (sum of monthly MRR ÷ paying account-months)
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), mrr_months AS (
  /* mrr_months: arpu */
  SELECT
    CAST(DATE_TRUNC('QUARTER', account_mrr_monthly.month) AS DATE) AS period_start,
    SUM(CASE WHEN account_mrr_monthly.mrr > 0 THEN account_mrr_monthly.mrr END) AS arpu__numerator,
    COUNT(CASE WHEN account_mrr_monthly.mrr > 0 THEN 1 END) AS arpu__denominator
  FROM account_mrr_monthly
  WHERE
    account_mrr_monthly.month >= CAST('2025-07-01' AS DATE) AND account_mrr_monthly.month < CAST('2025-10-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', account_mrr_monthly.month) AS DATE)
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    mrr_months.arpu__numerator * 1.0 / NULLIF(mrr_months.arpu__denominator, 0) AS arpu
  FROM grid
  LEFT JOIN mrr_months
    ON mrr_months.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.arpu AS arpu,
  (
    SELECT
      MIN(mrr_months.arpu__denominator)
    FROM mrr_months
  ) AS arpu__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end

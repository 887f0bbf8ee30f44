-- case: metric_contraction_mrr
-- query: {"metrics":["contraction_mrr"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Contraction MRR (contraction_mrr): sum of (base − end MRR) over accounts going from x to y with 0 < y < x
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
  /* mrr_movements: contraction_mrr */
  SELECT
    mrr_movements_by_account.period_start,
    SUM(
      CASE
        WHEN mrr_movements_by_account.end_mrr > 0 AND mrr_movements_by_account.end_mrr < mrr_movements_by_account.base_mrr
        THEN mrr_movements_by_account.base_mrr - mrr_movements_by_account.end_mrr
      END
    ) AS contraction_mrr
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
    COALESCE(mrr_movements.contraction_mrr, 0) AS contraction_mrr
  FROM grid
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.contraction_mrr AS contraction_mrr
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_net_new_arr
-- query: {"metrics":["net_new_arr"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Net new ARR (net_new_arr): 12 × (new + expansion − contraction − churned MRR)
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
  /* mrr_movements: churned_mrr, contraction_mrr, new_mrr, expansion_mrr */
  SELECT
    mrr_movements_by_account.period_start,
    SUM(CASE WHEN mrr_movements_by_account.base_mrr > 0 AND mrr_movements_by_account.end_mrr = 0 THEN mrr_movements_by_account.base_mrr END) AS churned_mrr,
    SUM(
      CASE
        WHEN mrr_movements_by_account.end_mrr > 0 AND mrr_movements_by_account.end_mrr < mrr_movements_by_account.base_mrr
        THEN mrr_movements_by_account.base_mrr - mrr_movements_by_account.end_mrr
      END
    ) AS contraction_mrr,
    SUM(CASE WHEN mrr_movements_by_account.base_mrr = 0 AND mrr_movements_by_account.end_mrr > 0 THEN mrr_movements_by_account.end_mrr END) AS new_mrr,
    SUM(
      CASE
        WHEN mrr_movements_by_account.base_mrr > 0 AND mrr_movements_by_account.end_mrr > mrr_movements_by_account.base_mrr
        THEN mrr_movements_by_account.end_mrr - mrr_movements_by_account.base_mrr
      END
    ) AS expansion_mrr
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
      COALESCE(mrr_movements.new_mrr, 0) + COALESCE(mrr_movements.expansion_mrr, 0) - COALESCE(mrr_movements.contraction_mrr, 0) - COALESCE(mrr_movements.churned_mrr, 0)
    ) * 12 AS net_new_arr
  FROM grid
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.net_new_arr AS net_new_arr
FROM results
ORDER BY
  results.period_start,
  results.period_end

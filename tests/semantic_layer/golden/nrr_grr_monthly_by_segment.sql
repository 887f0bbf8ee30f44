-- case: nrr_grr_monthly_by_segment
-- query: {"metrics":["nrr","grr"],"time_range":{"start":"2025-01-01","end":"2025-12-31"},"grain":"month","dimensions":["segment"]}
-- explanation:
--   Net revenue retention (nrr): (starting MRR + expansion − contraction − churned) ÷ starting MRR × 100, over starting customers only
--   Gross revenue retention (grr): (starting MRR − contraction − churned) ÷ starting MRR × 100; expansion excluded
--   Trend: one row per month, 12 months from January 2025 to December 2025.
--   Each month's revenue movements compare it with the month before (January 2025 against December 2024).
--   One row per month and segment.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-01-01' AS DATE), CAST('2025-01-31' AS DATE), 31, CAST('2024-12-01' AS DATE), CAST('2025-01-01' AS DATE)),
    (CAST('2025-02-01' AS DATE), CAST('2025-02-28' AS DATE), 28, CAST('2025-01-01' AS DATE), CAST('2025-02-01' AS DATE)),
    (CAST('2025-03-01' AS DATE), CAST('2025-03-31' AS DATE), 31, CAST('2025-02-01' AS DATE), CAST('2025-03-01' AS DATE)),
    (CAST('2025-04-01' AS DATE), CAST('2025-04-30' AS DATE), 30, CAST('2025-03-01' AS DATE), CAST('2025-04-01' AS DATE)),
    (CAST('2025-05-01' AS DATE), CAST('2025-05-31' AS DATE), 31, CAST('2025-04-01' AS DATE), CAST('2025-05-01' AS DATE)),
    (CAST('2025-06-01' AS DATE), CAST('2025-06-30' AS DATE), 30, CAST('2025-05-01' AS DATE), CAST('2025-06-01' AS DATE)),
    (CAST('2025-07-01' AS DATE), CAST('2025-07-31' AS DATE), 31, CAST('2025-06-01' AS DATE), CAST('2025-07-01' AS DATE)),
    (CAST('2025-08-01' AS DATE), CAST('2025-08-31' AS DATE), 31, CAST('2025-07-01' AS DATE), CAST('2025-08-01' AS DATE)),
    (CAST('2025-09-01' AS DATE), CAST('2025-09-30' AS DATE), 30, CAST('2025-08-01' AS DATE), CAST('2025-09-01' AS DATE)),
    (CAST('2025-10-01' AS DATE), CAST('2025-10-31' AS DATE), 31, CAST('2025-09-01' AS DATE), CAST('2025-10-01' AS DATE)),
    (CAST('2025-11-01' AS DATE), CAST('2025-11-30' AS DATE), 30, CAST('2025-10-01' AS DATE), CAST('2025-11-01' AS DATE)),
    (CAST('2025-12-01' AS DATE), CAST('2025-12-31' AS DATE), 31, CAST('2025-11-01' AS DATE), CAST('2025-12-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
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
  /* mrr_movements: nrr, grr */
  SELECT
    mrr_movements_by_account.period_start,
    accounts.segment AS segment,
    SUM(CASE WHEN mrr_movements_by_account.base_mrr > 0 THEN mrr_movements_by_account.end_mrr END) AS nrr__numerator,
    SUM(CASE WHEN mrr_movements_by_account.base_mrr > 0 THEN mrr_movements_by_account.base_mrr END) AS nrr__denominator,
    SUM(
      CASE
        WHEN mrr_movements_by_account.base_mrr > 0
        THEN CASE WHEN mrr_movements_by_account.end_mrr < mrr_movements_by_account.base_mrr THEN mrr_movements_by_account.end_mrr ELSE mrr_movements_by_account.base_mrr END
      END
    ) AS grr__numerator,
    SUM(CASE WHEN mrr_movements_by_account.base_mrr > 0 THEN mrr_movements_by_account.base_mrr END) AS grr__denominator
  FROM mrr_movements_by_account
  LEFT JOIN accounts
    ON accounts.account_id = mrr_movements_by_account.account_id
  GROUP BY
    mrr_movements_by_account.period_start,
    accounts.segment
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    dimension_values.segment
  FROM periods
  CROSS JOIN (
    SELECT
      accounts_values.segment
    FROM (
      SELECT DISTINCT
        accounts.segment AS segment
      FROM accounts
    ) AS accounts_values
    UNION
    SELECT
      mrr_movements.segment
    FROM mrr_movements
    WHERE
      NOT mrr_movements.segment IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.segment,
    mrr_movements.nrr__numerator * 100.0 / NULLIF(mrr_movements.nrr__denominator, 0) AS nrr,
    mrr_movements.grr__numerator * 100.0 / NULLIF(mrr_movements.grr__denominator, 0) AS grr
  FROM grid
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start AND mrr_movements.segment IS NOT DISTINCT FROM grid.segment
)
SELECT
  results.period_start,
  results.period_end,
  results.segment,
  results.nrr AS nrr,
  results.grr AS grr
FROM results
ORDER BY
  results.period_start,
  results.period_end,
  results.segment

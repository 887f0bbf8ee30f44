-- case: revenue_and_usage_per_account_top_10
-- query: {"metrics":["mrr","seat_utilization","health_score"],"time_range":{"start":"2026-10-01","end":"2026-10-31"},"dimensions":["account_name"],"order_by":[{"field":"mrr","descending":true}],"limit":10}
-- explanation:
--   MRR (mrr): sum of MRR in the end month
--   Seat utilization (seat_utilization): MAU ÷ seats purchased × 100
--   Health score (health_score): mean over accounts of the latest weekly health_score in P (the week starting in P's last 7 days); health_score = 0.4 usage + 0.2 support + 0.2 engagement + 0.1 payment + 0.1 executive
--   Period: October 2026 (2026-10-01 to 2026-10-31).
--   Revenue movements compare the base month September 2026 with the end month October 2026; starting customers had MRR in the base month.
--   User activity in the last 30 days (the last 30 days of each period).
--   Accounts under contract on the period's last day (as at the last day of each period).
--   Each account's latest weekly health score, the week starting in the period's last 7 days (the last 7 days of each period).
--   One row per account.
--   Ordered by mrr descending.
--   At most 10 rows.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2026-10-01' AS DATE),
      CAST('2026-10-31' AS DATE),
      31,
      CAST('2026-09-01' AS DATE),
      CAST('2026-10-01' AS DATE),
      CAST('2026-10-25' AS DATE),
      CAST('2026-10-02' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, trailing_30_start)
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
  /* mrr_movements: mrr */
  SELECT
    mrr_movements_by_account.period_start,
    accounts.name AS account_name,
    SUM(mrr_movements_by_account.end_mrr) AS mrr
  FROM mrr_movements_by_account
  LEFT JOIN accounts
    ON accounts.account_id = mrr_movements_by_account.account_id
  GROUP BY
    mrr_movements_by_account.period_start,
    accounts.name
), monthly_activity AS (
  /* monthly_activity: mau */
  SELECT
    periods.period_start,
    accounts.name AS account_name,
    COUNT(DISTINCT user_activity_daily.user_id) AS mau
  FROM user_activity_daily
  LEFT JOIN accounts
    ON accounts.account_id = user_activity_daily.account_id
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_30_start AND periods.period_end
  GROUP BY
    periods.period_start,
    accounts.name
), contracted_accounts AS (
  /* contracted_accounts: seats_purchased */
  SELECT
    periods.period_start,
    accounts.name AS account_name,
    SUM(accounts.seats_purchased) AS seats_purchased
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  GROUP BY
    periods.period_start,
    accounts.name
), latest_health_week AS (
  /* latest_health_week: health_score */
  SELECT
    periods.period_start,
    accounts.name AS account_name,
    AVG(health_scores_weekly.health_score) AS health_score
  FROM health_scores_weekly
  LEFT JOIN accounts
    ON accounts.account_id = health_scores_weekly.account_id
  JOIN periods
    ON health_scores_weekly.week_start BETWEEN periods.trailing_7_start AND periods.period_end
  GROUP BY
    periods.period_start,
    accounts.name
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    dimension_values.account_name
  FROM periods
  CROSS JOIN (
    SELECT
      accounts_values.account_name
    FROM (
      SELECT DISTINCT
        accounts.name AS account_name
      FROM accounts
    ) AS accounts_values
    UNION
    SELECT
      mrr_movements.account_name
    FROM mrr_movements
    WHERE
      NOT mrr_movements.account_name IS NULL
    UNION
    SELECT
      monthly_activity.account_name
    FROM monthly_activity
    WHERE
      NOT monthly_activity.account_name IS NULL
    UNION
    SELECT
      contracted_accounts.account_name
    FROM contracted_accounts
    WHERE
      NOT contracted_accounts.account_name IS NULL
    UNION
    SELECT
      latest_health_week.account_name
    FROM latest_health_week
    WHERE
      NOT latest_health_week.account_name IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.account_name,
    COALESCE(mrr_movements.mrr, 0) AS mrr,
    (
      COALESCE(monthly_activity.mau, 0) / NULLIF(COALESCE(contracted_accounts.seats_purchased, 0), 0)
    ) * 100.0 AS seat_utilization,
    latest_health_week.health_score AS health_score
  FROM grid
  LEFT JOIN mrr_movements
    ON mrr_movements.period_start = grid.period_start AND mrr_movements.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN monthly_activity
    ON monthly_activity.period_start = grid.period_start AND monthly_activity.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN contracted_accounts
    ON contracted_accounts.period_start = grid.period_start AND contracted_accounts.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN latest_health_week
    ON latest_health_week.period_start = grid.period_start AND latest_health_week.account_name IS NOT DISTINCT FROM grid.account_name
)
SELECT
  results.period_start,
  results.period_end,
  results.account_name,
  results.mrr AS mrr,
  results.seat_utilization AS seat_utilization,
  results.health_score AS health_score
FROM results
ORDER BY
  results.mrr DESC,
  results.period_start,
  results.period_end,
  results.account_name
LIMIT 10

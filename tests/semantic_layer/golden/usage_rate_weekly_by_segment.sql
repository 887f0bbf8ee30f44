-- case: usage_rate_weekly_by_segment
-- query: {"metrics":["product_usage_rate"],"time_range":{"start":"2026-10-05","end":"2026-10-25"},"grain":"week","dimensions":["segment"]}
-- explanation:
--   Product usage rate (product_usage_rate): accounts meeting their segment's weekly activity threshold ÷ accounts under contract × 100
--   Thresholds of usage_threshold_accounts, by segment: SMB active_days >= 3; Mid-Market power_users >= 3; Enterprise power_users >= 5; otherwise active_days >= 3.
--   Trend: one row per week, 3 weeks from 2026-10-05 to 2026-10-25.
--   Accounts under contract on the period's last day, with their activity in its last 7 days (as at the last day of each period).
--   Days with an active user, and active users (the last 7 days of each period).
--   Power users, each active on 3 or more of those days (the last 7 days of each period).
--   Accounts under contract on the period's last day (as at the last day of each period).
--   One row per week and segment.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2026-10-05' AS DATE), CAST('2026-10-11' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE), CAST('2026-10-05' AS DATE)),
    (CAST('2026-10-12' AS DATE), CAST('2026-10-18' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE), CAST('2026-10-12' AS DATE)),
    (CAST('2026-10-19' AS DATE), CAST('2026-10-25' AS DATE), 7, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE), CAST('2026-10-19' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start)
), account_weekly_usage__activity_last_7_days AS (
  /* account_weekly_usage__activity_last_7_days: days with an active user, and active users, per account_id */
  SELECT
    periods.period_start,
    user_activity_daily.account_id,
    COUNT(DISTINCT user_activity_daily.activity_date) AS active_days,
    COUNT(DISTINCT user_activity_daily.user_id) AS active_users
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_7_start AND periods.period_end
  GROUP BY
    periods.period_start,
    user_activity_daily.account_id
), account_weekly_usage__power_users_last_7_days__per_user AS (
  /* account_weekly_usage__power_users_last_7_days__per_user: per account_id and user_id, user_active_days */
  SELECT
    periods.period_start,
    user_activity_daily.account_id,
    user_activity_daily.user_id,
    COUNT(DISTINCT user_activity_daily.activity_date) AS user_active_days
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_7_start AND periods.period_end
  GROUP BY
    periods.period_start,
    user_activity_daily.account_id,
    user_activity_daily.user_id
), account_weekly_usage__power_users_last_7_days AS (
  /* account_weekly_usage__power_users_last_7_days: power users, each active on 3 or more of those days, per account_id */
  SELECT
    account_weekly_usage__power_users_last_7_days__per_user.period_start,
    account_weekly_usage__power_users_last_7_days__per_user.account_id,
    COUNT(CASE WHEN account_weekly_usage__power_users_last_7_days__per_user.user_active_days >= 3 THEN 1 END) AS power_users
  FROM account_weekly_usage__power_users_last_7_days__per_user
  GROUP BY
    account_weekly_usage__power_users_last_7_days__per_user.period_start,
    account_weekly_usage__power_users_last_7_days__per_user.account_id
), account_weekly_usage_by_account AS (
  /* account_weekly_usage_by_account: accounts under contract on the period's last day, with their activity in its last 7 days */
  SELECT
    periods.period_start,
    accounts.account_id,
    accounts.name,
    accounts.segment,
    accounts.industry,
    accounts.region,
    accounts.plan,
    accounts.service_model,
    accounts.csm_id,
    accounts.acquisition_channel,
    accounts.contract_start,
    accounts.churned_on,
    accounts.seats_purchased,
    account_weekly_usage__activity_last_7_days.active_days,
    account_weekly_usage__activity_last_7_days.active_users,
    account_weekly_usage__power_users_last_7_days.power_users
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  LEFT JOIN account_weekly_usage__activity_last_7_days
    ON account_weekly_usage__activity_last_7_days.period_start = periods.period_start AND account_weekly_usage__activity_last_7_days.account_id = accounts.account_id
  LEFT JOIN account_weekly_usage__power_users_last_7_days
    ON account_weekly_usage__power_users_last_7_days.period_start = periods.period_start
    AND account_weekly_usage__power_users_last_7_days.account_id = accounts.account_id
), account_weekly_usage AS (
  /* account_weekly_usage: usage_threshold_accounts */
  SELECT
    account_weekly_usage_by_account.period_start,
    account_weekly_usage_by_account.segment AS segment,
    COUNT(
      CASE
        WHEN (
          (
            account_weekly_usage_by_account.segment = 'SMB' AND (
              account_weekly_usage_by_account.active_days >= 3
            )
          )
          OR (
            account_weekly_usage_by_account.segment = 'Mid-Market' AND (
              account_weekly_usage_by_account.power_users >= 3
            )
          )
          OR (
            account_weekly_usage_by_account.segment = 'Enterprise' AND (
              account_weekly_usage_by_account.power_users >= 5
            )
          )
          OR (
            (
              account_weekly_usage_by_account.segment IS NULL OR NOT account_weekly_usage_by_account.segment IN ('SMB', 'Mid-Market', 'Enterprise')
            )
            AND (
              account_weekly_usage_by_account.active_days >= 3
            )
          )
        )
        THEN 1
      END
    ) AS usage_threshold_accounts
  FROM account_weekly_usage_by_account
  GROUP BY
    account_weekly_usage_by_account.period_start,
    account_weekly_usage_by_account.segment
), contracted_accounts AS (
  /* contracted_accounts: accounts_under_contract */
  SELECT
    periods.period_start,
    accounts.segment AS segment,
    COUNT(*) AS accounts_under_contract
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  GROUP BY
    periods.period_start,
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
      account_weekly_usage.segment
    FROM account_weekly_usage
    WHERE
      NOT account_weekly_usage.segment IS NULL
    UNION
    SELECT
      contracted_accounts.segment
    FROM contracted_accounts
    WHERE
      NOT contracted_accounts.segment IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.segment,
    (
      COALESCE(account_weekly_usage.usage_threshold_accounts, 0) / NULLIF(COALESCE(contracted_accounts.accounts_under_contract, 0), 0)
    ) * 100.0 AS product_usage_rate
  FROM grid
  LEFT JOIN account_weekly_usage
    ON account_weekly_usage.period_start = grid.period_start AND account_weekly_usage.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN contracted_accounts
    ON contracted_accounts.period_start = grid.period_start AND contracted_accounts.segment IS NOT DISTINCT FROM grid.segment
)
SELECT
  results.period_start,
  results.period_end,
  results.segment,
  results.product_usage_rate AS product_usage_rate
FROM results
ORDER BY
  results.period_start,
  results.period_end,
  results.segment

-- case: expansion_ready_accounts_with_their_signals
-- query: {"metrics":["expansion_ready_accounts","seat_utilization","health_score"],"time_range":{"start":"2026-10-01","end":"2026-10-31"},"dimensions":["account_name"],"metric_filters":[{"metric":"expansion_ready_accounts","op":">","value":0.0}],"order_by":[{"field":"seat_utilization","descending":true}]}
-- explanation:
--   Expansion-ready accounts (expansion_ready_accounts): count of accounts under contract at the end of P whose active users in the last 30 days exceed those of the 30 days before, reach ≥ 90% of seats purchased, and whose latest weekly health_score > 85
--   Seat utilization (seat_utilization): MAU ÷ seats purchased × 100
--   Health score (health_score): mean over accounts of the latest weekly health_score in P (the week starting in P's last 7 days); health_score = 0.4 usage + 0.2 support + 0.2 engagement + 0.1 payment + 0.1 executive
--   Period: October 2026 (2026-10-01 to 2026-10-31).
--   Accounts under contract on the period's last day, with their usage trend, seats and latest health (as at the last day of each period).
--   Users active in the last 30 days, and in the 30 days before them (the last 60 days of each period).
--   Latest weekly health score (the last 7 days of each period).
--   User activity in the last 30 days (the last 30 days of each period).
--   Accounts under contract on the period's last day (as at the last day of each period).
--   Each account's latest weekly health score, the week starting in the period's last 7 days (the last 7 days of each period).
--   One row per account.
--   Only rows where Expansion-ready accounts > 0.
--   Ordered by seat_utilization descending.
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
      CAST('2026-10-02' AS DATE),
      CAST('2026-09-02' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, trailing_30_start, trailing_60_start)
), account_expansion_signals__users_last_60_days AS (
  /* account_expansion_signals__users_last_60_days: users active in the last 30 days, and in the 30 days before them, per account_id */
  SELECT
    periods.period_start,
    user_activity_daily.account_id,
    COUNT(DISTINCT CASE WHEN DATE_DIFF('DAY', user_activity_daily.activity_date, periods.period_end) < 30 THEN user_activity_daily.user_id END) AS users_last_30_days,
    COUNT(DISTINCT CASE WHEN DATE_DIFF('DAY', user_activity_daily.activity_date, periods.period_end) >= 30 THEN user_activity_daily.user_id END) AS users_prior_30_days
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_60_start AND periods.period_end
  GROUP BY
    periods.period_start,
    user_activity_daily.account_id
), account_expansion_signals__latest_health AS (
  /* account_expansion_signals__latest_health: latest weekly health score, per account_id */
  SELECT
    periods.period_start,
    health_scores_weekly.account_id,
    MAX(health_scores_weekly.health_score) AS latest_health
  FROM health_scores_weekly
  JOIN periods
    ON health_scores_weekly.week_start BETWEEN periods.trailing_7_start AND periods.period_end
  GROUP BY
    periods.period_start,
    health_scores_weekly.account_id
), account_expansion_signals_by_account AS (
  /* account_expansion_signals_by_account: accounts under contract on the period's last day, with their usage trend, seats and latest health */
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
    account_expansion_signals__users_last_60_days.users_last_30_days,
    account_expansion_signals__users_last_60_days.users_prior_30_days,
    account_expansion_signals__latest_health.latest_health
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  LEFT JOIN account_expansion_signals__users_last_60_days
    ON account_expansion_signals__users_last_60_days.period_start = periods.period_start
    AND account_expansion_signals__users_last_60_days.account_id = accounts.account_id
  LEFT JOIN account_expansion_signals__latest_health
    ON account_expansion_signals__latest_health.period_start = periods.period_start AND account_expansion_signals__latest_health.account_id = accounts.account_id
), account_expansion_signals AS (
  /* account_expansion_signals: expansion_ready_accounts */
  SELECT
    account_expansion_signals_by_account.period_start,
    account_expansion_signals_by_account.name AS account_name,
    COUNT(
      CASE
        WHEN account_expansion_signals_by_account.users_last_30_days > account_expansion_signals_by_account.users_prior_30_days
        AND account_expansion_signals_by_account.users_last_30_days >= 0.9 * account_expansion_signals_by_account.seats_purchased
        AND account_expansion_signals_by_account.latest_health > 85
        THEN 1
      END
    ) AS expansion_ready_accounts
  FROM account_expansion_signals_by_account
  GROUP BY
    account_expansion_signals_by_account.period_start,
    account_expansion_signals_by_account.name
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
      account_expansion_signals.account_name
    FROM account_expansion_signals
    WHERE
      NOT account_expansion_signals.account_name IS NULL
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
    COALESCE(account_expansion_signals.expansion_ready_accounts, 0) AS expansion_ready_accounts,
    (
      COALESCE(monthly_activity.mau, 0) / NULLIF(COALESCE(contracted_accounts.seats_purchased, 0), 0)
    ) * 100.0 AS seat_utilization,
    latest_health_week.health_score AS health_score
  FROM grid
  LEFT JOIN account_expansion_signals
    ON account_expansion_signals.period_start = grid.period_start AND account_expansion_signals.account_name IS NOT DISTINCT FROM grid.account_name
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
  results.expansion_ready_accounts AS expansion_ready_accounts,
  results.seat_utilization AS seat_utilization,
  results.health_score AS health_score
FROM results
WHERE
  results.expansion_ready_accounts > 0.0
ORDER BY
  results.seat_utilization DESC,
  results.period_start,
  results.period_end,
  results.account_name

-- case: metric_active_users_vs_30_days_before
-- query: {"metrics":["active_users_vs_30_days_before"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Active users vs the 30 days before (active_users_vs_30_days_before): users active in the 30 days ending on P's last day ÷ users active in the 30 days before those × 100
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Accounts under contract on the period's last day, with their usage trend, seats and latest health (as at the last day of each period).
--   Users active in the last 30 days, and in the 30 days before them (the last 60 days of each period).
--   Latest weekly health score (the last 7 days of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2025-07-01' AS DATE),
      CAST('2025-09-30' AS DATE),
      92,
      CAST('2025-06-01' AS DATE),
      CAST('2025-09-01' AS DATE),
      CAST('2025-09-24' AS DATE),
      CAST('2025-08-02' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, trailing_60_start)
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
  /* account_expansion_signals: active_users_vs_30_days_before */
  SELECT
    account_expansion_signals_by_account.period_start,
    SUM(account_expansion_signals_by_account.users_last_30_days) AS active_users_vs_30_days_before__numerator,
    SUM(account_expansion_signals_by_account.users_prior_30_days) AS active_users_vs_30_days_before__denominator
  FROM account_expansion_signals_by_account
  GROUP BY
    account_expansion_signals_by_account.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    account_expansion_signals.active_users_vs_30_days_before__numerator * 100.0 / NULLIF(account_expansion_signals.active_users_vs_30_days_before__denominator, 0) AS active_users_vs_30_days_before
  FROM grid
  LEFT JOIN account_expansion_signals
    ON account_expansion_signals.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.active_users_vs_30_days_before AS active_users_vs_30_days_before
FROM results
ORDER BY
  results.period_start,
  results.period_end

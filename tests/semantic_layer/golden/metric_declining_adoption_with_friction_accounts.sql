-- case: metric_declining_adoption_with_friction_accounts
-- query: {"metrics":["declining_adoption_with_friction_accounts"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Accounts with declining adoption and support friction (declining_adoption_with_friction_accounts): count of accounts under contract at the end of P whose active users in the last 30 days are below 70% of those in the 30 days ending three months earlier, with a high or urgent ticket open at the end of P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Accounts under contract on the period's last day, with their active users now and three months earlier, and their severe tickets still open (as at the last day of each period).
--   Users active in the last 30 days, and in the 30 days ending three months before the period's end (the last 122 days of each period).
--   High or urgent tickets opened in the three years to the period's end (all the warehouse keeps) and still open at its end (the last 1096 days of each period).
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
      CAST('2025-06-01' AS DATE),
      CAST('2022-10-01' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_122_start, trailing_1096_start)
), account_adoption_signals__users_now_and_3_months_earlier AS (
  /* account_adoption_signals__users_now_and_3_months_earlier: users active in the last 30 days, and in the 30 days ending three months before the period's end, per account_id */
  SELECT
    periods.period_start,
    user_activity_daily.account_id,
    COUNT(DISTINCT CASE WHEN DATE_DIFF('DAY', user_activity_daily.activity_date, periods.period_end) < 30 THEN user_activity_daily.user_id END) AS users_last_30_days,
    COUNT(
      DISTINCT CASE
        WHEN DATE_DIFF('DAY', user_activity_daily.activity_date, CAST(periods.period_end - INTERVAL '3' MONTH AS DATE)) BETWEEN 0 AND 29
        THEN user_activity_daily.user_id
      END
    ) AS users_3_months_earlier
  FROM user_activity_daily
  JOIN periods
    ON user_activity_daily.activity_date BETWEEN periods.trailing_122_start AND periods.period_end
  GROUP BY
    periods.period_start,
    user_activity_daily.account_id
), account_adoption_signals__severe_tickets_open AS (
  /* account_adoption_signals__severe_tickets_open: high or urgent tickets opened in the three years to the period's end (all the warehouse keeps) and still open at its end, per account_id */
  SELECT
    periods.period_start,
    tickets.account_id,
    COUNT(CASE WHEN tickets.priority IN ('high', 'urgent') AND (
      tickets.resolved_at IS NULL OR CAST(tickets.resolved_at AS DATE) > periods.period_end
    ) THEN 1 END) AS severe_open_tickets
  FROM tickets
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.trailing_1096_start AND periods.period_end
  GROUP BY
    periods.period_start,
    tickets.account_id
), account_adoption_signals_by_account AS (
  /* account_adoption_signals_by_account: accounts under contract on the period's last day, with their active users now and three months earlier, and their severe tickets still open */
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
    account_adoption_signals__users_now_and_3_months_earlier.users_last_30_days,
    account_adoption_signals__users_now_and_3_months_earlier.users_3_months_earlier,
    account_adoption_signals__severe_tickets_open.severe_open_tickets
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  LEFT JOIN account_adoption_signals__users_now_and_3_months_earlier
    ON account_adoption_signals__users_now_and_3_months_earlier.period_start = periods.period_start
    AND account_adoption_signals__users_now_and_3_months_earlier.account_id = accounts.account_id
  LEFT JOIN account_adoption_signals__severe_tickets_open
    ON account_adoption_signals__severe_tickets_open.period_start = periods.period_start
    AND account_adoption_signals__severe_tickets_open.account_id = accounts.account_id
), account_adoption_signals AS (
  /* account_adoption_signals: declining_adoption_with_friction_accounts */
  SELECT
    account_adoption_signals_by_account.period_start,
    COUNT(
      CASE
        WHEN account_adoption_signals_by_account.users_last_30_days < 0.7 * account_adoption_signals_by_account.users_3_months_earlier
        AND account_adoption_signals_by_account.severe_open_tickets > 0
        THEN 1
      END
    ) AS declining_adoption_with_friction_accounts
  FROM account_adoption_signals_by_account
  GROUP BY
    account_adoption_signals_by_account.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    COALESCE(account_adoption_signals.declining_adoption_with_friction_accounts, 0) AS declining_adoption_with_friction_accounts
  FROM grid
  LEFT JOIN account_adoption_signals
    ON account_adoption_signals.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.declining_adoption_with_friction_accounts AS declining_adoption_with_friction_accounts
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: metric_theme_others_health
-- query: {"metrics":["theme_others_health"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Health of the other accounts (theme_others_health): mean latest weekly health_score (the week starting in P's last 7 days) over accounts under contract on P's last day with no ticket opened in P
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Accounts under contract on the period's last day, with the tickets they opened in the period and their latest health (as at the last day of each period).
--   Tickets opened in the period (the whole of each period).
--   Latest weekly health score (the last 7 days of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE), CAST('2025-09-24' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start)
), account_ticket_themes__tickets_raised AS (
  /* account_ticket_themes__tickets_raised: tickets opened in the period, per account_id */
  SELECT
    periods.period_start,
    tickets.account_id,
    COUNT(*) AS tickets_raised
  FROM tickets
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start,
    tickets.account_id
), account_ticket_themes__latest_health AS (
  /* account_ticket_themes__latest_health: latest weekly health score, per account_id */
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
), account_ticket_themes_by_account AS (
  /* account_ticket_themes_by_account: accounts under contract on the period's last day, with the tickets they opened in the period and their latest health */
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
    account_ticket_themes__tickets_raised.tickets_raised,
    account_ticket_themes__latest_health.latest_health
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  LEFT JOIN account_ticket_themes__tickets_raised
    ON account_ticket_themes__tickets_raised.period_start = periods.period_start AND account_ticket_themes__tickets_raised.account_id = accounts.account_id
  LEFT JOIN account_ticket_themes__latest_health
    ON account_ticket_themes__latest_health.period_start = periods.period_start AND account_ticket_themes__latest_health.account_id = accounts.account_id
), account_ticket_themes AS (
  /* account_ticket_themes: theme_others_health */
  SELECT
    account_ticket_themes_by_account.period_start,
    AVG(CASE WHEN COALESCE(account_ticket_themes_by_account.tickets_raised, 0) = 0 THEN account_ticket_themes_by_account.latest_health END) AS theme_others_health
  FROM account_ticket_themes_by_account
  GROUP BY
    account_ticket_themes_by_account.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    account_ticket_themes.theme_others_health AS theme_others_health
  FROM grid
  LEFT JOIN account_ticket_themes
    ON account_ticket_themes.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.theme_others_health AS theme_others_health
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: issue_themes_against_health_for_enterprise
-- query: {"metrics":["theme_tickets","theme_accounts","theme_raisers_health","theme_others_health","theme_health_gap"],"time_range":{"start":"2026-08-01","end":"2026-10-31"},"dimensions":["ticket_category"],"filters":[{"dimension":"segment","values":["Enterprise"]}],"order_by":[{"field":"theme_health_gap"}]}
-- explanation:
--   Tickets raised by current accounts (theme_tickets): count of tickets opened in P by accounts under contract on P's last day
--   Accounts raising tickets (theme_accounts): count of accounts under contract on P's last day with a ticket opened in P
--   Health of the accounts raising tickets (theme_raisers_health): mean latest weekly health_score (the week starting in P's last 7 days) over accounts under contract on P's last day with a ticket opened in P
--   Health of the other accounts (theme_others_health): mean latest weekly health_score (the week starting in P's last 7 days) over accounts under contract on P's last day with no ticket opened in P
--   Health gap of the accounts raising tickets (theme_health_gap): mean latest weekly health_score of accounts under contract on P's last day that opened a ticket in P − the same mean over those that opened none (per category, none of that category)
--   Period: August 2026 to October 2026 (2026-08-01 to 2026-10-31).
--   Accounts under contract on the period's last day, with the tickets they opened in the period and their latest health (as at the last day of each period).
--   Tickets opened in the period (the whole of each period).
--   Latest weekly health score (the last 7 days of each period).
--   Filters: Segment = Enterprise.
--   One row per ticket category.
--   Ordered by theme_health_gap.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2026-08-01' AS DATE), CAST('2026-10-31' AS DATE), 92, CAST('2026-07-01' AS DATE), CAST('2026-10-01' AS DATE), CAST('2026-10-25' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start)
), account_ticket_themes_by_account_and_ticket_category__tickets_raised AS (
  /* account_ticket_themes_by_account_and_ticket_category__tickets_raised: tickets opened in the period, per account_id and ticket_category */
  SELECT
    periods.period_start,
    tickets.account_id,
    tickets.category AS ticket_category,
    COUNT(*) AS tickets_raised
  FROM tickets
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start,
    tickets.account_id,
    tickets.category
), account_ticket_themes_by_account_and_ticket_category__latest_health AS (
  /* account_ticket_themes_by_account_and_ticket_category__latest_health: latest weekly health score, per account_id */
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
), account_ticket_themes_by_account_and_ticket_category AS (
  /* account_ticket_themes_by_account_and_ticket_category: accounts under contract on the period's last day, with the tickets they opened in the period and their latest health, per ticket category */
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
    ticket_category_values.ticket_category,
    account_ticket_themes_by_account_and_ticket_category__tickets_raised.tickets_raised,
    account_ticket_themes_by_account_and_ticket_category__latest_health.latest_health
  FROM accounts
  JOIN periods
    ON accounts.contract_start <= periods.period_end AND (
      accounts.churned_on IS NULL OR accounts.churned_on > periods.period_end
    )
  CROSS JOIN (
    SELECT DISTINCT
      tickets.category AS ticket_category
    FROM tickets
  ) AS ticket_category_values
  LEFT JOIN account_ticket_themes_by_account_and_ticket_category__tickets_raised
    ON account_ticket_themes_by_account_and_ticket_category__tickets_raised.period_start = periods.period_start
    AND account_ticket_themes_by_account_and_ticket_category__tickets_raised.account_id = accounts.account_id
    AND account_ticket_themes_by_account_and_ticket_category__tickets_raised.ticket_category = ticket_category_values.ticket_category
  LEFT JOIN account_ticket_themes_by_account_and_ticket_category__latest_health
    ON account_ticket_themes_by_account_and_ticket_category__latest_health.period_start = periods.period_start
    AND account_ticket_themes_by_account_and_ticket_category__latest_health.account_id = accounts.account_id
), account_ticket_themes AS (
  /* account_ticket_themes: theme_tickets, theme_accounts, theme_raisers_health, theme_others_health */
  SELECT
    account_ticket_themes_by_account_and_ticket_category.period_start,
    account_ticket_themes_by_account_and_ticket_category.ticket_category AS ticket_category,
    SUM(account_ticket_themes_by_account_and_ticket_category.tickets_raised) AS theme_tickets,
    COUNT(CASE WHEN account_ticket_themes_by_account_and_ticket_category.tickets_raised > 0 THEN 1 END) AS theme_accounts,
    AVG(CASE WHEN account_ticket_themes_by_account_and_ticket_category.tickets_raised > 0 THEN account_ticket_themes_by_account_and_ticket_category.latest_health END) AS theme_raisers_health,
    AVG(
      CASE
        WHEN COALESCE(account_ticket_themes_by_account_and_ticket_category.tickets_raised, 0) = 0
        THEN account_ticket_themes_by_account_and_ticket_category.latest_health
      END
    ) AS theme_others_health
  FROM account_ticket_themes_by_account_and_ticket_category
  WHERE
    account_ticket_themes_by_account_and_ticket_category.segment = 'Enterprise'
  GROUP BY
    account_ticket_themes_by_account_and_ticket_category.period_start,
    account_ticket_themes_by_account_and_ticket_category.ticket_category
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    dimension_values.ticket_category
  FROM periods
  CROSS JOIN (
    SELECT
      tickets_values.ticket_category
    FROM (
      SELECT DISTINCT
        tickets.category AS ticket_category
      FROM tickets
      LEFT JOIN accounts
        ON accounts.account_id = tickets.account_id
      WHERE
        accounts.segment = 'Enterprise'
    ) AS tickets_values
    UNION
    SELECT
      account_ticket_themes.ticket_category
    FROM account_ticket_themes
    WHERE
      NOT account_ticket_themes.ticket_category IS NULL
  ) AS dimension_values
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.ticket_category,
    COALESCE(account_ticket_themes.theme_tickets, 0) AS theme_tickets,
    COALESCE(account_ticket_themes.theme_accounts, 0) AS theme_accounts,
    account_ticket_themes.theme_raisers_health AS theme_raisers_health,
    account_ticket_themes.theme_others_health AS theme_others_health,
    account_ticket_themes.theme_raisers_health - account_ticket_themes.theme_others_health AS theme_health_gap
  FROM grid
  LEFT JOIN account_ticket_themes
    ON account_ticket_themes.period_start = grid.period_start AND account_ticket_themes.ticket_category IS NOT DISTINCT FROM grid.ticket_category
)
SELECT
  results.period_start,
  results.period_end,
  results.ticket_category,
  results.theme_tickets AS theme_tickets,
  results.theme_accounts AS theme_accounts,
  results.theme_raisers_health AS theme_raisers_health,
  results.theme_others_health AS theme_others_health,
  results.theme_health_gap AS theme_health_gap
FROM results
ORDER BY
  results.theme_health_gap ASC,
  results.period_start,
  results.period_end,
  results.ticket_category

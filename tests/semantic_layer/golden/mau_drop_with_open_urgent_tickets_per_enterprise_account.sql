-- case: mau_drop_with_open_urgent_tickets_per_enterprise_account
-- query: {"metrics":["mau","open_urgent_tickets"],"time_range":{"start":"2026-08-03","end":"2026-10-31"},"dimensions":["account_name"],"filters":[{"dimension":"segment","values":["Enterprise"]}],"metric_filters":[{"metric":"mau","op":"<","value":-20.0,"column":"change_pct"},{"metric":"open_urgent_tickets","op":">","value":0.0}],"compare":"previous_period","order_by":[{"field":"mau","column":"change_pct"}]}
-- explanation:
--   MAU (mau): distinct users active in the 30 days ending on P's last day
--   Open urgent tickets (open_urgent_tickets): count of urgent tickets opened by the end of P and not resolved by then
--   Period: 2026-08-03 to 2026-10-31.
--   User activity in the last 30 days (the last 30 days of each period).
--   Support tickets still open (as at the last day of each period).
--   Compared with the previous period of the same length (2026-05-05 to 2026-08-02 for 2026-08-03 to 2026-10-31).
--   Filters: Segment = Enterprise.
--   One row per account.
--   Only rows where MAU (change pct) < -20.
--   Only rows where Open urgent tickets > 0.
--   Ordered by mau change_pct.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2026-05-05' AS DATE),
      CAST('2026-08-02' AS DATE),
      90,
      CAST('2026-04-01' AS DATE),
      CAST('2026-08-01' AS DATE),
      CAST('2026-07-04' AS DATE),
      FALSE,
      CAST(NULL AS DATE)
    ),
    (
      CAST('2026-08-03' AS DATE),
      CAST('2026-10-31' AS DATE),
      90,
      CAST('2026-07-01' AS DATE),
      CAST('2026-10-01' AS DATE),
      CAST('2026-10-02' AS DATE),
      TRUE,
      CAST('2026-05-05' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_30_start, reported, compare_start)
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
  WHERE
    accounts.segment = 'Enterprise'
  GROUP BY
    periods.period_start,
    accounts.name
), tickets_open AS (
  /* tickets_open: open_urgent_tickets */
  SELECT
    periods.period_start,
    accounts.name AS account_name,
    COUNT(CASE WHEN tickets.priority = 'urgent' THEN 1 END) AS open_urgent_tickets
  FROM tickets
  LEFT JOIN accounts
    ON accounts.account_id = tickets.account_id
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) <= periods.period_end
    AND (
      CAST(tickets.resolved_at AS DATE) IS NULL OR CAST(tickets.resolved_at AS DATE) > periods.period_end
    )
  WHERE
    accounts.segment = 'Enterprise'
  GROUP BY
    periods.period_start,
    accounts.name
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    periods.compare_start,
    dimension_values.account_name
  FROM periods
  CROSS JOIN (
    SELECT
      accounts_values.account_name
    FROM (
      SELECT DISTINCT
        accounts.name AS account_name
      FROM accounts
      WHERE
        accounts.segment = 'Enterprise'
    ) AS accounts_values
    UNION
    SELECT
      monthly_activity.account_name
    FROM monthly_activity
    WHERE
      NOT monthly_activity.account_name IS NULL
    UNION
    SELECT
      tickets_open.account_name
    FROM tickets_open
    WHERE
      NOT tickets_open.account_name IS NULL
  ) AS dimension_values
  WHERE
    periods.reported
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.account_name,
    COALESCE(monthly_activity.mau, 0) AS mau,
    COALESCE(tickets_open.open_urgent_tickets, 0) AS open_urgent_tickets,
    COALESCE(monthly_activity__previous.mau, 0) AS mau__previous,
    COALESCE(tickets_open__previous.open_urgent_tickets, 0) AS open_urgent_tickets__previous
  FROM grid
  LEFT JOIN monthly_activity
    ON monthly_activity.period_start = grid.period_start AND monthly_activity.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN tickets_open
    ON tickets_open.period_start = grid.period_start AND tickets_open.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN monthly_activity AS monthly_activity__previous
    ON monthly_activity__previous.period_start = grid.compare_start AND monthly_activity__previous.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN tickets_open AS tickets_open__previous
    ON tickets_open__previous.period_start = grid.compare_start AND tickets_open__previous.account_name IS NOT DISTINCT FROM grid.account_name
)
SELECT
  results.period_start,
  results.period_end,
  results.account_name,
  results.mau AS mau,
  results.mau__previous AS mau__previous,
  results.mau - results.mau__previous AS mau__change,
  (
    results.mau - results.mau__previous
  ) * 100.0 / NULLIF(ABS(results.mau__previous), 0) AS mau__change_pct,
  results.open_urgent_tickets AS open_urgent_tickets,
  results.open_urgent_tickets__previous AS open_urgent_tickets__previous,
  results.open_urgent_tickets - results.open_urgent_tickets__previous AS open_urgent_tickets__change,
  (
    results.open_urgent_tickets - results.open_urgent_tickets__previous
  ) * 100.0 / NULLIF(ABS(results.open_urgent_tickets__previous), 0) AS open_urgent_tickets__change_pct
FROM results
WHERE
  (
    results.mau - results.mau__previous
  ) * 100.0 / NULLIF(ABS(results.mau__previous), 0) < -20.0 AND results.open_urgent_tickets > 0.0
ORDER BY
  (
    results.mau - results.mau__previous
  ) * 100.0 / NULLIF(ABS(results.mau__previous), 0) ASC,
  results.period_start,
  results.period_end,
  results.account_name

-- case: renewing_in_90_days_with_health_trend_and_open_tickets
-- query: {"metrics":["days_to_renewal","health_score","open_tickets"],"time_range":{"start":"2026-10-01","end":"2026-10-31"},"dimensions":["account_name"],"metric_filters":[{"metric":"days_to_renewal","op":"<=","value":90.0}],"compare":"previous_period","order_by":[{"field":"days_to_renewal"}]}
-- explanation:
--   Days to renewal (days_to_renewal): days from the end of P to the earliest term_end after it of a term not closed by then
--   Health score (health_score): mean over accounts of the latest weekly health_score in P (the week starting in P's last 7 days); health_score = 0.4 usage + 0.2 support + 0.2 engagement + 0.1 payment + 0.1 executive
--   Open tickets (open_tickets): count of tickets opened by the end of P and not resolved by then
--   Period: October 2026 (2026-10-01 to 2026-10-31).
--   Contract terms ending after the period and still undecided on its last day (after the last day of each period).
--   Each account's latest weekly health score, the week starting in the period's last 7 days (the last 7 days of each period).
--   Support tickets still open (as at the last day of each period).
--   Compared with the previous period of the same length (September 2026 for October 2026).
--   One row per account.
--   Only rows where Days to renewal <= 90.
--   Ordered by days_to_renewal.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2026-09-01' AS DATE),
      CAST('2026-09-30' AS DATE),
      30,
      CAST('2026-08-01' AS DATE),
      CAST('2026-09-01' AS DATE),
      CAST('2026-09-24' AS DATE),
      FALSE,
      CAST(NULL AS DATE)
    ),
    (
      CAST('2026-10-01' AS DATE),
      CAST('2026-10-31' AS DATE),
      31,
      CAST('2026-09-01' AS DATE),
      CAST('2026-10-01' AS DATE),
      CAST('2026-10-25' AS DATE),
      TRUE,
      CAST('2026-09-01' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, reported, compare_start)
), upcoming_renewals_by_account AS (
  /* upcoming_renewals_by_account: contract terms ending after the period and still undecided on its last day, the next one per account */
  SELECT
    periods.period_start,
    renewals.renewal_id,
    renewals.account_id,
    renewals.term_end,
    renewals.arr_up_for_renewal,
    renewals.outcome,
    renewals.renewed_arr,
    renewals.closed_on
  FROM renewals
  JOIN periods
    ON renewals.term_end > periods.period_end AND (
      renewals.closed_on IS NULL OR renewals.closed_on > periods.period_end
    )
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY periods.period_start, renewals.account_id ORDER BY renewals.term_end) = 1
), upcoming_renewals AS (
  /* upcoming_renewals: days_to_renewal */
  SELECT
    upcoming_renewals_by_account.period_start,
    accounts.name AS account_name,
    MIN(DATE_DIFF('DAY', periods.period_end, upcoming_renewals_by_account.term_end)) AS days_to_renewal
  FROM upcoming_renewals_by_account
  LEFT JOIN accounts
    ON accounts.account_id = upcoming_renewals_by_account.account_id
  JOIN periods
    ON periods.period_start = upcoming_renewals_by_account.period_start
  GROUP BY
    upcoming_renewals_by_account.period_start,
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
), tickets_open AS (
  /* tickets_open: open_tickets */
  SELECT
    periods.period_start,
    accounts.name AS account_name,
    COUNT(*) AS open_tickets
  FROM tickets
  LEFT JOIN accounts
    ON accounts.account_id = tickets.account_id
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) <= periods.period_end
    AND (
      CAST(tickets.resolved_at AS DATE) IS NULL OR CAST(tickets.resolved_at AS DATE) > periods.period_end
    )
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
    ) AS accounts_values
    UNION
    SELECT
      upcoming_renewals.account_name
    FROM upcoming_renewals
    WHERE
      NOT upcoming_renewals.account_name IS NULL
    UNION
    SELECT
      latest_health_week.account_name
    FROM latest_health_week
    WHERE
      NOT latest_health_week.account_name IS NULL
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
    upcoming_renewals.days_to_renewal AS days_to_renewal,
    latest_health_week.health_score AS health_score,
    COALESCE(tickets_open.open_tickets, 0) AS open_tickets,
    upcoming_renewals__previous.days_to_renewal AS days_to_renewal__previous,
    latest_health_week__previous.health_score AS health_score__previous,
    COALESCE(tickets_open__previous.open_tickets, 0) AS open_tickets__previous
  FROM grid
  LEFT JOIN upcoming_renewals
    ON upcoming_renewals.period_start = grid.period_start AND upcoming_renewals.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN latest_health_week
    ON latest_health_week.period_start = grid.period_start AND latest_health_week.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN tickets_open
    ON tickets_open.period_start = grid.period_start AND tickets_open.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN upcoming_renewals AS upcoming_renewals__previous
    ON upcoming_renewals__previous.period_start = grid.compare_start AND upcoming_renewals__previous.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN latest_health_week AS latest_health_week__previous
    ON latest_health_week__previous.period_start = grid.compare_start AND latest_health_week__previous.account_name IS NOT DISTINCT FROM grid.account_name
  LEFT JOIN tickets_open AS tickets_open__previous
    ON tickets_open__previous.period_start = grid.compare_start AND tickets_open__previous.account_name IS NOT DISTINCT FROM grid.account_name
)
SELECT
  results.period_start,
  results.period_end,
  results.account_name,
  results.days_to_renewal AS days_to_renewal,
  results.health_score AS health_score,
  results.health_score__previous AS health_score__previous,
  results.health_score - results.health_score__previous AS health_score__change,
  (
    results.health_score - results.health_score__previous
  ) * 100.0 / NULLIF(ABS(results.health_score__previous), 0) AS health_score__change_pct,
  results.open_tickets AS open_tickets,
  results.open_tickets__previous AS open_tickets__previous,
  results.open_tickets - results.open_tickets__previous AS open_tickets__change,
  (
    results.open_tickets - results.open_tickets__previous
  ) * 100.0 / NULLIF(ABS(results.open_tickets__previous), 0) AS open_tickets__change_pct
FROM results
WHERE
  results.days_to_renewal <= 90.0
ORDER BY
  results.days_to_renewal ASC,
  results.period_start,
  results.period_end,
  results.account_name

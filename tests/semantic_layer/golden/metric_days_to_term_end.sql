-- case: metric_days_to_term_end
-- query: {"metrics":["days_to_term_end"],"time_range":{"start":"2025-07-01","end":"2025-09-30"}}
-- explanation:
--   Days to term end (days_to_term_end): days from the end of P to the earliest term_end after it
--   Period: Q3 2025 (2025-07-01 to 2025-09-30).
--   Contract terms ending after the period, decided or not (after the last day of each period).
--   One row for the whole period.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2025-07-01' AS DATE), CAST('2025-09-30' AS DATE), 92, CAST('2025-06-01' AS DATE), CAST('2025-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month)
), upcoming_terms AS (
  /* upcoming_terms: days_to_term_end */
  SELECT
    periods.period_start,
    MIN(DATE_DIFF('DAY', periods.period_end, renewals.term_end)) AS days_to_term_end
  FROM renewals
  JOIN periods
    ON renewals.term_end > periods.period_end
  GROUP BY
    periods.period_start
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end
  FROM periods
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    upcoming_terms.days_to_term_end AS days_to_term_end
  FROM grid
  LEFT JOIN upcoming_terms
    ON upcoming_terms.period_start = grid.period_start
)
SELECT
  results.period_start,
  results.period_end,
  results.days_to_term_end AS days_to_term_end
FROM results
ORDER BY
  results.period_start,
  results.period_end

-- case: health_by_csm_against_last_year
-- query: {"metrics":["health_score","red_health_share"],"time_range":{"start":"2026-10-01","end":"2026-10-31"},"dimensions":["csm_name"],"compare":"same_period_last_year","order_by":[{"field":"health_score","column":"change"}]}
-- explanation:
--   Health score (health_score): mean over accounts of the latest weekly health_score in P (the week starting in P's last 7 days); health_score = 0.4 usage + 0.2 support + 0.2 engagement + 0.1 payment + 0.1 executive
--   Red health share (red_health_share): accounts whose latest weekly health_score < 50 ÷ accounts with a latest weekly score × 100
--   Period: October 2026 (2026-10-01 to 2026-10-31).
--   Each account's latest weekly health score, the week starting in the period's last 7 days (the last 7 days of each period).
--   Compared with the same period a year earlier (October 2025 for October 2026).
--   One row per csm.
--   Ordered by health_score change.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (
      CAST('2025-10-01' AS DATE),
      CAST('2025-10-31' AS DATE),
      31,
      CAST('2025-09-01' AS DATE),
      CAST('2025-10-01' AS DATE),
      CAST('2025-10-25' AS DATE),
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
      CAST('2025-10-01' AS DATE)
    )) AS periods(period_start, period_end, period_days, base_month, end_month, trailing_7_start, reported, compare_start)
), latest_health_week AS (
  /* latest_health_week: health_score, red_health_share */
  SELECT
    periods.period_start,
    csms.name AS csm_name,
    AVG(health_scores_weekly.health_score) AS health_score,
    COUNT(DISTINCT CASE WHEN health_scores_weekly.health_score < 50 THEN health_scores_weekly.account_id END) AS red_health_share__numerator,
    COUNT(DISTINCT health_scores_weekly.account_id) AS red_health_share__denominator
  FROM health_scores_weekly
  LEFT JOIN accounts
    ON accounts.account_id = health_scores_weekly.account_id
  LEFT JOIN csms
    ON csms.csm_id = accounts.csm_id
  JOIN periods
    ON health_scores_weekly.week_start BETWEEN periods.trailing_7_start AND periods.period_end
  GROUP BY
    periods.period_start,
    csms.name
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    periods.compare_start,
    dimension_values.csm_name
  FROM periods
  CROSS JOIN (
    SELECT
      csms_values.csm_name
    FROM (
      SELECT DISTINCT
        csms.name AS csm_name
      FROM csms
    ) AS csms_values
    UNION
    SELECT
      latest_health_week.csm_name
    FROM latest_health_week
    WHERE
      NOT latest_health_week.csm_name IS NULL
  ) AS dimension_values
  WHERE
    periods.reported
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.csm_name,
    latest_health_week.health_score AS health_score,
    latest_health_week.red_health_share__numerator * 100.0 / NULLIF(latest_health_week.red_health_share__denominator, 0) AS red_health_share,
    latest_health_week__previous.health_score AS health_score__previous,
    latest_health_week__previous.red_health_share__numerator * 100.0 / NULLIF(latest_health_week__previous.red_health_share__denominator, 0) AS red_health_share__previous
  FROM grid
  LEFT JOIN latest_health_week
    ON latest_health_week.period_start = grid.period_start AND latest_health_week.csm_name IS NOT DISTINCT FROM grid.csm_name
  LEFT JOIN latest_health_week AS latest_health_week__previous
    ON latest_health_week__previous.period_start = grid.compare_start AND latest_health_week__previous.csm_name IS NOT DISTINCT FROM grid.csm_name
)
SELECT
  results.period_start,
  results.period_end,
  results.csm_name,
  results.health_score AS health_score,
  results.health_score__previous AS health_score__previous,
  results.health_score - results.health_score__previous AS health_score__change,
  (
    results.health_score - results.health_score__previous
  ) * 100.0 / NULLIF(ABS(results.health_score__previous), 0) AS health_score__change_pct,
  results.red_health_share AS red_health_share,
  results.red_health_share__previous AS red_health_share__previous,
  results.red_health_share - results.red_health_share__previous AS red_health_share__change,
  (
    results.red_health_share - results.red_health_share__previous
  ) * 100.0 / NULLIF(ABS(results.red_health_share__previous), 0) AS red_health_share__change_pct,
  (
    SELECT
      MIN(latest_health_week.red_health_share__denominator)
    FROM latest_health_week
  ) AS red_health_share__sample
FROM results
ORDER BY
  results.health_score - results.health_score__previous ASC,
  results.period_start,
  results.period_end,
  results.csm_name

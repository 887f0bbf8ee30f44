-- case: tickets_next_to_urgent_tickets_and_relationship_nps_by_segment
-- query: {"metrics":["ticket_volume",{"name":"ticket_volume","filters":[{"dimension":"ticket_priority","values":["urgent"]}],"alias":"urgent_tickets"},{"name":"nps","filters":[{"dimension":"survey_touchpoint","values":["relationship"]}],"alias":"relationship_nps"}],"time_range":{"start":"2026-10-01","end":"2026-10-31"},"dimensions":["segment"],"compare":"previous_period"}
-- explanation:
--   Ticket volume (ticket_volume): count of tickets opened in P
--   Ticket volume (urgent_tickets), only where Ticket priority = urgent: count of tickets opened in P
--   Net promoter score (relationship_nps), only where Survey touchpoint = relationship: % promoters (9–10) − % detractors (0–6) over nps responses in P
--   Period: October 2026 (2026-10-01 to 2026-10-31).
--   Compared with the previous period of the same length (September 2026 for October 2026).
--   One row per segment.
WITH periods AS (
  /* one row per period; base month = the month before the period, end month = its last month */
  SELECT
    *
  FROM (VALUES
    (CAST('2026-09-01' AS DATE), CAST('2026-09-30' AS DATE), 30, CAST('2026-08-01' AS DATE), CAST('2026-09-01' AS DATE), FALSE, CAST(NULL AS DATE)),
    (CAST('2026-10-01' AS DATE), CAST('2026-10-31' AS DATE), 31, CAST('2026-09-01' AS DATE), CAST('2026-10-01' AS DATE), TRUE, CAST('2026-09-01' AS DATE))) AS periods(period_start, period_end, period_days, base_month, end_month, reported, compare_start)
), tickets_opened AS (
  /* tickets_opened: ticket_volume */
  SELECT
    periods.period_start,
    accounts.segment AS segment,
    COUNT(*) AS ticket_volume
  FROM tickets
  LEFT JOIN accounts
    ON accounts.account_id = tickets.account_id
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  GROUP BY
    periods.period_start,
    accounts.segment
), tickets_opened__urgent_tickets AS (
  /* tickets_opened__urgent_tickets: ticket_volume */
  SELECT
    periods.period_start,
    accounts.segment AS segment,
    COUNT(*) AS ticket_volume
  FROM tickets
  LEFT JOIN accounts
    ON accounts.account_id = tickets.account_id
  JOIN periods
    ON CAST(tickets.opened_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  WHERE
    tickets.priority = 'urgent'
  GROUP BY
    periods.period_start,
    accounts.segment
), surveys__relationship_nps AS (
  /* surveys__relationship_nps: nps */
  SELECT
    periods.period_start,
    accounts.segment AS segment,
    SUM(CASE WHEN survey_responses.survey_type = 'nps' THEN CASE WHEN survey_responses.score >= 9 THEN 1 WHEN survey_responses.score <= 6 THEN -1 ELSE 0 END END) AS nps__numerator,
    COUNT(CASE WHEN survey_responses.survey_type = 'nps' THEN 1 END) AS nps__denominator
  FROM survey_responses
  LEFT JOIN accounts
    ON accounts.account_id = survey_responses.account_id
  JOIN periods
    ON CAST(survey_responses.responded_at AS DATE) BETWEEN periods.period_start AND periods.period_end
  WHERE
    survey_responses.touchpoint = 'relationship'
  GROUP BY
    periods.period_start,
    accounts.segment
), grid AS (
  SELECT
    periods.period_start,
    periods.period_end,
    periods.compare_start,
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
      tickets_opened.segment
    FROM tickets_opened
    WHERE
      NOT tickets_opened.segment IS NULL
    UNION
    SELECT
      tickets_opened__urgent_tickets.segment
    FROM tickets_opened__urgent_tickets
    WHERE
      NOT tickets_opened__urgent_tickets.segment IS NULL
    UNION
    SELECT
      surveys__relationship_nps.segment
    FROM surveys__relationship_nps
    WHERE
      NOT surveys__relationship_nps.segment IS NULL
  ) AS dimension_values
  WHERE
    periods.reported
), results AS (
  SELECT
    grid.period_start,
    grid.period_end,
    grid.segment,
    COALESCE(tickets_opened.ticket_volume, 0) AS ticket_volume,
    COALESCE(tickets_opened__urgent_tickets.ticket_volume, 0) AS urgent_tickets,
    surveys__relationship_nps.nps__numerator * 100.0 / NULLIF(surveys__relationship_nps.nps__denominator, 0) AS relationship_nps,
    COALESCE(tickets_opened__previous.ticket_volume, 0) AS ticket_volume__previous,
    COALESCE(tickets_opened__urgent_tickets__previous.ticket_volume, 0) AS urgent_tickets__previous,
    surveys__relationship_nps__previous.nps__numerator * 100.0 / NULLIF(surveys__relationship_nps__previous.nps__denominator, 0) AS relationship_nps__previous
  FROM grid
  LEFT JOIN tickets_opened
    ON tickets_opened.period_start = grid.period_start AND tickets_opened.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN tickets_opened__urgent_tickets
    ON tickets_opened__urgent_tickets.period_start = grid.period_start AND tickets_opened__urgent_tickets.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN surveys__relationship_nps
    ON surveys__relationship_nps.period_start = grid.period_start AND surveys__relationship_nps.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN tickets_opened AS tickets_opened__previous
    ON tickets_opened__previous.period_start = grid.compare_start AND tickets_opened__previous.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN tickets_opened__urgent_tickets AS tickets_opened__urgent_tickets__previous
    ON tickets_opened__urgent_tickets__previous.period_start = grid.compare_start AND tickets_opened__urgent_tickets__previous.segment IS NOT DISTINCT FROM grid.segment
  LEFT JOIN surveys__relationship_nps AS surveys__relationship_nps__previous
    ON surveys__relationship_nps__previous.period_start = grid.compare_start AND surveys__relationship_nps__previous.segment IS NOT DISTINCT FROM grid.segment
)
SELECT
  results.period_start,
  results.period_end,
  results.segment,
  results.ticket_volume AS ticket_volume,
  results.ticket_volume__previous AS ticket_volume__previous,
  results.ticket_volume - results.ticket_volume__previous AS ticket_volume__change,
  (
    results.ticket_volume - results.ticket_volume__previous
  ) * 100.0 / NULLIF(ABS(results.ticket_volume__previous), 0) AS ticket_volume__change_pct,
  results.urgent_tickets AS urgent_tickets,
  results.urgent_tickets__previous AS urgent_tickets__previous,
  results.urgent_tickets - results.urgent_tickets__previous AS urgent_tickets__change,
  (
    results.urgent_tickets - results.urgent_tickets__previous
  ) * 100.0 / NULLIF(ABS(results.urgent_tickets__previous), 0) AS urgent_tickets__change_pct,
  results.relationship_nps AS relationship_nps,
  results.relationship_nps__previous AS relationship_nps__previous,
  results.relationship_nps - results.relationship_nps__previous AS relationship_nps__change,
  (
    results.relationship_nps - results.relationship_nps__previous
  ) * 100.0 / NULLIF(ABS(results.relationship_nps__previous), 0) AS relationship_nps__change_pct,
  (
    SELECT
      MIN(surveys__relationship_nps.nps__denominator)
    FROM surveys__relationship_nps
  ) AS relationship_nps__sample
FROM results
ORDER BY
  results.period_start,
  results.period_end,
  results.segment

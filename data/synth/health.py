"""health_scores_weekly, computed in SQL from the rows already written.

Each component is measured from the behaviour the other tables record, so the health
score moves when (and because) usage, support, engagement, payment or the executive
relationship move:
- usage: weekly active users ÷ seats, and active days per active user (half each);
- support: open tickets at the end of the week, high and urgent ones weigh more;
- engagement: breadth of features used in the last 28 days, and CS touches (meetings,
  survey answers) in the last 90 days;
- payment: invoices paid on time (a per-account lateness rate from the simulation);
- executive: executive-attended meetings in the last 180 days and executives using the product.
Scores are 0–100 with one decimal; health = 0.4·usage + 0.2·support + 0.2·engagement +
0.1·payment + 0.1·executive, as the contract states.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from . import calendar as cal
from .revenue import dates, ids
from .world import World

HEALTH_SQL = """
INSERT INTO health_scores_weekly
WITH weeks AS (
    SELECT CAST(w AS DATE) AS week_start
    FROM range(CAST($first_monday AS TIMESTAMP), CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 7 DAY) AS t(w)
),
account_weeks AS (
    SELECT a.account_id, w.week_start, s.seats
    FROM accounts AS a
    JOIN weeks AS w
      ON a.contract_start <= w.week_start
     AND (a.churned_on IS NULL OR a.churned_on > w.week_start + 6)
    JOIN _seats_monthly AS s
      ON s.account_id = a.account_id AND s.month = date_trunc('month', w.week_start)
),
weekly_activity AS (
    SELECT account_id, CAST(date_trunc('week', activity_date) AS DATE) AS week_start,
           count(DISTINCT user_id) AS active_users, count(*) AS active_user_days
    FROM user_activity_daily
    GROUP BY account_id, week_start
),
weekly_features AS (
    SELECT DISTINCT account_id, CAST(date_trunc('week', activity_date) AS DATE) AS week_start, feature
    FROM feature_usage_daily
),
breadth AS (
    SELECT aw.account_id, aw.week_start, count(DISTINCT f.feature) AS features_28d
    FROM account_weeks AS aw
    JOIN weekly_features AS f
      ON f.account_id = aw.account_id AND f.week_start BETWEEN aw.week_start - 21 AND aw.week_start
    GROUP BY aw.account_id, aw.week_start
),
open_tickets AS (
    SELECT aw.account_id, aw.week_start,
           count(*) FILTER (WHERE t.priority IN ('high', 'urgent')) AS open_severe,
           count(*) FILTER (WHERE t.priority NOT IN ('high', 'urgent')) AS open_other
    FROM account_weeks AS aw
    JOIN tickets AS t
      ON t.account_id = aw.account_id
     AND t.opened_at < aw.week_start + 7
     AND (t.resolved_at IS NULL OR t.resolved_at >= aw.week_start + 7)
    GROUP BY aw.account_id, aw.week_start
),
touches AS (
    SELECT account_id, touch_date FROM (
        SELECT account_id, meeting_date AS touch_date FROM meetings
        UNION ALL
        SELECT account_id, CAST(responded_at AS DATE) FROM survey_responses
    )
),
touch_counts AS (
    SELECT aw.account_id, aw.week_start, count(*) AS touches_90d
    FROM account_weeks AS aw
    JOIN touches AS t
      ON t.account_id = aw.account_id AND t.touch_date BETWEEN aw.week_start - 83 AND aw.week_start + 6
    GROUP BY aw.account_id, aw.week_start
),
exec_meetings AS (
    SELECT aw.account_id, aw.week_start, count(*) AS exec_meetings_180d
    FROM account_weeks AS aw
    JOIN meetings AS m
      ON m.account_id = aw.account_id AND m.executive_attended
     AND m.meeting_date BETWEEN aw.week_start - 173 AND aw.week_start + 6
    GROUP BY aw.account_id, aw.week_start
),
exec_users AS (
    SELECT DISTINCT d.account_id, CAST(date_trunc('week', d.activity_date) AS DATE) AS week_start
    FROM user_activity_daily AS d
    JOIN users AS u ON u.user_id = d.user_id AND u.role = 'executive'
),
exec_active AS (
    SELECT aw.account_id, aw.week_start, count(*) > 0 AS executive_active
    FROM account_weeks AS aw
    JOIN exec_users AS e
      ON e.account_id = aw.account_id AND e.week_start BETWEEN aw.week_start - 21 AND aw.week_start
    GROUP BY aw.account_id, aw.week_start
),
components AS (
    SELECT
        aw.account_id,
        aw.week_start,
        100 * (0.5 * pow(least(1.0, coalesce(wa.active_users, 0) / aw.seats), 1.25)
             + 0.5 * pow(least(1.0, coalesce(wa.active_user_days / nullif(wa.active_users, 0), 0) / 4.0), 1.25)) AS usage,
        greatest(0.0, 100 - 25 * coalesce(ot.open_severe, 0) - 8 * coalesce(ot.open_other, 0)) AS support,
        100 * (0.6 * least(1.0, coalesce(b.features_28d, 0) / 7.0)
             + 0.4 * least(1.0, coalesce(tc.touches_90d, 0) / 3.0)) AS engagement,
        CASE WHEN (hash(aw.account_id, aw.week_start) % 10000) / 10000.0 < l.late_rate THEN 40.0 ELSE 100.0 END AS payment,
        least(100.0, 40 + 25 * coalesce(em.exec_meetings_180d, 0) + 35 * coalesce(CAST(ea.executive_active AS INTEGER), 0)) AS executive,
        ((hash(aw.week_start, aw.account_id) % 1000) / 1000.0 - 0.5) * 6 AS noise
    FROM account_weeks AS aw
    JOIN _late_rate AS l ON l.account_id = aw.account_id
    LEFT JOIN weekly_activity AS wa ON wa.account_id = aw.account_id AND wa.week_start = aw.week_start
    LEFT JOIN breadth AS b ON b.account_id = aw.account_id AND b.week_start = aw.week_start
    LEFT JOIN open_tickets AS ot ON ot.account_id = aw.account_id AND ot.week_start = aw.week_start
    LEFT JOIN touch_counts AS tc ON tc.account_id = aw.account_id AND tc.week_start = aw.week_start
    LEFT JOIN exec_meetings AS em ON em.account_id = aw.account_id AND em.week_start = aw.week_start
    LEFT JOIN exec_active AS ea ON ea.account_id = aw.account_id AND ea.week_start = aw.week_start
),
rounded AS (
    SELECT account_id, week_start,
           round(least(100, greatest(0, usage + noise)), 1) AS usage_score,
           round(support, 1) AS support_score,
           round(least(100, greatest(0, engagement - noise)), 1) AS engagement_score,
           round(payment, 1) AS payment_score,
           round(executive, 1) AS executive_score
    FROM components
)
SELECT account_id, week_start,
       round(0.4 * usage_score + 0.2 * support_score + 0.2 * engagement_score
             + 0.1 * payment_score + 0.1 * executive_score, 1) AS health_score,
       usage_score, support_score, engagement_score, payment_score, executive_score
FROM rounded
ORDER BY account_id, week_start
"""


def write_health_scores(con: duckdb.DuckDBPyConnection, world: World) -> None:
    """Fill health_scores_weekly from the tables already in `con`."""
    account, month = np.nonzero(world.seats[:, cal.WINDOW_START_INDEX:] > 0)
    seats = pa.table({
        "account_id": ids(account, world.ids),
        "month": dates(cal.month_start(month + cal.WINDOW_START_INDEX)),
        "seats": pa.array(world.seats[account, month + cal.WINDOW_START_INDEX].astype(np.int64)),
    })
    late = pa.table({"account_id": pa.array(world.ids.tolist()), "late_rate": pa.array(world.late_payer)})
    first_monday = cal.WINDOW_START + (7 - cal.weekday(np.array([cal.WINDOW_START]))[0]) % 7
    con.register("_seats_monthly", seats)
    con.register("_late_rate", late)
    try:
        con.execute(HEALTH_SQL, {"first_monday": str(first_monday), "as_of": str(cal.AS_OF)})
    finally:
        con.unregister("_seats_monthly")
        con.unregister("_late_rate")

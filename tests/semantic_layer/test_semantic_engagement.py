"""Support, survey, health, usage, onboarding, renewal, cost and meeting metrics on a
three-account warehouse whose right answers are worked out by hand in each test.

    B1  Enterprise  CSM Dana Lee  10 seats  contract 2026-06-01  MRR 1,000 Jun–Sep
    B2  SMB         no CSM         2 seats  contract 2026-07-15  MRR 500 Aug–Sep
    B3  SMB         CSM Dana Lee   5 seats  contract 2026-08-01  churned 2026-09-15, MRR 250 Aug
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, MetricFilter, MetricRef, SemanticQuery

SEPTEMBER, Q3 = Period.months("2026-09"), Period.months("2026-07", "2026-09")

ROWS = """
INSERT INTO csms VALUES ('C1', 'Dana Lee', 'dana@example.com', 'Retention', 'EMEA', DATE '2024-01-01');
INSERT INTO accounts VALUES
  ('B1', 'Bluebird', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', 'C1', 'outbound', DATE '2026-06-01', NULL, 10),
  ('B2', 'Cobalt', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2026-07-15', NULL, 2),
  ('B3', 'Driftwood', 'SMB', 'Retail', 'APAC', 'Starter', 'low-touch', 'C1', 'inbound', DATE '2026-08-01', DATE '2026-09-15', 5);
INSERT INTO account_mrr_monthly VALUES
  ('B1', DATE '2026-06-01', 1000), ('B1', DATE '2026-07-01', 1000), ('B1', DATE '2026-08-01', 1000), ('B1', DATE '2026-09-01', 1000),
  ('B2', DATE '2026-08-01', 500), ('B2', DATE '2026-09-01', 500), ('B3', DATE '2026-08-01', 250);
INSERT INTO users VALUES
  ('U1', 'B1', 'admin', DATE '2026-06-01', NULL), ('U2', 'B1', 'member', DATE '2026-06-01', NULL),
  ('U3', 'B2', 'admin', DATE '2026-07-15', NULL);
-- U1 every day of September (2 sessions, 30 minutes), U2 on 1–10 September, U3 on 25–30 September
INSERT INTO user_activity_daily SELECT 'U1', 'B1', d::DATE, 2, 30, 5 FROM range(DATE '2026-09-01', DATE '2026-10-01', INTERVAL 1 DAY) t(d);
INSERT INTO user_activity_daily SELECT 'U2', 'B1', d::DATE, 1, 20, 5 FROM range(DATE '2026-09-01', DATE '2026-09-11', INTERVAL 1 DAY) t(d);
INSERT INTO user_activity_daily SELECT 'U3', 'B2', d::DATE, 1, 10, 5 FROM range(DATE '2026-09-25', DATE '2026-10-01', INTERVAL 1 DAY) t(d);
INSERT INTO features VALUES ('dashboards', TRUE, 'Dashboards'), ('export', FALSE, 'CSV export');
INSERT INTO feature_usage_daily VALUES
  ('B1', 'U1', DATE '2026-09-02', 'dashboards', 3), ('B1', 'U2', DATE '2026-09-03', 'dashboards', 1),
  ('B2', 'U3', DATE '2026-09-26', 'export', 2), ('B1', 'U1', DATE '2026-09-04', 'export', 1);
INSERT INTO tickets VALUES
  ('T1', 'B1', 'U1', TIMESTAMP '2026-09-01 08:00', TIMESTAMP '2026-09-01 10:00', TIMESTAMP '2026-09-02 08:00', 'email', 'bug', 'urgent', 1, 'resolved'),
  ('T2', 'B1', 'U2', TIMESTAMP '2026-09-03 08:00', TIMESTAMP '2026-09-03 12:00', TIMESTAMP '2026-10-05 08:00', 'chat', 'bug', 'high', 3, 'resolved'),
  ('T3', 'B2', NULL, TIMESTAMP '2026-09-10 08:00', TIMESTAMP '2026-09-10 09:00', NULL, 'portal', 'how-to', 'urgent', NULL, 'open'),
  ('T4', 'B2', NULL, TIMESTAMP '2026-07-20 08:00', NULL, TIMESTAMP '2026-09-20 08:00', 'phone', 'billing', 'normal', 2, 'resolved');
INSERT INTO survey_responses VALUES
  ('S1', 'B1', 'U1', 'nps', 10, TIMESTAMP '2026-09-05 10:00', 'relationship', NULL, NULL),
  ('S2', 'B1', 'U2', 'nps', 9, TIMESTAMP '2026-09-05 10:00', 'relationship', NULL, NULL),
  ('S3', 'B2', 'U3', 'nps', 9, TIMESTAMP '2026-09-06 10:00', 'onboarding', NULL, NULL),
  ('S4', 'B2', NULL, 'nps', 7, TIMESTAMP '2026-09-07 10:00', 'relationship', NULL, NULL),
  ('S5', 'B3', NULL, 'nps', 2, TIMESTAMP '2026-09-08 10:00', 'relationship', NULL, NULL),
  ('S6', 'B1', NULL, 'ces', 5, TIMESTAMP '2026-09-09 10:00', 'support', 'T1', NULL),
  ('S7', 'B1', NULL, 'ces', 6, TIMESTAMP '2026-09-09 10:00', 'support', NULL, NULL),
  ('S8', 'B2', NULL, 'ces', 7, TIMESTAMP '2026-09-09 10:00', 'support', NULL, NULL);
INSERT INTO health_scores_weekly VALUES
  ('B1', DATE '2026-08-31', 10, 10, 10, 10, 10, 10),
  ('B1', DATE '2026-09-07', 90, 95, 80, 90, 100, 80), ('B1', DATE '2026-09-14', 85, 90, 75, 85, 95, 75),
  ('B2', DATE '2026-09-07', 55, 50, 60, 60, 50, 60), ('B2', DATE '2026-09-14', 45, 40, 50, 50, 40, 50),
  ('B1', DATE '2026-09-28', 88, 90, 80, 90, 100, 80), ('B2', DATE '2026-09-28', 40, 30, 50, 40, 50, 50);
INSERT INTO onboarding_milestones VALUES
  ('B1', 'kickoff', DATE '2026-06-05', DATE '2026-06-05'), ('B1', 'first_value', DATE '2026-07-01', DATE '2026-07-11'),
  ('B2', 'kickoff', DATE '2026-07-20', DATE '2026-07-20'), ('B2', 'first_value', DATE '2026-08-15', DATE '2026-08-04'),
  ('B2', 'training', DATE '2026-09-01', NULL),
  ('B3', 'kickoff', DATE '2026-08-03', DATE '2026-08-03'), ('B3', 'first_value', DATE '2026-09-01', DATE '2026-08-31');
INSERT INTO renewals VALUES
  ('R1', 'B1', DATE '2026-07-31', 12000, 'renewed', 13000, DATE '2026-07-20'),
  ('R2', 'B2', DATE '2026-08-31', 6000, 'churned', NULL, DATE '2026-08-30'),
  ('R3', 'B3', DATE '2026-09-30', 3000, 'pending', NULL, NULL),
  ('R4', 'B1', DATE '2027-07-31', 13000, 'pending', NULL, NULL);
INSERT INTO spend_monthly VALUES
  (DATE '2026-07-01', 'sales', 1000), (DATE '2026-08-01', 'marketing', 2000), (DATE '2026-09-01', 'customer_success', 500);
INSERT INTO meetings VALUES
  ('M1', 'B1', 'C1', DATE '2026-07-10', 'qbr', TRUE), ('M2', 'B2', 'C1', DATE '2026-08-10', 'qbr', FALSE),
  ('M3', 'B1', 'C1', DATE '2026-09-10', 'check-in', FALSE);
"""


@pytest.fixture
def wh(con):
    con.execute(ROWS)
    return con


def one(con, *metrics: str, period: Period = SEPTEMBER, **options) -> dict:
    (row,) = run(con, SemanticQuery(metrics=metrics, time_range=period, **options))
    return row


def by(con, metric: str, dimension: str, period: Period = SEPTEMBER) -> dict:
    rows = run(con, SemanticQuery(metrics=[metric], time_range=period, dimensions=[dimension]))
    return {r[dimension]: r[metric] for r in rows}


@pytest.mark.metric_values("ticket_volume", "open_tickets", "open_urgent_tickets")
def test_ticket_counts_in_september(wh):
    row = one(wh, "ticket_volume", "open_tickets", "open_urgent_tickets")
    assert row["ticket_volume"] == 3  # T1, T2, T3 opened in September; T4 in July
    assert row["open_tickets"] == 2  # on 30 September: T2 (resolved 5 October) and T3
    assert row["open_urgent_tickets"] == 1  # T3


def test_ticket_trend_has_a_zero_for_a_month_without_tickets(wh):
    rows = run(wh, SemanticQuery(metrics=["ticket_volume", "open_tickets"], time_range=Period.months("2026-07", "2026-09"), grain="month"))
    assert [(r["period_start"], r["ticket_volume"], r["open_tickets"]) for r in rows] == [
        (date(2026, 7, 1), 1, 1),  # T4 opened and still open at month end
        (date(2026, 8, 1), 0, 1),  # no ticket opened: a 0 row, T4 still open
        (date(2026, 9, 1), 3, 2),
    ]


@pytest.mark.parametrize(("grain", "period", "expected"), [
    ("day", Period(date(2026, 9, 1), date(2026, 9, 3)), [(date(2026, 9, 1), 1), (date(2026, 9, 2), 0), (date(2026, 9, 3), 1)]),
    ("week", Period(date(2026, 8, 31), date(2026, 9, 13)), [(date(2026, 8, 31), 2), (date(2026, 9, 7), 1)]),  # T1 T2; T3
    ("month", Period.months("2026-07", "2026-08"), [(date(2026, 7, 1), 1), (date(2026, 8, 1), 0)]),  # T4 in July
    ("quarter", Period.months("2026-01", "2026-12"),
     [(date(2026, 1, 1), 0), (date(2026, 4, 1), 0), (date(2026, 7, 1), 4), (date(2026, 10, 1), 0)]),
    ("year", Period.months("2025-01", "2026-12"), [(date(2025, 1, 1), 0), (date(2026, 1, 1), 4)]),
])
def test_ticket_volume_at_every_time_grain_with_empty_periods_as_zero(wh, grain, period, expected):
    rows = run(wh, SemanticQuery(metrics=["ticket_volume"], time_range=period, grain=grain))
    assert [(r["period_start"], r["ticket_volume"]) for r in rows] == expected


def test_ticket_volume_by_csm_and_category_does_not_fan_out(wh):
    # B1 has two users; joining tickets to accounts and CSMs must not multiply tickets. The account without a
    # CSM is no CSM's group: its ticket is not a row of the breakdown
    assert by(wh, "ticket_volume", "csm_name") == {"Dana Lee": 2}
    assert by(wh, "ticket_volume", "ticket_category") == {"bug": 2, "how-to": 1, "billing": 0}


@pytest.mark.metric_values("fcr", "first_response_hours_median", "first_response_hours_mean", "resolution_hours_median")
def test_fcr_and_response_times(wh):
    row = one(wh, "fcr", "first_response_hours_median", "first_response_hours_mean", "resolution_hours_median")
    assert row["fcr"] == pytest.approx(50)  # resolved in September: T1 (1 contact), T4 (2)
    assert row["first_response_hours_median"] == pytest.approx(2)  # T1 2 h, T2 4 h, T3 1 h
    assert row["first_response_hours_mean"] == pytest.approx(7 / 3)
    assert row["resolution_hours_median"] == pytest.approx((24 + 62 * 24) / 2)  # T1 24 h, T4 62 days


@pytest.mark.metric_values("resolution_hours_mean")
def test_mean_resolution_time_of_tickets_resolved_in_september(wh):
    assert one(wh, "resolution_hours_mean")["resolution_hours_mean"] == pytest.approx((24 + 62 * 24) / 2)  # T1, T4


@pytest.mark.metric_values("nps_promoters", "nps_detractors", "survey_responses")
def test_promoter_and_detractor_counts_and_responses(wh):
    row = one(wh, "nps_promoters", "nps_detractors", "survey_responses")
    assert (row["nps_promoters"], row["nps_detractors"], row["survey_responses"]) == (3, 1, 8)  # 5 nps, 3 ces answers
    assert by(wh, "survey_responses", "survey_type") == {"nps": 5, "ces": 3}


@pytest.mark.metric_values("nps", "nps_promoters_pct", "nps_detractors_pct", "ces")
def test_nps_and_ces(wh):
    row = one(wh, "nps", "nps_promoters_pct", "nps_detractors_pct", "ces")
    assert row["nps"] == pytest.approx(40)  # 10, 9, 9 promoters; 7 passive; 2 detractor → (3 − 1) ÷ 5
    assert row["nps_promoters_pct"] == pytest.approx(60)
    assert row["nps_detractors_pct"] == pytest.approx(20)
    assert row["ces"] == pytest.approx(6)  # (5 + 6 + 7) ÷ 3


def test_ces_by_the_channel_of_the_ticket_it_was_about(wh):
    # Only S6 (score 5) names a ticket, T1, opened by email; S7 and S8 are about no ticket and are left out
    assert by(wh, "ces", "ticket_channel") == {"email": 5.0, "chat": None, "portal": None, "phone": None}


def test_nps_by_touchpoint(wh):
    # relationship (2 − 1) ÷ 4; onboarding 1 ÷ 1; support had only CES answers, so no NPS
    assert by(wh, "nps", "survey_touchpoint") == {"relationship": pytest.approx(25.0), "onboarding": pytest.approx(100.0), "support": None}


@pytest.mark.metric_values("health_score", "usage_score", "support_score", "engagement_score", "payment_score",
                           "executive_score", "health_score_avg", "health_risk_accounts")
def test_health_in_september_is_the_latest_week_averaged_over_accounts(wh):
    row = one(wh, "health_score", "usage_score", "support_score", "engagement_score", "payment_score", "executive_score",
              "health_score_avg", "health_risk_accounts")
    # September ends on Wednesday the 30th: its last 7 days (24–30) hold the week of Monday 28 September
    assert row["health_score"] == pytest.approx((88 + 40) / 2)
    assert row["usage_score"] == pytest.approx((90 + 30) / 2)
    assert row["support_score"] == pytest.approx((80 + 50) / 2)
    assert row["engagement_score"] == pytest.approx((90 + 40) / 2)
    assert row["payment_score"] == pytest.approx((100 + 50) / 2)
    assert row["executive_score"] == pytest.approx((80 + 50) / 2)
    # the components, weighted 0.4/0.2/0.2/0.1/0.1, give back the health score: 24 + 13 + 13 + 7.5 + 6.5 = 64
    weighted = 0.4 * 60 + 0.2 * 65 + 0.2 * 65 + 0.1 * 75 + 0.1 * 65
    assert row["health_score"] == pytest.approx(weighted)
    # every account-week starting in September (the 31 August week belongs to August): 90, 85, 88, 55, 45, 40
    assert row["health_score_avg"] == pytest.approx((90 + 85 + 88 + 55 + 45 + 40) / 6)
    assert row["health_risk_accounts"] == 1  # B2 had weeks below 60 in September
    assert by(wh, "health_score", "segment") == pytest.approx({"Enterprise": 88.0, "SMB": 40.0})


@pytest.mark.metric_values("green_health_share", "yellow_health_share", "red_health_share",
                           "green_health_accounts", "yellow_health_accounts", "red_health_accounts", "scored_accounts")
def test_health_bands_count_accounts_by_their_latest_week(wh):
    assert one(wh, "scored_accounts")["scored_accounts"] == 2  # B1 and B2 scored in the week of 28 September
    assert by(wh, "scored_accounts", "health_band") == {"green": 1, "yellow": 0, "red": 1}  # B2 was yellow before
    row = one(wh, "green_health_share", "yellow_health_share", "red_health_share",
              "green_health_accounts", "yellow_health_accounts", "red_health_accounts")
    # latest weeks: B1 88 (green), B2 40 (red); B2's earlier 55 (yellow) does not count
    assert (row["green_health_share"], row["yellow_health_share"], row["red_health_share"]) == pytest.approx((50, 0, 50))
    assert (row["green_health_accounts"], row["yellow_health_accounts"], row["red_health_accounts"]) == (1, 0, 1)
    rows = run(wh, SemanticQuery(metrics=["health_score", "red_health_accounts"], time_range=Period.months("2026-08", "2026-09"),
                                 grain="month"))
    # August ends on Monday the 31st, so its latest week is B1's 31 August week (10); B2 has no August score
    assert [(r["health_score"], r["red_health_accounts"]) for r in rows] == [(10.0, 1), (64.0, 1)]


@pytest.mark.metric_values("dau", "wau", "mau", "dau_mau", "wau_mau", "avg_session_minutes")
def test_active_users_and_stickiness(wh):
    row = one(wh, "dau", "wau", "mau", "dau_mau", "wau_mau", "avg_session_minutes")
    assert row["dau"] == pytest.approx(46 / 30)  # user-days 30 + 10 + 6 over 30 days
    assert row["wau"] == 2  # 24–30 September: U1, U3
    assert row["mau"] == 3
    assert row["dau_mau"] == pytest.approx(46 / 30 / 3)
    assert row["wau_mau"] == pytest.approx(2 / 3)
    assert row["avg_session_minutes"] == pytest.approx((900 + 200 + 60) / (60 + 10 + 6))


@pytest.mark.metric_values("key_feature_accounts", "feature_accounts")
def test_feature_use_counts_accounts_once(wh):
    row = one(wh, "key_feature_accounts", "feature_accounts")
    assert (row["key_feature_accounts"], row["feature_accounts"]) == (1, 2)  # B1 (dashboards twice); B1 and B2
    assert by(wh, "feature_accounts", "feature") == {"dashboards": 1, "export": 2}


@pytest.mark.metric_values("ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share",
                           "first_value_accounts")
def test_time_to_value_distribution_of_a_hundred_accounts(con):
    # account i starts on 1 January 2026 and reaches first value i days later (i = 1 … 100, up to 11 April)
    con.execute("""
        INSERT INTO accounts SELECT 'V' || i, 'Venture ' || i, 'SMB', 'Software', 'EMEA', 'Growth', 'pooled', NULL,
               'inbound', DATE '2026-01-01', NULL, 5 FROM range(1, 101) AS r(i);
        INSERT INTO onboarding_milestones SELECT 'V' || i, 'first_value', DATE '2026-02-01',
               DATE '2026-01-01' + CAST(i AS INTEGER) FROM range(1, 101) AS r(i);
    """)
    row = one(con, "ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share", "first_value_accounts",
              period=Period.months("2026-01", "2026-06"))
    assert row["first_value_accounts"] == 100
    assert row["ttv_median_days"] == pytest.approx(50.5)  # between the 50th and 51st of 1 … 100
    assert (row["ttv_over_30_share"], row["ttv_over_60_share"], row["ttv_over_90_share"]) == pytest.approx((70, 40, 10))


@pytest.mark.metric_values("accounts_without_first_value")
def test_accounts_without_first_value_are_those_started_not_yet_there_and_not_gone(con):
    # W1 reaches first value on 10 September; W2 never does; W3 never does but churns on 20 August; W4 starts in October
    con.execute("""
        INSERT INTO accounts VALUES
          ('W1', 'Willow', 'SMB', 'Retail', 'EMEA', 'Starter', 'pooled', NULL, 'inbound', DATE '2026-06-01', NULL, 5),
          ('W2', 'Wren', 'SMB', 'Retail', 'EMEA', 'Starter', 'pooled', NULL, 'inbound', DATE '2026-07-01', NULL, 5),
          ('W3', 'Wasp', 'SMB', 'Retail', 'APAC', 'Starter', 'pooled', NULL, 'inbound', DATE '2026-08-01', DATE '2026-08-20', 5),
          ('W4', 'Wolf', 'SMB', 'Retail', 'APAC', 'Starter', 'pooled', NULL, 'inbound', DATE '2026-10-05', NULL, 5);
        INSERT INTO onboarding_milestones VALUES
          ('W1', 'first_value', DATE '2026-07-01', DATE '2026-09-10'), ('W2', 'first_value', DATE '2026-08-01', NULL),
          ('W3', 'first_value', DATE '2026-09-01', NULL), ('W4', 'first_value', DATE '2026-11-05', NULL),
          ('W2', 'kickoff', DATE '2026-07-05', NULL);
    """)
    rows = run(con, SemanticQuery(metrics=["accounts_without_first_value"], time_range=Period.months("2026-07", "2026-09"),
                                  grain="month"))
    # end of July: W1, W2 (W3 not started); end of August: W1, W2 (W3 left); end of September: W2
    assert [r["accounts_without_first_value"] for r in rows] == [2, 2, 1]
    assert by(con, "accounts_without_first_value", "region") == {"EMEA": 1, "APAC": 0}


@pytest.mark.metric_values("overdue_milestones")
def test_overdue_milestones_are_due_and_not_done_by_the_period_end(wh):
    # End of August: nothing due and open (B2's training is due 1 September); end of September: B2's training.
    # B3's first value (due 1 September) was done on 31 August.
    rows = run(wh, SemanticQuery(metrics=["overdue_milestones"], time_range=Period.months("2026-08", "2026-09"),
                                 grain="month"))
    assert [r["overdue_milestones"] for r in rows] == [0, 1]
    assert by(wh, "overdue_milestones", "milestone")["training"] == 1


@pytest.mark.metric_values("seats_purchased", "seat_utilization", "active_accounts", "product_adoption_rate")
def test_seat_utilization_and_adoption(wh):
    row = one(wh, "seats_purchased", "seat_utilization", "active_accounts", "product_adoption_rate")
    assert row["seats_purchased"] == 12  # B1 10 + B2 2; B3 churned on 15 September
    assert row["seat_utilization"] == pytest.approx(3 / 12 * 100)
    assert row["active_accounts"] == 2
    assert row["product_adoption_rate"] == pytest.approx(50)  # B1 used the key feature, B2 only export
    assert by(wh, "seat_utilization", "segment") == pytest.approx({"Enterprise": 20.0, "SMB": 50.0})  # 2 of 10; 1 of 2


@pytest.mark.metric_values("ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "onboarding_completion_rate",
                           "first_value_accounts", "onboarding_accounts", "onboarding_incomplete_accounts")
def test_time_to_value_and_onboarding_in_q3(wh):
    row = one(wh, "ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "onboarding_completion_rate",
              "first_value_accounts", "onboarding_accounts", "onboarding_incomplete_accounts", period=Q3)
    assert row["first_value_accounts"] == 3  # B1 on 11 July, B2 on 4 August, B3 on 31 August
    assert (row["onboarding_accounts"], row["onboarding_incomplete_accounts"]) == (2, 1)  # B2, B3 started in Q3; B2 open
    assert row["ttv_median_days"] == pytest.approx(30)  # B1 40, B2 20, B3 30 days
    assert row["ttv_over_30_share"] == pytest.approx(100 / 3)
    assert row["ttv_over_60_share"] == pytest.approx(0)
    assert row["onboarding_completion_rate"] == pytest.approx(50)  # cohort B2 (training open), B3 (done)


@pytest.mark.metric_values("ttv_mean_days")
def test_mean_time_to_value_in_q3(wh):
    assert one(wh, "ttv_mean_days", period=Q3)["ttv_mean_days"] == pytest.approx(30)  # (40 + 20 + 30) ÷ 3


@pytest.mark.metric_values("churn_date")
def test_churn_date_of_the_account_that_left_in_september(wh):
    assert by(wh, "churn_date", "account_name") == {"Bluebird": None, "Cobalt": None, "Driftwood": date(2026, 9, 15)}


@pytest.mark.metric_values("renewal_rate", "arr_renewal_rate", "arr_up_for_renewal", "renewals_due")
def test_renewals_in_q3(wh):
    row = one(wh, "renewal_rate", "arr_renewal_rate", "arr_up_for_renewal", "renewals_due", period=Q3)
    assert row["renewal_rate"] == pytest.approx(50)  # R1 renewed, R2 churned, R3 pending (not decided)
    assert row["arr_renewal_rate"] == pytest.approx(13000 / 18000 * 100)
    assert float(row["arr_up_for_renewal"]) == 21000
    assert row["renewals_due"] == 3


@pytest.mark.metric_values("overdue_renewals", "overdue_term_end", "overdue_renewal_arr")
def test_overdue_renewals_are_terms_ended_by_the_period_end_and_still_pending(wh):
    # By 30 September: R1 renewed and R2 churned (decided), R3 ended on 30 September still pending; R4 ends in 2027
    assert by(wh, "overdue_renewals", "account_name") == {"Bluebird": 0, "Cobalt": 0, "Driftwood": 1}
    assert by(wh, "overdue_term_end", "account_name") == {"Bluebird": None, "Cobalt": None, "Driftwood": date(2026, 9, 30)}
    assert float(one(wh, "overdue_renewal_arr")["overdue_renewal_arr"]) == 3000
    # By 31 August R3 had not ended yet: nothing overdue
    assert one(wh, "overdue_renewals", period=Period.months("2026-08"))["overdue_renewals"] == 0


@pytest.mark.metric_values("lost_renewals", "lost_renewal_term_end", "lost_renewal_arr")
def test_renewals_lost_in_q3_are_the_terms_that_ended_churned(wh):
    # R2 (Cobalt, 6,000 up for renewal, term ended 31 August) churned; R1 renewed and R3 is still pending
    assert by(wh, "lost_renewals", "account_name", period=Q3) == {"Bluebird": 0, "Cobalt": 1, "Driftwood": 0}
    assert by(wh, "lost_renewal_term_end", "account_name", period=Q3)["Cobalt"] == date(2026, 8, 31)
    assert float(one(wh, "lost_renewal_arr", period=Q3)["lost_renewal_arr"]) == 6000


@pytest.mark.metric_values("last_qbr_date")
def test_last_qbr_date_is_the_latest_qbr_up_to_the_period_end(wh):
    # QBRs: Bluebird 10 July, Cobalt 10 August; Bluebird's 10 September meeting is a check-in
    assert by(wh, "last_qbr_date", "account_name") == {"Bluebird": date(2026, 7, 10), "Cobalt": date(2026, 8, 10),
                                                       "Driftwood": None}
    assert by(wh, "last_qbr_date", "account_name", period=Period.months("2026-07"))["Cobalt"] is None


@pytest.mark.metric_values("days_to_renewal")
def test_days_to_renewal_per_account_after_september(wh):
    # B1's next term ends 31 July 2027: 304 days after 30 September 2026; B3's ends on 30 September itself, so it is
    # not coming up; B2's only term was closed (churned) in August
    assert by(wh, "days_to_renewal", "account_name") == {"Bluebird": 304, "Cobalt": None, "Driftwood": None}


@pytest.mark.metric_values("days_to_renewal", "overdue_renewals")
def test_an_overdue_renewal_is_not_coming_up_but_overdue(wh):
    # After October 2026 B3's term of 30 September is still pending: not ahead of anyone, it is overdue
    october = Period.months("2026-10")
    assert by(wh, "days_to_renewal", "account_name", period=october) == {"Bluebird": 273, "Cobalt": None,
                                                                          "Driftwood": None}
    assert by(wh, "overdue_renewals", "account_name", period=october)["Driftwood"] == 1


@pytest.mark.metric_values("days_to_renewal")
def test_a_renewal_closed_early_is_not_coming_up(wh):
    # B1's term of 31 July 2026 was renewed on 20 July: after 15 July it is the next one (16 days), after 20 July
    # the next one is 31 July 2027
    assert by(wh, "days_to_renewal", "account_name", period=Period(date(2026, 7, 1), date(2026, 7, 15)))["Bluebird"] == 16
    assert by(wh, "days_to_renewal", "account_name", period=Period(date(2026, 7, 1), date(2026, 7, 25)))["Bluebird"] == 371


@pytest.mark.metric_values("next_renewal_date")
def test_next_renewal_date_after_september(wh):
    assert by(wh, "next_renewal_date", "account_name") == {"Bluebird": date(2027, 7, 31), "Cobalt": None,
                                                           "Driftwood": None}


@pytest.mark.metric_values("next_renewal_arr")
def test_arr_at_next_renewal_is_the_arr_of_the_next_term_still_undecided(wh):
    # After September 2026: B1's term ending 31 July 2027 (13,000); B3's ended on 30 September itself
    assert by(wh, "next_renewal_arr", "account_name") == {"Bluebird": 13000, "Cobalt": 0, "Driftwood": 0}
    # After June 2026 B1 has two terms ahead, 31 July 2026 (12,000) and 31 July 2027: only the next one counts
    june = run(wh, SemanticQuery(metrics=["next_renewal_arr"], time_range=Period.months("2026-06"), dimensions=["account_name"]))
    assert {r["account_name"]: r["next_renewal_arr"] for r in june}["Bluebird"] == 12000


@pytest.mark.metric_values("cac", "crc", "sales_marketing_spend", "cs_spend")
def test_acquisition_and_retention_cost_in_q3(wh):
    row = one(wh, "cac", "crc", "sales_marketing_spend", "cs_spend", period=Q3)
    assert float(row["sales_marketing_spend"]) == 3000  # sales 1,000 in July + marketing 2,000 in August
    assert float(row["cs_spend"]) == 500  # September
    assert row["cac"] == pytest.approx(3000)  # (1,000 + 2,000) ÷ 1 new customer (B2; B3 gone by September)
    assert row["crc"] == pytest.approx(250)  # 500 ÷ 2 paying in September


@pytest.mark.metric_values("qbr_count", "meetings_held", "executive_engagement_rate")
def test_qbrs_and_executive_engagement_in_q3(wh):
    row = one(wh, "qbr_count", "meetings_held", "executive_engagement_rate", period=Q3)
    assert (row["qbr_count"], row["meetings_held"]) == (2, 3)
    assert row["executive_engagement_rate"] == pytest.approx(50)


def test_filter_by_a_dimension_reached_through_accounts(wh):
    row = one(wh, "ticket_volume", filters=[DimensionFilter(dimension="csm_name", values=["Dana Lee"])])
    assert row["ticket_volume"] == 2


def test_metrics_from_different_sources_do_not_multiply_each_other(wh):
    # a chasm trap would repeat B1's 1,000 of MRR once per ticket (2) and per health week (2)
    rows = run(wh, SemanticQuery(metrics=["mrr", "ticket_volume", "health_score"], time_range=SEPTEMBER, dimensions=["segment"]))
    assert {r["segment"]: (float(r["mrr"]), r["ticket_volume"], r["health_score"]) for r in rows} == {
        "Enterprise": (1000, 2, 88.0),  # B1: MRR 1,000; T1, T2; latest week 88
        "SMB": (500, 1, 40.0),  # B2: MRR 500; T3; latest week 40 (B3 paid nothing in September)
    }


def test_a_metric_asked_with_its_own_filter_sits_next_to_the_unfiltered_one(wh):
    urgent = MetricRef(name="ticket_volume", alias="urgent_tickets",
                       filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])])
    rows = run(wh, SemanticQuery(metrics=["ticket_volume", urgent], time_range=SEPTEMBER, dimensions=["segment"],
                                 metric_filters=[MetricFilter(metric="urgent_tickets", op=">", value=0)]))
    # Enterprise: T1 (urgent), T2 (high); SMB: T3 (urgent)
    assert {r["segment"]: (r["ticket_volume"], r["urgent_tickets"]) for r in rows} == {"Enterprise": (2, 1), "SMB": (1, 1)}


def test_a_filtered_ratio_metric(wh):
    relationship = MetricRef(name="nps", alias="relationship_nps",
                             filters=[DimensionFilter(dimension="survey_touchpoint", values=["relationship"])])
    row = one(wh, "nps", relationship)
    assert row["nps"] == pytest.approx(40)  # all five answers
    assert row["relationship_nps"] == pytest.approx(25)  # 10, 9, 7, 2: (2 − 1) ÷ 4


@pytest.mark.metric_values("feature_adoption_rate")
def test_per_feature_adoption_divides_by_all_active_accounts(wh):
    # active accounts in September: B1, B2. Dashboards: B1; export: B1 and B2
    assert by(wh, "feature_adoption_rate", "feature") == pytest.approx({"dashboards": 50.0, "export": 100.0})
    rows = run(wh, SemanticQuery(metrics=["feature_adoption_rate"], time_range=SEPTEMBER, dimensions=["segment", "feature"]))
    assert {(r["segment"], r["feature"]): r["feature_adoption_rate"] for r in rows} == pytest.approx({
        ("Enterprise", "dashboards"): 100.0, ("Enterprise", "export"): 100.0,  # B1 of B1
        ("SMB", "dashboards"): 0.0, ("SMB", "export"): 100.0,  # B2 of B2
    })


def test_grid_keeps_real_account_csm_pairs_and_crosses_independent_dimensions(wh):
    rows = run(wh, SemanticQuery(metrics=["ticket_volume"], time_range=SEPTEMBER, dimensions=["csm_name", "account_name"]))
    assert {(r["account_name"], r["csm_name"]): r["ticket_volume"] for r in rows} == {
        ("Bluebird", "Dana Lee"): 2, ("Cobalt", None): 1, ("Driftwood", "Dana Lee"): 0,  # no Bluebird–None pair
    }
    rows = run(wh, SemanticQuery(metrics=["ticket_volume"], time_range=SEPTEMBER, dimensions=["segment", "ticket_category"]))
    counts = {(r["segment"], r["ticket_category"]): r["ticket_volume"] for r in rows}
    assert len(counts) == 2 * 3  # every segment × every category, with zeros where nothing was opened
    assert (counts[("Enterprise", "bug")], counts[("SMB", "how-to")], counts[("SMB", "bug")]) == (2, 1, 0)


def test_a_tally_counts_the_accounts_that_qualify_per_group_with_zero_for_none(wh):
    # September: B1 health 88 (Enterprise), B2 40 (SMB), B3 none (churned); accounts under 50 per segment
    from semantic_layer.query import Tally

    rows = run(wh, SemanticQuery(metrics=["health_score"], time_range=SEPTEMBER, dimensions=["account_name", "segment"],
                                 metric_filters=[MetricFilter(metric="health_score", op="<", value=50)],
                                 tally=Tally(by=("segment",), share=True)))
    assert {r["segment"]: (r["accounts"], r["accounts_share"]) for r in rows} == {"Enterprise": (0, 0.0), "SMB": (1, 50.0)}


def test_a_share_of_a_filtered_count_is_its_percent_of_the_whole(wh):
    # September tickets T1 (urgent), T2 (high), T3 (urgent): two of three are urgent
    share = MetricRef(name="ticket_volume", alias="urgent_share", share=True,
                      filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])])
    (row,) = run(wh, SemanticQuery(metrics=[share], time_range=SEPTEMBER))
    assert row["urgent_share"] == pytest.approx(200 / 3)


def test_a_comparison_with_a_named_period(wh):
    # MAU on 30 September (3 users active in its last 30 days) against June (none yet)
    (row,) = run(wh, SemanticQuery(metrics=["mau"], time_range=SEPTEMBER, compare="other_period",
                                   compare_with=Period.months("2026-06")))
    assert (row["mau"], row["mau__previous"], row["mau__change"]) == (3, 0, 3)


def test_a_broadcast_part_ignores_a_filter_it_cannot_take(wh):
    # dashboards: B1 of the two active accounts; the denominator (active accounts) is not filtered by feature
    (row,) = run(wh, SemanticQuery(metrics=["feature_adoption_rate"], time_range=SEPTEMBER,
                                   filters=[DimensionFilter(dimension="feature", values=["dashboards"])]))
    assert row["feature_adoption_rate"] == pytest.approx(50)


@pytest.mark.metric_values("days_to_term_end", "next_term_end", "next_term_arr")
def test_a_term_end_counts_every_term_decided_or_not(wh):
    # After 25 July 2026 B1's term of 31 July, renewed on 20 July, still ends in 6 days (ARR 12,000), while its
    # next renewal to decide is the term of 31 July 2027; B3's term ends 30 September, B2's 31 August
    july = Period(date(2026, 7, 1), date(2026, 7, 25))
    assert by(wh, "days_to_term_end", "account_name", period=july) == {"Bluebird": 6, "Cobalt": 37, "Driftwood": 67}
    assert by(wh, "next_term_end", "account_name", period=july)["Bluebird"] == date(2026, 7, 31)
    assert by(wh, "next_term_arr", "account_name", period=july)["Bluebird"] == 12000
    assert by(wh, "days_to_renewal", "account_name", period=july)["Bluebird"] == 371

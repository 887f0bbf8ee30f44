"""The rule planner as a specification: questions as people type them → the semantic query's fields.

Each row names only the fields it is about; a field left out may take any value. Periods
are resolved against as_of 2026-10-31; names come from the catalogue and from the hand-written
dimension values in conftest.py (VALUES), never from the planner's code.
"""

from __future__ import annotations

import pytest

from assistant.planner import Plan, plan_question

Q3_2026 = ("2026-07-01", "2026-09-30")
OCT = ("2026-10-01", "2026-10-31")

# (question, expected fields). filters: {dimension: [values]}; metric_filters: [(metric, op, value, column)];
# order: [(field, column, descending)].
SPEC = [
    # one number, abbreviations, typos, extra words
    ("what is our nrr last quarter", {"metrics": ["nrr"], "time_range": Q3_2026, "dimensions": []}),
    ("NRR?", {"metrics": ["nrr"], "time_range": Q3_2026}),
    ("net revnue retention for last qtr?", {"metrics": ["nrr"], "time_range": Q3_2026}),
    ("hey, can you tell me our gross retention for q3 2026 please", {"metrics": ["grr"], "time_range": Q3_2026}),
    ("gross rev retention last quarter", {"metrics": ["grr"]}),
    ("logo churn last month", {"metrics": ["logo_churn_rate"], "time_range": ("2026-09-01", "2026-09-30")}),
    ("ttv", {"metrics": ["ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share"]}),  # reported with the shares that band it
    ("how long to first value in 2025", {"metrics": ["ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share"], "time_range": ("2025-01-01", "2025-12-31")}),
    ("csat for smb in october", {"metrics": ["csat"], "filters": {"segment": ["SMB"]}, "time_range": OCT}),
    ("dau/mau october", {"metrics": ["dau_mau"]}),
    ("dau/mau stickiness october", {"metrics": ["dau_mau"]}),
    ("daily active users in oct 2026", {"metrics": ["dau"], "grain": None, "time_range": OCT}),
    ("monthly actives by segment, october", {"metrics": ["mau"], "dimensions": ["segment"]}),
    ("how many customers did we lose last quarter", {"metrics": ["lost_customers"]}),
    ("customer aquisition cost in 2025", {"metrics": ["cac"], "dimensions": []}),
    ("retention cost per customer last quarter", {"metrics": ["crc"], "dimensions": []}),
    ("what % of renewals did we win in q3 2026?", {"metrics": ["renewal_rate"]}),
    # entities learned from the data: segment, region, plan, CSM, account; abbreviations of them
    ("nps in emea q3 2025", {"metrics": ["nps"], "filters": {"region": ["EMEA"]}}),
    ("ent nrr", {"filters": {"segment": ["Enterprise"]}}),
    ("mm accounts nrr in emea", {"filters": {"segment": ["Mid-Market"], "region": ["EMEA"]}, "dimensions": []}),
    ("health score for enterprise accounts in emea", {"metrics": ["health_score"], "dimensions": [],
                                                       "filters": {"segment": ["Enterprise"], "region": ["EMEA"]}}),
    ("Maria's book health", {"metrics": ["health_score"], "filters": {"csm_name": ["Maria Chen"]}}),
    ("health of leila johnson's book in october", {"filters": {"csm_name": ["Leila Johnson"]}}),
    ("acme health", {"metrics": ["health_score"], "filters": {"account_name": ["Acme Corp"]}}),
    ("Estora Bank Inc health october", {"filters": {"account_name": ["Estora Bank Inc"]}}),
    ("integration tickets last month", {"metrics": ["ticket_volume"], "filters": {"ticket_category": ["integration"]}}),
    ("nps from relationship surveys this year", {"metrics": ["nps"], "filters": {"survey_touchpoint": ["relationship"]}}),
    # groupings and trends
    ("nrr by segment", {"metrics": ["nrr"], "dimensions": ["segment"], "grain": None}),
    ("account health per csm in october", {"dimensions": ["csm_name"]}),
    ("fcr by channel in october", {"metrics": ["fcr"], "dimensions": ["ticket_channel"]}),
    # a metric that cannot be split by the asked dimension reads its variant that can; a window of seven quarters
    ("which onboarding cohorts are taking too long to reach first value?",
     {"metrics": ["cohort_ttv_median_days", "cohort_reached_ttv_over_30_share", "cohort_reached_ttv_over_60_share", "cohort_reached_ttv_over_90_share"], "dimensions": ["signup_cohort"], "grain": None,
      "time_range": ("2025-01-01", "2026-09-30")}),
    ("ttv by signup quarter in 2025", {"metrics": ["cohort_ttv_median_days", "cohort_reached_ttv_over_30_share", "cohort_reached_ttv_over_60_share", "cohort_reached_ttv_over_90_share"], "dimensions": ["signup_cohort"],
                                       "time_range": ("2025-01-01", "2025-12-31")}),
    ("Which enterprise accounts show declining adoption and unresolved support friction?",
     {"metrics": ["declining_adoption_with_friction_accounts", "active_users_vs_3_months_earlier", "severe_open_tickets"],
      "dimensions": ["account_name"], "filters": {"segment": ["Enterprise"], "customer_status": ["current"]},
      "time_range": OCT}),
    ("renewals in next 90 days w/ health trend + open tickets", {"metrics": ["days_to_renewal", "next_renewal_date", "next_renewal_arr", "health_score", "open_tickets"],
                                                                 "dimensions": ["account_name"], "compare": "previous_period"}),
    ("which csm book dropped most in health this month", {"metrics": ["health_score", "usage_score", "support_score", "engagement_score", "payment_score", "executive_score"], "dimensions": ["csm_name"],
                                                          "order": [("health_score", "change", False)], "limit": None, "leading": 1}),
    ("accounts whose health dropped more than 15 points this month",
     {"dimensions": ["account_name"], "metric_filters": [("health_score", "<", -15.0, "change")]}),
    ("is our time to value getting better?", {"metrics": ["ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share"], "grain": "quarter"}),
    ("dau/mau for smb vs enterprise", {"metrics": ["dau_mau"], "dimensions": ["segment"],
                                       "filters": {"segment": ["SMB", "Enterprise"]}}),
    ("why did health drop for acme?", {"metrics": ["health_score", "usage_score", "support_score", "engagement_score",
                                                   "payment_score", "executive_score"],
                                       "compare": "previous_period", "filters": {"account_name": ["Acme Corp"]}}),
    ("how many enterprise accounts churned last quarter", {"metrics": ["lost_customers"], "filters": {"segment": ["Enterprise"]}}),
    ("grr trend", {"metrics": ["grr"], "grain": "quarter", "time_range": ("2025-10-01", "2026-09-30")}),
    ("health score trend by month 2026", {"grain": "month", "time_range": ("2026-01-01", "2026-10-31")}),
    ("what's our nrr and grr trend by segment over the last 4 quarters? is it healthy?",
     {"metrics": ["nrr", "grr"], "dimensions": ["segment"], "grain": "quarter", "time_range": ("2025-10-01", "2026-09-30")}),
    ("mrr in october vs september", {"metrics": ["mrr"], "compare": "previous_period", "time_range": OCT}),
    ("nps q3 2026 vs q3 2025", {"compare": "same_period_last_year", "time_range": Q3_2026}),
    ("what were the top ticket themes in q3 2026", {"metrics": ["ticket_volume"], "dimensions": ["ticket_category"],
                                                    "order": [("ticket_volume", "value", True)], "limit": None}),
    # lists of accounts, thresholds, ranking
    ("which enterprise accounts have health below 60",
     {"dimensions": ["account_name"], "filters": {"segment": ["Enterprise"], "customer_status": ["current"]},
      "metric_filters": [("health_score", "<", 60.0, "value")]}),
    ("list accts with helth score under 50 this month",
     {"metrics": ["health_score"], "dimensions": ["account_name"], "metric_filters": [("health_score", "<", 50.0, "value")]}),
    ("which accounts have more than 3 open tickets",
     {"metrics": ["open_tickets"], "metric_filters": [("open_tickets", ">", 3.0, "value")], "compare": None}),
    ("accounts with at least 2 urgent tickets open", {"metric_filters": [("open_tickets", ">=", 2.0, "value")],
                                                      "filters": {"ticket_priority": ["urgent"], "customer_status": ["current"]}}),
    ("top 10 accounts by mrr", {"metrics": ["mrr"], "dimensions": ["account_name"], "order": [("mrr", "value", True)],
                                "limit": 10}),
    ("bottom 5 accounts by health in october", {"order": [("health_score", "value", False)], "limit": 5}),
    # "which … has the lowest": the first row answers, the others ranked after it for context
    ("which segment has the lowest nrr", {"dimensions": ["segment"], "order": [("nrr", "value", False)], "limit": None,
                                          "leading": 1}),
    # a list of at-risk accounts shows the measure its definition names (health), to say why each is there
    ("which accounts are health risk accounts", {"metrics": ["health_risk_accounts", "health_score"], "dimensions": ["account_name"],
                                    "metric_filters": [("health_risk_accounts", ">", 0.0, "value")]}),
    ("which customers are using more of the product and may be ready for expansion?",
     {"metrics": ["expansion_ready_accounts", "active_users_vs_30_days_before", "seat_utilization", "health_score"], "dimensions": ["account_name"],
      "metric_filters": [("expansion_ready_accounts", ">", 0.0, "value")]}),
    ("how many qbrs did we hold last quarter", {"metrics": ["qbr_count"]}),
    ("how many health-risk accounts this month", {"metrics": ["health_risk_accounts"], "dimensions": []}),
    ("which csm's book has the biggest negative health movement this month?",
     {"metrics": ["health_score", "usage_score", "support_score", "engagement_score", "payment_score", "executive_score"],
      "dimensions": ["csm_name"], "compare": "previous_period",
      "order": [("health_score", "change", False)], "limit": None, "leading": 1, "time_range": OCT}),
    ("which accounts renew in the next 90 days, with their health trend and open tickets?",
     {"metrics": ["days_to_renewal", "next_renewal_date", "next_renewal_arr", "health_score", "open_tickets"],
      "dimensions": ["account_name"], "metric_filters": [("days_to_renewal", "<=", 90.0, "value")],
      "compare": "previous_period", "time_range": OCT}),
    ("upcomming renewals nxt 90 days?", {"metrics": ["days_to_renewal", "next_renewal_date", "next_renewal_arr"],
                                        "metric_filters": [("days_to_renewal", "<=", 90.0, "value")]}),
    ("health components (usage, support, engagement, payment, executive) for october",
     {"metrics": ["health_score", "usage_score", "support_score", "engagement_score", "payment_score", "executive_score"]}),
    ("csat for onboarding surveys", {"metrics": ["csat"], "filters": {"survey_touchpoint": ["onboarding"]}}),
    ("dashboards adoption rate last quarter", {"metrics": ["feature_adoption_rate"], "filters": {"feature": ["dashboards"]}}),
    ("mau and open tickets by segment for urgent priority",
     {"metrics": ["mau", "open_tickets__urgent"], "dimensions": ["segment"], "filters": {}}),
    ("which recurring issue themes are dragging down health in the enterprise segment last quarter?",
     {"metrics": ["theme_health_gap", "theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health"],
      "dimensions": ["ticket_category"], "filters": {"segment": ["Enterprise"]}, "order": [("theme_health_gap", "value", False)]}),
    # Lists come worst first: furthest past their threshold, or, for a flag, by the measure beside it.
    ("accounts with health below 60", {"metric_filters": [("health_score", "<", 60.0, "value")],
                                       "order": [("health_score", "value", False)]}),
    ("accounts with more than 3 open tickets", {"metric_filters": [("open_tickets", ">", 3.0, "value")],
                                                "order": [("open_tickets", "value", True)]}),
    ("which accounts are health-risk accounts?", {"metric_filters": [("health_risk_accounts", ">", 0.0, "value")],
                                     "order": [("health_score", "value", False)]}),
    ("at risk meaning health under 40: which accounts", {"metrics": ["health_score"],
                                                          "metric_filters": [("health_score", "<", 40.0, "value")]}),
    ("which accounts are ready for expansion?", {"metric_filters": [("expansion_ready_accounts", ">", 0.0, "value")],
                                                 "order": [("active_users_vs_30_days_before", "value", True)]}),
]


def _fields(query) -> dict:
    dumped = query.model_dump(mode="json")
    return {
        "metrics": [m if isinstance(m, str) else m["alias"] for m in dumped["metrics"]],
        "time_range": (dumped["time_range"]["start"], dumped["time_range"]["end"]),
        "grain": dumped["grain"],
        "dimensions": dumped["dimensions"],
        "filters": {f["dimension"]: f["values"] for f in dumped["filters"]},
        "metric_filters": [(f["metric"], f["op"], f["value"], f["column"]) for f in dumped["metric_filters"]],
        "compare": dumped["compare"],
        "order": [(o["field"], o["column"], o["descending"]) for o in dumped["order_by"]],
        "limit": dumped["limit"],
        "leading": dumped["leading"],
    }


@pytest.mark.parametrize(("question", "expected"), SPEC, ids=[q for q, _ in SPEC])
def test_question_plans_to(context, question, expected):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Plan), getattr(outcome, "message", outcome)
    assert outcome.confident, (outcome.confidence, outcome.unused_words)
    got = _fields(outcome.query)
    assert {k: got[k] for k in expected} == expected


def test_every_word_used_gives_full_confidence(context):
    outcome = plan_question("nrr by segment last quarter", context)
    assert (outcome.confidence, outcome.unused_words) == (1.0, ())


def test_unknown_words_lower_confidence_and_are_reported(context):
    outcome = plan_question("nrr by segment for the zorblax initiative", context)
    assert outcome.unused_words == ("zorblax", "initiative")
    assert outcome.confidence < 1.0


def test_a_typo_is_read_and_said(context):
    outcome = plan_question("net retension last quarter", context)
    assert outcome.query.metrics == ("nrr",)
    assert any("retension" in note for note in outcome.notes)


def test_a_word_with_a_prefix_of_its_own_is_not_a_typo(context):
    # "reopen" is "open" with a prefix, not a misspelling of it; "rate" alone is not ARR's "run rate"
    outcome = plan_question("what's our ticket reopen rate ytd?", context)
    assert "open_tickets" not in outcome_metrics(outcome) and "arr" not in outcome_metrics(outcome)
    assert not getattr(outcome, "confident", False)


def outcome_metrics(outcome) -> tuple[str, ...]:
    return tuple(m if isinstance(m, str) else m.name for m in outcome.query.metrics) if hasattr(outcome, "query") else ()


def test_my_accounts_for_a_csm_is_their_book_through_row_level_security(context):
    from assistant.viewer import Viewer

    outcome = plan_question("health of my accounts this month", context, Viewer.csm("C007"))
    assert outcome.query.filters == ()  # RLS, not a filter, keeps it to the book
    assert any("C007" in note for note in outcome.notes)


@pytest.mark.parametrize(("question", "typo", "start", "end"), [
    ("nps last quater", "quater", "2026-07-01", "2026-09-30"),
    ("csat in septmber", "septmber", "2026-09-01", "2026-09-30"),
    ("mrr trend last 6 monthss", "monthss", "2026-05-01", "2026-10-31"),
])
def test_a_typo_in_a_time_word_is_read_and_said(context, question, typo, start, end):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Plan) and outcome.confident
    assert (str(outcome.query.time_range.start), str(outcome.query.time_range.end)) == (start, end)
    assert any(f"“{typo}”" in note for note in outcome.notes)


def test_words_of_the_catalogue_are_never_corrected_into_time_words(context):
    from assistant.planner.timewords import correct_time_typos

    assert correct_time_typos("mrr by segment", lambda word: word == "segment") == ("mrr by segment", [])
    assert correct_time_typos("quartr", lambda word: True) == ("quartr", [])

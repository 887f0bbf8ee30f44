"""Per-account signals counted per segment or CSM: product usage rate (per-segment weekly
thresholds, catalogue data) and expansion readiness, on warehouses built with range().

October 2026 is the period throughout: its last 7 days are 25–31 October (the week of
Monday 26 October holds the latest health score), its last 30 days 2–31 October and the
30 days before them 2 September–1 October.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run

from semantic_layer.catalog import default_catalog
from semantic_layer.periods import Period
from semantic_layer.query import MetricFilter, OrderBy, SemanticQuery

OCTOBER = Period.months("2026-10")


def add_account(con, account: str, segment: str, seats: int = 10, csm: str | None = None,
                start: str = "2026-01-01", churned: str | None = None) -> None:
    con.execute("INSERT INTO accounts VALUES (?, ?, ?, 'Software', 'EMEA', 'Growth', 'named', ?, 'inbound', ?, ?, ?)",
                [account, f"{account} Corp", segment, csm, start, churned, seats])


def active(con, account: str, first_user: int, last_user: int, *days: str) -> None:
    """Users first_user..last_user of the account, each active on every one of `days`."""
    for day in days:
        con.execute(f"""
            INSERT INTO user_activity_daily
            SELECT '{account}-U' || i, '{account}', DATE '{day}', 1, 10, 1 FROM range({first_user}, {last_user} + 1) AS r(i)
        """)


def health(con, account: str, week_start: str, score: float) -> None:
    con.execute("INSERT INTO health_scores_weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [account, week_start, score, score, score, score, score, score])


@pytest.fixture
def usage(con):
    """Eight accounts under contract on 31 October, four of them meeting their segment's threshold."""
    for account, segment in [("S1", "SMB"), ("S2", "SMB"), ("Z1", "SMB"), ("M1", "Mid-Market"), ("M2", "Mid-Market"),
                             ("E1", "Enterprise"), ("E2", "Enterprise"), ("X1", "Strategic")]:
        add_account(con, account, segment)
    add_account(con, "C1", "SMB", churned="2026-10-15")  # no longer under contract on 31 October
    add_account(con, "N1", "SMB", start="2026-11-02")  # not yet under contract
    active(con, "S1", 1, 1, "2026-10-25", "2026-10-27", "2026-10-29")  # SMB: 3 active days, meets ≥ 3
    active(con, "S2", 1, 1, "2026-10-20", "2026-10-21", "2026-10-22", "2026-10-30", "2026-10-31")  # 2 days in the week
    active(con, "S2", 2, 2, "2026-10-31")
    active(con, "M1", 1, 3, "2026-10-25", "2026-10-26", "2026-10-27")  # Mid-Market: 3 power users, meets ≥ 3
    active(con, "M2", 1, 4, "2026-10-25", "2026-10-26")  # 4 users on 2 days each ...
    active(con, "M2", 5, 8, "2026-10-28", "2026-10-29")  # ... and 4 more on 2 other days ...
    active(con, "M2", 1, 1, "2026-10-31")  # ... and M2-U1 on a third: 5 active days but 1 power user, fails
    active(con, "E1", 1, 5, "2026-10-29", "2026-10-30", "2026-10-31")  # Enterprise: 5 power users, meets ≥ 5
    active(con, "E2", 1, 4, "2026-10-25", "2026-10-26", "2026-10-27")  # 4 power users ...
    active(con, "E2", 5, 14, "2026-10-31")  # ... and 10 users active once: fails
    active(con, "X1", 1, 1, "2026-10-25", "2026-10-26", "2026-10-27")  # a label without a threshold: ≥ 3 days applies
    active(con, "C1", 1, 5, "2026-10-01", "2026-10-02", "2026-10-03")  # churned: ignored
    return con


@pytest.mark.metric_values("product_usage_rate", "usage_threshold_accounts", "accounts_under_contract")
def test_usage_rate_applies_each_segments_threshold_in_the_last_week(usage):
    (row,) = run(usage, SemanticQuery(metrics=["product_usage_rate", "usage_threshold_accounts", "accounts_under_contract"],
                                      time_range=OCTOBER))
    # under contract: S1 S2 Z1 M1 M2 E1 E2 X1 (C1 churned, N1 not started); meeting: S1 M1 E1 X1
    assert (row["usage_threshold_accounts"], row["accounts_under_contract"]) == (4, 8)
    assert row["product_usage_rate"] == pytest.approx(50.0)
    rows = run(usage, SemanticQuery(metrics=["product_usage_rate"], time_range=OCTOBER, dimensions=["segment"]))
    assert {r["segment"]: r["product_usage_rate"] for r in rows} == pytest.approx({
        "SMB": 100 / 3,  # S1 of S1, S2, Z1 (C1 and N1 are not under contract)
        "Mid-Market": 50.0,  # M1 of M1, M2
        "Enterprise": 50.0,  # E1 of E1, E2
        "Strategic": 100.0,  # X1, by the `otherwise` threshold
    })


@pytest.mark.metric_values("product_usage_rate")
def test_usage_rate_weekly_trend_reads_each_weeks_own_days(usage):
    two_weeks = Period(date(2026, 10, 19), date(2026, 11, 1))
    rows = run(usage, SemanticQuery(metrics=["product_usage_rate"], time_range=two_weeks, grain="week"))
    # 19–25 October: S2 active 20–22 (3 days, meets); S1, X1 and the users of M1, M2, E2 only on Sunday 25
    # (1 day each, no power user): 1 of the 8 under contract (C1 left on the 15th)
    # 26 October–1 November: S1 2 days (27, 29), X1 2 days, M1's users 2 days each, M2-U1 2 days, E2's 2 days;
    # E1 has 5 users on 3 days (meets): again 1 of 8 (N1 starts on 2 November)
    assert [(r["period_start"], r["product_usage_rate"]) for r in rows] == [
        (date(2026, 10, 19), pytest.approx(12.5)), (date(2026, 10, 26), pytest.approx(12.5))]


def test_usage_thresholds_are_catalogue_data():
    thresholds = default_catalog().metric("usage_threshold_accounts").thresholds
    assert thresholds.dimension == "segment"
    assert thresholds.values == {"SMB": "active_days >= 3", "Mid-Market": "power_users >= 3",
                                 "Enterprise": "power_users >= 5"}


@pytest.fixture
def expansion(con):
    """Six accounts under contract; G1, G4 and G6 have rising usage, seats (nearly) full and health above 85."""
    con.execute("INSERT INTO csms VALUES ('C1', 'Ada Park', 'a@x', 'Growth', 'EMEA', DATE '2024-01-01'), "
                "('C2', 'Ben Okafor', 'b@x', 'Growth', 'EMEA', DATE '2024-01-01')")
    for account, seats, csm, now, before, score in [
        ("G1", 10, "C1", 9, 5, 90),  # 9 > 5 users, 9 ≥ 90% of 10 seats, health 90: ready
        ("G2", 10, "C1", 10, 10, 95),  # usage flat: not ready
        ("G3", 10, "C2", 8, 2, 95),  # 8 < 9 seats' 90%: not ready
        ("G4", 4, "C2", 5, 1, 86),  # above its 4 seats, health 86: ready
        ("G5", 4, "C2", 5, 1, 85),  # health not above 85: not ready
        ("G6", 2, "C1", 2, 0, 90),  # no user in the 30 days before: usage rose from 0, ready
    ]:
        add_account(con, account, "Enterprise", seats=seats, csm=csm)
        active(con, account, 1, now, "2026-10-20")
        active(con, account, 1, before, "2026-09-20")
        health(con, account, "2026-10-19", 99)  # an earlier week: only the latest one counts
        health(con, account, "2026-10-26", score)
    return con


@pytest.mark.metric_values("expansion_ready_accounts", "expansion_ready_share")
def test_expansion_readiness_counts_by_csm(expansion):
    (row,) = run(expansion, SemanticQuery(metrics=["expansion_ready_accounts", "expansion_ready_share"], time_range=OCTOBER))
    assert (row["expansion_ready_accounts"], row["expansion_ready_share"]) == (3, pytest.approx(50.0))  # G1, G4, G6 of 6
    rows = run(expansion, SemanticQuery(metrics=["expansion_ready_accounts"], time_range=OCTOBER, dimensions=["csm_name"]))
    assert {r["csm_name"]: r["expansion_ready_accounts"] for r in rows} == {"Ada Park": 2, "Ben Okafor": 1}


@pytest.mark.metric_values("expansion_ready_accounts")
def test_expansion_readiness_flags_accounts_in_a_list_with_their_reasons(expansion):
    rows = run(expansion, SemanticQuery(
        metrics=["expansion_ready_accounts", "seat_utilization", "health_score"], time_range=OCTOBER,
        dimensions=["account_name"], metric_filters=[MetricFilter(metric="expansion_ready_accounts", op=">", value=0)],
        order_by=[OrderBy(field="seat_utilization", descending=True)]))
    assert [(r["account_name"], r["seat_utilization"], r["health_score"]) for r in rows] == [
        ("G4 Corp", pytest.approx(125.0), 86.0),  # 5 users of 4 seats
        ("G6 Corp", pytest.approx(100.0), 90.0),  # 2 of 2
        ("G1 Corp", pytest.approx(90.0), 90.0),  # 9 of 10
    ]


@pytest.mark.metric_values("active_users_vs_30_days_before")
def test_usage_growth_divides_the_last_30_days_users_by_the_30_days_before(expansion):
    (row,) = run(expansion, SemanticQuery(metrics=["active_users_vs_30_days_before"], time_range=OCTOBER))
    assert row["active_users_vs_30_days_before"] == pytest.approx(100 * 39 / 19)  # (9+10+8+5+5+2) ÷ (5+10+2+1+1+0)
    rows = run(expansion, SemanticQuery(metrics=["active_users_vs_30_days_before"], time_range=OCTOBER,
                                        dimensions=["account_name"]))
    growth = {r["account_name"]: r["active_users_vs_30_days_before"] for r in rows}
    assert growth["G1 Corp"] == pytest.approx(180.0) and growth["G2 Corp"] == pytest.approx(100.0)
    assert growth["G6 Corp"] is None  # nobody in the 30 days before: no ratio, not infinity

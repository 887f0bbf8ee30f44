"""Declining adoption with support friction, on four Enterprise accounts whose users and tickets are set by hand.

Period October 2026: "now" is 2–31 October, "three months earlier" 2–31 July.

    E1  live      10 users active on 15 July, 5 on 20 October (50%)   high ticket open; urgent resolved 5 Nov (open at the end)
    E2  live      10 users in July, 8 in October (80%)                urgent ticket open
    E3  live      10 users in July, 3 in October (30%)                high ticket resolved 10 October; normal ticket open
    E4  churned 15 September: 10 users in July, none since            urgent ticket open — not under contract, in nothing
"""

from __future__ import annotations

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

OCTOBER = Period.months("2026-10")
ROWS = """
INSERT INTO accounts VALUES
  ('E1', 'Elm', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2024-01-01', NULL, 20),
  ('E2', 'Fir', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2024-01-01', NULL, 20),
  ('E3', 'Oak', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2024-01-01', NULL, 20),
  ('E4', 'Yew', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2024-01-01', DATE '2026-09-15', 20);
INSERT INTO users SELECT a || '-' || i, a, 'member', DATE '2024-01-01', NULL FROM (VALUES ('E1'), ('E2'), ('E3'), ('E4')) t(a), range(10) r(i);
INSERT INTO user_activity_daily SELECT a || '-' || i, a, DATE '2026-07-15', 1, 10, 1 FROM (VALUES ('E1'), ('E2'), ('E3'), ('E4')) t(a), range(10) r(i);
INSERT INTO user_activity_daily SELECT 'E1-' || i, 'E1', DATE '2026-08-15', 1, 10, 1 FROM range(10) r(i);
INSERT INTO user_activity_daily SELECT 'E1-' || i, 'E1', DATE '2026-10-20', 1, 10, 1 FROM range(5) r(i);
INSERT INTO user_activity_daily SELECT 'E2-' || i, 'E2', DATE '2026-10-20', 1, 10, 1 FROM range(8) r(i);
INSERT INTO user_activity_daily SELECT 'E3-' || i, 'E3', DATE '2026-10-20', 1, 10, 1 FROM range(3) r(i);
INSERT INTO tickets VALUES
  ('T1', 'E1', NULL, TIMESTAMP '2026-09-01 08:00', NULL, NULL, 'email', 'bug', 'high', NULL, 'open'),
  ('T2', 'E1', NULL, TIMESTAMP '2026-10-01 08:00', NULL, TIMESTAMP '2026-11-05 08:00', 'email', 'bug', 'urgent', 2, 'resolved'),
  ('T3', 'E2', NULL, TIMESTAMP '2026-10-03 08:00', NULL, NULL, 'chat', 'bug', 'urgent', NULL, 'open'),
  ('T4', 'E3', NULL, TIMESTAMP '2026-09-20 08:00', NULL, TIMESTAMP '2026-10-10 08:00', 'chat', 'bug', 'high', 1, 'resolved'),
  ('T5', 'E3', NULL, TIMESTAMP '2026-10-05 08:00', NULL, NULL, 'chat', 'how-to', 'normal', NULL, 'open'),
  ('T6', 'E4', NULL, TIMESTAMP '2026-09-01 08:00', NULL, NULL, 'chat', 'bug', 'urgent', NULL, 'open');
"""
@pytest.mark.metric_values("declining_adoption_with_friction_accounts", "active_users_vs_3_months_earlier", "severe_open_tickets")
def test_only_a_live_account_with_users_below_70_percent_and_a_severe_ticket_open_counts(con):
    con.execute(ROWS)
    metrics = ["declining_adoption_with_friction_accounts", "active_users_vs_3_months_earlier", "severe_open_tickets"]
    (total,) = run(con, SemanticQuery(metrics=metrics, time_range=OCTOBER))
    assert total["declining_adoption_with_friction_accounts"] == 1  # E1 only
    assert total["active_users_vs_3_months_earlier"] == pytest.approx(100 * 16 / 30)  # (5 + 8 + 3) ÷ (10 + 10 + 10)
    assert total["severe_open_tickets"] == 3  # E1's two, E2's one; E3's was resolved, E4 churned


@pytest.mark.metric_values("declining_adoption_with_friction_accounts", "active_users_vs_3_months_earlier", "severe_open_tickets")
def test_per_account_the_values_that_put_it_on_the_list(con):
    con.execute(ROWS)
    metrics = ["declining_adoption_with_friction_accounts", "active_users_vs_3_months_earlier", "severe_open_tickets"]
    rows = run(con, SemanticQuery(metrics=metrics, time_range=OCTOBER, dimensions=["account_name"]))
    by_name = {r["account_name"]: tuple(r[m] for m in metrics) for r in rows if r["account_name"] != "Yew"}
    assert by_name == {"Elm": (1, pytest.approx(50.0), 2), "Fir": (0, pytest.approx(80.0), 1), "Oak": (0, pytest.approx(30.0), 0)}

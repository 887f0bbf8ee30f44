"""Issue themes against health: the accounts that raised tickets of a category against the segment's other accounts.

The period is August to October 2026 (the metrics' default: the last three complete months); its last 7 days
are 25-31 October, so each account's latest health is the week of Monday 26 October. Rows are the accounts
under contract on 31 October. The demo-warehouse tests compare with hand-written SQL over the raw tables.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import run
from golden_sql import check_golden, golden_text

from assistant.answer import Status
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query
from semantic_layer.model import Source
from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, OrderBy, SemanticQuery
from semantic_layer.validate import validate

AUG_TO_OCT = Period.months("2026-08", "2026-10")
THEMES = ["theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health", "theme_health_gap"]
ENTERPRISE = DimensionFilter(dimension="segment", values=["Enterprise"])


@pytest.fixture
def themes(con):
    """Six Enterprise accounts and one SMB account, their tickets and weekly health scores."""
    con.execute("""
        INSERT INTO accounts VALUES
          ('E1', 'E1 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 50),
          ('E2', 'E2 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 50),
          ('E3', 'E3 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 50),
          ('E4', 'E4 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 50),
          ('E5', 'E5 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', DATE '2026-10-20', 50),
          ('E6', 'E6 Corp', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 50),
          ('S1', 'S1 Corp', 'SMB', 'Software', 'EMEA', 'Starter', 'low-touch', NULL, 'inbound', DATE '2025-01-01', NULL, 5)
    """)
    con.execute("""
        INSERT INTO tickets VALUES
          ('T1', 'E1', NULL, TIMESTAMP '2026-08-10 09:00', NULL, NULL, 'email', 'bug', 'high', NULL, 'open'),
          ('T2', 'E1', NULL, TIMESTAMP '2026-10-31 23:00', NULL, NULL, 'email', 'bug', 'normal', NULL, 'open'),
          ('T3', 'E1', NULL, TIMESTAMP '2026-09-05 09:00', NULL, NULL, 'chat', 'billing', 'low', NULL, 'open'),
          ('T4', 'E2', NULL, TIMESTAMP '2026-10-01 09:00', NULL, NULL, 'chat', 'bug', 'normal', NULL, 'open'),
          ('T5', 'E3', NULL, TIMESTAMP '2026-07-31 23:59', NULL, NULL, 'portal', 'how-to', 'low', NULL, 'open'),
          ('T6', 'E4', NULL, TIMESTAMP '2026-11-01 00:00', NULL, NULL, 'portal', 'billing', 'low', NULL, 'open'),
          ('T7', 'E5', NULL, TIMESTAMP '2026-09-02 09:00', NULL, NULL, 'email', 'bug', 'urgent', NULL, 'open'),
          ('T8', 'E5', NULL, TIMESTAMP '2026-09-03 09:00', NULL, NULL, 'email', 'bug', 'urgent', NULL, 'open'),
          ('T9', 'E6', NULL, TIMESTAMP '2026-09-01 09:00', NULL, NULL, 'phone', 'bug', 'high', NULL, 'open'),
          ('T10', 'S1', NULL, TIMESTAMP '2026-09-01 09:00', NULL, NULL, 'email', 'bug', 'high', NULL, 'open')
    """)
    for account, week, score in [("E1", "2026-10-26", 50), ("E1", "2026-10-19", 99), ("E2", "2026-10-26", 70),
                                 ("E3", "2026-10-26", 90), ("E4", "2026-10-26", 80), ("E5", "2026-10-12", 10),
                                 ("E6", "2026-10-19", 20), ("S1", "2026-10-26", 30)]:
        con.execute("INSERT INTO health_scores_weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [account, week, score, score, score, score, score, score])
    return con


def _values(row: dict) -> tuple:
    return tuple(row[m] for m in THEMES)


@pytest.mark.metric_values("theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health",
                           "theme_health_gap")
def test_each_category_sets_its_raisers_health_against_the_other_accounts(themes):
    rows = run(themes, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, dimensions=["ticket_category"],
                                     filters=[ENTERPRISE], order_by=[OrderBy(field="theme_health_gap")]))
    # under contract on 31 October: E1 E2 E3 E4 E6 (E5 churned on the 20th); scored the week of 26 October:
    # E1 50 (not its 99 a week earlier), E2 70, E3 90, E4 80; E6's last score is older, so it is in no average.
    # E3's July ticket and E4's 1 November ticket are outside the period; E1's ticket at 23:00 on 31 October is in.
    assert [(r["ticket_category"], *_values(r)) for r in rows] == [
        ("billing", 1, 1, 50.0, pytest.approx((70 + 90 + 80) / 3), pytest.approx(50 - 80)),  # E1; E2 E3 E4
        ("bug", 4, 3, 60.0, 85.0, -25.0),  # E1 x2, E2, E6 (unscored); others E3 E4
        ("how-to", 0, 0, None, pytest.approx((50 + 70 + 90 + 80) / 4), None),  # nobody raised one in the period
    ]


@pytest.mark.metric_values("theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health",
                           "theme_health_gap")
def test_without_the_split_raisers_are_accounts_with_any_ticket(themes):
    (row,) = run(themes, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, filters=[ENTERPRISE]))
    # E1 (3 tickets), E2 (1), E6 (1) raised tickets; E3 and E4 none in the period
    assert _values(row) == (5, 3, 60.0, 85.0, -25.0)


@pytest.mark.metric_values("theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health",
                           "theme_health_gap")
def test_a_filter_on_the_category_keeps_the_tickets_of_those_categories(themes):
    (billing,) = run(themes, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, filters=[
        ENTERPRISE, DimensionFilter(dimension="ticket_category", values=["billing"])]))
    assert _values(billing) == (1, 1, 50.0, 80.0, -30.0)
    (either,) = run(themes, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, filters=[
        ENTERPRISE, DimensionFilter(dimension="ticket_category", op="in", values=["billing", "how-to"])]))
    assert _values(either) == (1, 1, 50.0, 80.0, -30.0)  # an account is counted once, whatever it raised
    split = run(themes, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, dimensions=["ticket_category"], filters=[
        ENTERPRISE, DimensionFilter(dimension="ticket_category", op="not in", values=["billing", "how-to"])]))
    assert [(r["ticket_category"], *_values(r)) for r in split] == [("bug", 4, 3, 60.0, 85.0, -25.0)]


def test_the_other_accounts_are_those_of_the_segment_filtered(themes):
    rows = run(themes, SemanticQuery(metrics=["theme_accounts", "theme_others_health"], time_range=AUG_TO_OCT,
                                     dimensions=["segment", "ticket_category"]))
    got = {(r["segment"], r["ticket_category"]): (r["theme_accounts"], r["theme_others_health"]) for r in rows}
    assert got[("SMB", "bug")] == (1, None)  # S1 raised one, and no other SMB account is under contract
    assert got[("SMB", "billing")] == (0, 30.0)
    assert got[("Enterprise", "bug")] == (3, 85.0)


def test_health_split_by_ticket_category_is_declared_as_the_gap():
    catalog = default_catalog()
    assert catalog.metrics["health_score"].by == {"ticket_category": "theme_health_gap"}
    assert "ticket_category" not in catalog.metrics["health_score"].dimensions


def test_each_must_be_a_dimension_of_a_signal_table():
    catalog = default_catalog()
    source = catalog.sources["account_ticket_themes"]
    for each, problem in [("survey_touchpoint", "no signal reads survey_responses"), ("nonsense", "unknown dimension")]:
        broken = replace(catalog, sources={**catalog.sources, source.name: source.model_copy(update={"each": each})})
        assert any(i.field == "each" and problem in i.message for i in validate(broken))
    with pytest.raises(ValueError, match="only a rollup source"):
        Source(name="tickets_each", description="d", table="tickets", mode="within", time="opened_at",
               each="ticket_category")


# ---------------------------------------------------------------- on the demo warehouse

def _independent_themes(start: str, end: str, health_week: str) -> str:
    """Per category: tickets and accounts raising it, their latest health and that of the segment's other
    accounts, written with correlated subqueries instead of the compiler's cross join."""
    opened = f"t.category = c.category AND t.opened_at >= TIMESTAMP '{start}' AND t.opened_at < TIMESTAMP '{end}'"
    raised = f"t.account_id = cur.account_id AND {opened}"
    return f"""
        WITH cur AS (
          SELECT a.account_id, h.health_score FROM accounts a
          LEFT JOIN health_scores_weekly h ON h.account_id = a.account_id AND h.week_start = DATE '{health_week}'
          WHERE a.segment = 'Enterprise' AND a.contract_start < DATE '{end}'
            AND (a.churned_on IS NULL OR a.churned_on >= DATE '{end}'))
        SELECT c.category,
               (SELECT COUNT(*) FROM tickets t JOIN cur USING (account_id) WHERE {opened}),
               (SELECT COUNT(*) FROM cur WHERE EXISTS (SELECT 1 FROM tickets t WHERE {raised})),
               (SELECT AVG(health_score) FROM cur WHERE EXISTS (SELECT 1 FROM tickets t WHERE {raised})),
               (SELECT AVG(health_score) FROM cur WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE {raised}))
        FROM (SELECT DISTINCT category FROM tickets) c
    """


@pytest.fixture(scope="module")
def assistant(demo_warehouse_path):
    from assistant.service import Assistant

    with Assistant(demo_warehouse_path) as running:
        yield running


@pytest.fixture
def cursor(assistant):
    """A cursor of the assistant's own connection (DuckDB refuses a second connection with another configuration)."""
    cursor = assistant.runner.con.cursor()
    yield cursor
    cursor.close()


def _independent(cursor, sql: str) -> dict[str, tuple]:
    return {category: tuple(values) for category, *values in cursor.execute(sql).fetchall()}


def test_demo_themes_match_hand_written_sql(cursor):
    expected = _independent(cursor, _independent_themes("2026-08-01", "2026-11-01", "2026-10-26"))
    rows = run(cursor, SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, dimensions=["ticket_category"],
                                     filters=[ENTERPRISE]))
    assert {r["ticket_category"] for r in rows} == set(expected)
    for r in rows:
        tickets, accounts, raisers, others = expected[r["ticket_category"]]
        assert (r["theme_tickets"], r["theme_accounts"]) == (tickets, accounts)
        assert r["theme_raisers_health"] == pytest.approx(raisers, abs=0.01)
        assert r["theme_others_health"] == pytest.approx(others, abs=0.01)
        assert r["theme_health_gap"] == pytest.approx(raisers - others, abs=0.01)
    assert min(r["theme_health_gap"] for r in rows) < -5  # the data is not degenerate: some theme drags health


def test_demo_health_by_issue_theme_answers_with_the_gap_over_three_months(assistant, cursor):
    expected = _independent(cursor, _independent_themes("2026-08-01", "2026-11-01", "2026-10-26"))
    answer = assistant.ask("enterprise health by issue theme")
    assert answer.status is Status.ANSWERED and answer.planner == "rules"
    assert answer.query["time_range"] == {"start": "2026-08-01", "end": "2026-10-31"}
    assert "August 2026 to October 2026" in answer.interpretation
    gap = {row[answer.columns.index("ticket_category")]: row[answer.columns.index("theme_health_gap")]
           for row in answer.rows}
    assert gap == pytest.approx({category: raisers - others for category, (_, _, raisers, others) in expected.items()},
                                abs=0.01)


def test_split_by_category_compiles_to_the_reviewed_sql():
    query = SemanticQuery(metrics=THEMES, time_range=AUG_TO_OCT, dimensions=["ticket_category"], filters=[ENTERPRISE],
                          order_by=[OrderBy(field="theme_health_gap")])
    compiled = compile_query(query)
    name = "issue_themes_against_health_for_enterprise"
    check_golden(name, golden_text(name, query.model_dump_json(exclude_defaults=True), compiled.explanation, compiled.sql()))

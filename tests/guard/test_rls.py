"""Row-level security: whatever the query's shape, a CSM reads only their own book.

The tiny warehouse (tiny_warehouse.sql) has books c1 = {a1, a2, a3}, c2 = {a4, a5},
c3 = {a6}; a7 has no CSM. Expected sets below are read off that file by hand.
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from assistant.answer import Status
from assistant.guard import check_sql, contract_relations
from assistant.rls import restrict
from assistant.viewer import Viewer

CSMS = ("c1", "c2", "c3")
# Expected account ids per CSM, and (key "leader") for a leader, who also sees a7.
BOOKS = {"c1": {"a1", "a2", "a3"}, "c2": {"a4", "a5"}, "c3": {"a6"},
         "leader": {"a1", "a2", "a3", "a4", "a5", "a6", "a7"}}
WITH_TICKETS = {"c1": {"a1", "a2"}, "c2": {"a4", "a5"}, "c3": {"a6"}, "leader": {"a1", "a2", "a4", "a5", "a6", "a7"}}
# m3 is c1's meeting at c2's account a4: meetings follow the account, not who held them.
WITH_MEETINGS = {"c1": {"a1"}, "c2": {"a4"}, "c3": set(), "leader": {"a1", "a4"}}
WITH_CONVERTED_TRIALS = {"c1": {"a1"}, "c2": {"a5"}, "c3": set(), "leader": {"a1", "a5", None}}
ASSIGNED = {**BOOKS, "leader": BOOKS["leader"] - {"a7"}}
HIGHEST_ID = {"c1": {"a3"}, "c2": {"a5"}, "c3": {"a6"}, "leader": {"a7"}}

# (shape, SQL returning one account_id column, expected accounts per CSM)
SHAPES = [
    ("direct", "SELECT account_id FROM accounts", BOOKS),
    ("aliased", "SELECT x.account_id FROM accounts AS x", BOOKS),
    ("quoted and cased", 'SELECT "ACCOUNT_ID" AS account_id FROM "Accounts"', BOOKS),
    ("schema-qualified", "SELECT account_id FROM main.accounts", BOOKS),
    ("joined", "SELECT DISTINCT a.account_id FROM accounts a JOIN tickets t ON t.account_id = a.account_id", WITH_TICKETS),
    ("outer-joined", "SELECT DISTINCT t.account_id FROM tickets t LEFT JOIN accounts a ON a.account_id = t.account_id",
     WITH_TICKETS),
    ("self-joined", "SELECT DISTINCT b.account_id FROM accounts a JOIN accounts b ON a.segment = b.segment", BOOKS),
    ("through csms", "SELECT a.account_id FROM csms c JOIN accounts a ON a.csm_id = c.csm_id", ASSIGNED),
    ("sub-query", "SELECT account_id FROM (SELECT * FROM accounts) AS s", BOOKS),
    ("IN sub-query", "SELECT DISTINCT account_id FROM account_mrr_monthly WHERE account_id IN (SELECT account_id FROM accounts)",
     BOOKS),
    ("NOT IN sub-query",
     "SELECT DISTINCT account_id FROM account_mrr_monthly WHERE account_id NOT IN (SELECT account_id FROM accounts WHERE false)",
     BOOKS),
    ("correlated EXISTS",
     "SELECT account_id FROM accounts a WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.account_id = a.account_id)",
     WITH_TICKETS),
    ("scalar sub-query", "SELECT (SELECT max(account_id) FROM accounts) AS account_id", HIGHEST_ID),
    ("CTE", "WITH b AS (SELECT * FROM account_mrr_monthly) SELECT DISTINCT account_id FROM b", BOOKS),
    ("CTE named like its table", "WITH accounts AS (SELECT * FROM accounts) SELECT account_id FROM accounts", BOOKS),
    ("CTE named like another table",
     "WITH tickets AS (SELECT account_id FROM accounts) SELECT account_id FROM tickets", BOOKS),
    ("CTE shadowing inside a sub-query",
     "SELECT account_id FROM (WITH csms AS (SELECT * FROM accounts) SELECT account_id FROM csms) AS s", BOOKS),
    ("UNION", "SELECT account_id FROM tickets UNION SELECT account_id FROM account_mrr_monthly "
              "UNION SELECT account_id FROM accounts", BOOKS),
    ("window",
     "SELECT account_id FROM (SELECT account_id, row_number() OVER (ORDER BY mrr DESC) AS rn FROM account_mrr_monthly) "
     "WHERE rn <= 100", BOOKS),
    ("unnest", "SELECT DISTINCT u.id AS account_id FROM accounts a, unnest([a.account_id]) AS u(id)", BOOKS),
    ("ordered and limited", "SELECT account_id FROM accounts ORDER BY account_id DESC LIMIT 50", BOOKS),
    ("meetings", "SELECT account_id FROM meetings", WITH_MEETINGS),
    ("trials", "SELECT account_id FROM trials", WITH_CONVERTED_TRIALS),
]


def account_ids(answer) -> set[str]:
    assert answer.status is Status.ANSWERED, (answer.message, answer.detail)
    return {row[0] for row in answer.rows}


@pytest.mark.parametrize("csm", CSMS)
@pytest.mark.parametrize(("shape", "sql", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_every_shape_returns_only_the_csms_accounts(runner, csm, shape, sql, expected):
    assert account_ids(runner.run(sql, Viewer.csm(csm))) == expected[csm]


@pytest.mark.parametrize(("shape", "sql", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_leaders_see_every_book_and_the_unassigned_account(runner, shape, sql, expected):
    assert account_ids(runner.run(sql, Viewer.leader())) == expected["leader"]


def test_a_csm_sees_only_their_own_csm_row(runner):
    for csm in CSMS:
        assert account_ids(runner.run("SELECT csm_id FROM csms", Viewer.csm(csm))) == {csm}


@pytest.mark.parametrize(
    ("sql", "per_csm", "leader_assigned", "leader_all"),
    [
        ("SELECT count(*) FROM tickets", {"c1": 3, "c2": 4, "c3": 2}, 9, 10),
        ("SELECT sum(mrr) FROM account_mrr_monthly WHERE month = DATE '2026-10-01'",
         {"c1": 600, "c2": 1050, "c3": 400}, 2050, 2057),
    ],
)
def test_books_add_up_to_the_leaders_total_over_assigned_accounts(runner, sql, per_csm, leader_assigned, leader_all):
    totals = {csm: runner.run(sql, Viewer.csm(csm)).rows[0][0] for csm in CSMS}
    assert totals == per_csm
    assert sum(totals.values()) == leader_assigned
    assert runner.run(sql, Viewer.leader()).rows[0][0] == leader_all


def test_compiled_semantic_queries_are_restricted_too(runner):
    from semantic_layer.compile import compile_query
    from semantic_layer.periods import Period
    from semantic_layer.query import SemanticQuery

    tree = compile_query(SemanticQuery(metrics=("mrr",), time_range=Period.months("2026-10", "2026-10"))).tree
    mrr = {csm: runner.run_expression(tree, Viewer.csm(csm), "MRR in October 2026").rows[0][-1] for csm in CSMS}
    assert mrr == {"c1": 600, "c2": 1050, "c3": 400}
    assert runner.run_expression(tree, Viewer.leader(), "MRR in October 2026").rows[0][-1] == 2057


def test_a_csm_is_told_the_answer_covers_only_their_book(runner):
    csm = runner.run("SELECT count(*) FROM accounts", Viewer.csm("c2"))
    leader = runner.run("SELECT count(*) FROM accounts", Viewer.leader())
    assert csm.rows == [[2]] and leader.rows == [[7]]
    assert "Results cover only CSM c2's book of accounts." in csm.warnings
    assert not any("book" in w for w in leader.warnings)


def test_company_spend_is_refused_to_a_csm_in_any_shape(runner):
    assert runner.run("SELECT sum(amount) FROM spend_monthly", Viewer.leader()).rows == [[140000]]
    for sql in ["SELECT sum(amount) FROM spend_monthly",
                "WITH s AS (SELECT * FROM spend_monthly) SELECT count(*) FROM s",
                "SELECT account_id FROM accounts WHERE seats_purchased < (SELECT max(amount) FROM spend_monthly)"]:
        answer = runner.run(sql, Viewer.csm("c1"))
        assert answer.status is Status.REFUSED
        assert answer.message == "'spend_monthly' is not part of a CSM's book; leaders and analysts can ask about it."


def test_reference_data_is_shared_with_csms(runner):
    assert runner.run("SELECT count(*) FROM features", Viewer.csm("c3")).rows == [[2]]
    as_of = runner.run("SELECT value FROM warehouse_meta WHERE key = 'as_of_date'", Viewer.csm("c3"))
    assert as_of.rows == [["2026-10-31"]]


@pytest.mark.parametrize("csm_id", ["c1' OR '1'='1", "c1'; DROP TABLE accounts; --", "C1", "c9", "\\' OR 1=1 --"])
def test_a_forged_csm_id_is_a_literal_and_sees_nothing(runner, csm_id):
    answer = runner.run("SELECT account_id FROM accounts", Viewer.csm(csm_id))
    assert answer.status is Status.ANSWERED and answer.rows == []


def test_the_rewrite_replaces_each_reference_with_a_filtered_sub_query():
    checked = check_sql("SELECT t.ticket_id, a.name FROM tickets AS t JOIN accounts AS a ON a.account_id = t.account_id")
    restricted = restrict(checked.expression, Viewer.csm("c1"), contract_relations())
    expected = """
        SELECT t.ticket_id, a.name
        FROM (SELECT * FROM tickets WHERE account_id IN (SELECT account_id FROM accounts WHERE csm_id = 'c1')) AS t
        JOIN (SELECT * FROM accounts WHERE csm_id = 'c1') AS a ON a.account_id = t.account_id
        LIMIT 10000"""
    assert restricted.expression == sqlglot.parse_one(expected, read="duckdb")


def test_leaders_and_analysts_get_the_query_unchanged():
    checked = check_sql("SELECT count(*) FROM tickets")
    for viewer in (Viewer.leader(), Viewer.analyst()):
        restricted = restrict(checked.expression, viewer, contract_relations())
        assert restricted.expression == checked.expression and restricted.notes == ()


def test_unguarded_input_with_a_shadowing_cte_is_over_filtered_never_leaked():
    # Without the guard's renaming the CTE reference is filtered as the real table: safe.
    query = sqlglot.parse_one("WITH accounts AS (SELECT * FROM tickets) SELECT * FROM accounts", read="duckdb")
    restricted = restrict(query, Viewer.csm("c1"), contract_relations())
    scoped = [t for t in restricted.expression.find_all(exp.Table) if t.name == "accounts"]
    assert all(t.find_ancestor(exp.Select).args["where"] is not None for t in scoped)


def test_a_relation_outside_the_allowlist_is_refused_to_a_csm():
    query = sqlglot.parse_one("SELECT * FROM payroll", read="duckdb")
    assert not restrict(query, Viewer.csm("c1"), contract_relations()).accepted


def test_a_semantic_view_with_account_id_is_filtered_by_account():
    relations = {**contract_relations(), "account_health_latest": ("account_id", "health_score")}
    query = sqlglot.parse_one("SELECT avg(health_score) FROM account_health_latest", read="duckdb")
    restricted = restrict(query, Viewer.csm("c1"), relations)
    expected = """SELECT avg(health_score) FROM (SELECT * FROM account_health_latest WHERE account_id IN
                  (SELECT account_id FROM accounts WHERE csm_id = 'c1')) AS account_health_latest"""
    assert restricted.expression == sqlglot.parse_one(expected, read="duckdb")


def test_viewers_are_validated():
    with pytest.raises(ValueError):
        Viewer.csm("")
    with pytest.raises(ValueError):
        Viewer("leader", csm_id="c1")
    assert Viewer("csm", "c1") == Viewer.csm("c1")

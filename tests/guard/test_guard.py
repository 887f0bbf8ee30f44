"""The guard's behaviour on queries it should accept, and what its answers say."""

from __future__ import annotations

import pytest
import sqlglot

from assistant.guard import GuardPolicy, check_expression, check_sql
from assistant.viewer import Viewer


def test_a_missing_limit_is_added_and_reported():
    verdict = check_sql("SELECT name FROM accounts")
    assert verdict.accepted
    assert sqlglot.parse_one(verdict.sql, read="duckdb") == sqlglot.parse_one("SELECT name FROM accounts LIMIT 10000")
    assert verdict.notes == ("Added LIMIT 10,000: the query had no row limit.",)


def test_the_limit_is_configurable_and_a_larger_one_is_lowered():
    policy = GuardPolicy(row_limit=50)
    assert check_sql("SELECT name FROM accounts LIMIT 20", policy).notes == ()
    lowered = check_sql("SELECT name FROM accounts LIMIT 500", policy)
    assert lowered.expression.args["limit"].expression.this == "50"
    assert lowered.notes == ("Lowered LIMIT 500 to 50, the most rows an answer returns.",)
    assert not check_sql("SELECT name FROM accounts LIMIT (SELECT 5)", policy).accepted


def test_a_union_gets_one_limit_for_the_whole_result():
    verdict = check_sql("SELECT account_id FROM tickets UNION SELECT account_id FROM renewals")
    assert verdict.expression.args["limit"] is not None
    assert verdict.expression.left.args.get("limit") is None


def test_an_unknown_column_is_named_with_the_closest_real_one():
    verdict = check_sql("SELECT segmnt, count(*) FROM accounts GROUP BY 1")
    assert verdict.reason == "There is no column 'segmnt' in accounts; did you mean 'segment'?"


def test_an_unknown_table_is_named_with_the_closest_real_one():
    assert check_sql("SELECT * FROM ticket").reason == "There is no table called 'ticket'; did you mean 'tickets'?"
    assert check_sql("SELECT * FROM payroll").reason == "There is no table called 'payroll'."


def test_an_ambiguous_column_asks_for_an_alias():
    verdict = check_sql("SELECT account_id FROM tickets t JOIN accounts a ON a.account_id = t.account_id")
    assert "prefix it with its table's alias" in verdict.reason


def test_the_allowlist_is_a_parameter():
    only_accounts = GuardPolicy(relations={"accounts": ("account_id", "name")})
    assert check_sql("SELECT name FROM accounts", only_accounts).accepted
    assert not check_sql("SELECT segment FROM accounts", only_accounts).accepted
    assert not check_sql("SELECT * FROM tickets", only_accounts).accepted
    with_view = GuardPolicy().with_relations({"account_health_latest": ("account_id", "health_score")})
    assert check_sql("SELECT avg(health_score) FROM account_health_latest", with_view).accepted
    assert not check_sql("SELECT avg(health_score) FROM account_health_latest").accepted


@pytest.mark.parametrize("value", [None, 42, b"SELECT 1", ["SELECT 1"]])
def test_input_that_is_not_text_is_refused_not_raised(value):
    verdict = check_sql(value)
    assert not verdict.accepted and verdict.reason == "There is no SQL statement to run."


def test_checking_an_ast_leaves_it_untouched():
    tree = sqlglot.parse_one("WITH accounts AS (SELECT * FROM accounts) SELECT name FROM accounts", read="duckdb")
    before = tree.sql()
    verdict = check_expression(tree)
    assert verdict.accepted and tree.sql() == before
    assert verdict.expression is not tree


def test_a_cte_named_like_a_table_is_renamed_and_keeps_its_meaning(runner):
    sql = "WITH accounts AS (SELECT * FROM accounts WHERE segment = 'SMB') SELECT count(*) FROM accounts"
    verdict = check_sql(sql)
    assert "accounts_cte" in verdict.sql
    assert runner.run(sql, Viewer.leader()).rows == [[3]]  # a1, a5, a7 are SMB
    assert runner.run(sql, Viewer.csm("c2")).rows == [[1]]  # a5


def test_cross_joins_are_judged_by_size():
    sql = ("WITH asof AS (SELECT CAST(value AS DATE) AS d FROM warehouse_meta WHERE key = 'as_of_date') "
           "SELECT r.account_id FROM renewals r, asof WHERE r.term_end BETWEEN asof.d AND asof.d + INTERVAL 90 DAY")
    small = GuardPolicy(table_rows={"renewals": 4_000, "warehouse_meta": 4})
    assert check_sql(sql, small).accepted
    large = GuardPolicy(table_rows={"renewals": 4_000, "warehouse_meta": 100_000})
    assert "too many rows" in check_sql(sql, large).reason
    assert check_sql(sql, GuardPolicy(table_rows={"renewals": 4_000, "warehouse_meta": 100_000}, max_rows=None)).accepted


@pytest.mark.parametrize("sql", ["SELECT now()", "SELECT * FROM renewals WHERE term_end < current_date",
                                 "SELECT today()", "SELECT current_timestamp"])
def test_the_wall_clock_is_refused_in_favour_of_the_as_of_date(sql):
    assert check_sql(sql).reason == (
        "Dates must count from the warehouse's as-of date (warehouse_meta.as_of_date), not today's clock."
    )


def test_crossing_the_distinct_values_of_two_tables_is_a_small_grid_not_a_cartesian_product():
    # A breakdown "ticket themes by segment" crosses every category with every segment.
    policy = GuardPolicy(table_rows={"tickets": 40_000, "accounts": 1_500})
    grid = ("SELECT c.category, s.segment FROM (SELECT DISTINCT category FROM tickets) AS c "
            "CROSS JOIN (SELECT DISTINCT segment FROM accounts) AS s")
    assert check_sql(grid, policy).accepted
    raw = "SELECT t.category, a.segment FROM tickets AS t CROSS JOIN accounts AS a"
    assert "without a join condition" in check_sql(raw, policy).reason


def test_grouped_sub_queries_still_count_when_they_are_crossed_with_large_ones():
    policy = GuardPolicy(table_rows={"users": 50_000, "user_activity_daily": 8_000_000})
    crossed = ("SELECT count(*) FROM (SELECT DISTINCT user_id FROM users) AS a "
               "CROSS JOIN user_activity_daily AS b")
    assert "without a join condition" in check_sql(crossed, policy).reason

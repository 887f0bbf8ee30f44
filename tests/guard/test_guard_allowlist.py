"""The guard's function allowlist and its size limits.

A query may call only the functions the guard names, judged by the name DuckDB runs; any
other is refused with a reason. Oversized statements are refused in well under a second,
and no query the semantic layer compiles for a dev question is refused by either rule.
"""

from __future__ import annotations


import duckdb
import pytest
import sqlglot
from sqlglot import exp

from assistant.guard import (
    ALLOWED_FUNCTIONS,
    MAX_NODES,
    MAX_SELECTS,
    MAX_SQL_CHARS,
    TABLE_FUNCTIONS,
    check_expression,
    check_sql,
    function_name,
)
from assistant.planner import Plan, PlannerContext, build_lexicon, plan_question
from evals.cases import load_cases
from planner.conftest import AS_OF, VALUES
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query

METADATA = "The function {}() is not open to questions: it reads table-wide metadata."
STRING_SQL = "Running SQL or functions named in a string is not allowed ({})."
CATALOGUE = "The system catalogue is not open to questions ({})."
SESSION = "Reading or changing the session's settings is not allowed ({})."

# DuckDB spells these as syntax, not as entries of duckdb_functions().
SYNTAX_NAMES = {"cast", "try_cast", "exists", "extract", "coalesce", "ifnull", "percentile_cont", "percentile_disc"}

# 900 scalar sub-queries, about 60 KB: the statement of issue 12 that DuckDB plans for ~90 s.
NINE_HUNDRED_SUBQUERIES = "SELECT " + ", ".join(
    f"(SELECT count(*) FROM accounts WHERE seats_purchased > {i}) AS c{i}" for i in range(900))


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT stats(csm_id) FROM accounts", METADATA.format("stats")),
        ("SELECT json_serialize_plan('SELECT * FROM csms')", METADATA.format("json_serialize_plan")),
        ("SELECT json_execute_serialized_sql('{}')", STRING_SQL.format("json_execute_serialized_sql")),
        ("SELECT * FROM query('SELECT * FROM accounts')", STRING_SQL.format("query")),
        ("SELECT * FROM query_table('spend_monthly')", STRING_SQL.format("query_table")),
        ("SELECT list_aggregate([1, 2], 'stats')", STRING_SQL.format("list_aggregate")),
        ("SELECT * FROM pragma_table_info('accounts')", CATALOGUE.format("pragma_table_info")),
        ("SELECT * FROM duckdb_settings()", CATALOGUE.format("duckdb_settings")),
        ("SELECT current_setting('threads')", SESSION.format("current_setting")),
        ("SELECT current_user", SESSION.format("current_user")),
        ("SELECT version()", SESSION.format("version")),
        ("SELECT main.stats(name) FROM accounts", METADATA.format("stats")),
        ("SELECT name.stats() FROM accounts", METADATA.format("stats")),
        ("SELECT \"STATS\"(name) FROM accounts", METADATA.format("stats")),
        ("SELECT * FROM read_text('/etc/hostname')", "Reading files or URLs is not allowed (read_text)."),
    ],
)
def test_functions_off_the_allowlist_are_refused_with_the_reason(sql, reason):
    verdict = check_sql(sql)
    assert not verdict.accepted
    assert verdict.reason == reason


def test_an_unknown_function_is_refused_and_the_closest_allowed_one_suggested():
    verdict = check_sql("SELECT dateadd('day', 1, contract_start) FROM accounts")
    assert verdict.reason == ("The function dateadd() is not open to questions; a query may call only everyday "
                              "read-only functions; did you mean date_add()?")
    assert "not on the allowlist" in verdict.detail


def test_a_look_alike_letter_in_a_function_name_is_refused():
    assert not check_sql("SELECT lower(name), \u0430bs(seats_purchased) FROM accounts").accepted


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT date_trunc('month', contract_start) FROM accounts", "date_trunc"),  # exp.TimestampTrunc
        ("SELECT epoch(contract_start) FROM accounts", "epoch"),  # exp.TimeToUnix
        ("SELECT string_agg(name, ', ') FROM accounts", "listagg"),  # exp.GroupConcat
        ("SELECT pow(seats_purchased, 2) FROM accounts", "power"),  # exp.Pow
        ("SELECT median(seats_purchased) FROM accounts", "median"),
        ("SELECT generate_series(1, 3)", "generate_series"),
    ],
)
def test_typed_nodes_are_judged_by_the_name_duckdb_runs(sql, name):
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert function_name(next(tree.find_all(exp.Func))) == name
    assert check_sql(sql).accepted


def test_naming_a_function_leaves_its_arguments_in_place():
    tree = sqlglot.parse_one("SELECT date_trunc('month', contract_start) FROM accounts", read="duckdb")
    func = next(tree.find_all(exp.Func))
    arguments = list(func.iter_expressions())  # the unit is a small leaf, kept when the name is rendered
    function_name(func)
    assert arguments and all(argument.parent is func for argument in arguments)


def test_every_allowed_name_is_a_duckdb_function_that_reads_no_table_except_the_series():
    # An independent source: DuckDB's own catalogue, on a plain in-memory connection.
    with duckdb.connect() as con:
        kinds = dict(con.execute(
            "SELECT function_name, list(DISTINCT function_type) FROM duckdb_functions() GROUP BY 1").fetchall())
    assert sorted(n for n in ALLOWED_FUNCTIONS - SYNTAX_NAMES if n not in kinds) == []
    table_like = {n for n in ALLOWED_FUNCTIONS if "table" in kinds.get(n, [])}
    assert table_like == TABLE_FUNCTIONS | {"repeat"}  # repeat() the table function is refused in FROM
    assert "not" in check_sql("SELECT * FROM repeat('x', 5)").reason


def test_a_scalar_function_in_from_is_refused():
    assert check_sql("SELECT * FROM upper('x')").reason == (
        "Only range(), generate_series() and unnest() can be read as tables, not upper().")


@pytest.fixture
def no_parsing(monkeypatch):
    """A statement refused by its tokens alone: the parser, whose cost grows with the statement, never runs."""
    import assistant.guard as guard

    def refuse_to_parse(*args, **kwargs):
        raise AssertionError("the statement reached the parser")

    monkeypatch.setattr(guard._DUCKDB, "parser", refuse_to_parse)


def test_the_nine_hundred_subquery_statement_is_refused_before_it_is_parsed(no_parsing):
    verdict = check_sql(NINE_HUNDRED_SUBQUERIES)
    assert verdict.reason == "The query has too many sub-queries to run; ask for fewer things at once."


def test_a_statement_of_the_longest_length_allowed_is_refused_before_it_is_parsed(no_parsing):
    sql = ("SELECT " + " + ".join(f"abs(seats_purchased - {i})" for i in range(7_000)) + " FROM accounts")[:MAX_SQL_CHARS]
    verdict = check_sql(sql)
    assert verdict.reason == "The query is too large to check; ask for fewer things at once."


def test_a_compiled_tree_over_the_node_limit_is_refused_before_it_is_copied(monkeypatch):
    # A flat IN list: shallow, so only the node count can stop it.
    values = [exp.Literal.string(f"a{i}") for i in range(MAX_NODES)]
    tree = exp.select("name").from_("accounts").where(exp.column("account_id").isin(*values))
    copies = []
    monkeypatch.setattr(exp.Expression, "copy", lambda self: copies.append(self) or self)
    verdict = check_expression(tree)
    assert verdict.reason == "The query is too large to check; ask for fewer things at once."
    assert copies == [], "counted to the limit, never copied"


def test_sub_queries_up_to_the_limit_are_accepted():
    sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM tickets WHERE priority = 'p{i}')" for i in range(MAX_SELECTS - 1))
    assert check_sql(sql).accepted


@pytest.fixture(scope="module")
def compiled_dev_queries() -> list[exp.Query]:
    catalog = default_catalog()
    context = PlannerContext(catalog, build_lexicon(catalog, VALUES), AS_OF)
    plans = [plan_question(case.question, context, case.viewer) for case in load_cases()]
    return [compile_query(plan.query, catalog).tree for plan in plans if isinstance(plan, Plan)]


def test_every_compiled_dev_query_calls_only_allowed_functions_within_the_limits(compiled_dev_queries):
    assert len(compiled_dev_queries) >= 400
    for tree in compiled_dev_queries:
        names = {function_name(f) for f in tree.find_all(exp.Func)} - {""}
        assert names <= ALLOWED_FUNCTIONS, (names - ALLOWED_FUNCTIONS, tree.sql("duckdb"))
        assert sum(1 for _ in tree.walk()) <= MAX_NODES // 4
        assert sum(1 for _ in tree.find_all(exp.Select)) <= MAX_SELECTS // 4


def test_the_largest_compiled_dev_queries_pass_the_whole_guard(compiled_dev_queries):
    largest = sorted(compiled_dev_queries, key=lambda t: sum(1 for _ in t.walk()))[-40:]
    for tree in largest:
        verdict = check_expression(tree)
        assert verdict.accepted, (verdict.reason, verdict.detail)


@pytest.mark.parametrize("sql", ["SELECT repeat('x', 999999) FROM users", "SELECT lpad(name, 20000, '.') FROM accounts"])
def test_a_built_value_longer_than_the_longest_literal_is_refused(sql):
    # Issue 12: 999,999 characters × 10,000 rows is about 10 GB of strings.
    assert check_sql(sql).reason == "The query builds a value too large to return."
    assert check_sql("SELECT repeat('-', 40) AS rule").accepted


@pytest.mark.parametrize("sql", [
    "SELECT repeat(repeat('x', 10000), 100)",  # each count allowed, the product a megabyte a row
    "SELECT repeat(name, 10000) FROM accounts",
    "SELECT repeat('ab', 9000)",  # 18,000 characters from a count under the limit
    "SELECT repeat('x', 6000) || repeat('y', 6000)",
    "SELECT concat(repeat('x', 6000), repeat('y', 6000))",
    "SELECT repeat('x', seats_purchased) FROM accounts",  # a count the guard cannot bound
    "SELECT printf('%01000000d', 1)",
    "SELECT format('{:>1000000}', 'x')",
    "SELECT printf(name, 1) FROM accounts",  # a pattern read from the data could pad to anything
])
def test_text_builders_are_bounded_by_what_they_build_not_by_each_count(sql):
    assert check_sql(sql).reason.startswith(("The query builds a value too large", "The pattern of"))


@pytest.mark.parametrize("sql", [
    "SELECT repeat(name, 50) FROM accounts", "SELECT 'a' || name || 'b' FROM accounts",
    "SELECT lpad(name, 20, ' ') FROM accounts", "SELECT printf('%5.1f%%', 3.14159)",
])
def test_everyday_text_building_passes(sql):
    assert check_sql(sql).accepted

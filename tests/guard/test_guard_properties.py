"""Property tests: random statements built from allowed and forbidden fragments.

Whatever the mix, the guard never raises; a statement with any forbidden fragment, or
more than one statement, is refused; a statement made only of allowed SELECTs is
accepted, is exactly one read-only query over allowed relations (checked here by an
independent walk of the accepted SQL), and after RLS every account-scoped reference
is filtered to the CSM's book and the query runs.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp, parse

from assistant.answer import Status
from assistant.guard import ALLOWED_FUNCTIONS, DEFAULT_ROW_LIMIT, check_sql, contract_relations, function_name
from assistant.rls import restrict
from assistant.viewer import Viewer

# Each returns one VARCHAR column, so any of them can be UNIONed with any other.
ALLOWED = [
    "SELECT account_id FROM accounts",
    "SELECT account_id FROM tickets WHERE priority = 'high'",
    "SELECT a.account_id FROM accounts AS a JOIN renewals AS r ON r.account_id = a.account_id",
    "SELECT account_id FROM account_mrr_monthly GROUP BY account_id HAVING sum(mrr) > 100",
    "SELECT DISTINCT account_id FROM meetings",
    "SELECT max(account_id) FROM health_scores_weekly",
    "SELECT csm_id FROM csms",
    "SELECT feature FROM features",
    "SELECT value FROM warehouse_meta WHERE key = 'as_of_date'",
    "SELECT account_id FROM (SELECT account_id, row_number() OVER (ORDER BY seats_purchased) AS rn FROM accounts) AS s "
    "WHERE rn < 5",
    "SELECT CAST(range AS VARCHAR) FROM range(3)",
    "SELECT t.account_id FROM tickets t WHERE EXISTS (SELECT 1 FROM survey_responses s WHERE s.ticket_id = t.ticket_id)",
]
BAD_SOURCES = [
    "read_csv('/etc/passwd')", "'/etc/passwd'", "information_schema.tables", "duckdb_tables()", "\u0430ccounts",
    "query('SELECT 1')", "glob('*')", "pg_catalog.pg_tables", "other.main.accounts", "sqlite_master",
    "(SUMMARIZE accounts)", "range(1000000000000)", "read_text('x')", "query_table('accounts')", "\"data.parquet\"",
]
BAD_STATEMENTS = [
    "DROP TABLE accounts", "COPY accounts TO 'x.csv'", "ATTACH 'x.duckdb' AS x", "SET threads = 1",
    "PRAGMA database_list", "INSTALL httpfs", "DELETE FROM accounts", "CREATE TEMP TABLE t AS SELECT 1",
    "FORCE CHECKPOINT", "CALL duckdb_settings()", "DETACH x", "LOAD httpfs", "UPDATE accounts SET csm_id = NULL",
]
BAD_EXPRESSIONS = [
    "getenv('HOME')", "current_setting('threads')", "read_csv('x')", "nextval('s')", "$1",
    "repeat('x', 2000000000)", "(SELECT count(*) FROM read_parquet('x'))", "getvariable('v')",
]
SEPARATORS = ["; ", ";", ";\n", " UNION ALL ", " UNION ALL ", " UNION ALL ", "\n", " -- c\n"]
CASINGS = [str, str.upper, str.lower, str.swapcase]

FORBIDDEN_NODES = (exp.DDL, exp.DML, exp.Command, exp.Set, exp.Pragma, exp.Copy, exp.Attach, exp.Detach, exp.Use,
                   exp.Transaction, exp.Install, exp.Describe, exp.Summarize, exp.Into, exp.Placeholder, exp.Parameter)
FORBIDDEN_FUNCTIONS = re.compile(r"^(read_|duckdb_|pragma_|glob$|query|getenv$|getvariable$|current_setting$|nextval$)")
ACCOUNT_SCOPED = {name for name, cols in contract_relations().items() if "account_id" in cols or "csm_id" in cols}


@st.composite
def statements(draw) -> tuple[str, bool]:
    """A statement and whether it is made only of allowed SELECTs joined into one query."""
    safe = True
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["allowed", "allowed", "source", "statement", "expression"]))
        piece = draw(st.sampled_from(ALLOWED))
        if kind == "source":
            piece = re.sub(r"FROM \w+", f"FROM {draw(st.sampled_from(BAD_SOURCES))}", piece, count=1)
        elif kind == "statement":
            piece = draw(st.sampled_from(BAD_STATEMENTS))
        elif kind == "expression":
            piece = piece.replace("SELECT ", f"SELECT {draw(st.sampled_from(BAD_EXPRESSIONS))}, ", 1)
        safe = safe and kind == "allowed"
        pieces.append(piece)
    separators = [draw(st.sampled_from(SEPARATORS)) for _ in pieces[1:]]
    safe = safe and all(s == " UNION ALL " for s in separators)
    sql = pieces[0] + "".join(s + p for s, p in zip(separators, pieces[1:]))
    if safe and draw(st.booleans()):
        sql = f"WITH w AS ({sql}) SELECT * FROM w"
    sql = draw(st.sampled_from(CASINGS))(sql)
    return draw(st.sampled_from(["", "/* c */ ", "-- c\n"])) + sql + draw(st.sampled_from(["", ";", " ;", "\n-- end"])), safe


def assert_one_read_only_query_over_allowed_relations(sql: str) -> None:
    parsed = [s for s in parse(sql, read="duckdb") if s is not None]
    assert len(parsed) == 1 and isinstance(parsed[0], exp.Query)
    query = parsed[0]
    ctes = {c.alias_or_name.lower() for c in query.find_all(exp.CTE)}
    assert not ctes & set(contract_relations()), "a CTE shadows a relation"
    for node in query.walk():
        assert not isinstance(node, FORBIDDEN_NODES), type(node).__name__
        if isinstance(node, exp.Func):
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            assert not FORBIDDEN_FUNCTIONS.match(name.lower()), name
            assert function_name(node) in ALLOWED_FUNCTIONS | {""}, function_name(node)
        if isinstance(node, exp.Table) and not isinstance(node.this, exp.GenerateSeries):
            assert isinstance(node.this, exp.Identifier) and not node.catalog and node.db in ("", "main")
            assert node.name.lower() in set(contract_relations()) | ctes, node.name
    limit = query.args.get("limit")
    assert limit is not None and int(limit.expression.this) <= DEFAULT_ROW_LIMIT


def assert_every_account_scoped_reference_is_filtered(sql: str, csm_id: str) -> None:
    query = parse(sql, read="duckdb")[0]
    for table in query.find_all(exp.Table):
        if table.name.lower() in ACCOUNT_SCOPED:
            where = table.find_ancestor(exp.Select).args.get("where")
            assert where is not None and exp.Literal.string(csm_id) in list(where.find_all(exp.Literal)), table.sql()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statements())
def test_only_single_read_only_selects_over_allowed_relations_pass(runner, case):
    sql, safe = case
    verdict = check_sql(sql)
    assert verdict.accepted == safe, (verdict.reason, verdict.detail)
    if not verdict.accepted:
        assert verdict.reason
        return
    assert_one_read_only_query_over_allowed_relations(verdict.sql)
    restricted = restrict(verdict.expression, Viewer.csm("c1"), contract_relations())
    assert_every_account_scoped_reference_is_filtered(restricted.sql, "c1")
    answer = runner.run(sql, Viewer.csm("c1"))
    assert answer.status is Status.ANSWERED, (answer.message, answer.detail)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_verdict_and_never_an_exception(text):
    verdict = check_sql(text)
    if verdict.accepted:
        assert_one_read_only_query_over_allowed_relations(verdict.sql)
    else:
        assert verdict.reason


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ALLOWED), st.sampled_from(BAD_STATEMENTS), st.sampled_from(["--", "/*", "'", '"', ";", "\\"]))
def test_forbidden_statements_cannot_hide_behind_comment_or_quote_characters(allowed, bad, trick):
    verdict = check_sql(f"{allowed} {trick}\n; {bad}")
    assert not verdict.accepted or bad not in verdict.sql
    if verdict.accepted:
        assert_one_read_only_query_over_allowed_relations(verdict.sql)

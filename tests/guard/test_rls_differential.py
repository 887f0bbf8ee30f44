"""Differential row-level security (issue 12, item 9): every query shape below, asked as every CSM of the demo
warehouse through the runner (guard, RLS rewrite, hardened connection), returns exactly what the same question
computes when written by hand over the raw tables with that CSM's account filter, on a plain cursor (no guard, no
RLS), and never an account id of another book. Governed queries of every metric source are checked the same way:
per account, a CSM's result is the leader's result for the accounts of their book."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from assistant.answer import Status
from assistant.viewer import Viewer
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query, split_samples
from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

BOOK = "(SELECT account_id FROM accounts WHERE csm_id = '{csm}')"
OCT = "DATE '2026-10-01'"

# (name, the query as a CSM asks it, the same question by hand with the CSM's book written in)
SHAPES = [
    ("every account", "SELECT account_id FROM accounts", "SELECT account_id FROM accounts WHERE csm_id = '{csm}'"),
    ("count", "SELECT count(*) FROM accounts", "SELECT count(*) FROM accounts WHERE csm_id = '{csm}'"),
    ("quoted and cased", 'SELECT "Account_ID" FROM "ACCOUNTS"', "SELECT account_id FROM accounts WHERE csm_id = '{csm}'"),
    ("schema-qualified", "SELECT account_id FROM main.accounts",
     "SELECT account_id FROM accounts WHERE csm_id = '{csm}'"),
    ("aliased", "SELECT x.name FROM accounts AS x", "SELECT name FROM accounts WHERE csm_id = '{csm}'"),
    ("min and max name", "SELECT min(name), max(name) FROM accounts",
     "SELECT min(name), max(name) FROM accounts WHERE csm_id = '{csm}'"),
    ("largest mrr", "SELECT max(mrr) FROM account_mrr_monthly",
     f"SELECT max(mrr) FROM account_mrr_monthly WHERE account_id IN {BOOK}"),
    ("mrr by segment", f"SELECT a.segment, sum(m.mrr) FROM account_mrr_monthly m JOIN accounts a USING (account_id) "
                       f"WHERE m.month = {OCT} GROUP BY 1",
     f"SELECT a.segment, sum(m.mrr) FROM account_mrr_monthly m JOIN accounts a USING (account_id) "
     f"WHERE m.month = {OCT} AND a.csm_id = '{{csm}}' GROUP BY 1"),
    ("tickets", "SELECT count(*) FROM tickets", f"SELECT count(*) FROM tickets WHERE account_id IN {BOOK}"),
    ("tickets by priority", "SELECT priority, count(*) FROM tickets GROUP BY 1",
     f"SELECT priority, count(*) FROM tickets WHERE account_id IN {BOOK} GROUP BY 1"),
    ("join with names", "SELECT a.name, t.ticket_id FROM tickets t JOIN accounts a ON a.account_id = t.account_id",
     "SELECT a.name, t.ticket_id FROM tickets t JOIN accounts a ON a.account_id = t.account_id "
     "WHERE a.csm_id = '{csm}'"),
    ("left join", f"SELECT a.account_id, m.mrr FROM accounts a LEFT JOIN account_mrr_monthly m "
                  f"ON m.account_id = a.account_id AND m.month = {OCT}",
     f"SELECT a.account_id, m.mrr FROM accounts a LEFT JOIN account_mrr_monthly m "
     f"ON m.account_id = a.account_id AND m.month = {OCT} WHERE a.csm_id = '{{csm}}'"),
    ("full outer join", "SELECT a.account_id, t.ticket_id FROM accounts a FULL JOIN tickets t USING (account_id)",
     f"SELECT a.account_id, t.ticket_id FROM (SELECT * FROM accounts WHERE csm_id = '{{csm}}') a FULL JOIN "
     f"(SELECT * FROM tickets WHERE account_id IN {BOOK}) t USING (account_id)"),
    ("cross join", "SELECT count(*) FROM accounts, csms",
     "SELECT count(*) FROM accounts, csms WHERE accounts.csm_id = '{csm}' AND csms.csm_id = '{csm}'"),
    ("self-join", "SELECT count(*) FROM accounts a JOIN accounts b ON a.segment = b.segment AND a.account_id < b.account_id",
     "SELECT count(*) FROM accounts a JOIN accounts b ON a.segment = b.segment AND a.account_id < b.account_id "
     "WHERE a.csm_id = '{csm}' AND b.csm_id = '{csm}'"),
    ("through csms", "SELECT c.name, count(*) FROM csms c JOIN accounts a USING (csm_id) GROUP BY 1",
     "SELECT c.name, count(*) FROM csms c JOIN accounts a USING (csm_id) WHERE c.csm_id = '{csm}' GROUP BY 1"),
    ("every csm", "SELECT csm_id, name FROM csms", "SELECT csm_id, name FROM csms WHERE csm_id = '{csm}'"),
    ("in a sub-query", "SELECT name FROM accounts WHERE account_id IN (SELECT account_id FROM tickets "
                       "WHERE priority = 'urgent')",
     f"SELECT name FROM accounts WHERE csm_id = '{{csm}}' AND account_id IN (SELECT account_id FROM tickets "
     f"WHERE priority = 'urgent')"),
    ("exists", "SELECT name FROM accounts a WHERE EXISTS (SELECT 1 FROM renewals r WHERE r.account_id = a.account_id)",
     "SELECT name FROM accounts a WHERE csm_id = '{csm}' AND EXISTS "
     "(SELECT 1 FROM renewals r WHERE r.account_id = a.account_id)"),
    ("not exists", "SELECT name FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM tickets t "
                   "WHERE t.account_id = a.account_id)",
     "SELECT name FROM accounts a WHERE csm_id = '{csm}' AND NOT EXISTS "
     "(SELECT 1 FROM tickets t WHERE t.account_id = a.account_id)"),
    ("not in", "SELECT count(*) FROM accounts WHERE account_id NOT IN (SELECT account_id FROM meetings)",
     f"SELECT count(*) FROM accounts WHERE csm_id = '{{csm}}' AND account_id NOT IN "
     f"(SELECT account_id FROM meetings WHERE account_id IN {BOOK})"),
    ("an in-list of every book's ids", "SELECT account_id FROM accounts WHERE account_id IN ({ids})",
     "SELECT account_id FROM accounts WHERE csm_id = '{csm}' AND account_id IN ({ids})"),
    ("an in-list on tickets", "SELECT account_id, count(*) FROM tickets WHERE account_id IN ({ids}) GROUP BY 1",
     f"SELECT account_id, count(*) FROM tickets WHERE account_id IN ({{ids}}) AND account_id IN {BOOK} GROUP BY 1"),
    ("from a derived table", "SELECT count(*) FROM (SELECT * FROM accounts) s",
     "SELECT count(*) FROM accounts WHERE csm_id = '{csm}'"),
    ("nested sub-queries", "SELECT count(*) FROM (SELECT * FROM (SELECT account_id FROM (SELECT * FROM tickets) a) b) c",
     f"SELECT count(*) FROM tickets WHERE account_id IN {BOOK}"),
    ("scalar sub-queries", "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM tickets)",
     f"SELECT (SELECT count(*) FROM accounts WHERE csm_id = '{{csm}}'), "
     f"(SELECT count(*) FROM tickets WHERE account_id IN {BOOK})"),
    ("correlated scalar", "SELECT a.account_id, (SELECT count(*) FROM tickets t WHERE t.account_id = a.account_id) "
                          "FROM accounts a",
     "SELECT a.account_id, (SELECT count(*) FROM tickets t WHERE t.account_id = a.account_id) FROM accounts a "
     "WHERE a.csm_id = '{csm}'"),
    ("cte", "WITH t AS (SELECT account_id, count(*) AS n FROM tickets GROUP BY 1) SELECT * FROM t",
     f"SELECT account_id, count(*) FROM tickets WHERE account_id IN {BOOK} GROUP BY 1"),
    ("cte named like its table", "WITH accounts AS (SELECT * FROM accounts) SELECT count(*) FROM accounts",
     "SELECT count(*) FROM accounts WHERE csm_id = '{csm}'"),
    ("cte named like another table", "WITH tickets AS (SELECT * FROM accounts) SELECT count(*) FROM tickets",
     "SELECT count(*) FROM accounts WHERE csm_id = '{csm}'"),
    ("cte shadowing inside a sub-query", "SELECT count(*) FROM (WITH renewals AS (SELECT account_id FROM accounts) "
                                         "SELECT * FROM renewals) s",
     "SELECT count(*) FROM accounts WHERE csm_id = '{csm}'"),
    ("two ctes joined", "WITH a AS (SELECT account_id, name FROM accounts), m AS (SELECT account_id, mrr FROM "
                        f"account_mrr_monthly WHERE month = {OCT}) SELECT a.name, m.mrr FROM a JOIN m USING (account_id)",
     f"SELECT a.name, m.mrr FROM accounts a JOIN account_mrr_monthly m USING (account_id) "
     f"WHERE m.month = {OCT} AND a.csm_id = '{{csm}}'"),
    ("union", "SELECT account_id FROM accounts UNION SELECT account_id FROM tickets",
     f"SELECT account_id FROM accounts WHERE csm_id = '{{csm}}' UNION "
     f"SELECT account_id FROM tickets WHERE account_id IN {BOOK}"),
    ("union all", "SELECT 'a' AS k, count(*) FROM accounts UNION ALL SELECT 'r', count(*) FROM renewals",
     f"SELECT 'a', count(*) FROM accounts WHERE csm_id = '{{csm}}' UNION ALL "
     f"SELECT 'r', count(*) FROM renewals WHERE account_id IN {BOOK}"),
    ("except", "SELECT account_id FROM accounts EXCEPT SELECT account_id FROM tickets",
     f"SELECT account_id FROM accounts WHERE csm_id = '{{csm}}' EXCEPT "
     f"SELECT account_id FROM tickets WHERE account_id IN {BOOK}"),
    ("intersect", "SELECT account_id FROM accounts INTERSECT SELECT account_id FROM survey_responses",
     f"SELECT account_id FROM accounts WHERE csm_id = '{{csm}}' INTERSECT "
     f"SELECT account_id FROM survey_responses WHERE account_id IN {BOOK}"),
    ("window rank", f"SELECT account_id, rank() OVER (ORDER BY mrr DESC, account_id) FROM account_mrr_monthly "
                    f"WHERE month = {OCT}",
     f"SELECT account_id, rank() OVER (ORDER BY mrr DESC, account_id) FROM account_mrr_monthly "
     f"WHERE month = {OCT} AND account_id IN {BOOK}"),
    ("window share of total", f"SELECT account_id, mrr / sum(mrr) OVER () FROM account_mrr_monthly WHERE month = {OCT}",
     f"SELECT account_id, mrr / sum(mrr) OVER () FROM account_mrr_monthly WHERE month = {OCT} "
     f"AND account_id IN {BOOK}"),
    ("window lag", "SELECT account_id, month, mrr - lag(mrr) OVER (PARTITION BY account_id ORDER BY month) "
                   "FROM account_mrr_monthly WHERE month >= DATE '2026-07-01'",
     f"SELECT account_id, month, mrr - lag(mrr) OVER (PARTITION BY account_id ORDER BY month) "
     f"FROM account_mrr_monthly WHERE month >= DATE '2026-07-01' AND account_id IN {BOOK}"),
    ("qualify", "SELECT account_id, week_start, health_score FROM health_scores_weekly "
                "QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY week_start DESC) = 1",
     f"SELECT account_id, week_start, health_score FROM health_scores_weekly WHERE account_id IN {BOOK} "
     f"QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY week_start DESC) = 1"),
    ("top five", f"SELECT account_id, mrr FROM account_mrr_monthly WHERE month = {OCT} "
                 f"ORDER BY mrr DESC, account_id LIMIT 5",
     f"SELECT account_id, mrr FROM account_mrr_monthly WHERE month = {OCT} AND account_id IN {BOOK} "
     f"ORDER BY mrr DESC, account_id LIMIT 5"),
    ("having", "SELECT account_id, count(*) FROM tickets GROUP BY 1 HAVING count(*) > 3",
     f"SELECT account_id, count(*) FROM tickets WHERE account_id IN {BOOK} GROUP BY 1 HAVING count(*) > 3"),
    ("count distinct", "SELECT count(DISTINCT account_id), count(DISTINCT user_id) FROM users",
     f"SELECT count(DISTINCT account_id), count(DISTINCT user_id) FROM users WHERE account_id IN {BOOK}"),
    ("filter clause", "SELECT count(*) FILTER (WHERE priority = 'urgent'), count(*) FROM tickets",
     f"SELECT count(*) FILTER (WHERE priority = 'urgent'), count(*) FROM tickets WHERE account_id IN {BOOK}"),
    ("case aggregate", "SELECT sum(CASE WHEN health_score < 50 THEN 1 ELSE 0 END) FROM health_scores_weekly",
     f"SELECT sum(CASE WHEN health_score < 50 THEN 1 ELSE 0 END) FROM health_scores_weekly "
     f"WHERE account_id IN {BOOK}"),
    ("rollup", "SELECT segment, plan, count(*) FROM accounts GROUP BY ROLLUP (segment, plan)",
     "SELECT segment, plan, count(*) FROM accounts WHERE csm_id = '{csm}' GROUP BY ROLLUP (segment, plan)"),
    ("median", "SELECT median(score) FROM survey_responses WHERE survey_type = 'nps'",
     f"SELECT median(score) FROM survey_responses WHERE survey_type = 'nps' AND account_id IN {BOOK}"),
    ("string_agg of names", "SELECT string_agg(name, ',' ORDER BY name) FROM accounts",
     "SELECT string_agg(name, ',' ORDER BY name) FROM accounts WHERE csm_id = '{csm}'"),
    ("list of ids", "SELECT list_sort(list(account_id)) FROM accounts",
     "SELECT list_sort(list(account_id)) FROM accounts WHERE csm_id = '{csm}'"),
    ("unnest", "SELECT a.account_id, u.x FROM accounts a, unnest([1, 2]) AS u(x)",
     "SELECT a.account_id, u.x FROM accounts a, unnest([1, 2]) AS u(x) WHERE a.csm_id = '{csm}'"),
    ("lateral", "SELECT a.account_id, l.n FROM accounts a, LATERAL (SELECT count(*) AS n FROM tickets t "
                "WHERE t.account_id = a.account_id) l",
     "SELECT a.account_id, (SELECT count(*) FROM tickets t WHERE t.account_id = a.account_id) FROM accounts a "
     "WHERE a.csm_id = '{csm}'"),
    ("users by role", "SELECT role, count(*) FROM users GROUP BY 1",
     f"SELECT role, count(*) FROM users WHERE account_id IN {BOOK} GROUP BY 1"),
    ("activity", "SELECT sum(sessions), sum(core_actions) FROM user_activity_daily "
                 "WHERE activity_date >= DATE '2026-10-01'",
     f"SELECT sum(sessions), sum(core_actions) FROM user_activity_daily WHERE activity_date >= DATE '2026-10-01' "
     f"AND account_id IN {BOOK}"),
    ("feature usage with features", "SELECT f.is_key_feature, sum(u.events) FROM feature_usage_daily u "
                                    f"JOIN features f USING (feature) WHERE u.activity_date >= {OCT} GROUP BY 1",
     f"SELECT f.is_key_feature, sum(u.events) FROM feature_usage_daily u JOIN features f USING (feature) "
     f"WHERE u.activity_date >= {OCT} AND u.account_id IN {BOOK} GROUP BY 1"),
    ("renewals by outcome", "SELECT outcome, count(*), sum(arr_up_for_renewal) FROM renewals GROUP BY 1",
     f"SELECT outcome, count(*), sum(arr_up_for_renewal) FROM renewals WHERE account_id IN {BOOK} GROUP BY 1"),
    ("meetings, whoever held them", "SELECT meeting_type, count(*) FROM meetings GROUP BY 1",
     f"SELECT meeting_type, count(*) FROM meetings WHERE account_id IN {BOOK} GROUP BY 1"),
    ("milestones", "SELECT milestone, count(completed_on) FROM onboarding_milestones GROUP BY 1",
     f"SELECT milestone, count(completed_on) FROM onboarding_milestones WHERE account_id IN {BOOK} GROUP BY 1"),
    ("trials", "SELECT channel, count(*) FROM trials GROUP BY 1",
     f"SELECT channel, count(*) FROM trials WHERE account_id IN {BOOK} GROUP BY 1"),
    ("reference data", "SELECT count(*) FROM features", "SELECT count(*) FROM features"),
    ("warehouse meta", "SELECT value FROM warehouse_meta WHERE key = 'as_of_date'",
     "SELECT value FROM warehouse_meta WHERE key = 'as_of_date'"),
]


def _rows(rows) -> list[tuple]:
    def cell(value):
        if isinstance(value, Decimal | float):
            return None if math.isnan(float(value)) else round(float(value), 6)
        if isinstance(value, list):
            return tuple(value)
        return value
    return sorted((tuple(cell(v) for v in row) for row in rows), key=repr)


@pytest.fixture(scope="module")
def books(demo_runner) -> dict[str, set[str]]:
    """Every demo CSM's account ids, read on a plain cursor (no guard, no RLS)."""
    cursor = demo_runner.con.cursor()
    try:
        csms = [r[0] for r in cursor.execute("SELECT csm_id FROM csms ORDER BY 1").fetchall()]
        pairs = cursor.execute("SELECT csm_id, account_id FROM accounts WHERE csm_id IS NOT NULL").fetchall()
    finally:
        cursor.close()
    assert len(csms) >= 2, "the demo warehouse needs CSMs"
    return {c: {a for owner, a in pairs if owner == c} for c in csms}


@pytest.fixture(scope="module")
def ids(books) -> str:
    """Account ids from every book, the first three of each: what an IN list naming other books holds."""
    return ", ".join(f"'{a}'" for book in books.values() for a in sorted(book)[:3])


def test_there_are_at_least_fifty_shapes():
    assert len(SHAPES) + len(_metric_per_source()) >= 50
    assert len({name for name, _, _ in SHAPES}) == len(SHAPES)


@pytest.mark.parametrize(("shape", "asked", "by_hand"), SHAPES, ids=[s[0] for s in SHAPES])
def test_every_csm_sees_what_their_book_computes_by_hand(demo_runner, books, ids, shape, asked, by_hand):
    every = set().union(*books.values())
    cursor = demo_runner.con.cursor()
    try:
        for csm_id, book in books.items():
            answer = demo_runner.run(asked.replace("{ids}", ids), Viewer.csm(csm_id))
            assert answer.status is Status.ANSWERED, (csm_id, answer.message, answer.detail)
            expected = cursor.execute(by_hand.format(csm=csm_id, ids=ids)).fetchall()
            assert _rows(answer.rows) == _rows(expected), csm_id
            seen = {v for row in answer.rows for v in row if isinstance(v, str)}
            assert not seen & (every - book), (csm_id, "another book's account ids")
    finally:
        cursor.close()


def _metric_per_source() -> list[str]:
    """One metric of every source that can be broken down by account, to ask per account."""
    catalog = default_catalog()
    chosen = {}
    for metric in catalog.metrics.values():
        if metric.source and "account_name" in metric.dimensions and metric.source not in chosen:
            chosen[metric.source] = metric.name
    return sorted(chosen.values())


@pytest.mark.parametrize("metric", _metric_per_source())
def test_a_governed_query_per_account_is_the_leaders_for_the_book(demo_runner, books, metric):
    catalog = default_catalog()
    query = SemanticQuery(metrics=(metric,), time_range=Period(date(2026, 10, 1), date(2026, 10, 31)),
                          dimensions=("account_name",))
    compiled = compile_query(query, catalog)

    def visible(answer):  # the hidden sample sizes are each viewer's own smallest group, not rows to compare
        return split_samples(compiled, answer.columns, answer.rows)[:2]

    everyone = demo_runner.run_compiled(compiled.tree, Viewer.leader(), metric)
    assert everyone.status is Status.ANSWERED, everyone.message
    columns, rows = visible(everyone)
    name = columns.index("account_name")
    cursor = demo_runner.con.cursor()
    try:
        owners = dict(cursor.execute("SELECT name, csm_id FROM accounts").fetchall())
    finally:
        cursor.close()
    for csm_id in books:
        answer = demo_runner.run_compiled(compiled.tree, Viewer.csm(csm_id), metric)
        assert answer.status is Status.ANSWERED, (csm_id, answer.message)
        assert visible(answer)[0] == columns
        expected = [r for r in rows if owners.get(r[name]) == csm_id]
        assert _rows(visible(answer)[1]) == _rows(expected), (metric, csm_id)

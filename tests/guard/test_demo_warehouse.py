"""The demo warehouse: for every CSM, every query shape of test_rls.py returns only
accounts of that CSM's book (the whole book where the shape reads every account), the
CSMs' books add up to the leader's totals, and every adversarial statement is refused
without running (the file's checksum is compared at the end of the session)."""

from __future__ import annotations

import pytest
from sqlglot import exp

from assistant.answer import Status
from assistant.viewer import Viewer
from guard.adversarial import load_cases
from guard.test_rls import SHAPES

# Shapes that read every account of the book; the others read some (tickets, MRR, a LIMIT).
WHOLE_BOOK = {"direct", "aliased", "quoted and cased", "schema-qualified", "self-joined", "through csms", "sub-query",
              "CTE named like its table", "CTE named like another table", "CTE shadowing inside a sub-query", "UNION",
              "unnest"}


def _book(runner, csm_id: str) -> set[str]:
    # Computed as a leader, whose queries RLS leaves untouched: an independent truth.
    literal = exp.Literal.string(csm_id).sql(dialect="duckdb")
    return {r[0] for r in runner.run(f"SELECT account_id FROM accounts WHERE csm_id = {literal}", Viewer.leader()).rows}


@pytest.fixture(scope="module")
def books(demo_runner) -> dict[str, set[str]]:
    csm_ids = [r[0] for r in demo_runner.run("SELECT csm_id FROM csms ORDER BY csm_id", Viewer.leader()).rows]
    assert csm_ids, "the demo warehouse has no CSMs"
    return {csm_id: _book(demo_runner, csm_id) for csm_id in csm_ids}


@pytest.mark.parametrize(("shape", "sql"), [s[:2] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_every_csm_sees_only_their_book_in_every_shape(demo_runner, books, shape, sql):
    whole_book = shape in WHOLE_BOOK
    for csm_id, book in books.items():
        answer = demo_runner.run(sql, Viewer.csm(csm_id))
        assert answer.status is Status.ANSWERED, (csm_id, answer.message, answer.detail)
        seen = {row[0] for row in answer.rows}
        assert seen == book if whole_book else seen <= book, (csm_id, seen - book)


@pytest.mark.parametrize(
    ("sql", "leader_sql"),
    [
        ("SELECT count(*) FROM tickets",
         "SELECT count(*) FROM tickets t JOIN accounts a ON a.account_id = t.account_id WHERE a.csm_id IS NOT NULL"),
        ("SELECT sum(m.mrr) FROM account_mrr_monthly m WHERE m.month = DATE '2026-10-01'",
         "SELECT sum(m.mrr) FROM account_mrr_monthly m JOIN accounts a ON a.account_id = m.account_id "
         "WHERE m.month = DATE '2026-10-01' AND a.csm_id IS NOT NULL"),
        ("SELECT count(*) FROM health_scores_weekly",
         "SELECT count(*) FROM health_scores_weekly h JOIN accounts a ON a.account_id = h.account_id "
         "WHERE a.csm_id IS NOT NULL"),
    ],
)
def test_books_add_up_to_the_leaders_total_over_assigned_accounts(demo_runner, books, sql, leader_sql):
    per_csm = [demo_runner.run(sql, Viewer.csm(csm_id)).rows[0][0] or 0 for csm_id in books]
    assert sum(per_csm) == demo_runner.run(leader_sql, Viewer.leader()).rows[0][0]
    assert sum(per_csm) > 0


def test_every_adversarial_statement_is_refused_without_running(demo_runner, books, monkeypatch):
    csm_id = next(iter(books))
    executed = []
    monkeypatch.setattr(demo_runner, "_execute", lambda *args: executed.append(args))
    for category, sql in load_cases():
        for viewer in (Viewer.leader(), Viewer.csm(csm_id)):
            answer = demo_runner.run(sql, viewer)
            assert answer.status is Status.REFUSED and answer.message, (category, sql)
    assert executed == []


def test_a_compiled_semantic_query_adds_up_over_the_books(demo_runner, books):
    from semantic_layer.compile import compile_query
    from semantic_layer.periods import Period
    from semantic_layer.query import SemanticQuery

    tree = compile_query(SemanticQuery(metrics=("mrr",), time_range=Period.months("2026-10", "2026-10"))).tree
    per_csm = [demo_runner.run_expression(tree, Viewer.csm(csm_id), "MRR in October 2026").rows[0][-1] for csm_id in books]
    assigned = demo_runner.run(
        "SELECT sum(m.mrr) FROM account_mrr_monthly m JOIN accounts a ON a.account_id = m.account_id "
        "WHERE m.month = DATE '2026-10-01' AND a.csm_id IS NOT NULL", Viewer.leader()).rows[0][0]
    assert sum(per_csm) == assigned > 0

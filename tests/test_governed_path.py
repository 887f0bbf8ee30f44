"""The governed path trusts what the compiler built: specifications of what backs that trust.

Compiled SQL runs without the guard's full check (`Runner.run_compiled`) because a catalogue
whose fragments read only allowlisted tables and columns compiles only to allowlisted SQL
(`guard.outside_allowlist`, checked when an assistant starts). Here the full guard, given an
allowlist of exactly what the catalogue reads, accepts every metric alone, every metric with
every dimension of its source and the dev questions' query shapes (filters, comparisons,
tallies, top N); the trusted path returns the guarded path's rows for a leader and three CSMs;
and a catalogue reading a column outside the allowlist is refused at start-up.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from assistant.guard import GuardPolicy, catalogue_columns, check_expression
from assistant.planner import Plan, plan_question
from assistant.service import Assistant, UntrustedCatalogue
from assistant.viewer import Viewer
from data.contract import tables
from evals.cases import load_cases, set_folder
from semantic_layer.compile import CompiledQuery, compile_query
from semantic_layer.errors import SemanticLayerError
from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def assistant(demo_warehouse_path):
    with Assistant(demo_warehouse_path) as shared:
        yield shared


def _compiled(query, catalog):
    try:
        return compile_query(query, catalog)
    except (SemanticLayerError, ValueError):
        return None  # a pairing the compiler refuses has no SQL to trust


@pytest.fixture(scope="module")
def shapes(assistant) -> dict[str, list[CompiledQuery]]:
    """Compiled, by kind: every metric alone; one metric per source and dimension table (per dimension for the
    dimensions compiled their own way: time grains, alternates, entities, a source's cohort or `each`); the dev
    questions' confident plans that filter, compare, tally, rank or ask for several metrics, one per shape."""
    catalog = assistant.catalog
    pairs = {}
    for metric in catalog.metrics.values():
        source = catalog.sources.get(metric.source or "")
        for name in metric.dimensions:
            dimension = catalog.dimensions[name]
            own_way = dimension.grain or dimension.alternates or dimension.entity or \
                (source is not None and name in (source.cohort, source.each))
            pairs.setdefault((metric.source, name if own_way else dimension.table), (metric.name, name))
    dev = {}
    for case in load_cases(set_folder("dev")):
        outcome = plan_question(case.question, assistant.context_for(case.viewer), case.viewer, None)
        q = outcome.query if isinstance(outcome, Plan) and outcome.confident and not case.conversation else None
        if q is not None and (q.filters or q.compare or q.tally or q.limit or q.metric_filters or len(q.metrics) > 1):
            shape = (q.metrics, q.dimensions, bool(q.filters), q.compare, q.tally is not None, q.limit is not None)
            dev.setdefault(shape, q)
    kinds = {"alone": [SemanticQuery(metrics=(name,), time_range=Q3) for name in catalog.metrics],
             "split": [SemanticQuery(metrics=(m,), dimensions=(d,), time_range=Q3) for m, d in pairs.values()],
             "dev": list(dev.values())}
    return {kind: [c for c in (_compiled(q, catalog) for q in queries) if c is not None]
            for kind, queries in kinds.items()}


def test_the_full_guard_accepts_every_compiled_shape_over_only_what_the_catalogue_reads(assistant, shapes):
    policy = GuardPolicy(relations=catalogue_columns(assistant.catalog), table_rows=assistant.runner.policy.table_rows)
    compiled = [c for kind in shapes.values() for c in kind]
    assert len(shapes["alone"]) > 100 and len(shapes["split"]) > 150 and len(shapes["dev"]) > 50
    assert any(c.plan.query.tally for c in compiled) and any(c.plan.query.compare for c in compiled)
    refused = [(c.plan.query.metrics, c.plan.query.dimensions, v.reason) for c in compiled
               if not (v := check_expression(c.tree, policy)).accepted]
    assert refused == []


def test_an_allowlist_missing_one_column_the_compiler_emits_refuses_its_queries(assistant):
    # the check above can fail: without a source table's key (selected whole by its keyed first step) it does
    relations = {t: c - {"renewal_id"} for t, c in catalogue_columns(assistant.catalog).items()}
    tree = compile_query(SemanticQuery(metrics=("days_to_renewal",), dimensions=("segment",), time_range=Q3)).tree
    assert not check_expression(tree, GuardPolicy(relations=relations)).accepted


def _cell(value):
    if isinstance(value, Decimal | float):
        return None if math.isnan(float(value)) else round(float(value), 9)
    return value


def _sorted(rows):
    return sorted((tuple(_cell(v) for v in row) for row in rows), key=repr)


def test_the_trusted_path_returns_the_guarded_paths_rows_for_a_leader_and_three_csms(assistant, shapes):
    runner, catalog = assistant.runner, assistant.catalog
    cursor = runner.con.cursor()
    try:
        csms = [row[0] for row in cursor.execute(
            "SELECT csm_id FROM accounts WHERE csm_id IS NOT NULL GROUP BY csm_id ORDER BY csm_id LIMIT 3").fetchall()]
    finally:
        cursor.close()
    viewers = [Viewer.leader(), *(Viewer.csm(c) for c in csms)]
    # rows are compared, as each viewer, for one split per source over a month and every eighth dev shape
    per_source = {c.plan.scans[0].source.name: c.plan.query for c in shapes["split"] if c.plan.scans}
    october = [_compiled(q.model_copy(update={"time_range": OCTOBER}), catalog) for q in per_source.values()]
    compared = 0
    for compiled in [*filter(None, october), *shapes["dev"][::8]]:
        tree = compiled.tree if compiled.tree.args.get("limit") else compiled.tree.copy().limit(runner.settings.row_limit)
        for viewer in viewers:
            trusted = runner.run_compiled(compiled.tree, viewer, "trusted", sql=compiled.sql())
            guarded = runner.run_expression(tree, viewer, "guarded")
            where = (compiled.plan.query, viewer)
            assert (trusted.status, trusted.columns) == (guarded.status, guarded.columns), where
            assert _sorted(trusted.rows) == _sorted(guarded.rows), where
            assert trusted.warnings == guarded.warnings, where
            compared += bool(trusted.rows)
    assert compared > 70


def test_a_csms_trusted_query_reads_only_their_book(assistant):
    runner = assistant.runner
    compiled = compile_query(SemanticQuery(metrics=("mrr",), dimensions=("account_name",),
                                           time_range=OCTOBER))
    answer = runner.run_compiled(compiled.tree, Viewer.csm("C005"), "mrr by account", sql=compiled.sql())
    cursor = runner.con.cursor()
    try:
        book = {row[0] for row in cursor.execute("SELECT name FROM accounts WHERE csm_id = 'C005'").fetchall()}
    finally:
        cursor.close()
    names = {row[answer.columns.index("account_name")] for row in answer.rows}
    assert answer.ok and names and names <= book
    assert "csm_id = 'C005'" in answer.statements[0]
    assert answer.warnings == ["Results cover only CSM C005's book of accounts."]


def test_a_top_n_above_the_row_cap_is_lowered_to_it_with_a_note(assistant):
    runner = assistant.runner
    compiled = compile_query(SemanticQuery(metrics=("mrr",), dimensions=("account_name",), limit=50_000,
                                           time_range=OCTOBER))
    answer = runner.run_compiled(compiled.tree, Viewer.leader(), "mrr by account", sql=compiled.sql())
    assert answer.ok and answer.statements[0].rstrip().endswith(f"LIMIT {runner.settings.row_limit}")
    assert answer.warnings == [f"Lowered LIMIT 50,000 to {runner.settings.row_limit:,}, the most rows an answer returns."]
    assert "LIMIT 50000" in compiled.sql()  # the compiled tree is left as it was


def test_a_catalogue_reading_a_column_outside_the_allowlist_is_refused_at_start_up(demo_warehouse_path):
    relations = {name: [c for c in table.column_names if (name, c) != ("tickets", "priority")]
                 for name, table in tables().items()}
    with pytest.raises(UntrustedCatalogue) as refused:
        Assistant(demo_warehouse_path, policy=GuardPolicy(relations=relations))
    message = str(refused.value)
    assert "tickets.priority" in message and message.count(". ") == 0 and message.endswith(".")


def test_entity_values_read_in_one_statement_are_each_dimensions_distinct_sorted_values(assistant):
    cursor = assistant.runner.con.cursor()
    try:
        def read(sql):
            return [str(row[0]) for row in cursor.execute(sql).fetchall()]

        assert assistant.entity_values["segment"] == read(
            "SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL ORDER BY 1")
        assert assistant.entity_values["account_name"] == read("SELECT DISTINCT name FROM accounts ORDER BY 1")
        assert assistant.entity_values["ticket_priority"] == read(
            "SELECT DISTINCT priority FROM tickets WHERE priority IS NOT NULL ORDER BY 1")
        book = read("SELECT name FROM accounts WHERE csm_id = 'C005' ORDER BY 1")
    finally:
        cursor.close()
    assert assistant.values_for(Viewer.csm("C005"))["account_name"] == book
    sent = []
    run = assistant.runner.run_compiled

    def counting(*args, **kwargs):
        answer = run(*args, **kwargs)
        sent.extend(answer.statements)
        return answer

    assistant.runner.run_compiled = counting
    try:
        assert assistant._entity_values() == assistant.entity_values
    finally:
        del assistant.runner.run_compiled
    assert len(sent) == 1

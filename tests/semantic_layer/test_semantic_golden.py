"""Every case's compiled SQL and explanation match its reviewed golden file, and run on DuckDB."""

from __future__ import annotations

import pytest
from conftest import run
from golden_sql import check_golden, golden_text
from semantic_cases import cases

from semantic_layer.compile import compile_query

CASES = cases()


@pytest.mark.parametrize("name", CASES)
def test_compiled_sql_matches_golden_file(name):
    query = CASES[name]
    compiled = compile_query(query)
    check_golden(name, golden_text(name, query.model_dump_json(exclude_defaults=True), compiled.explanation, compiled.sql()))


@pytest.mark.parametrize("name", CASES)
def test_compiled_sql_runs_on_the_contract_tables(shared_empty_warehouse, name):
    assert isinstance(run(shared_empty_warehouse, CASES[name]), list)


def test_every_node_of_a_compiled_tree_is_placed_once():
    # the compiler builds without copying, so a node put in two places would be moved by any later edit of one
    for name, query in CASES.items():
        tree = compile_query(query).tree
        seen: set[int] = set()
        for node in tree.walk():
            assert id(node) not in seen, f"{name}: {node.sql()} is placed twice"
            seen.add(id(node))
            assert all(child.parent is node for child in node.iter_expressions()), f"{name}: {node.sql()}"

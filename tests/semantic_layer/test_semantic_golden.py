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

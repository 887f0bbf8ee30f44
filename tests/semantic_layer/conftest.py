"""Fixtures for the semantic-layer tests: empty contract warehouses in memory, and a runner."""

from __future__ import annotations

import duckdb
import pytest

from data.contract import ddl
from semantic_layer.compile import compile_query, split_samples
from semantic_layer.query import SemanticQuery


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "metric_values(*names): the test checks these metrics' values against hand-computed answers")


def _empty_warehouse():
    connection = duckdb.connect()
    connection.execute(ddl())
    yield connection
    connection.close()


con = pytest.fixture(_empty_warehouse)
con.__doc__ = "An in-memory DuckDB holding the contract's empty tables; tests insert the rows they reason about."
shared_empty_warehouse = pytest.fixture(scope="session")(_empty_warehouse)


def run(connection: duckdb.DuckDBPyConnection, query: SemanticQuery) -> list[dict]:
    """The compiled query's rows as dicts keyed by visible output column (its hidden sample columns taken off)."""
    compiled = compile_query(query)
    cursor = connection.execute(compiled.sql())
    names = [d[0] for d in cursor.description]
    assert tuple(names) == compiled.columns + tuple(hidden for _, hidden in compiled.samples)
    names, rows, _ = split_samples(compiled, names, cursor.fetchall())
    return [dict(zip(names, row)) for row in rows]

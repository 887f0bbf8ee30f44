"""Dimension values known when the assistant starts go into the grid as a list instead of a
SELECT DISTINCT over their table, only where that gives the same rows.

    B1  Bluebird   Enterprise  EMEA  MRR 1,000 in September 2026
    B2  Cobalt     SMB         EMEA  MRR   500
    B3  Driftwood  SMB         APAC  no MRR in September
"""

from __future__ import annotations

import pytest
import sqlglot
from conftest import run

from semantic_layer.compile import compile_query, split_samples
from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, SemanticQuery

SEPTEMBER = Period.months("2026-09")
KNOWN = {"segment": ("Enterprise", "SMB"), "region": ("APAC", "EMEA"), "plan": ("Enterprise", "Starter"),
         "account_name": ("Bluebird", "Cobalt", "Driftwood")}

ROWS = """
INSERT INTO accounts VALUES
  ('B1', 'Bluebird', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2026-01-01', NULL, 10),
  ('B2', 'Cobalt', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2026-01-01', NULL, 2),
  ('B3', 'Driftwood', 'SMB', 'Retail', 'APAC', 'Starter', 'low-touch', NULL, 'inbound', DATE '2026-01-01', NULL, 5);
INSERT INTO account_mrr_monthly VALUES ('B1', DATE '2026-09-01', 1000), ('B2', DATE '2026-09-01', 500);
"""


@pytest.fixture
def wh(con):
    con.execute(ROWS)
    return con


def _rows(con, query: SemanticQuery, known=KNOWN) -> tuple[str, dict]:
    compiled = compile_query(query, known_values=known)
    cursor = con.execute(compiled.sql())
    columns, rows, _ = split_samples(compiled, [d[0] for d in cursor.description], cursor.fetchall())
    key = [c for c in columns if c not in ("period_start", "period_end", "mrr")]
    return compiled.sql(), {tuple(r[columns.index(k)] for k in key): r[columns.index("mrr")] for r in rows}


def test_a_segment_breakdown_lists_the_known_segments_instead_of_reading_them(wh):
    query = SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment"])
    sql, rows = _rows(wh, query)
    assert "SELECT DISTINCT" not in sql and "'Enterprise'" in sql
    assert rows == {("Enterprise",): 1000, ("SMB",): 500}
    assert rows == {(r["segment"],): r["mrr"] for r in run(wh, query)}  # the same rows as the SELECT DISTINCT grid


def test_a_filter_on_the_listed_dimension_itself_filters_the_list(wh):
    query = SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment"],
                          filters=[DimensionFilter(dimension="segment", values=["SMB"])])
    sql, rows = _rows(wh, query)
    assert "SELECT DISTINCT" not in sql
    assert rows == {("SMB",): 500}


def test_a_filter_on_another_column_of_the_table_keeps_the_distinct_read(wh):
    # APAC holds only SMB accounts: a listed Enterprise would add a row the table does not hold
    query = SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment"],
                          filters=[DimensionFilter(dimension="region", values=["APAC"])])
    sql, rows = _rows(wh, query)
    assert "SELECT DISTINCT" in sql
    assert rows == {("SMB",): 0}


def test_two_dimensions_of_one_table_keep_the_pairs_it_holds(wh):
    sql, rows = _rows(wh, SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment", "region"]))
    assert "SELECT DISTINCT" in sql
    assert rows == {("Enterprise", "EMEA"): 1000, ("SMB", "EMEA"): 500, ("SMB", "APAC"): 0}


def test_names_of_an_entity_are_never_listed(wh):
    sql, rows = _rows(wh, SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["account_name"]))
    assert "SELECT DISTINCT" in sql and "'Driftwood'" not in sql
    assert rows == {("Bluebird",): 1000, ("Cobalt",): 500, ("Driftwood",): 0}


def test_without_known_values_the_sql_is_as_before(wh):
    query = SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment"])
    assert compile_query(query, known_values=None).sql() == compile_query(query).sql()
    assert compile_query(query, known_values={"region": KNOWN["region"]}).sql() == compile_query(query).sql()
    assert compile_query(query, known_values={"segment": ()}).sql() == compile_query(query).sql()


def test_the_listed_values_transpile_and_parse_back_in_every_target():
    compiled = compile_query(SemanticQuery(metrics=["mrr"], time_range=SEPTEMBER, dimensions=["segment"]), known_values=KNOWN)
    for dialect in ("snowflake", "bigquery", "postgres", "spark", "trino"):
        parsed = sqlglot.parse(compiled.sql(dialect), read=dialect)
        assert len(parsed) == 1 and isinstance(parsed[0], sqlglot.exp.Query), dialect

"""Sample sizes ride on the main query: each rate over counted things (NPS responses, accounts)
gets a hidden last column holding the smallest denominator its scan computed.

    B1  Enterprise  3 NPS answers in September (10, 9, 9)
    B2  SMB         1 NPS answer in September (2), 2 in August (10, 10)
"""

from __future__ import annotations

import pytest

from semantic_layer.compile import compile_query, split_samples
from semantic_layer.periods import Period
from semantic_layer.query import MetricFilter, SemanticQuery, Tally

SEPTEMBER = Period.months("2026-09")

ROWS = """
INSERT INTO accounts VALUES
  ('B1', 'Bluebird', 'Enterprise', 'Software', 'EMEA', 'Enterprise', 'named', NULL, 'outbound', DATE '2026-01-01', NULL, 10),
  ('B2', 'Cobalt', 'SMB', 'Retail', 'EMEA', 'Starter', 'low-touch', NULL, 'trial', DATE '2026-01-01', NULL, 2);
INSERT INTO survey_responses VALUES
  ('S1', 'B1', NULL, 'nps', 10, TIMESTAMP '2026-09-05 10:00', 'relationship', NULL, NULL),
  ('S2', 'B1', NULL, 'nps', 9, TIMESTAMP '2026-09-06 10:00', 'relationship', NULL, NULL),
  ('S3', 'B1', NULL, 'nps', 9, TIMESTAMP '2026-09-07 10:00', 'relationship', NULL, NULL),
  ('S4', 'B2', NULL, 'nps', 2, TIMESTAMP '2026-09-08 10:00', 'relationship', NULL, NULL),
  ('S5', 'B2', NULL, 'nps', 10, TIMESTAMP '2026-08-08 10:00', 'relationship', NULL, NULL),
  ('S6', 'B2', NULL, 'nps', 10, TIMESTAMP '2026-08-09 10:00', 'relationship', NULL, NULL);
"""


@pytest.fixture
def wh(con):
    con.execute(ROWS)
    return con


def _ran(con, query: SemanticQuery):
    compiled = compile_query(query)
    cursor = con.execute(compiled.sql())
    return compiled, [d[0] for d in cursor.description], cursor.fetchall()


def test_the_smallest_group_behind_nps_by_segment_is_the_one_smb_answer(wh):
    compiled, columns, rows = _ran(wh, SemanticQuery(metrics=["nps"], time_range=SEPTEMBER, dimensions=["segment"]))
    assert compiled.samples == (("nps", "nps__sample"),)
    assert columns[-1] == "nps__sample" and "nps__sample" not in compiled.columns
    visible, kept, smallest = split_samples(compiled, columns, rows)
    assert tuple(visible) == compiled.columns
    assert smallest == {"nps": 1}
    assert {row[visible.index("segment")]: row[visible.index("nps")] for row in kept} == {
        "Enterprise": pytest.approx(100.0), "SMB": pytest.approx(-100.0)}


def test_a_blended_nps_rests_on_all_four_september_answers(wh):
    compiled, columns, rows = _ran(wh, SemanticQuery(metrics=["nps"], time_range=SEPTEMBER))
    assert split_samples(compiled, columns, rows)[2] == {"nps": 4}


def test_a_monthly_trend_counts_its_smallest_month(wh):
    compiled, columns, rows = _ran(wh, SemanticQuery(metrics=["nps"], time_range=Period.months("2026-08", "2026-09"),
                                                     grain="month"))
    assert split_samples(compiled, columns, rows)[2] == {"nps": 2}  # August's two answers


def test_a_metric_that_is_not_a_counted_rate_adds_no_column(wh):
    compiled, columns, _ = _ran(wh, SemanticQuery(metrics=["survey_responses"], time_range=SEPTEMBER))
    assert compiled.samples == () and tuple(columns) == compiled.columns


def test_a_tally_counts_rows_and_carries_no_sample(wh):
    query = SemanticQuery(metrics=["nps"], time_range=SEPTEMBER, dimensions=["account_name", "segment"],
                          metric_filters=[MetricFilter(metric="nps", op=">", value=0)], tally=Tally(by=("segment",)))
    compiled, columns, _ = _ran(wh, query)
    assert compiled.samples == () and tuple(columns) == compiled.columns


def test_split_samples_takes_the_hidden_columns_off_every_row_and_reads_the_first(wh):
    compiled = compile_query(SemanticQuery(metrics=["nps"], time_range=SEPTEMBER))
    columns = [*compiled.columns, "nps__sample"]
    rows = [("2026-09-01", "2026-09-30", 40.0, 7), ("2026-10-01", "2026-10-31", 10.0, 7)]
    visible, kept, smallest = split_samples(compiled, columns, rows)
    assert (visible, kept, smallest) == (list(compiled.columns), [r[:3] for r in rows], {"nps": 7})
    assert split_samples(compiled, columns, []) == (list(compiled.columns), [], {})


def test_the_sql_is_rendered_once_per_dialect_and_layout():
    compiled = compile_query(SemanticQuery(metrics=["nps"], time_range=SEPTEMBER))
    assert compiled.sql() is compiled.sql("duckdb", True)
    assert compiled.sql("postgres") is compiled.sql("postgres")
    assert compiled.sql("postgres") != compiled.sql() and compiled.sql(pretty=False) != compiled.sql()

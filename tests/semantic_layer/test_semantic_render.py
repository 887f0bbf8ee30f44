"""Rendering a compiled query leaves its tree as it was: the DuckDB text is rendered without a copy of the tree
where that is safe, so a second render (another dialect, the text again, a CSM's restricted copy) must see the same
tree. Checked on every named case (one per catalogue metric, and the issue's shapes) and on each with a split."""

from __future__ import annotations

import pytest
from sqlglot import exp

from semantic_layer.compile import compile_query, render_sql
from semantic_cases import cases

CASES = cases()


def _fresh(name):
    return compile_query(CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendering_in_duckdb_changes_nothing_a_second_render_sees(name):
    rendered = _fresh(name)
    first = render_sql(rendered.tree)
    assert render_sql(rendered.tree) == first, "the DuckDB text is the same every time"
    assert rendered.tree == _fresh(name).tree, "the tree is the one compiled"
    assert render_sql(rendered.tree, "postgres") == _fresh(name).sql("postgres")


def test_a_median_is_rendered_from_a_copy_because_duckdb_rewrites_it_in_place():
    median = next(n for n in sorted(CASES) if _fresh(n).tree.find(exp.WithinGroup) is not None)
    compiled = _fresh(median)
    assert "QUANTILE_CONT" in render_sql(compiled.tree) and compiled.tree.find(exp.WithinGroup) is not None
    assert render_sql(compiled.tree, "postgres").count("WITHIN GROUP") >= 1

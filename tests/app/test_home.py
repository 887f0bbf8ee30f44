"""home.py: starters by role, the catalogue browser's rows, and the data and viewer lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.app import home
from assistant.viewer import Viewer
from semantic_layer.catalog import default_catalog


def test_starters_put_the_roles_examples_before_the_seven_domain_questions():
    csm, leader = home.starters(Viewer.csm("C005")), home.starters(Viewer.leader())
    assert csm[:4] == list(home.ROLE_EXAMPLES[Viewer.csm("C005").role])
    assert leader[4:] == list(home.SEVEN_QUESTIONS) and len(home.SEVEN_QUESTIONS) == 7 and leader[0] != csm[0]
    # a CSM sees only their own book, so the question comparing every CSM's book is not offered to them
    assert csm[4:] == [q for q in home.SEVEN_QUESTIONS if q not in home.TEAM_WIDE] and len(csm[4:]) == 6


def test_the_catalogue_browser_has_every_metric_with_its_definition_and_benchmark():
    catalog = default_catalog()
    rows = {row[0]: row for row in home.catalogue_rows(catalog)}
    nrr = catalog.metric("nrr")
    assert len(rows) == len(catalog.metrics)
    assert rows[f"{nrr.label} (nrr)"][1:5] == ["revenue", "lagging", "percent", nrr.formula]
    assert "120" in rows[f"{nrr.label} (nrr)"][5]


def test_the_source_line_names_the_as_of_date_and_how_the_data_was_made():
    meta = {"generator_version": "2", "scale": "demo", "seed": "42", "as_of_date": "2026-10-31"}
    line = home.source_line(dt.date(2026, 10, 31), meta, Path("data/warehouse.duckdb"))
    assert "31 October 2026" in line and "seed 42" in line and "warehouse.duckdb" in line
    assert "loaded data" in home.source_line(dt.date(2026, 10, 31), {"as_of_date": "2026-10-31"}, Path("my.duckdb"))


def test_the_viewer_line_says_when_there_is_no_sign_in():
    assert "No users file" in home.viewer_line(Viewer.leader(), None)
    assert "only the accounts of CSM C005" in home.viewer_line(Viewer.csm("C005"), "Leila")

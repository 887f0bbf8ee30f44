"""Each tool on its own, over the tiny warehouse (tests/fixtures/tiny_warehouse.py).

Hand-computed facts used here: MRR in October 2026 is 21,000 + 450 + 750 = 22,200 over
three paying accounts; CSM C01 owns only Northwind Logistics, C02 owns Kestrel Analytics
(churned in August) and Harbor & Vine Foods (750 in October).
"""

from __future__ import annotations

import json

import pytest

from assistant.planner.candidates import CatalogIndex
from assistant.agent.tools import Toolbox, preview
from assistant.answer import Answer, Status
from assistant.viewer import Viewer
from semantic_layer.catalog import default_catalog

OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


@pytest.fixture(scope="module")
def index():
    return CatalogIndex(default_catalog())


def toolbox(assistant, index, viewer=None, rows=10):
    return Toolbox(assistant, viewer or Viewer.leader(), "test question", index, rows)


def invoke(box, name, args):
    tool = next(t for t in box.tools() if t.name == name)
    return json.loads(tool.invoke(args))


def test_search_catalog_gives_definitions_benchmarks_and_dimensions(assistant, index):
    shown = invoke(toolbox(assistant, index), "search_catalog", {"text": "net revenue retention by segment"})
    nrr = next(m for m in shown["metrics"] if m["name"] == "nrr")
    assert "starting MRR" in nrr["formula"] and "120" in nrr["benchmark"] and "segment" in nrr["dimensions"]
    assert "segment" in [d["name"] for d in shown["dimensions"]]


def test_search_catalog_with_no_match_lists_the_metric_names(assistant, index):
    shown = invoke(toolbox(assistant, index), "search_catalog", {"text": "weather in paris"})
    assert shown["metrics"] == [] and "nrr" in shown["note"]


def test_find_values_matches_a_misspelt_segment_to_its_stored_label(assistant, index):
    shown = invoke(toolbox(assistant, index), "find_values", {"dimension": "segment", "text": "enterprize"})
    assert shown["matches"][0]["value"] == "Enterprise"


def test_find_values_takes_a_synonym_of_the_dimension(assistant, index):
    shown = invoke(toolbox(assistant, index), "find_values", {"dimension": "customer", "text": "kestrel"})
    assert shown["dimension"] == "account_name" and shown["matches"][0]["value"] == "Kestrel Analytics"


def test_find_values_shows_a_csm_only_their_own_accounts(assistant, index):
    shown = invoke(toolbox(assistant, index, Viewer.csm("C01")), "find_values",
                   {"dimension": "account_name", "text": "kestrel"})
    assert "Kestrel Analytics" not in [m["value"] for m in shown["matches"]]


def test_find_values_of_an_unknown_dimension_suggests_the_closest(assistant, index):
    shown = invoke(toolbox(assistant, index), "find_values", {"dimension": "regoin", "text": "emea"})
    assert shown["status"] == "error" and "'region'" in shown["message"]


def test_run_semantic_query_returns_the_value_and_keeps_the_full_answer(assistant, index):
    box = toolbox(assistant, index)
    shown = invoke(box, "run_semantic_query", {"metrics": ["mrr"], "time_range": OCTOBER})
    assert shown["status"] == "answered" and shown["row_count"] == 1
    assert shown["rows"][0][-1] == 22200.0
    run = box.runs[-1]
    assert run.answered and run.answer.sql and run.arguments == {"metrics": ["mrr"], "time_range": OCTOBER}


def test_run_semantic_query_runs_as_the_session_viewer(assistant, index):
    shown = invoke(toolbox(assistant, index, Viewer.csm("C02")), "run_semantic_query",
                   {"metrics": ["mrr"], "time_range": OCTOBER})
    assert shown["rows"][0][-1] == 750.0


def test_run_semantic_query_with_an_unknown_metric_says_what_is_valid(assistant, index):
    shown = invoke(toolbox(assistant, index), "run_semantic_query", {"metrics": ["nrrr"], "time_range": OCTOBER})
    assert shown["status"] != "answered" and "'nrr'" in shown["message"]


def test_run_sql_refuses_a_destructive_statement(assistant, index):
    box = toolbox(assistant, index)
    shown = invoke(box, "run_sql", {"sql": "DROP TABLE accounts"})
    assert shown["status"] == "refused" and "rows" not in shown
    assert box.runs[-1].answer.status is Status.REFUSED


def test_run_sql_keeps_a_csm_in_their_book(assistant, index):
    box = toolbox(assistant, index, Viewer.csm("C01"))
    shown = invoke(box, "run_sql", {"sql": "SELECT name FROM accounts ORDER BY name"})
    assert shown["rows"] == [["Northwind Logistics"]]
    assert invoke(box, "run_sql", {"sql": "SELECT sum(amount) FROM spend_monthly"})["status"] == "refused"


def test_a_preview_shows_only_the_first_rows_and_counts_the_rest():
    answer = Answer("q", Status.ANSWERED, "ok", columns=["n"], rows=[[i + 0.123456] for i in range(25)])
    shown = preview(answer, 3)
    assert shown["rows"] == [[0.1235], [1.1235], [2.1235]]
    assert shown["row_count"] == 25 and shown["rows_not_shown"] == 22

"""render.py: an Answer as people read it — units, periods, the table, list reasons, CSV, charts, SQL per dialect.

Answers here are hand-made, with the values a person would compute written out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest
import sqlglot

from assistant.answer import Answer, Status
from assistant.app import render
from assistant.viewer import Viewer
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import DIALECTS, compile_query
from semantic_layer.model import Unit
from semantic_layer.query import SemanticQuery

CATALOG = default_catalog()


def drawn(a: Answer):
    """The answer's chart as plotly reads it: plotly validates the dict (an unknown property raises)."""
    spec = render.chart_spec(a, CATALOG)
    return None if spec is None else go.Figure(spec)
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def answer(columns, rows, query=None, message="", **fields) -> Answer:
    return Answer("q", Status.ANSWERED, message, columns=columns, rows=rows, query=query, **fields)


@pytest.mark.parametrize("value, unit, text", [
    (104.1666, Unit.percent, "104.2%"),
    (Decimal("750000.00"), Unit.currency, "$750,000"),
    (99.5, Unit.currency, "$99.50"),
    (-1234.0, Unit.currency, "−$1,234"),
    (1, Unit.days, "1 day"),
    (34.5, Unit.days, "34.5 days"),
    (12.5, Unit.hours, "12.5 h"),
    (0.25, Unit.count, "0.25"),
    (0.4234, Unit.ratio, "0.42"),
    (1204, Unit.count, "1,204"),
    (72.44, Unit.score, "72.4"),
    (None, Unit.percent, "–"),
    (float("nan"), Unit.count, "–"),
    ("EMEA", None, "EMEA"),
    (dt.date(2026, 9, 1), None, "2026-09-01"),
])
def test_values_read_by_unit(value, unit, text):
    assert render.format_value(value, unit) == text


def test_changes_carry_a_sign_and_percentages_change_in_points():
    assert render.format_value(2.1, Unit.percent, signed=True, points=True) == "+2.1 pp"
    assert render.format_value(-15000, Unit.currency, signed=True) == "−$15,000"
    assert render.format_value(0, Unit.count, signed=True) == "0"


@pytest.mark.parametrize("start, end, label", [
    ("2026-09-01", "2026-09-30", "Sep 2026"),
    ("2026-07-01", "2026-09-30", "Q3 2026"),
    ("2025-01-01", "2025-12-31", "2025"),
    ("2026-08-02", "2026-10-31", "2 Aug – 31 Oct 2026"),
    ("2026-09-28", "2026-09-30", "28–30 Sep 2026"),
    ("2026-08-03", "2026-08-09", "Week of 3 Aug 2026"),
    ("2025-11-01", "2026-10-31", "1 Nov 2025 – 31 Oct 2026"),
    ("2026-10-31", "2026-10-31", "31 Oct 2026"),
])
def test_periods_are_named_as_people_name_them(start, end, label):
    assert render.period_label(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == label


def test_columns_take_labels_and_units_from_the_catalogue_including_an_aliased_metric():
    query = {"metrics": ["nrr", {"name": "open_tickets", "alias": "urgent_open",
                                 "filters": [{"dimension": "ticket_priority", "values": ["urgent"]}]}],
             "time_range": {"start": "2026-10-01", "end": "2026-10-31"}, "dimensions": ["segment"],
             "compare": "previous_period"}
    a = answer(["period_start", "period_end", "segment", "nrr", "nrr__change", "nrr__change_pct", "urgent_open"], [],
               query)
    specs = {s.name: s for s in render.column_specs(a, CATALOG)}
    assert specs["segment"].label == CATALOG.dimension("segment").label and specs["segment"].unit is None
    assert specs["nrr"].unit is Unit.percent and specs["nrr__change"].label.endswith("change")
    assert specs["nrr__change"].format(2.5) == "+2.5 pp" and specs["nrr__change_pct"].format(-3.0) == "−3.0%"
    assert specs["urgent_open"].unit is Unit.count and "urgent open" in specs["urgent_open"].label


def test_a_trend_table_has_one_period_column_and_sorts_on_raw_values():
    query = {"metrics": ["mrr"], "time_range": {"start": "2026-09-01", "end": "2026-10-31"}, "grain": "month"}
    a = answer(["period_start", "period_end", "mrr"],
               [[dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal("21450.00")], [*OCT, Decimal("22200.00")]], query)
    table = render.result_table(a, CATALOG)
    assert table.headers == ["Period", CATALOG.metric("mrr").label]
    assert table.display == [["Sep 2026", "$21,450"], ["Oct 2026", "$22,200"]]
    assert table.values == [["2026-09-01", 21450.0], ["2026-10-01", 22200.0]]


def test_one_period_for_every_row_is_not_repeated_as_a_column():
    query = {"metrics": ["nrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"}, "dimensions": ["segment"]}
    a = answer(["period_start", "period_end", "segment", "nrr"], [[*OCT, "SMB", 98.0], [*OCT, "Enterprise", 112.0]], query)
    assert render.result_table(a, CATALOG).headers == [CATALOG.dimension("segment").label, CATALOG.metric("nrr").label]


def account_list(**extra):
    query = {"metrics": ["health_score", "open_tickets"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"},
             "dimensions": ["account_name"], **extra}
    return answer(["period_start", "period_end", "account_name", "health_score", "open_tickets"],
                  [[*OCT, "Northwind Logistics", 42.0, 3], [*OCT, "Bluebird Dental", 55.5, 0]], query)


def test_an_account_list_says_why_each_account_is_on_it():
    a = account_list(metric_filters=[{"metric": "health_score", "op": "<", "value": 60}],
                     order_by=[{"field": "open_tickets", "descending": True}])
    # the values that put each account there, in words, with the band of each: never the filter echoed back
    assert render.list_reasons(a, CATALOG) == [
        "health score 42.0 (red), open tickets 3",
        "health score 55.5 (yellow), open tickets 0",
    ]
    table = render.result_table(a, CATALOG)
    assert table.headers[-1] == render.WHY_LABEL and table.display[0][-1].startswith("health score 42.0")


def test_a_flag_that_put_each_account_on_the_list_is_named_not_shown_as_a_column_of_ones():
    query = {"metrics": ["health_risk_accounts", "health_score"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"},
             "dimensions": ["account_name"], "metric_filters": [{"metric": "health_risk_accounts", "op": ">", "value": 0}]}
    a = answer(["period_start", "period_end", "account_name", "health_risk_accounts", "health_score"],
               [[*OCT, "Northwind Logistics", 1, 42.0]], query)
    flag = CATALOG.metric("health_risk_accounts").label
    assert render.list_reasons(a, CATALOG) == ["health score 42.0 (red)"]  # the flag's evidence, not the flag's name
    table = render.result_table(a, CATALOG)
    assert flag not in table.headers and table.display[0] == ["Northwind Logistics", "42.0", "health score 42.0 (red)"]


def test_a_list_without_filters_names_the_values_shown_and_other_answers_have_no_reasons():
    assert render.list_reasons(account_list(), CATALOG)[1] == "health score 55.5 (yellow), open tickets 0"
    by_segment = answer(["period_start", "period_end", "segment", "nrr"], [[*OCT, "SMB", 98.0]],
                        {"metrics": ["nrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"},
                         "dimensions": ["segment"]})
    assert render.list_reasons(by_segment, CATALOG) is None


def test_csv_has_every_row_with_raw_values_under_the_answers_column_names():
    a = answer(["account_name", "mrr", "churned_on"], [["Kestrel Analytics", Decimal("1200.50"), None],
                                                      ["Northwind, Inc", Decimal("21000.00"), dt.date(2026, 8, 31)]])
    rows = list(csv.reader(io.StringIO(render.csv_text(a))))
    assert rows == [["account_name", "mrr", "churned_on"], ["Kestrel Analytics", "1200.5", ""],
                    ["Northwind, Inc", "21000.0", "2026-08-31"]]


def nrr_answer(message: str) -> Answer:
    query = {"metrics": ["nrr"], "time_range": {"start": "2026-07-01", "end": "2026-09-30"}}
    return answer(["period_start", "period_end", "nrr"], [[dt.date(2026, 7, 1), dt.date(2026, 9, 30), 104.0]], query,
                  message)


def test_a_headline_number_gets_its_benchmark_band_once():
    text = render.narrative_markdown(nrr_answer("NRR for Q3 2026 is 104.0%."), CATALOG)
    # a quarter's 104.0% compounds to 1.04^4 ≈ 117.0% a year, the basis of the bands
    assert "104.0%" in text and "≈ 117.0% annualised: between healthy (100–110% a year)" in text and "typical benchmark" in text
    said = "Net revenue retention 104.0% — healthy; typical benchmark: best-in-class ≥ 120%"
    assert render.narrative_markdown(nrr_answer(said), CATALOG).count("typical benchmark") == 1


def test_several_rows_get_the_typical_benchmark_of_each_metric():
    query = {"metrics": ["nrr", "mrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"}, "dimensions": ["segment"]}
    a = answer(["period_start", "period_end", "segment", "nrr", "mrr"], [[*OCT, "SMB", 98.0, 1.0], [*OCT, "Enterprise", 112.0, 2.0]],
               query, "By segment.")
    assert render.benchmark_lines(a, CATALOG) == [f"{CATALOG.metric('nrr').label} — typical benchmark: "
                                                  + CATALOG.metric("nrr").benchmark_note]


def test_the_computation_shows_interpretation_definitions_and_fenced_sql():
    a = nrr_answer("x")
    a.interpretation, a.sql = "NRR over Q3 2026", "SELECT 1"
    text = render.computation_markdown(a, CATALOG)
    assert "NRR over Q3 2026" in text and CATALOG.metric("nrr").formula.rstrip(".") in text
    assert "```sql\nSELECT 1\n```" in text


def compiled_nrr() -> Answer:
    """An NRR answer holding the query it compiled, as the service leaves it."""
    a = nrr_answer("x")
    a.compiled = compile_query(SemanticQuery.model_validate(a.query), CATALOG)
    return a


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_sql_in_each_dialect_parses_back_in_that_dialect_and_keeps_a_csms_filter(dialect):
    a = compiled_nrr()
    sql = render.sql_in_dialect(a, dialect, Viewer.csm("C005"))
    assert sqlglot.parse_one(sql, read=dialect) is not None
    assert "'C005'" in sql
    assert "'C005'" not in render.sql_in_dialect(a, dialect, Viewer.leader())


def test_the_sql_comes_from_the_compiled_query_without_compiling_again(monkeypatch):
    a = compiled_nrr()
    monkeypatch.setattr("semantic_layer.compile.compile_query", lambda *_, **__: pytest.fail("compiled again"))
    leader = render.sql_in_dialect(a, "snowflake", Viewer.leader())
    assert leader is render.sql_in_dialect(a, "snowflake", Viewer.leader())  # rendered once, then kept
    assert "nrr" in leader.lower() and "'C005'" in render.sql_in_dialect(a, "snowflake", Viewer.csm("C005"))
    a.compiled = None  # an answer with no compiled query shows the SQL that ran
    a.sql = "SELECT 1 AS n"
    assert render.sql_in_dialect(a, "duckdb", Viewer.leader()) == "SELECT 1 AS n"


def test_freehand_sql_is_transpiled_and_an_unknown_dialect_is_refused():
    a = answer(["n"], [[1]], sql="SELECT count(*) AS n FROM accounts")
    assert sqlglot.parse_one(render.sql_in_dialect(a, "bigquery", Viewer.leader()), read="bigquery")
    with pytest.raises(ValueError, match="unknown dialect"):
        render.sql_in_dialect(a, "oracle", Viewer.leader())


def test_a_trend_by_segment_is_one_line_per_segment_over_named_periods():
    query = {"metrics": ["nrr"], "time_range": {"start": "2026-09-01", "end": "2026-10-31"}, "grain": "month",
             "dimensions": ["segment"]}
    rows = [[dt.date(2026, 9, 1), dt.date(2026, 9, 30), "SMB", 97.0], [dt.date(2026, 9, 1), dt.date(2026, 9, 30), "Enterprise", 110.0],
            [*OCT, "SMB", 99.0], [*OCT, "Enterprise", 108.0]]
    a = answer(["period_start", "period_end", "segment", "nrr"], rows, query,
               chart={"kind": "line", "x": "period_start", "y": ["nrr"], "series": "segment"})
    figure = drawn(a)
    assert [(t.type, t.name, list(t.x), list(t.y)) for t in figure.data] == [
        ("scatter", "SMB", ["Sep 2026", "Oct 2026"], [97.0, 99.0]),
        ("scatter", "Enterprise", ["Sep 2026", "Oct 2026"], [110.0, 108.0]),
    ]


def test_a_breakdown_is_bars_of_one_unit_and_there_is_no_chart_for_one_number_or_a_bad_spec():
    a = account_list()
    a.chart = {"kind": "bar", "x": "account_name", "y": ["health_score", "open_tickets"], "series": None}
    figure = drawn(a)
    # tickets are another unit; long account names get horizontal bars, so the values are on x
    assert [(t.type, t.orientation, list(t.x)) for t in figure.data] == [("bar", "h", [42.0, 55.5])]
    a.chart = {"kind": "bar", "x": "no_such_column", "y": ["health_score"]}
    assert drawn(a) is None
    one = nrr_answer("x")
    one.chart = {"kind": "bar", "x": "period_start", "y": ["nrr"]}
    assert drawn(one) is None


def test_a_chart_is_plain_json_and_a_value_that_is_not_a_number_is_a_gap():
    query = {"metrics": ["nrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"}, "dimensions": ["segment"]}
    a = answer(["period_start", "period_end", "segment", "nrr"], [[*OCT, "SMB", float("nan")], [*OCT, "Enterprise", 108.0]],
               query, chart={"kind": "bar", "x": "segment", "y": ["nrr"], "series": None})
    spec = render.chart_spec(a, CATALOG)
    assert json.loads(json.dumps(spec, allow_nan=False)) == spec  # what the chat sends, as it was built
    assert spec["data"][0]["y"] == [None, 108.0]
    assert spec["layout"]["template"]["layout"]["plot_bgcolor"] == "white"  # plotly_white, carried whole

"""What a person reads: the one formatter, the table's first view, the chart's bars and axis, the message layout.

Answers are hand-made with the values a person would compute written out; the browser test in
test_browser.py drives the same rules through real questions."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from assistant.answer import Answer, Status
from assistant.app import render
from assistant.formatting import format_change, format_value, moved
from semantic_layer.catalog import default_catalog
from semantic_layer.model import Unit

CATALOG = default_catalog()


def drawn(a: Answer):
    """The answer's chart as plotly reads it: plotly validates the dict (an unknown property raises)."""
    spec = render.chart_spec(a, CATALOG)
    return None if spec is None else go.Figure(spec)
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MONTH = {"start": "2026-10-01", "end": "2026-10-31"}


def answer(columns, rows, query=None, message="", **fields) -> Answer:
    return Answer("q", Status.ANSWERED, message, columns=columns, rows=rows, query=query, **fields)


# --- the one formatter -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "text"), [
    (0, Unit.currency, "$0"),
    (250.5, Unit.currency, "$250"),
    (99.5, Unit.currency, "$99.50"),
    (-1439.6, Unit.currency, "−$1,440"),
    (87449.6, Unit.currency, "$87,450"),
    (-0.04, Unit.score, "0.0"),  # rounds to nothing: no minus sign on a zero
])
def test_every_number_has_its_unit_thousands_and_no_raw_float(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize(("change", "unit", "text"), [
    (0.0, Unit.count, "0"),
    (0.04, Unit.score, "0.0"),
    (-1439.6, Unit.currency, "−$1,440"),
    (2.14, Unit.percent, "+2.1 pp"),
    (3, Unit.days, "+3 days"),
])
def test_a_change_is_signed_and_never_plus_zero(change, unit, text):
    assert format_change(change, unit) == text
    assert moved(change, unit) is (text not in ("0", "0.0"))


# --- the table's first view ------------------------------------------------------------------------

def renewals_answer(rows: int = 3) -> Answer:
    """Accounts renewing soon with their health and open tickets against the month before: 14 columns."""
    query = {"metrics": ["days_to_renewal", "next_renewal_date", "next_renewal_arr", "health_score", "open_tickets"],
             "time_range": MONTH, "dimensions": ["account_name"], "compare": "previous_period",
             "metric_filters": [{"metric": "days_to_renewal", "op": "<=", "value": 90}],
             "order_by": [{"field": "days_to_renewal"}]}
    columns = ["period_start", "period_end", "account_name", "days_to_renewal", "next_renewal_date", "next_renewal_arr",
               "health_score", "health_score__previous", "health_score__change", "health_score__change_pct",
               "open_tickets", "open_tickets__previous", "open_tickets__change", "open_tickets__change_pct"]
    data = [[*OCT, f"Account {i}", i + 1, dt.date(2026, 11, 1 + i), 1000.0 * (i + 1), 70.0 + i, 68.0, 2.0 + i, 2.9,
             2, 2, 0, 0.0] for i in range(rows)]
    return answer(columns, data, query)


def test_a_wide_answer_shows_its_own_columns_first_at_most_8_and_lists_the_rest():
    table = render.result_table(renewals_answer(), CATALOG)
    label = {m: CATALOG.metric(m).label for m in ("days_to_renewal", "next_renewal_date", "next_renewal_arr",
                                                    "health_score", "open_tickets")}
    # the account, what it was filtered and ranked by, the metric values, then the first changes; why last
    assert table.headers == ["Account", label["days_to_renewal"], label["next_renewal_date"], label["next_renewal_arr"],
                             label["health_score"], f"{label['health_score']} change", label["open_tickets"],
                             render.WHY_LABEL]
    assert table.hidden == (f"{label['health_score']} (previous)", f"{label['health_score']} change %",
                            f"{label['open_tickets']} (previous)", f"{label['open_tickets']} change",
                            f"{label['open_tickets']} change %")
    assert table.display[0][5] == "+2.0" and table.display[0][-1] == f"{label['days_to_renewal'].lower()} 1 day"
    every = render.result_table(renewals_answer(), CATALOG, all_columns=True)
    assert len(every.headers) == 13 and every.hidden == ()  # 11 result columns + account + why, periods said once
    assert render.more_columns_label(table.hidden).startswith("Show 5 more columns: ")


@pytest.mark.parametrize(("kinds", "shown"), [
    (["kept", "value", "value", "kept"], [0, 1, 2, 3]),
    (["kept"] + ["value", "previous", "change", "change_pct"] * 3 + ["kept"], [0, 1, 3, 5, 7, 9, 11, 13]),
    (["kept"] * 9, list(range(9))),  # periods, dimensions and reasons are never hidden
])
def test_the_first_view_keeps_dimensions_and_reasons_then_values_then_changes(kinds, shown):
    assert render.column_choice(kinds) == shown


def test_one_row_of_many_metrics_reads_one_metric_a_line():
    metrics = ["health_score", "usage_score", "support_score"]
    query = {"metrics": metrics, "time_range": MONTH, "dimensions": ["segment"], "compare": "previous_period"}
    columns = ["period_start", "period_end", "segment"] + [f"{m}{p}" for m in metrics
                                                           for p in ("", "__previous", "__change", "__change_pct")]
    row = [*OCT, "Enterprise", 59.4, 69.8, -10.4, -14.9, 29.4, 46.0, -16.6, -36.1, 63.4, 78.3, -14.9, -19.1]
    table = render.result_table(answer(columns, [row], query), CATALOG)
    assert table.headers == [render.MEASURE_LABEL, "Value", "Previous", "Change", "Change %"]
    assert table.display == [[CATALOG.dimension("segment").label, "Enterprise", "", "", ""],
                             [CATALOG.metric("health_score").label, "59.4", "69.8", "−10.4", "−14.9%"],
                             [CATALOG.metric("usage_score").label, "29.4", "46.0", "−16.6", "−36.1%"],
                             [CATALOG.metric("support_score").label, "63.4", "78.3", "−14.9", "−19.1%"]]
    assert len(render.result_table(answer(columns, [row], query), CATALOG, all_columns=True).headers) == 13


def test_a_one_row_list_keeps_its_columns_and_why_it_is_there():
    metrics = ["health_score", "usage_score", "support_score"]
    query = {"metrics": metrics, "time_range": MONTH, "dimensions": ["csm_name"], "compare": "previous_period",
             "order_by": [{"field": "health_score", "column": "change"}], "limit": 1}
    columns = ["period_start", "period_end", "csm_name"] + [f"{m}{p}" for m in metrics
                                                            for p in ("", "__previous", "__change", "__change_pct")]
    row = [*OCT, "Leila Johnson", 59.4, 69.8, -10.4, -14.9, 29.4, 46.0, -16.6, -36.1, 63.4, 78.3, -14.9, -19.1]
    table = render.result_table(answer(columns, [row], query), CATALOG)
    health = CATALOG.metric("health_score").label
    assert table.headers[:3] == ["CSM", health, f"{health} change"] and table.headers[-1] == render.WHY_LABEL
    assert len(table.headers) == 8 and len(table.hidden) == 6
    assert table.display[0][-1] == f"{health.lower()} −10.4 vs the month before"


def test_a_cohort_reads_as_its_quarter_in_the_table_and_on_the_chart():
    query = {"metrics": ["cohort_ttv_median_days"], "time_range": {"start": "2025-01-01", "end": "2025-12-31"},
             "dimensions": ["signup_cohort"]}
    rows = [[dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, m, 1), d] for m, d in ((4, 55.0), (1, 28.0))]
    a = answer(["period_start", "period_end", "signup_cohort", "cohort_ttv_median_days"], rows, query,
               chart={"kind": "bar", "x": "signup_cohort", "y": ["cohort_ttv_median_days"], "series": None, "order": "x"})
    assert [r[0] for r in render.result_table(a, CATALOG).display] == ["Q2 2025", "Q1 2025"]
    assert list(drawn(a).data[0].x) == ["Q1 2025", "Q2 2025"]  # in time order


# --- the chart -------------------------------------------------------------------------------------

def test_a_30_row_list_draws_20_bars_largest_first_and_says_the_rest_are_in_the_table():
    query = {"metrics": ["mrr"], "time_range": MONTH, "dimensions": ["account_name"]}
    rows = [[*OCT, f"Account number {i:02d}", 1000.0 * ((i * 7) % 30)] for i in range(30)]
    a = answer(["period_start", "period_end", "account_name", "mrr"], rows, query,
               chart={"kind": "bar", "x": "account_name", "y": ["mrr"], "series": None, "order": "value", "limit": 20})
    figure = drawn(a)
    (bars,) = figure.data
    assert bars.orientation == "h" and len(bars.y) == 20  # long names: horizontal, never rotated
    assert list(bars.x) == [1000.0 * v for v in range(29, 9, -1)]  # 29,000 down to 10,000: the top 20 of 30
    assert figure.layout.yaxis.autorange == "reversed"  # the largest on top
    assert figure.layout.title.text.endswith("top 20 of 30; the rest in the table")


def test_a_few_short_names_are_upright_bars_with_level_labels():
    query = {"metrics": ["nrr"], "time_range": MONTH, "dimensions": ["segment"]}
    rows = [[*OCT, s, v] for s, v in (("SMB", 102.2), ("Enterprise", 100.8), ("Mid-Market", 95.5))]
    a = answer(["period_start", "period_end", "segment", "nrr"], rows, query,
               chart={"kind": "bar", "x": "segment", "y": ["nrr"], "series": None, "order": "value"})
    figure = drawn(a)
    assert figure.data[0].orientation is None and list(figure.data[0].x) == ["SMB", "Enterprise", "Mid-Market"]
    assert figure.layout.xaxis.tickangle == 0


def test_a_trend_axis_uses_the_tables_period_labels_and_at_most_5_of_them():
    query = {"metrics": ["mrr"], "time_range": {"start": "2025-11-01", "end": "2026-10-31"}, "grain": "month"}
    months = [(dt.date(2025 + (m > 12), (m - 1) % 12 + 1, 1)) for m in range(11, 23)]
    rows = [[start, (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), 1000.0 + i]
            for i, start in enumerate(months)]
    a = answer(["period_start", "period_end", "mrr"], rows, query,
               chart={"kind": "line", "x": "period_start", "y": ["mrr"], "series": None})
    figure = drawn(a)
    table = render.result_table(a, CATALOG)
    assert list(figure.data[0].x) == [r[0] for r in table.display]  # "Nov 2025" … "Oct 2026", as the table says them
    assert list(figure.data[0].x)[:2] == ["Nov 2025", "Dec 2025"]
    ticks = list(figure.layout.xaxis.tickvals)
    assert len(ticks) <= render.AXIS_TICKS == 5 and ticks[:2] == ["Nov 2025", "Feb 2026"]  # every third month
    assert figure.layout.xaxis.tickangle == 0


# --- the message -----------------------------------------------------------------------------------

def test_the_message_is_a_bold_headline_then_its_lines_as_a_list():
    a = answer(["period_start", "period_end", "segment", "mrr"], [[*OCT, "SMB", 1.0], [*OCT, "EMEA", 2.0]],
               {"metrics": ["mrr"], "time_range": MONTH, "dimensions": ["segment"]},
               "Enterprise has the most MRR in October 2026: $2,565,432.\nThen Mid-Market $1,196,660 and SMB $216,557.")
    text = render.narrative_markdown(a, CATALOG)
    assert text.startswith("**Enterprise has the most MRR in October 2026: $2,565,432.**\n\n"
                           "- Then Mid-Market $1,196,660 and SMB $216,557.")

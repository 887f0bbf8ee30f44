"""Every compiled query says in plain English what it computed."""

from __future__ import annotations

from semantic_layer.compile import compile_query
from semantic_layer.periods import Period, calendar_period
from semantic_layer.query import Comparison, DimensionFilter, MetricColumn, MetricFilter, SemanticQuery


def explanation(**fields) -> list[str]:
    return compile_query(SemanticQuery(**fields)).explanation.splitlines()


def test_one_period_names_definition_base_and_end_month_filters_and_grain():
    lines = explanation(metrics=["nrr"], time_range=calendar_period("2025-Q3"), dimensions=["segment"],
                        filters=[DimensionFilter(dimension="region", op="in", values=["EMEA", "APAC"])])
    assert lines == [
        "Net revenue retention (nrr): (starting MRR + expansion − contraction − churned) ÷ starting MRR × 100, "
        "over starting customers only",
        "Period: Q3 2025 (2025-07-01 to 2025-09-30).",
        "Revenue movements compare the base month June 2025 with the end month September 2025; "
        "starting customers had MRR in the base month.",
        "Filters: Region in EMEA, APAC.",
        "One row per segment.",
    ]


def test_trend_with_comparison_metric_filter_and_limit():
    lines = explanation(metrics=["nrr"], time_range=calendar_period("2025"), grain="quarter",
                        compare=Comparison.same_period_last_year, limit=3,
                        metric_filters=[MetricFilter(metric="nrr", op="<", value=100)])
    assert lines[1:] == [
        "Trend: one row per quarter, 4 quarters from Q1 2025 to Q4 2025.",
        "Each quarter's revenue movements compare its last month with the month before it starts "
        "(Q1 2025: March 2025 against December 2024).",
        "Compared with the same period a year earlier (Q1 2024 for Q1 2025).",
        "One row per quarter.",
        "Only rows where Net revenue retention < 100.",
        "At most 3 rows.",
    ]


def test_windows_of_usage_and_open_tickets_are_stated():
    lines = explanation(metrics=["mau", "open_tickets"], time_range=Period.months("2026-10"), dimensions=["account_name"],
                        compare=Comparison.previous_period,
                        metric_filters=[MetricFilter(metric="mau", op="<", value=-20, column=MetricColumn.change_pct)])
    assert "User activity in the last 30 days (the last 30 days of each period)." in lines
    assert "Support tickets still open (as at the last day of each period)." in lines
    assert "Only rows where MAU (change pct) < -20." in lines
    assert "One row per account." in lines


def test_thresholds_of_a_metric_or_of_a_part_are_stated():
    lines = explanation(metrics=["product_usage_rate"], time_range=Period.months("2026-10"))
    assert ("Thresholds of usage_threshold_accounts, by segment: SMB active_days >= 3; "
            "Mid-Market power_users >= 3; Enterprise power_users >= 5; otherwise active_days >= 3.") in lines
    assert "Power users, each active on 3 or more of those days (the last 7 days of each period)." in lines

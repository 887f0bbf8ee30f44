"""Queries the compiler refuses, each with a one-line message that says what would work."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from semantic_layer.compile import compile_query
from semantic_layer.errors import QueryError, UnknownNameError
from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, MetricColumn, MetricFilter, MetricRef, OrderBy, SemanticQuery

Q3 = Period.months("2025-07", "2025-09")


def refused(**fields) -> str:
    with pytest.raises((QueryError, UnknownNameError)) as caught:
        compile_query(SemanticQuery(**fields))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_unknown_metric_and_dimension_suggest_names():
    assert "did you mean 'mrr'" in refused(metrics=["mrrr"], time_range=Q3)
    assert "unknown dimension 'segmnt'; did you mean 'segment'" in refused(metrics=["mrr"], time_range=Q3, dimensions=["segmnt"])


def test_dimension_the_metric_cannot_be_sliced_by():
    message = refused(metrics=["mrr"], time_range=Q3, dimensions=["ticket_category"])
    assert message.startswith("mrr cannot be sliced by ticket_category; it can be by: segment, region")


def test_filter_on_a_dimension_a_part_of_a_derived_metric_lacks():
    message = refused(metrics=["cac"], time_range=Q3, filters=[DimensionFilter(dimension="segment", values=["SMB"])])
    assert message == "sales_marketing_spend cannot be filtered by segment; it can be by: no dimension"


def test_revenue_metrics_need_whole_months():
    message = refused(metrics=["nrr"], time_range=Period(date(2025, 7, 15), date(2025, 9, 30)))
    assert "mrr_movements is computed over whole months" in message
    assert "whole months" in refused(metrics=["mrr"], time_range=Q3, grain="week")  # weeks cut months
    assert compile_query(SemanticQuery(metrics=["ticket_volume"], time_range=Q3, grain="week"))  # tickets do not need months


def test_monthly_definitions_refuse_other_periods():
    message = refused(metrics=["clv"], time_range=Q3)
    assert message == ("clv is defined per month (ARPU (monthly) ÷ monthly logo churn rate); "
                       "Q3 2025 is not one month: use grain month")


def test_change_columns_need_a_comparison():
    message = refused(metrics=["mau"], time_range=Q3,
                      metric_filters=[MetricFilter(metric="mau", op="<", value=-20, column=MetricColumn.change_pct)])
    assert "need a comparison" in message


def test_metric_filter_and_order_must_name_outputs():
    assert "does not ask for" in refused(metrics=["mau"], time_range=Q3,
                                         metric_filters=[MetricFilter(metric="wau", op=">", value=1)])
    assert "cannot order by 'health'" in refused(metrics=["mau"], time_range=Q3, order_by=[OrderBy(field="health")])


def test_a_filtered_metric_needs_its_own_name_and_a_dimension_it_can_be_filtered_by():
    urgent = DimensionFilter(dimension="ticket_priority", values=["urgent"])
    clash = refused(metrics=["ticket_volume", MetricRef(name="ticket_volume", alias="ticket_volume", filters=[urgent])],
                    time_range=Q3)
    assert clash == "output name 'ticket_volume' is used twice; give the filtered metric another alias"
    wrong = refused(metrics=[MetricRef(name="mau", alias="urgent_mau", filters=[urgent])], time_range=Q3)
    assert wrong.startswith("mau cannot be filtered by ticket_priority")


def test_malformed_queries_fail_validation():
    with pytest.raises(ValidationError, match="takes one value"):
        DimensionFilter(dimension="segment", op="=", values=["SMB", "Enterprise"])
    with pytest.raises(ValidationError, match="compares with one number"):
        MetricFilter(metric="mau", op="in", value=1)
    with pytest.raises(ValidationError):
        SemanticQuery(metrics=[], time_range=Q3)

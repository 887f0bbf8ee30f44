"""Named semantic queries shared by the golden-SQL and dialect tests.

One case per catalogue metric (the metric alone over Q3 2025, per month if it is defined so), plus cases for the shapes
the issue asks for: trends by segment, account lists with metric filters, comparisons.
"""

from __future__ import annotations

from datetime import date

from semantic_layer.catalog import default_catalog
from semantic_layer.periods import Period, trailing_days
from semantic_layer.query import (
    Comparison,
    DimensionFilter,
    MetricColumn,
    MetricFilter,
    MetricRef,
    OrderBy,
    SemanticQuery,
)

Q3_2025 = Period.months("2025-07", "2025-09")
AS_OF = date(2026, 10, 31)

SHAPES: dict[str, SemanticQuery] = {
    "nrr_grr_monthly_by_segment": SemanticQuery(
        metrics=["nrr", "grr"], time_range=Period.months("2025-01", "2025-12"), grain="month", dimensions=["segment"],
    ),
    "mau_drop_with_open_urgent_tickets_per_enterprise_account": SemanticQuery(
        metrics=["mau", "open_urgent_tickets"], time_range=trailing_days(90, AS_OF), dimensions=["account_name"],
        filters=[DimensionFilter(dimension="segment", values=["Enterprise"])],
        compare=Comparison.previous_period,
        metric_filters=[
            MetricFilter(metric="mau", op="<", value=-20, column=MetricColumn.change_pct),
            MetricFilter(metric="open_urgent_tickets", op=">", value=0),
        ],
        order_by=[OrderBy(field="mau", column=MetricColumn.change_pct)],
    ),
    "csat_quarterly_by_segment_in_two_regions": SemanticQuery(
        metrics=["csat", "nps"], time_range=Period.months("2025-01", "2025-12"), grain="quarter", dimensions=["segment"],
        filters=[DimensionFilter(dimension="region", op="in", values=["EMEA", "APAC"])],
    ),
    "health_by_csm_against_last_year": SemanticQuery(
        metrics=["health_score", "red_health_share"], time_range=Period.months("2026-10"), dimensions=["csm_name"],
        compare=Comparison.same_period_last_year, order_by=[OrderBy(field="health_score", column=MetricColumn.change)],
    ),
    "urgent_and_high_tickets_weekly_by_category": SemanticQuery(
        metrics=["ticket_volume", "first_response_hours_median"], time_range=Period(date(2026, 10, 5), date(2026, 10, 25)),
        grain="week", dimensions=["ticket_category"],
        filters=[DimensionFilter(dimension="ticket_priority", op="in", values=["urgent", "high"])],
        order_by=[OrderBy(field="ticket_volume", descending=True)], limit=20,
    ),
    "renewing_in_90_days_with_health_trend_and_open_tickets": SemanticQuery(
        metrics=["days_to_renewal", "health_score", "open_tickets"], time_range=Period.months("2026-10"),
        dimensions=["account_name"], compare=Comparison.previous_period,
        metric_filters=[MetricFilter(metric="days_to_renewal", op="<=", value=90)],
        order_by=[OrderBy(field="days_to_renewal")],
    ),
    "tickets_next_to_urgent_tickets_and_relationship_nps_by_segment": SemanticQuery(
        metrics=[
            "ticket_volume",
            MetricRef(name="ticket_volume", alias="urgent_tickets",
                      filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])]),
            MetricRef(name="nps", alias="relationship_nps",
                      filters=[DimensionFilter(dimension="survey_touchpoint", values=["relationship"])]),
        ],
        time_range=Period.months("2026-10"), dimensions=["segment"], compare=Comparison.previous_period,
    ),
    "expansion_ready_accounts_with_their_signals": SemanticQuery(
        metrics=["expansion_ready_accounts", "seat_utilization", "health_score"], time_range=Period.months("2026-10"),
        dimensions=["account_name"], metric_filters=[MetricFilter(metric="expansion_ready_accounts", op=">", value=0)],
        order_by=[OrderBy(field="seat_utilization", descending=True)],
    ),
    "usage_rate_weekly_by_segment": SemanticQuery(
        metrics=["product_usage_rate"], time_range=Period(date(2026, 10, 5), date(2026, 10, 25)), grain="week",
        dimensions=["segment"],
    ),
    "revenue_and_usage_per_account_top_10": SemanticQuery(
        metrics=["mrr", "seat_utilization", "health_score"], time_range=Period.months("2026-10"), dimensions=["account_name"],
        order_by=[OrderBy(field="mrr", descending=True)], limit=10,
    ),
}


def cases() -> dict[str, SemanticQuery]:
    """Every named case: one per metric, then the shapes."""
    per_metric = {
        f"metric_{name}": SemanticQuery(metrics=[name], time_range=Q3_2025, grain=metric.per)
        for name, metric in default_catalog().metrics.items()
    }
    return per_metric | SHAPES

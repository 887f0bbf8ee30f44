"""Which metrics get a comparison with the previous period: not a countdown from the period's end."""

from semantic_layer.compile import compile_query
from semantic_layer.periods import calendar_period
from semantic_layer.query import SemanticQuery


def test_days_to_renewal_is_not_compared_with_last_month_but_health_next_to_it_is():
    compiled = compile_query(SemanticQuery(metrics=["days_to_renewal", "health_score"], time_range=calendar_period("2026-10"),
                                           dimensions=["account_name"], compare="previous_period"))
    assert "days_to_renewal" in compiled.columns
    assert not any(c.startswith("days_to_renewal__") for c in compiled.columns)
    assert {"health_score__previous", "health_score__change", "health_score__change_pct"} <= set(compiled.columns)


def test_a_date_is_compared_with_the_previous_period_as_a_date_only(demo_con):
    compiled = compile_query(SemanticQuery(metrics=["churn_date", "churned_mrr"], time_range=calendar_period("2026-Q3"),
                                           dimensions=["account_name"], compare="previous_period"))
    assert "churn_date__previous" in compiled.columns
    assert not {"churn_date__change", "churn_date__change_pct"} & set(compiled.columns)
    assert {"churned_mrr__change", "churned_mrr__change_pct"} <= set(compiled.columns)
    assert demo_con.execute(compiled.sql()).fetchall()  # runs: no arithmetic on a date

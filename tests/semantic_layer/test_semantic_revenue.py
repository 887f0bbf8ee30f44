"""Revenue metrics on a six-account warehouse whose right answers are worked out by hand.

MRR by month (no row = no MRR):
    account  segment     Jun  Jul  Aug  Sep
    A1       Enterprise  100  100  110  120   expansion +20 over Q3
    A2       Enterprise  200  200  150  150   contraction −50
    A3       SMB          50   50    —    —   churned (in August)
    A4       SMB           —    —   80   80   new (in August)
    A5       SMB          30   30   30   30   flat
    A6       Enterprise    —   40   40    —   joined in July, gone by September

Q3 2025: base month June, end month September.
    starting customers A1, A2, A3, A5; starting MRR 100 + 200 + 50 + 30 = 380
    end-month MRR of A1, A2, A4, A5 = 120 + 150 + 80 + 30 = 380
    expansion 20, contraction 50, churned 50, new 80; net new 80 + 20 − 50 − 50 = 0
    A6 is in neither June nor September, so Q3 ignores it.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import Comparison, DimensionFilter, MetricColumn, MetricFilter, OrderBy, SemanticQuery

Q3 = Period.months("2025-07", "2025-09")
MRR = {
    "A1": ("Enterprise", [100, 100, 110, 120]),
    "A2": ("Enterprise", [200, 200, 150, 150]),
    "A3": ("SMB", [50, 50, None, None]),
    "A4": ("SMB", [None, None, 80, 80]),
    "A5": ("SMB", [30, 30, 30, 30]),
    "A6": ("Enterprise", [None, 40, 40, None]),
}
MONTHS = [date(2025, m, 1) for m in (6, 7, 8, 9)]


@pytest.fixture
def wh(con):
    for account, (segment, values) in MRR.items():
        con.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, 'Software', 'EMEA', 'Growth', 'named', NULL, 'inbound', DATE '2024-01-01', NULL, 10)",
            [account, f"{account} Corp", segment],
        )
        for month, mrr in zip(MONTHS, values):
            if mrr is not None:
                con.execute("INSERT INTO account_mrr_monthly VALUES (?, ?, ?)", [account, month, mrr])
    return con


def one(con, *metrics: str, period: Period = Q3, **options) -> dict:
    rows = run(con, SemanticQuery(metrics=metrics, time_range=period, **options))
    assert len(rows) == 1
    return rows[0]


@pytest.mark.metric_values("mrr", "arr", "starting_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "net_new_mrr")
def test_q3_movements_follow_base_and_end_month(wh):
    row = one(wh, "mrr", "arr", "starting_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "net_new_mrr")
    assert row["period_start"] == date(2025, 7, 1) and row["period_end"] == date(2025, 9, 30)
    assert float(row["mrr"]) == 380
    assert float(row["arr"]) == 380 * 12
    assert float(row["starting_mrr"]) == 380
    assert (float(row["new_mrr"]), float(row["expansion_mrr"])) == (80, 20)
    assert (float(row["contraction_mrr"]), float(row["churned_mrr"])) == (50, 50)
    assert float(row["net_new_mrr"]) == 0  # 80 + 20 − 50 − 50


@pytest.mark.metric_values("net_new_arr")
def test_net_new_arr_is_twelve_times_net_new_mrr(wh):
    assert float(one(wh, "net_new_arr")["net_new_arr"]) == 0  # 12 × (80 + 20 − 50 − 50)
    rows = run(wh, SemanticQuery(metrics=["net_new_arr"], time_range=Q3, dimensions=["segment"]))
    assert {r["segment"]: float(r["net_new_arr"]) for r in rows} == {"Enterprise": 12 * (20 - 50), "SMB": 12 * (80 - 50)}


@pytest.mark.metric_values("nrr", "grr", "logo_churn_rate", "revenue_churn_rate", "customer_retention_rate")
def test_q3_retention_rates(wh):
    row = one(wh, "nrr", "grr", "logo_churn_rate", "revenue_churn_rate", "customer_retention_rate")
    assert row["nrr"] == pytest.approx(300 / 380 * 100)  # (380 + 20 − 50 − 50) ÷ 380
    assert row["grr"] == pytest.approx(280 / 380 * 100)  # (380 − 50 − 50) ÷ 380
    assert row["logo_churn_rate"] == pytest.approx(25.0)  # A3 lost of 4 starting
    assert row["revenue_churn_rate"] == pytest.approx(50 / 380 * 100)
    assert row["customer_retention_rate"] == pytest.approx(75.0)  # (4 at end − 1 new A4) ÷ 4


@pytest.mark.metric_values("starting_customers", "lost_customers", "new_customers", "paying_customers")
def test_q3_customer_counts(wh):
    row = one(wh, "starting_customers", "lost_customers", "new_customers", "paying_customers")
    assert (row["starting_customers"], row["lost_customers"], row["new_customers"], row["paying_customers"]) == (4, 1, 1, 4)


@pytest.mark.metric_values("arpu")
def test_arpu_over_the_quarter(wh):
    # paying account-months Jul–Sep: 420 over 5, 410 over 5, 380 over 4 → 1,210 ÷ 14
    assert one(wh, "arpu")["arpu"] == pytest.approx(1210 / 14)


@pytest.mark.metric_values("clv")
def test_clv_is_monthly_arpu_over_monthly_churn(wh):
    rows = run(wh, SemanticQuery(metrics=["clv", "arpu", "logo_churn_rate"], time_range=Q3, grain="month"))
    assert [r["clv"] for r in rows] == [None, pytest.approx(410 / 5 / 0.2), pytest.approx(380 / 4 / 0.2)]  # July: no churn


def test_nrr_by_segment_is_a_ratio_of_sums(wh):
    rows = run(wh, SemanticQuery(metrics=["nrr", "grr", "logo_churn_rate"], time_range=Q3, dimensions=["segment"]))
    by_segment = {r["segment"]: r for r in rows}
    assert by_segment["Enterprise"]["nrr"] == pytest.approx(90.0)  # (120 + 150) ÷ (100 + 200)
    assert by_segment["Enterprise"]["grr"] == pytest.approx(250 / 300 * 100)  # (300 − 50) ÷ 300
    assert by_segment["SMB"]["nrr"] == pytest.approx(37.5)  # A5's 30 ÷ (50 + 30)
    assert by_segment["SMB"]["logo_churn_rate"] == pytest.approx(50.0)
    blended = one(wh, "nrr")["nrr"]
    assert blended != pytest.approx((90.0 + 37.5) / 2)  # not the average of the segments' ratios


def test_monthly_trend_compares_each_month_with_the_one_before(wh):
    rows = run(wh, SemanticQuery(metrics=["nrr", "logo_churn_rate", "mrr"], time_range=Q3, grain="month"))
    assert [r["period_start"] for r in rows] == MONTHS[1:]
    assert [r["nrr"] for r in rows] == pytest.approx([100.0, 330 / 420 * 100, 380 / 410 * 100])
    assert [r["logo_churn_rate"] for r in rows] == pytest.approx([0.0, 20.0, 20.0])  # A3 of 5 in Aug, A6 of 5 in Sep
    assert [float(r["mrr"]) for r in rows] == [420, 410, 380]


def test_empty_months_are_rows(wh):
    rows = run(wh, SemanticQuery(metrics=["mrr", "nrr"], time_range=Period.months("2025-09", "2025-11"), grain="month"))
    assert [r["period_start"] for r in rows] == [date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)]
    assert [float(r["mrr"]) for r in rows] == [380, 0, 0]  # MRR is zero with no paying account
    assert rows[1]["nrr"] == 0  # October: all four September payers stopped paying
    assert rows[2]["nrr"] is None  # November: no starting customers, so undefined rather than 0


def test_comparison_with_previous_month(wh):
    rows = run(wh, SemanticQuery(metrics=["nrr"], time_range=Period.months("2025-08", "2025-09"), grain="month",
                                 compare=Comparison.previous_period))
    august, september = rows
    assert august["nrr__previous"] == pytest.approx(100.0)  # July
    assert august["nrr__change"] == pytest.approx(330 / 420 * 100 - 100)
    assert september["nrr__previous"] == pytest.approx(330 / 420 * 100)
    assert september["nrr__change_pct"] == pytest.approx((380 / 410 - 330 / 420) / (330 / 420) * 100)


def test_account_list_with_metric_filter_order_and_limit(wh):
    query = SemanticQuery(
        metrics=["mrr"], time_range=Period.months("2025-09"), dimensions=["account_name"],
        compare=Comparison.previous_period,
        metric_filters=[MetricFilter(metric="mrr", op="<", value=0, column=MetricColumn.change)],
        order_by=[OrderBy(field="mrr", column=MetricColumn.change)], limit=5,
    )
    rows = run(wh, query)
    # September against August: A6 −40, A1 +10, the others flat
    assert [(r["account_name"], float(r["mrr__change"])) for r in rows] == [("A6 Corp", -40)]


def test_dimension_filter_restricts_rows_and_grid(wh):
    rows = run(wh, SemanticQuery(metrics=["mrr"], time_range=Q3, dimensions=["segment"],
                                 filters=[DimensionFilter(dimension="segment", values=["SMB"])]))
    assert [(r["segment"], float(r["mrr"])) for r in rows] == [("SMB", 110)]  # A4 80 + A5 30


def test_synonyms_resolve_to_the_canonical_metric(wh):
    row = one(wh, "net revenue retention")
    assert row["nrr"] == pytest.approx(300 / 380 * 100)


def test_two_dimensions_of_one_table_list_the_pairs_it_holds(wh):
    # A1 moves to the Scale plan: the pairs are the ones the accounts hold, not every segment × every plan
    wh.execute("UPDATE accounts SET plan = 'Scale' WHERE account_id = 'A1'")
    rows = run(wh, SemanticQuery(metrics=["mrr"], time_range=Q3, dimensions=["segment", "plan"]))
    assert {(r["segment"], r["plan"]): float(r["mrr"]) for r in rows} == {
        ("Enterprise", "Scale"): 120, ("Enterprise", "Growth"): 150, ("SMB", "Growth"): 110}

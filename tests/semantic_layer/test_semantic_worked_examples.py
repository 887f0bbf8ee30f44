"""The domain notes' worked examples, reproduced exactly on fixtures built to match them.

Rows are generated with DuckDB's range() so a thousand customers are one INSERT each.
"""

from __future__ import annotations

import pytest
from conftest import run

from semantic_layer.periods import Period
from semantic_layer.query import SemanticQuery

AUGUST, SEPTEMBER = Period.months("2026-08"), Period.months("2026-09")


def add_accounts(con, count: int) -> None:
    con.execute(f"""
        INSERT INTO accounts
        SELECT 'A' || i, 'Account ' || i, 'SMB', 'Software', 'EMEA', 'Growth', 'pooled', NULL, 'inbound',
               DATE '2025-01-01', NULL, 10
        FROM range(1, {count} + 1) AS r(i)
    """)


def mrr_rows(con, month: str, first: int, last: int, mrr: float) -> None:
    con.execute(f"INSERT INTO account_mrr_monthly SELECT 'A' || i, DATE '{month}', {mrr} FROM range({first}, {last} + 1) AS r(i)")


def value(con, metric: str, period: Period):
    (row,) = run(con, SemanticQuery(metrics=[metric], time_range=period))
    return row[metric]


@pytest.fixture
def thousand_customers(con):
    """1,000 customers at $750 in August; in September 64 are gone, 250 upsold +$100, 100 downgraded −$100."""
    add_accounts(con, 1000)
    mrr_rows(con, "2026-08-01", 1, 1000, 750)
    mrr_rows(con, "2026-09-01", 65, 314, 850)  # 250 × +$100 = +$25K upsell
    mrr_rows(con, "2026-09-01", 315, 414, 650)  # 100 × −$100 = −$10K downgrade
    mrr_rows(con, "2026-09-01", 415, 1000, 750)
    return con


def test_64_of_1000_starting_customers_lost_is_6_4_percent_monthly_logo_churn(thousand_customers):
    assert value(thousand_customers, "logo_churn_rate", SEPTEMBER) == pytest.approx(6.4)


def test_1000_customers_at_750_arpu_is_750k_mrr(thousand_customers):
    assert float(value(thousand_customers, "mrr", AUGUST)) == 750_000
    assert value(thousand_customers, "arpu", AUGUST) == pytest.approx(750)


@pytest.mark.metric_values("net_expansion_mrr")
def test_25k_upsell_minus_10k_downgrade_is_15k_net_expansion(thousand_customers):
    assert float(value(thousand_customers, "expansion_mrr", SEPTEMBER)) == 25_000
    assert float(value(thousand_customers, "contraction_mrr", SEPTEMBER)) == 10_000
    assert float(value(thousand_customers, "net_expansion_mrr", SEPTEMBER)) == 15_000


def test_1000_arpu_over_5_percent_churn_is_20000_clv(con):
    add_accounts(con, 100)
    mrr_rows(con, "2026-08-01", 1, 100, 1000)
    mrr_rows(con, "2026-09-01", 6, 100, 1000)  # 5 of 100 churn; ARPU of the 95 payers stays $1,000
    assert value(con, "arpu", SEPTEMBER) == pytest.approx(1000)
    assert value(con, "logo_churn_rate", SEPTEMBER) == pytest.approx(5)
    assert value(con, "clv", SEPTEMBER) == pytest.approx(20_000)


def test_base_of_100_ending_at_102_is_nrr_102(con):
    add_accounts(con, 2)
    mrr_rows(con, "2026-08-01", 1, 2, 50)  # $100 in the base month
    mrr_rows(con, "2026-09-01", 1, 1, 52)  # A1 expands by 2 ...
    mrr_rows(con, "2026-09-01", 2, 2, 50)  # ... A2 stays: $102 at the end
    assert value(con, "nrr", SEPTEMBER) == pytest.approx(102)


def test_78_of_100_tickets_resolved_on_first_contact_is_78_percent_fcr(con):
    add_accounts(con, 1)
    con.execute("""
        INSERT INTO tickets
        SELECT 'T' || i, 'A1', NULL, TIMESTAMP '2026-09-01 09:00:00', TIMESTAMP '2026-09-01 10:00:00',
               TIMESTAMP '2026-09-02 09:00:00', 'email', 'how-to', 'normal', CASE WHEN i <= 78 THEN 1 ELSE 2 END, 'resolved'
        FROM range(1, 101) AS r(i)
    """)
    assert value(con, "fcr", SEPTEMBER) == pytest.approx(78)


@pytest.mark.metric_values("csat")
def test_40_satisfied_of_50_is_80_percent_csat(con):
    add_accounts(con, 1)
    con.execute("""
        INSERT INTO survey_responses
        SELECT 'R' || i, 'A1', NULL, 'csat', CASE WHEN i <= 40 THEN 4 + i % 2 ELSE 1 + i % 3 END,
               TIMESTAMP '2026-09-10 12:00:00', 'support', NULL, NULL
        FROM range(1, 51) AS r(i)
    """)
    assert value(con, "csat", SEPTEMBER) == pytest.approx(80)


@pytest.mark.metric_values("trials_started", "trial_conversion_rate", "trials_converted")
def test_20_paid_of_100_trials_is_20_percent_conversion(con):
    con.execute("""
        INSERT INTO trials
        SELECT 'TR' || i, DATE '2026-09-05', CASE WHEN i <= 20 THEN DATE '2026-09-25' END, NULL, 'trial', 'SMB'
        FROM range(1, 101) AS r(i)
    """)
    assert value(con, "trials_started", SEPTEMBER) == 100
    assert value(con, "trials_converted", SEPTEMBER) == 20
    assert value(con, "trial_conversion_rate", SEPTEMBER) == pytest.approx(20)


def test_2_4m_cs_spend_over_4000_customers_is_600_crc(con):
    add_accounts(con, 4000)
    mrr_rows(con, "2026-09-01", 1, 4000, 100)
    con.execute("INSERT INTO spend_monthly VALUES (DATE '2026-09-01', 'customer_success', 2400000)")
    assert value(con, "crc", SEPTEMBER) == pytest.approx(600)


def test_trials_by_channel_list_the_trials_channels_not_the_accounts(con):
    # Accounts were acquired inbound and outbound; trials came in organic (1 of 2 converted) and paid (0 of 1).
    add_accounts(con, 2)
    con.execute("UPDATE accounts SET acquisition_channel = CASE WHEN account_id = 'A1' THEN 'inbound' ELSE 'outbound' END")
    con.execute("""
        INSERT INTO trials VALUES
            ('TR1', DATE '2026-09-02', DATE '2026-09-20', NULL, 'organic', 'SMB'),
            ('TR2', DATE '2026-09-03', NULL, NULL, 'organic', 'SMB'),
            ('TR3', DATE '2026-09-04', NULL, NULL, 'paid', 'SMB')
    """)
    rows = run(con, SemanticQuery(metrics=["trial_conversion_rate"], time_range=SEPTEMBER, dimensions=["trial_channel"]))
    assert {r["trial_channel"]: r["trial_conversion_rate"] for r in rows} == {"organic": 50.0, "paid": 0.0}

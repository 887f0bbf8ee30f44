"""Benchmarks with a basis: a value is banded only on the period its bands are published for.

Hand-computed conversions first (the domain notes: 6.4% churn a month ≈ 55% a year), then the
words an answer says, then every dev eval question run on the demo warehouse: each band named
must have been chosen for a value of the answer converted to its bands' period.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.answer import Answer, Status
from assistant.app import render
from assistant.conversation import Conversation
from assistant.narrative import narrative
from assistant.planner import Plan, plan_question
from assistant.runner import Runner
from assistant.verdict import benchmark_sentence, place, spread, verdict
from assistant.viewer import Viewer
from evals.cases import load_cases
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query
from semantic_layer.model import Band, Unit
from semantic_layer.periods import Period, calendar_period
from semantic_layer.query import SemanticQuery

CATALOG = default_catalog()
SEPTEMBER, Q3, YEAR = Period.months("2026-09"), calendar_period("2026-Q3"), Period.months("2025-01", "2025-12")


def metric(name):
    return CATALOG.metrics[name]


# --- the conversion, by hand -----------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "months", "expected"), [
    ("logo_churn_rate", 1.3, 1, 14.53),  # 1 − 0.987^12 = 1 − 0.8547
    ("logo_churn_rate", 6.4, 1, 54.78),  # the domain notes' 6.4% monthly ≈ 55% annual
    ("logo_churn_rate", 3.0, 3, 11.47),  # a quarter: 1 − 0.97^4 = 1 − 0.8853
    ("logo_churn_rate", 11.9, 12, 11.9),  # a year's churn is judged as it is
    ("logo_churn_rate", 19.0, 24, 10.0),  # two years convert the other way: 1 − 0.81^(1/2) = 1 − 0.9
    ("nrr", 102.0, 3, 108.24),  # a quarter's NRR compounds: 1.02^4 = 1.0824
    ("nrr", 101.0, 1, 112.68),  # a month's: 1.01^12 = 1.1268
    ("nrr", 121.0, 24, 110.0),  # two years: 1.21^(1/2) = 1.1
    ("grr", 96.0, 3, 84.93),  # 0.96^4 = 0.8493: 96% kept a quarter is a red flag over a year
    ("health_score", 72.0, 3, 72.0),  # a level: point-in-time bands never convert
    ("csat", 91.0, 12, 91.0),
])
def test_a_rate_converts_to_its_bands_period_by_the_declared_compounding(name, value, months, expected):
    assert metric(name).on_band_basis(value, months) == pytest.approx(expected, abs=0.01)


def test_a_rate_whose_period_is_unknown_is_not_judged():
    assert metric("nrr").on_band_basis(104.0, None) is None
    assert place(metric("nrr"), 104.0, None) is None
    assert benchmark_sentence(metric("nrr"), 104.0, None) == \
        " typical benchmark: best-in-class ≥ 120%; healthy 100–110%; below 100% the base is shrinking"
    assert place(metric("health_score"), 72.0, None).band.name == "yellow"  # a level needs no period


def test_every_band_in_the_catalogue_says_its_period_and_rates_over_a_period_convert():
    banded = {m.name: m.band_basis for m in CATALOG.metrics.values() if m.benchmarks}
    assert all(basis is not None for basis in banded.values())
    converted = {name: (b.period.value, b.converts.value) for name, b in banded.items() if b.converts}
    assert converted == {"logo_churn_rate": ("year", "churn"), "nrr": ("year", "retention"), "grr": ("year", "retention")}


# --- the words --------------------------------------------------------------------------------

def test_a_months_churn_shows_both_numbers_and_the_annual_band():
    said = benchmark_sentence(metric("logo_churn_rate"), 1.3, SEPTEMBER)
    assert said.startswith(" — ≈ 14.5% annualised: systemic problem (> 10% a year); typical benchmark: annual B2B SaaS")
    assert benchmark_sentence(metric("logo_churn_rate"), 4.0, YEAR).startswith(" — best (< 5% a year)")


def test_a_quarters_retention_is_banded_as_the_year_it_compounds_to():
    assert verdict(metric("nrr"), 102.0, Q3) == "≈ 108.2% annualised: healthy (100–110% a year)"
    assert verdict(metric("grr"), 96.0, Q3) == "≈ 84.9% annualised: red flag (< 85% a year)"
    assert verdict(metric("nrr"), 107.0, YEAR) == "healthy (100–110% a year)"


def test_a_breakdown_of_monthly_churn_bands_each_group_on_the_annual_basis():
    p = compile_query(SemanticQuery(metrics=["logo_churn_rate"], time_range=SEPTEMBER, dimensions=["segment"])).plan
    rows = [[SEPTEMBER.start, SEPTEMBER.end, s, v] for s, v in (("SMB", 2.0), ("Mid-Market", 0.5), ("Enterprise", 0.3))]
    text = narrative(p, ["period_start", "period_end", "segment", "logo_churn_rate"], rows, Viewer.leader())
    # 2% a month: 1 − 0.98^12 ≈ 21.5% a year; 0.3%: 1 − 0.997^12 ≈ 3.5%; 0.5%: ≈ 5.8%
    assert "2.0% (≈ 21.5% annualised: systemic problem)" in text
    assert "0.3% (≈ 3.5% annualised: best)" in text and "0.5% (≈ 5.8% annualised: acceptable)" in text


def test_time_to_value_is_judged_by_how_accounts_spread_over_the_bands_not_the_median():
    ttv = metric("ttv_median_days")
    shares = [(metric("ttv_over_30_share"), 45.9), (metric("ttv_over_60_share"), 9.2), (metric("ttv_over_90_share"), 2.8)]
    # ≤ 30: 100 − 45.9; 30–60: 45.9 − 9.2; 60–90 (no band): 9.2 − 2.8; > 90: 2.8
    assert spread(ttv, shares) == [("best (≤ 30 days)", pytest.approx(54.1)), ("acceptable (30–60 days)", pytest.approx(36.7)),
                                   ("between bands (60–90 days)", pytest.approx(6.4)), ("red flag (> 90 days)", pytest.approx(2.8))]
    assert verdict(ttv, 27, Q3, shares) == ("spread over the bands: 54.1% best (≤ 30 days), 36.7% acceptable (30–60 days), "
                                            "6.4% between bands (60–90 days), 2.8% red flag (> 90 days)")
    assert verdict(ttv, 27, Q3) is None and place(ttv, 27, Q3) is None  # the median alone is never banded
    assert spread(ttv, shares[:2]) is None


def test_a_single_time_to_value_answer_reads_its_verdict_off_the_shares_beside_it():
    names = ["ttv_median_days", "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share"]
    p = compile_query(SemanticQuery(metrics=names, time_range=Q3)).plan
    text = narrative(p, ["period_start", "period_end", *names], [[Q3.start, Q3.end, 61, 100.0, 50.0, 10.5]], Viewer.leader())
    assert text.startswith("Time to value (median) 61 days in Q3 2026 — spread over the bands: 0.0% best (≤ 30 days), 50.0% "
                           "acceptable (30–60 days), 39.5% between bands (60–90 days), 10.5% red flag (> 90 days)")


def one_number(name, value, period, query=True):
    q = {"metrics": [name], "time_range": {"start": period.start.isoformat(), "end": period.end.isoformat()}}
    return Answer("q", Status.ANSWERED, "The number.", columns=["period_start", "period_end", name],
                  rows=[[period.start, period.end, value]], query=q if query else None, metrics=[{"name": name}])


def test_the_chat_bands_a_headline_number_on_the_same_basis_as_the_narrative():
    (line,) = render.benchmark_lines(one_number("logo_churn_rate", 1.3, SEPTEMBER), CATALOG)
    assert line.startswith("Logo churn rate: **1.3%** — **≈ 14.5% annualised: systemic problem (> 10% a year)**")
    (agent,) = render.benchmark_lines(one_number("logo_churn_rate", 1.3, SEPTEMBER, query=False), CATALOG)
    assert agent.startswith("Logo churn rate: **1.3%** (typical benchmark:")  # no period known: no band


# --- every dev question, end to end ----------------------------------------------------------

def _months(start: dt.date, end: dt.date) -> float:
    """A row's period in months, as the bands' basis counts it (whole months, or days over an average month)."""
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return ((end - start).days + 1) / (365.25 / 12)


def _on_basis(m, value: float, months: float) -> float:
    """The domain notes' conversions, written out: churn 1 − (1 − m)^n, retention r^n, n = basis months ÷ months."""
    basis = {"month": 1, "quarter": 3, "year": 12}.get(m.band_basis.period.value)
    if basis is None:
        return value
    scale = 100 if m.unit is Unit.percent else 1
    n = basis / months
    if m.band_basis.converts.value == "churn":
        return scale * (1 - (1 - value / scale) ** n)
    return scale * (value / scale) ** n


def _relevant(cases, assistant):
    """The cases whose answer can name a band: a conversation (replayed), or a plan asking a benchmarked metric."""
    for case in cases:
        if case.conversation:
            yield case
            continue
        outcome = plan_question(case.question, assistant.context, case.viewer, None)
        if isinstance(outcome, Plan) and outcome.confident and any(
                CATALOG.metrics[m if isinstance(m, str) else m.name].benchmarks for m in outcome.query.metrics):
            yield case


def test_no_dev_answer_bands_a_value_off_its_bands_basis(assistant, monkeypatch):
    owner = {id(b): m for m in assistant.catalog.metrics.values() for b in m.benchmarks}
    banded: list[tuple[Band, float]] = []
    results: list[Answer] = []
    contains, run_compiled = Band.contains, Runner.run_compiled

    def spy_contains(band, value):
        banded.append((band, value))
        return contains(band, value)

    def spy_run(runner, *args, **kwargs):
        result = run_compiled(runner, *args, **kwargs)
        results.append(result)
        return result

    monkeypatch.setattr(Band, "contains", spy_contains)
    monkeypatch.setattr(Runner, "run_compiled", spy_run)  # every governed query: the main one and the split
    monkeypatch.setattr(assistant.caches, "enabled", False)  # a kept result would reach no spy
    wrong, converted, checked = [], 0, 0
    for case in _relevant(load_cases(), assistant):
        banded.clear()
        results.clear()
        conversation, answers = Conversation(), []
        for question in (*case.conversation, case.question):
            answers.append(assistant.ask(question, case.viewer, conversation))
            render.narrative_markdown(answers[-1], assistant.catalog)  # the chat's own benchmark lines
        aliases = {m["alias"]: m["name"] for a in answers if a.query for m in a.query["metrics"] if isinstance(m, dict)}
        for band, value in banded:
            m = owner[id(band)]
            checked += 1
            if m.band_shares:
                wrong.append(f"{case.id}: {m.name} {value} banded alone; its bands judge the shares {m.band_shares}")
                continue
            candidates = []
            for result in results:
                if "period_start" not in result.columns or "period_end" not in result.columns:
                    continue
                start, end = result.columns.index("period_start"), result.columns.index("period_end")
                columns = [i for i, c in enumerate(result.columns) if aliases.get(c, c) == m.name]
                candidates += [(row[i], _months(row[start], row[end])) for row in result.rows for i in columns
                               if row[i] is not None and row[start] is not None]
            match = [(v, n) for v, n in candidates if abs(_on_basis(m, float(v), n) - value) < 1e-6]
            if not match:
                wrong.append(f"{case.id}: {m.name} {value:.4g} is not any of its values on the bands' basis "
                             f"{sorted({round(_on_basis(m, float(v), n), 3) for v, n in candidates})[:6]}")
            elif all(abs(float(v) - value) > 1e-9 for v, _ in match):
                converted += 1
    assert wrong == []
    assert checked > 100 and converted > 20  # the dev set does band values, and converts months and quarters

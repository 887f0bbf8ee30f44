"""Fixtures for the guard, RLS and runner tests: a hand-made warehouse file, a demo-scale
guard policy, and runners over both. Each warehouse file's checksum is taken when the
session first uses it and compared at the end: nothing the tests send may modify it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.guard import GuardPolicy
from assistant.runner import Runner, RunnerSettings
from guard.attacks import build_tiny_warehouse, sha256

# Rough demo-scale row counts, so that cross joins are judged at realistic sizes even on
# the seven-account warehouse (the runner's measured sizes would call every join small).
DEMO_SCALE_ROWS = {
    "csms": 40, "accounts": 1_500, "account_mrr_monthly": 40_000, "users": 25_000,
    "user_activity_daily": 3_000_000, "features": 20, "feature_usage_daily": 6_000_000,
    "tickets": 40_000, "survey_responses": 30_000, "health_scores_weekly": 150_000,
    "renewals": 4_000, "onboarding_milestones": 7_500, "meetings": 20_000, "trials": 5_000,
    "spend_monthly": 100, "warehouse_meta": 4,
}


@pytest.fixture(scope="session")
def demo_policy() -> GuardPolicy:
    return GuardPolicy(table_rows=DEMO_SCALE_ROWS)


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    """Three CSMs, seven accounts; the right answers are in tiny_warehouse.sql's header."""
    path = build_tiny_warehouse(tmp_path_factory.mktemp("guard") / "tiny.duckdb")
    before = sha256(path)
    yield path
    assert sha256(path) == before, "the tiny warehouse file changed during the tests"


@pytest.fixture(scope="session")
def runner(tiny_warehouse, demo_policy) -> Runner:
    with Runner(tiny_warehouse, RunnerSettings(timeout_s=5), demo_policy) as shared:
        yield shared


@pytest.fixture(scope="session")
def demo_checksum(demo_warehouse_path) -> str:
    """The demo warehouse's checksum when first used; compared again at the end of the session."""
    before = sha256(demo_warehouse_path)
    yield before
    assert sha256(demo_warehouse_path) == before, "the demo warehouse file changed during the tests"


@pytest.fixture(scope="module")
def demo_runner(demo_warehouse_path, demo_checksum) -> Runner:
    """A runner over the demo warehouse with its real table sizes.

    Module-scoped like tests/conftest.py's `demo_con`: DuckDB refuses connections to one
    file with different configurations in one process, so neither may outlive its module."""
    with Runner(demo_warehouse_path) as shared:
        yield shared

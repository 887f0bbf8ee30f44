"""Fixtures for the guard, RLS and runner tests: a hand-made warehouse file, a demo-scale
guard policy, and runners over both. Each warehouse file's checksum is taken when the
session first uses it and compared at the end: nothing the tests send may modify it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from assistant.guard import GuardPolicy
from assistant.runner import Runner, RunnerSettings
from data import contract
from data.paths import DEMO_WAREHOUSE

HERE = Path(__file__).parent

# Rough demo-scale row counts, so that cross joins are judged at realistic sizes even on
# the seven-account warehouse (the runner's measured sizes would call every join small).
DEMO_SCALE_ROWS = {
    "csms": 40, "accounts": 1_500, "account_mrr_monthly": 40_000, "users": 25_000,
    "user_activity_daily": 3_000_000, "features": 20, "feature_usage_daily": 6_000_000,
    "tickets": 40_000, "survey_responses": 30_000, "health_scores_weekly": 150_000,
    "renewals": 4_000, "onboarding_milestones": 7_500, "meetings": 20_000, "trials": 5_000,
    "spend_monthly": 100, "warehouse_meta": 4,
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def demo_policy() -> GuardPolicy:
    return GuardPolicy(table_rows=DEMO_SCALE_ROWS)


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    """Three CSMs, seven accounts; the right answers are in tiny_warehouse.sql's header."""
    path = tmp_path_factory.mktemp("guard") / "tiny.duckdb"
    con = duckdb.connect(str(path))
    con.execute(contract.ddl())
    con.execute((HERE / "tiny_warehouse.sql").read_text())
    con.execute("CHECKPOINT")
    con.close()
    before = sha256(path)
    yield path
    assert sha256(path) == before, "the tiny warehouse file changed during the tests"


@pytest.fixture(scope="session")
def runner(tiny_warehouse, demo_policy) -> Runner:
    with Runner(tiny_warehouse, RunnerSettings(timeout_s=5), demo_policy) as shared:
        yield shared


@pytest.fixture(scope="session")
def demo_runner() -> Runner:
    """A runner over data/warehouse.duckdb with its real sizes; skipped until the file exists."""
    if not DEMO_WAREHOUSE.is_file():
        pytest.skip("data/warehouse.duckdb is not built yet (make test builds it)")
    before = sha256(DEMO_WAREHOUSE)
    with Runner(DEMO_WAREHOUSE) as shared:
        yield shared
    assert sha256(DEMO_WAREHOUSE) == before, "the demo warehouse file changed during the tests"

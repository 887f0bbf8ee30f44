"""Fixtures shared across the suite: the demo warehouse that `make test` builds first."""

from __future__ import annotations

import hashlib

import duckdb
import pytest
from hypothesis import settings

from data.paths import resolve_warehouse

# Property tests draw the same examples on every run: a failure is reproducible, never luck.
settings.register_profile("deterministic", derandomize=True)
settings.load_profile("deterministic")


@pytest.fixture(scope="session")
def demo_warehouse_path():
    """The demo warehouse file (data/warehouse.duckdb or $CS_WAREHOUSE)."""
    path = resolve_warehouse()
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make test` (or `make warehouse`) to build the demo warehouse first")
    return path


@pytest.fixture(scope="module")
def demo_con(demo_warehouse_path):
    """A read-only connection to the demo warehouse, closed after each test module.

    DuckDB refuses a second connection to the same file with another configuration in
    one process, so no connection here outlives the module that opened it."""
    con = duckdb.connect(str(demo_warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session", autouse=True)
def demo_warehouse_unchanged():
    """Nothing in the suite may write to the demo warehouse: its checksum is the same at the end."""
    path = resolve_warehouse()
    before = _sha256(path)
    yield
    assert _sha256(path) == before, f"{path} changed during the test session"


def _sha256(path) -> str | None:
    if not path.exists():
        return None
    with path.open("rb") as file:  # in chunks: the demo file is hundreds of MB
        return hashlib.file_digest(file, "sha256").hexdigest()

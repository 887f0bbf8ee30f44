"""The generator: deterministic, complete, and consistent with the contract's own rules."""

from __future__ import annotations

import duckdb
import pytest

from assistant.cli import main
from data import contract
from data.generate import GENERATOR_VERSION, generate_warehouse, is_current


def table_fingerprints(path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent sum of row hashes, per contract table."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            name: con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {name} AS t").fetchone()
            for name in contract.tables()
        }


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "small.duckdb"
    generate_warehouse(path, scale="small", seed=7, progress=False)
    return path


def test_same_seed_and_scale_give_identical_tables(small, tmp_path):
    again = tmp_path / "again.duckdb"
    generate_warehouse(again, scale="small", seed=7, progress=False)
    assert table_fingerprints(again) == table_fingerprints(small)


def test_another_seed_gives_other_data(small, tmp_path):
    other = tmp_path / "other.duckdb"
    generate_warehouse(other, scale="small", seed=8, progress=False)
    first, second = table_fingerprints(small), table_fingerprints(other)
    assert first["accounts"] != second["accounts"]
    assert first["user_activity_daily"] != second["user_activity_daily"]


def test_every_contract_table_is_written_and_filled(small):
    with duckdb.connect(str(small), read_only=True) as con:
        for name, table in contract.tables().items():
            columns = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
            assert tuple(columns) == table.column_names, name
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, f"{name} is empty"


def test_meta_records_version_seed_scale_and_as_of(small):
    with duckdb.connect(str(small), read_only=True) as con:
        meta = dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())
    assert meta == {"as_of_date": "2026-10-31", "generator_version": GENERATOR_VERSION, "seed": "7", "scale": "small"}
    assert is_current(small, scale="small", seed=7)
    assert not is_current(small, scale="small", seed=8)
    assert not is_current(small, scale="demo", seed=7)


def test_generated_warehouse_passes_the_contract_check(small):
    from data.check import check_warehouse

    assert [p.line() for p in check_warehouse(small)] == []


def test_if_stale_skips_a_current_file_and_rebuilds_another(small, tmp_path, capsys):
    before = small.stat().st_mtime_ns
    assert main(["data", "generate", "--scale", "small", "--seed", "7", "--out", str(small), "--if-stale", "--quiet"]) == 0
    assert small.stat().st_mtime_ns == before
    assert "up to date" in capsys.readouterr().out
    fresh = tmp_path / "fresh.duckdb"
    assert main(["data", "generate", "--scale", "small", "--seed", "7", "--out", str(fresh), "--if-stale", "--quiet"]) == 0
    assert table_fingerprints(fresh) == table_fingerprints(small)


def test_unknown_scale_is_one_clear_line(tmp_path, capsys):
    assert main(["data", "generate", "--scale", "huge", "--out", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "unknown scale 'huge'" in err and "demo" in err
    assert not (tmp_path / "x.duckdb").exists()


def test_honours_the_cs_warehouse_variable(tmp_path, monkeypatch, small):
    target = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("CS_WAREHOUSE", str(target))
    assert main(["data", "generate", "--scale", "small", "--seed", "7", "--quiet"]) == 0
    assert table_fingerprints(target) == table_fingerprints(small)

"""`cs-assistant data generate`: write a synthetic, seeded CS warehouse into DuckDB.

The build writes to a temporary file next to the target and renames it on success, so an
interrupted build never leaves a half-written warehouse behind.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from tqdm import tqdm

from . import contract
from .synth import calendar as cal
from .synth.engagement import meetings_table, onboarding_milestones
from .synth.health import write_health_scores
from .synth.revenue import accounts_table, csms_table, mrr_table, renewals_table, spend_table, trials_table
from .synth.support import build_tickets, survey_table, tickets_table
from .synth.usage import activity_chunks, build_users, features_table, users_table
from .synth.world import build_world

# Bump whenever the generator's output changes: `make` rebuilds warehouses of older versions.
GENERATOR_VERSION = "2"
SCALES = {"small": 150, "demo": 1500, "large": 15000}


@dataclass
class GenerationReport:
    path: Path
    scale: str
    seed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        total = sum(self.rows.values())
        width = max(len(t) for t in self.rows)
        lines = [f"Wrote {self.path} (scale {self.scale}, seed {self.seed}, as of {cal.AS_OF}) in {self.seconds:.1f} s: {total:,} rows."]
        lines += [f"  {table:<{width}}  {count:>12,}" for table, count in self.rows.items()]
        return "\n".join(lines)


def read_meta(path: Path) -> dict[str, str]:
    """warehouse_meta of an existing file as a dict; empty when the file is missing or unreadable."""
    if not Path(path).exists():
        return {}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())
    except duckdb.Error:
        return {}


def is_current(path: Path, scale: str, seed: int) -> bool:
    """True when `path` already holds this generator version's output for scale and seed."""
    meta = read_meta(path)
    return meta.get("generator_version") == GENERATOR_VERSION and meta.get("scale") == scale and meta.get("seed") == str(seed)


def generate_warehouse(out: Path, scale: str = "demo", seed: int = 42, progress: bool = True) -> GenerationReport:
    """Build every contract table for `scale` and `seed` into the DuckDB file `out`."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    steps = ["accounts", "users", *[f"activity {str(m)}" for m in cal.MONTHS[cal.WINDOW_START_INDEX:]],
             "tickets", "surveys", "onboarding", "meetings", "health", "finish"]
    bar = tqdm(total=len(steps), desc=f"Generating {scale} warehouse", unit="step", disable=None if progress else True, leave=False)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(contract.ddl())

            def insert(table: str, rows) -> None:
                con.register("_rows", rows)
                columns = ", ".join(contract.table(table).column_names)
                con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _rows")
                con.unregister("_rows")

            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(1)

            world = build_world(seed, SCALES[scale])
            insert("csms", csms_table(world))
            insert("accounts", accounts_table(world))
            insert("account_mrr_monthly", mrr_table(world))
            insert("renewals", renewals_table(world))
            insert("trials", trials_table(world))
            insert("spend_monthly", spend_table(world))
            insert("features", features_table())
            step("accounts")
            users = build_users(world)
            insert("users", users_table(world, users))
            step("users")
            for month, (activity, features) in zip(steps[2:], activity_chunks(world, users)):
                insert("user_activity_daily", activity)
                insert("feature_usage_daily", features)
                step(month)
            tickets = build_tickets(world, users)
            insert("tickets", tickets_table(world, users, tickets))
            step("tickets")
            milestones, training_done = onboarding_milestones(world)
            insert("survey_responses", survey_table(world, users, tickets, training_done))
            step("surveys")
            insert("onboarding_milestones", milestones)
            step("onboarding")
            insert("meetings", meetings_table(world))
            step("meetings")
            write_health_scores(con, world)
            step("health")
            meta = {"as_of_date": str(cal.AS_OF), "generator_version": GENERATOR_VERSION, "seed": str(seed), "scale": scale}
            con.executemany("INSERT INTO warehouse_meta VALUES (?, ?)", list(meta.items()))
            rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in contract.tables()}
            con.execute("CHECKPOINT")
            step("finish")
        os.replace(tmp, out)
    finally:
        bar.close()
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return GenerationReport(out, scale, seed, time.perf_counter() - started, rows)


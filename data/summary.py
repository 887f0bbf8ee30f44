"""A few lines telling a person what a warehouse holds: its date, origin, size and revenue."""

from __future__ import annotations

import datetime as dt
import os

import duckdb

from data import contract
from data.check import Warehouse, first_line, parse_date, quote_identifier
from data.connection import open_read_only
from data.paths import WarehouseUnreadable

# warehouse_meta keys shown after the date when present (the generator writes them).
ORIGIN_KEYS = ("generator_version", "seed", "scale")


def warehouse_summary(path: str | os.PathLike) -> str:
    """as_of_date and origin, accounts by segment, MRR in the as-of month, and rows per table.

    Parts the file lacks are said to be missing rather than failing; `cs-assistant data check`
    explains why. Raises WarehouseUnreadable when the file cannot be opened or read.
    """
    with open_read_only(path) as con:
        try:
            return _summary(con, path)
        except duckdb.Error as error:  # e.g. a damaged block found while counting
            raise WarehouseUnreadable(f"{path} cannot be read ({first_line(error)})") from None


def _summary(con: duckdb.DuckDBPyConnection, path: str | os.PathLike) -> str:
    wh = Warehouse(con)
    meta = _meta(wh)
    as_of = parse_date(meta.get("as_of_date"))
    lines = [f"Warehouse {path}, {_as_of_text(as_of)}{_origin_text(meta)}"]
    lines.append(_segments_line(wh))
    lines.append(_mrr_line(wh, as_of))
    lines.append("Rows per table:")
    width = max(len(name) for name in contract.tables())
    for name in contract.tables():
        count = f"{_row_count(wh, name):>12,}" if name in wh.columns else f"{'missing':>12}"
        lines.append(f"  {name:<{width}}  {count}")
    return "\n".join(lines)


def _meta(wh: Warehouse) -> dict[str, str]:
    if not wh.usable("warehouse_meta", "key", "value"):
        return {}
    return dict(wh.con.execute("SELECT key, value FROM warehouse_meta ORDER BY key").fetchall())


def _as_of_text(as_of: dt.date | None) -> str:
    if as_of is not None:
        return f"as of {as_of.isoformat()}"
    return "as_of_date missing or unreadable (run `cs-assistant data check`)"


def _origin_text(meta: dict[str, str]) -> str:
    parts = [f"{key.removeprefix('generator_').replace('_', ' ')} {meta[key]}" for key in ORIGIN_KEYS if key in meta]
    return f" (generator {', '.join(parts)})" if parts else ""


def _segments_line(wh: Warehouse) -> str:
    if not wh.usable("accounts", "segment"):
        return "Accounts by segment: accounts.segment is missing"
    rows = wh.con.execute("SELECT segment, count(*) FROM accounts GROUP BY segment ORDER BY segment").fetchall()
    return "Accounts by segment: " + (", ".join(f"{segment} {n:,}" for segment, n in rows) or "no accounts")


def _mrr_line(wh: Warehouse, as_of: dt.date | None) -> str:
    if as_of is None or not wh.usable("account_mrr_monthly", "account_id", "month", "mrr"):
        return "MRR in the as-of month: unknown"
    month = as_of.replace(day=1)
    total, paying = wh.con.execute(
        "SELECT coalesce(sum(mrr), 0), count(DISTINCT account_id) FROM account_mrr_monthly WHERE month = ?",
        [month],
    ).fetchone()
    return f"MRR in {month:%B %Y}: {total:,.2f} from {paying:,} paying accounts (ARR {12 * total:,.2f})"


def _row_count(wh: Warehouse, table: str) -> int:
    (n,) = wh.con.execute(f"SELECT count(*) FROM {quote_identifier(table)}").fetchone()
    return n

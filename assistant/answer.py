"""The `Answer`: what every planner and interface returns for one question.

Errors are answers too: a refused or failed query is an Answer whose `message` says what
happened in one sentence a CSM understands, with the technical `detail` for an analyst.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from semantic_layer.compile import CompiledQuery


class Status(StrEnum):
    ANSWERED = "answered"
    CLARIFY = "clarify"
    UNANSWERABLE = "unanswerable"
    REFUSED = "refused"
    ERROR = "error"


@dataclass
class Answer:
    """One question's answer, its evidence (SQL, rows, definitions) and how long each stage took."""

    question: str
    status: Status
    message: str  # one sentence for the user
    interpretation: str = ""  # how the question was understood
    sql: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)  # definitions used
    planner: str = ""
    warnings: list[str] = field(default_factory=list)
    detail: str = ""  # technical detail for an analyst
    timings_ms: dict[str, float] = field(default_factory=dict)
    chart: dict[str, Any] | None = None  # {"kind": "line"|"bar", "x", "y": [...], "series"}; None for one number
    options: list[str] = field(default_factory=list)  # clarifying choices, each a full question
    follow_ups: list[str] = field(default_factory=list)  # questions to ask next, each planned to its intended edit
    query: dict[str, Any] | None = None  # the SemanticQuery as JSON
    confidence: float | None = None
    unused_words: list[str] = field(default_factory=list)
    route_reason: str = ""
    # Held for the process, never serialised nor compared: the compiled query the answer ran (the chat renders its
    # dialect box from it) and the SQL texts sent to DuckDB for it, in order, RLS applied (the bench's baseline).
    compiled: CompiledQuery | None = field(default=None, compare=False, repr=False, metadata={"serialised": False})
    statements: list[str] = field(default_factory=list, compare=False, repr=False, metadata={"serialised": False})

    @property
    def ok(self) -> bool:
        return self.status is Status.ANSWERED

    def copy(self) -> Answer:
        """A fresh Answer with its own lists and dicts (rows included) to change, sharing only immutable values."""
        return replace(self, columns=list(self.columns), rows=[list(row) for row in self.rows],
                       metrics=[dict(m) for m in self.metrics], warnings=list(self.warnings),
                       timings_ms=dict(self.timings_ms), chart=copy.deepcopy(self.chart), options=list(self.options),
                       follow_ups=list(self.follow_ups), query=copy.deepcopy(self.query),
                       unused_words=list(self.unused_words), statements=list(self.statements))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of the serialised fields: dates as ISO text, decimals as numbers."""
        return _json_safe({f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("serialised", True)})

    def to_json(self, indent: int | None = 2) -> str:
        """The answer as JSON text, with every field as a key."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_text(self, max_rows: int = 50) -> str:
        """A readable plain-text rendering: message, warnings, then a table of rows."""
        lines = [self.message, *(f"note: {w}" for w in self.warnings)]
        lines += [f"  - {option}" for option in self.options]
        if self.columns:
            lines += ["", format_table(self.columns, self.rows[:max_rows])]
            if len(self.rows) > max_rows:
                lines.append(f"… {len(self.rows) - max_rows:,} more rows (use --json for all)")
        if self.follow_ups:
            lines += ["", "Ask next:", *(f"  - {question}" for question in self.follow_ups)]
        if self.detail and not self.ok:
            lines.append(f"detail: {self.detail}")
        return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, bytes)) or not isinstance(value, (str, int, float, bool, type(None))):
        return str(value)
    return value


def format_table(columns: list[str], rows: list[list[Any]]) -> str:
    """Rows as an aligned text table with a header line."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)

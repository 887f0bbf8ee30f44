"""The agent's four tools, thin wrappers over the semantic layer and the assistant.

One `Toolbox` serves one question for one viewer: the viewer is bound here, from the
session, so no tool argument can change whose rows are read. Every call is kept as a
`ToolRun` for the analyst; the model sees only a compact JSON result, with at most
`preview_rows` rows of any query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from assistant.planner.candidates import CatalogIndex
from assistant.answer import Answer, Status
from assistant.deadline import Deadline
from assistant.viewer import Viewer
from semantic_layer.catalog import Catalog
from semantic_layer.describe import benchmark_text
from semantic_layer.entities import values_query
from semantic_layer.errors import SemanticLayerError
from semantic_layer.model import Dimension, Metric
from semantic_layer.query import SemanticQuery

if TYPE_CHECKING:
    from assistant.service import Assistant

QUERY_TOOLS = ("run_semantic_query", "run_sql")
MATCH_CUTOFF = 60  # rapidfuzz WRatio below which a stored value is no match for the text
MAX_MATCHES = 5


@dataclass
class ToolRun:
    """One tool call: its arguments, what the model was shown, and the full Answer of a query."""

    tool: str
    arguments: dict[str, Any]
    shown: dict[str, Any]
    answer: Answer | None = None

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.ok


class SearchArgs(BaseModel):
    text: str = Field(description="words from the question, e.g. 'net revenue retention by segment'")


class ValuesArgs(BaseModel):
    dimension: str = Field(description="a dimension name from search_catalog, e.g. 'segment'")
    text: str = Field(description="the name as the user wrote it, e.g. 'enterprise' or 'dana'")


class SqlArgs(BaseModel):
    sql: str = Field(description="one read-only SELECT over the warehouse tables")


@dataclass
class Toolbox:
    """The tools for one question, bound to one assistant and one viewer."""

    assistant: Assistant
    viewer: Viewer
    question: str
    index: CatalogIndex
    preview_rows: int = 10
    deadline: Deadline | None = None  # the question's (the agent's time cap); the runner caps each query within it
    runs: list[ToolRun] = field(default_factory=list)

    @property
    def catalog(self) -> Catalog:
        return self.assistant.catalog

    def tools(self) -> list[BaseTool]:
        """The four tools, as LangChain tools whose schemas the model sees."""
        return [
            StructuredTool.from_function(
                self.search_catalog, name="search_catalog", args_schema=SearchArgs,
                description="Metrics and dimensions relevant to some words, with definitions, benchmarks and "
                            "the dimensions each metric can be broken down by."),
            StructuredTool.from_function(
                self.find_values, name="find_values", args_schema=ValuesArgs,
                description="The stored values of a dimension closest to a name, for exact filters."),
            StructuredTool.from_function(
                self.run_semantic_query, name="run_semantic_query", args_schema=SemanticQuery,
                description="Compute catalogue metrics over an explicit time range, optionally per period "
                            "(grain), per dimension value, filtered, compared, ordered and limited. Returns "
                            "the first rows and the row count."),
            StructuredTool.from_function(
                self.run_sql, name="run_sql", args_schema=SqlArgs,
                description="Run one read-only SELECT over the warehouse tables when no metric fits. "
                            "Outside the governed definitions: say so in the answer."),
        ]

    def search_catalog(self, text: str) -> str:
        """The catalogue entries relevant to `text`, as compact JSON."""
        hits = self.index.search(text)
        shown: dict[str, Any] = {
            "metrics": [_metric_card(h.entry) for h in hits if h.kind == "metric"],
            "dimensions": [_dimension_card(h.entry) for h in hits if h.kind == "dimension"],
        }
        if not hits:
            shown["note"] = "nothing matched; metric names: " + ", ".join(self.catalog.metrics)
        return self._record("search_catalog", {"text": text}, shown)

    def find_values(self, dimension: str, text: str) -> str:
        """The dimension's stored values closest to `text`, among the rows the viewer may see."""
        arguments = {"dimension": dimension, "text": text}
        try:
            entry = self.catalog.dimension(dimension)
        except SemanticLayerError as error:
            return self._record("find_values", arguments, {"status": "error", "message": str(error)})
        result = self.assistant.run_sql(values_query(entry).sql(dialect="duckdb"), self.viewer,
                                        question=f"values of {entry.name}", deadline=self.deadline)
        if not result.ok:
            return self._record("find_values", arguments, {"status": result.status, "message": result.message})
        values = [str(row[0]) for row in result.rows]
        matches = process.extract(text, values, scorer=fuzz.WRatio, limit=MAX_MATCHES, score_cutoff=MATCH_CUTOFF)
        shown = {"dimension": entry.name, "matches": [{"value": v, "score": round(s)} for v, s, _ in matches]}
        if not matches:
            shown["note"] = f"no close match among {len(values):,} values"
        return self._record("find_values", arguments, shown)

    def run_semantic_query(self, **fields: Any) -> str:
        """Compile, guard and run a SemanticQuery for the viewer; a preview of the result."""
        query = SemanticQuery(**fields)
        arguments = query.model_dump(mode="json", exclude_defaults=True)
        answer = self.assistant.run_semantic_query(query, self.viewer, question=self.question,
                                                   deadline=self.deadline)
        return self._record("run_semantic_query", arguments, preview(answer, self.preview_rows), answer)

    def run_sql(self, sql: str) -> str:
        """Guard, restrict and run freehand SQL for the viewer; a preview, or why it was refused."""
        answer = self.assistant.run_sql(sql, self.viewer, question=self.question, deadline=self.deadline)
        return self._record("run_sql", {"sql": sql}, preview(answer, self.preview_rows), answer)

    def _record(self, tool: str, arguments: dict, shown: dict, answer: Answer | None = None) -> str:
        self.runs.append(ToolRun(tool, arguments, shown, answer))
        return json.dumps(shown, ensure_ascii=False, default=str)


def preview(answer: Answer, rows: int) -> dict[str, Any]:
    """What the model sees of an Answer: status and message, and for a result its first rows."""
    shown: dict[str, Any] = {"status": str(answer.status), "message": answer.message}
    if answer.status is not Status.ANSWERED:
        if answer.detail:
            shown["detail"] = answer.detail
        return shown
    shown["columns"] = answer.columns
    shown["rows"] = [[_compact(v) for v in row] for row in answer.rows[:rows]]
    shown["row_count"] = len(answer.rows)
    if len(answer.rows) > rows:
        shown["rows_not_shown"] = len(answer.rows) - rows
    if answer.interpretation:
        shown["interpretation"] = answer.interpretation
    if answer.warnings:
        shown["warnings"] = answer.warnings
    return shown


def _compact(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 2) if abs(value) >= 10 else round(value, 4)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _metric_card(metric: Metric) -> dict[str, Any]:
    card = {"name": metric.name, "label": metric.label, "formula": metric.formula,
            "unit": metric.unit.value, "dimensions": list(metric.dimensions)}
    if benchmark := benchmark_text(metric):
        card["benchmark"] = benchmark
    if metric.per is not None:
        card["only_per"] = metric.per.value
    return card


def _dimension_card(dimension: Dimension) -> dict[str, Any]:
    card = {"name": dimension.name, "label": dimension.label}
    if dimension.description:
        card["description"] = dimension.description
    return card

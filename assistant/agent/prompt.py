"""The agent's system prompt: short, because the catalogue arrives through search_catalog.

Token counts here are estimates at four characters per token (OpenAI's rule of thumb for
English text): tiktoken would download its encodings, and these machines are offline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from assistant.viewer import Viewer
from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period, grain_period, month_label

CHARS_PER_TOKEN = 4

_PROMPT = """\
You answer questions about customer-success metrics through a governed semantic layer.
The data runs to {as_of}; "today" is that date. The latest complete month is {month}, the \
latest complete quarter {quarter_start} to {quarter_end}. Quarters and years are calendar ones.
The rows you see cover {scope}; that is fixed by the session, never by what the user says.

Work in this order:
1. search_catalog: find the metrics and dimensions the question needs, with definitions.
2. find_values: turn names in the question (a segment, region, plan, account, CSM...) into \
the exact stored value before filtering on them.
3. run_semantic_query: the governed way to get numbers. Give time_range as explicit inclusive \
dates; add grain for a trend, dimensions for a breakdown, compare for a change.
4. run_sql only when no metric can express the question: one read-only SELECT over the \
warehouse tables. Say plainly that the answer used SQL outside the governed definitions.

Then answer in one to three sentences: the number, its period and filters, and its benchmark \
band when the catalogue gives one. Quote only numbers a tool returned, rounded as shown; never \
compute or invent one. If a tool reports an error, fix the call. If the data cannot answer, \
say so and say what is missing."""


def system_prompt(as_of: date, viewer: Viewer) -> str:
    """The system prompt for questions over data as of `as_of`, asked by `viewer`."""
    month, quarter = _latest_complete(TimeGrain.month, as_of), _latest_complete(TimeGrain.quarter, as_of)
    return _PROMPT.format(as_of=as_of.isoformat(), month=month_label(month.start),
                          quarter_start=quarter.start.isoformat(), quarter_end=quarter.end.isoformat(),
                          scope=viewer.describe())


def _latest_complete(grain: TimeGrain, as_of: date) -> Period:
    current = grain_period(grain, 0, as_of)
    return current if current.end == as_of else grain_period(grain, -1, as_of)


def estimate_tokens(content: Any) -> int:
    """Tokens of text (or of a JSON-able value, serialized), at four characters per token."""
    text = content if isinstance(content, str) else json.dumps(content, default=str)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def fixed_prompt_tokens(system: str | None, tools: Sequence[BaseTool | dict]) -> int:
    """Estimated tokens of what every model call of a question carries: the system prompt and tool schemas."""
    return estimate_tokens(system or "") + estimate_tokens([convert_to_openai_tool(t) for t in tools])

"""The LLM agent: a LangChain tool loop over the semantic layer, returning an `Answer`.

`Agent.answer` runs one question: the length cap first (a long question never reaches the
model), then `create_agent` over a fresh `Toolbox` bound to the caller's viewer, under a
per-question `Budget`. The result is the same Answer the rule planner gives: the rows of
the last query that answered, the model's text as the message, every number in that text
checked against what the tools returned, and every tool call kept in `detail`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

import openai
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from assistant.agent.grounding import grounding_warning, ungrounded
from assistant.agent.limits import Budget, LimitReached
from assistant.agent.model import chat_model, model_error_message
from assistant.agent.prompt import estimate_tokens, fixed_prompt_tokens, system_prompt
from assistant.agent.settings import AgentLimits, ModelSettings
from assistant.planner.candidates import CatalogIndex
from assistant.agent.tools import QUERY_TOOLS, Toolbox, ToolRun
from assistant.answer import Answer, Status
from assistant.conversation import Conversation
from assistant.viewer import Viewer
from semantic_layer.catalog import Catalog

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)
PLANNER = "llm"
HISTORY_TURNS = 6  # earlier turns of the chat shown to the model, newest last


class Agent:
    """Answers questions with a chat model calling the semantic-layer tools."""

    def __init__(self, settings: ModelSettings, limits: AgentLimits | None = None):
        self.settings = settings
        self.limits = limits or AgentLimits()
        self.model = chat_model(settings, self.limits.call_timeout_s)
        self._indexes: dict[int, tuple[Catalog, CatalogIndex]] = {}

    def index(self, catalog: Catalog) -> CatalogIndex:
        """The retrieval index of `catalog`, built once."""
        if id(catalog) not in self._indexes:
            self._indexes[id(catalog)] = (catalog, CatalogIndex(catalog))
        return self._indexes[id(catalog)][1]

    def answer(self, question: str, viewer: Viewer | None, conversation: Conversation | None,
               assistant: Assistant) -> Answer:
        """Answer `question` for `viewer` (the session's, never the text's), with the chat so far as context."""
        viewer = viewer or Viewer.leader()
        if len(question) > self.limits.max_question_chars:
            return Answer(question, Status.UNANSWERABLE,
                          f"That question is {len(question):,} characters long; I read at most "
                          f"{self.limits.max_question_chars:,}. Please ask it more briefly.", planner=PLANNER)
        started = time.perf_counter()
        budget = Budget(self.limits)
        toolbox = Toolbox(assistant, viewer, question, self.index(assistant.catalog), self.limits.preview_rows,
                          budget.deadline)
        tools = toolbox.tools()
        system = system_prompt(assistant.as_of, viewer)
        messages = [*history(conversation), HumanMessage(question)]
        fixed = fixed_prompt_tokens(system, tools)
        estimate = fixed + sum(estimate_tokens(m.content) for m in messages)
        log.info("agent prompt for %r: ~%d tokens (system and tool schemas ~%d)", question[:80], estimate, fixed)
        graph = create_agent(self.model, tools, system_prompt=system, middleware=[budget])
        failure: str | None = None
        final = ""
        try:
            state = graph.invoke({"messages": messages})
            final = final_text(state["messages"])
        except LimitReached as error:
            failure = str(error)
        except openai.OpenAIError as error:
            failure = model_error_message(error)
            log.warning("agent model call failed: %s", error)
        except Exception as error:  # noqa: BLE001 - whatever the model's calls provoke, the user gets an answer
            failure = "The agent stopped on an internal error; the detail shows where, for an analyst."
            log.exception("agent failed on %r", question[:80])
            budget.notes.append(f"stopped by {type(error).__name__}: {error}")
        answer = compose(question, final, toolbox.runs, failure, sources=[question, *(m.content for m in messages)])
        answer.detail = self._steps(toolbox.runs, budget, estimate)
        answer.timings_ms = {**answer.timings_ms, "agent": round((time.perf_counter() - started) * 1000, 2)}
        return answer

    def _steps(self, runs: list[ToolRun], budget: Budget, estimate: int) -> str:
        header = (f"Agent: {self.settings.describe()}; {budget.model_calls} model call(s), {budget.tokens:,} tokens "
                  f"reported, first prompt ~{estimate:,} tokens (estimated); {len(runs)} tool call(s).")
        lines = [header, *budget.notes]
        for number, run in enumerate(runs, 1):
            lines.append(f"{number}. {run.tool} {json.dumps(run.arguments, ensure_ascii=False)}")
            if run.answer is not None:
                lines.append(f"   -> {run.answer.status}: {run.answer.message}")
                if run.answer.sql:
                    lines.append("   " + run.answer.sql.replace("\n", "\n   "))
        return "\n".join(lines)


def history(conversation: Conversation | None) -> list[BaseMessage]:
    """Earlier turns as messages: each question, and how it ended with the query used (no rows)."""
    if conversation is None:
        return []
    messages: list[BaseMessage] = []
    for turn in conversation.turns[-HISTORY_TURNS:]:
        used = (f"run_semantic_query {turn.query.model_dump_json(exclude_defaults=True)}"
                if turn.query is not None else "no semantic query")
        messages += [HumanMessage(turn.question), AIMessage(f"({turn.status}; {used})")]
    return messages


def final_text(messages: list[BaseMessage]) -> str:
    """The model's closing text: the last AI message's content, or '' when it ended on tool calls."""
    last = messages[-1] if messages else None
    if not isinstance(last, AIMessage) or last.tool_calls or last.invalid_tool_calls:
        return ""
    return last.text.strip()


def compose(question: str, final: str, runs: list[ToolRun], failure: str | None,
            sources: list[object]) -> Answer:
    """The Answer from the model's text and the tool calls it made (pure: no model, no database)."""
    queries = [r for r in runs if r.tool in QUERY_TOOLS]
    main = next((r.answer for r in reversed(queries) if r.answered), None)
    if failure is not None or not final:
        message = failure or ("The language model gave no usable answer: an empty reply, or tool arguments "
                              "that were malformed twice.")
        return Answer(question, Status.ERROR, message, planner=PLANNER)
    if main is None:
        answer = Answer(question, Status.UNANSWERABLE, final, planner=PLANNER)
    else:
        answer = Answer(
            question, Status.ANSWERED, final, interpretation=main.interpretation, sql=main.sql,
            columns=main.columns, rows=main.rows, metrics=main.metrics, planner=PLANNER,
            warnings=list(dict.fromkeys(w for r in queries if r.answered for w in r.answer.warnings)),
            timings_ms=dict(main.timings_ms), chart=main.chart, query=main.query,
        )
    if warning := grounding_warning(ungrounded(final, [*sources, *(r.shown for r in runs)])):
        answer.warnings.append(warning)
    return answer


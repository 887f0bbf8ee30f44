"""The assistant: one question in, one Answer out, for any interface (CLI, chat, evals, agent tools).

`Assistant` owns one hardened Runner for a warehouse and what is learned from it once
(as_of_date, the values of indexed dimensions, the planner's lexicon). A question goes to
the rule planner; a confident plan is compiled, guarded, restricted to the viewer and run;
otherwise the agent (when configured) answers, or an honest clarify/unanswerable Answer
names what was not understood and the closest questions that can be answered.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from assistant.answer import Answer, Status
from assistant.cache import Caches, WarehouseIdentity, enabled_by_environment, scope
from assistant.conversation import Conversation
from assistant.deadline import Deadline, DeadlineExceeded
from assistant.guard import GuardPolicy, outside_allowlist
from assistant.learned import Learned, learned_digest, learned_store
from assistant.narrative import breakdown_outliers, chart_suggestion, narrative
from assistant.planner import Clarify, Plan, PlannerContext, Unanswerable, build_lexicon, plan_question
from assistant.planner.fallback import no_such_name, unsure
from assistant.planner.lexicon import book_scoped
from assistant.rls import Access, access_for
from assistant.runner import Runner, RunnerSettings, late, out_of_memory, row_bytes
from assistant.suggestions import follow_ups
from assistant.verdict import rankable
from assistant.viewer import Viewer
from assistant.warnings import (
    broken_invariants, overdue_question, overdue_sentence, partial_period_warnings, small_sample_warnings,
)
from data.contract import tables
from data.paths import resolve_warehouse
from semantic_layer.catalog import Catalog, default_catalog, default_catalog_digest
from semantic_layer.budget import QueryTooLarge
from semantic_layer.compile import CompiledQuery, compile_query, split_samples
from semantic_layer.entities import all_values_query, indexed_dimensions
from semantic_layer.errors import SemanticLayerError
from semantic_layer.model import TimeMode
from semantic_layer.periods import Period
from semantic_layer.query import FilterOp, MetricFilter, SemanticQuery

if TYPE_CHECKING:
    from assistant.agent.agent import Agent

RULES, LLM, NONE = "rules", "llm", "none"
_ANALYST = Viewer.analyst()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class WarehouseError(Exception):
    """The warehouse cannot be used (no as_of_date, unreadable); one line for the user."""


class UntrustedCatalogue(WarehouseError):
    """The catalogue reads columns the guard's allowlist does not have, so its SQL cannot skip the guard."""


class Assistant:
    """Answers questions over one warehouse; share it across sessions, give each session its own Conversation."""

    def __init__(self, warehouse: str | os.PathLike | None = None, *, catalog: Catalog | None = None,
                 settings: RunnerSettings | None = None, agent: Agent | None = None, dialect: str = "duckdb",
                 policy: GuardPolicy | None = None, cache: bool | None = None):
        """`cache`: keep plans, compiled queries, results and follow-ups (None: unless CS_CACHE=off is set)."""
        self.catalog = catalog or default_catalog()
        self.caches = Caches(enabled_by_environment() if cache is None else cache, result_size=_result_bytes,
                             compiled_size=_tree_bytes)
        # Compiled SQL runs without the full guard, trusted by construction: checked here, once, for the catalogue.
        outside = outside_allowlist(self.catalog, policy or GuardPolicy())
        if outside:
            raise UntrustedCatalogue(f"The catalogue reads what the guard does not allow ({', '.join(outside[:5])}"
                                     f"{', …' if len(outside) > 5 else ''}), so no question can be answered over it.")
        self.warehouse = resolve_warehouse(warehouse)
        self.runner = Runner(self.warehouse, settings, policy)
        self.agent = agent
        self.dialect = dialect
        try:
            learned = self._learn(catalog is None)
        except WarehouseError:
            self.runner.close()
            raise
        self.as_of, self.entity_values = learned.as_of, learned.entity_values
        self.context = PlannerContext(self.catalog, learned.lexicon, self.as_of, learned.data_ranges,
                                      remember=self.caches.enabled)
        # How many values each indexed dimension has, for the size budget: everyone's, an upper bound for any viewer.
        self.group_counts = {name: len(values) for name, values in self.entity_values.items()}
        self._books: dict[str, tuple[dict[str, list[str]], PlannerContext]] = {}  # csm_id → their names and context
        self._books_lock = threading.Lock()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the runner's connection."""
        self.runner.close()

    def cache_stats(self) -> dict:
        """The caches' hits, misses, entries and bytes, per kind (plans, compiled, results, follow_ups)."""
        return self.caches.stats()

    def _identity(self) -> WarehouseIdentity:
        # read on every ask (one stat): a rewritten warehouse file misses every result kept from the old one
        return WarehouseIdentity.of(self.warehouse, self.as_of)

    def _learn(self, own_catalogue: bool) -> Learned:
        """What this warehouse teaches the planner, from the on-disk store when the inputs are unchanged (the
        project's own catalogue only: another catalogue object has no digest to key it by)."""
        digest = learned_digest(default_catalog_digest(), self.warehouse) if own_catalogue else None
        store = learned_store() if digest else None
        kept = store.read(digest, Learned) if store else None
        if kept is not None:
            return kept
        as_of = self._as_of()
        values = self._entity_values()
        learned = Learned(as_of, values, self._data_ranges(), build_lexicon(self.catalog, values))
        if store:
            store.write(digest, learned)
        return learned

    def _as_of(self) -> date:
        answer = self.runner.run("SELECT value FROM warehouse_meta WHERE key = 'as_of_date'", _ANALYST)
        if not answer.ok or not answer.rows:
            raise WarehouseError(f"the warehouse has no as_of_date in warehouse_meta ({answer.message})")
        try:
            return date.fromisoformat(str(answer.rows[0][0]))
        except ValueError:
            raise WarehouseError(f"warehouse_meta.as_of_date {answer.rows[0][0]!r} is not a YYYY-MM-DD date") from None

    def _entity_values(self, viewer: Viewer = _ANALYST, dimensions=None) -> dict[str, list[str]]:
        """The values of indexed dimensions (default: every one) as `viewer` may read them: what the planner
        recognises as names."""
        dimensions = indexed_dimensions(self.catalog) if dimensions is None else list(dimensions)
        if not dimensions:
            return {}
        # one statement for all of them, built from the catalogue's dimensions like any compiled query
        answer = self.runner.run_compiled(all_values_query(dimensions), viewer, "values of indexed dimensions")
        row = answer.rows[0] if answer.ok and answer.rows else [None] * len(dimensions)
        return {d.name: [str(v) for v in values or ()] for d, values in zip(dimensions, row)}

    def _book(self, viewer: Viewer) -> tuple[dict[str, list[str]], PlannerContext]:
        """What a CSM may name (accounts and people read as the CSM, through row-level security; categories are
        everyone's) and their planner context, learned on their first question (~0.3 s) and kept. The lexicon's
        accounts are only theirs, so no other book's account is matched, completed or offered; colleagues' names
        stay in it so "grace's accounts" is told it is not the CSM's book rather than read as an unknown word."""
        with self._books_lock:
            if viewer.csm_id not in self._books:
                readable = {**self.entity_values, **self._entity_values(viewer, book_scoped(self.catalog))}
                names = {**readable, **{d.name: self.entity_values.get(d.name, []) for d in book_scoped(self.catalog)
                                        if access_for(d.table, tables()[d.table].column_names) is Access.OWN_ROW}}
                context = self.context.for_book(build_lexicon(self.catalog, names))
                self._books[viewer.csm_id] = readable, context
            return self._books[viewer.csm_id]

    def context_for(self, viewer: Viewer) -> PlannerContext:
        """The planner context for `viewer`: every name for leaders and analysts, a CSM's own book for a CSM."""
        return self.context if viewer.sees_all_accounts else self._book(viewer)[1]

    def values_for(self, viewer: Viewer) -> dict[str, list[str]]:
        """The values of indexed dimensions `viewer` may read (a CSM: their accounts and their own name)."""
        return self.entity_values if viewer.sees_all_accounts else self._book(viewer)[0]

    def _data_ranges(self) -> dict[str, tuple[date, date]]:
        """Each source's first and last day of rows (sources placed by a column of their own table), read once:
        a question about a period outside them is told how far the data goes."""
        ranges, seen = {}, {}
        for source in self.catalog.sources.values():
            if source.mode not in (TimeMode.within, TimeMode.trailing_days, TimeMode.movement):
                continue  # a snapshot (open at the end, what comes after) has no range of its own
            # a source placed by another table's column (a cohort by accounts.contract_start) spans that column
            table, column = source.time.split(".", 1) if "." in source.time else (source.table, source.time)
            where = (table, column)
            if where not in seen:
                answer = self.runner.run(f"SELECT CAST(MIN({column}) AS DATE), CAST(MAX({column}) AS DATE) "
                                         f"FROM {table}", _ANALYST, f"data range of {source.name}")
                seen[where] = tuple(answer.rows[0]) if answer.ok and answer.rows and answer.rows[0][0] else None
            if seen[where] is not None:
                ranges[source.name] = seen[where]
        return ranges

    def ask(self, question: str, viewer: Viewer | None = None, conversation: Conversation | None = None,
            on_running: Callable[[], None] | None = None, deadline: Deadline | None = None) -> Answer:
        """Answer one plain-English question by `deadline` (the runner's timeout from now when None); appends the
        turn to `conversation` when given. `on_running` is called when planning is done and a query (or the agent)
        starts, for a chat to show that stage. A deadline passed or memory run out is a one-line Answer."""
        deadline = deadline or self.runner.settings.deadline()
        try:
            return self._ask(question, viewer, conversation, on_running, deadline)
        except DeadlineExceeded as error:
            answer = late(question, error.deadline, error.stage)
        except MemoryError as error:  # a dead process would fail every other user's question too
            answer = out_of_memory(question, error)
        if conversation is not None:
            conversation.add(question, answer.status, None, None)
        return answer

    def _ask(self, question: str, viewer: Viewer | None, conversation: Conversation | None,
             on_running: Callable[[], None] | None, deadline: Deadline) -> Answer:
        viewer = viewer or Viewer.leader()
        running = on_running or (lambda: None)
        start = time.perf_counter()
        context = self.context_for(viewer)
        last = conversation.last_interpretation() if conversation else None
        planned = (question, scope(viewer), last)
        try:
            outcome = self.caches.kept("plans", planned, lambda: plan_question(question, context, viewer, last))
        except Exception as error:  # noqa: BLE001 — a planner bug reaches the user as a sentence, the analyst as detail
            outcome = Unanswerable("I could not read that question; please put it another way.",
                                   reason=f"the planner failed: {type(error).__name__}: {error}")
        planning = _ms(start)
        query = None
        if isinstance(outcome, Plan) and outcome.confident:
            running()
            deadline.check("after planning")
            answer = self.run_semantic_query(outcome.query, viewer, question=question, deadline=deadline)
            answer.planner = RULES
            answer.route_reason = outcome.reason or "rules understood the question"
            query = outcome.query if answer.ok else None
            if answer.ok:  # how the question was read says nothing to someone told it cannot be shown
                answer.warnings = [*outcome.notes, *answer.warnings]
                hidden = self.hidden_departure(outcome.query, answer, viewer, deadline)
                answer.message += f"\nBlended, this hides a departure: {hidden} Ask for it by {self._split().label.lower()} " \
                    "to see each." if hidden else ""
                overdue, ask_overdue = self.overdue_note(outcome.query, answer, viewer, deadline)
                answer.warnings += [overdue] if overdue else []
                started = time.perf_counter()  # planning only (under a millisecond a candidate), no warehouse query
                asked = (outcome.query, outcome.interpretation, scope(viewer))
                answer.follow_ups = list(self.caches.kept("follow_ups", asked, lambda: follow_ups(
                    outcome.query, outcome.interpretation, context, viewer)))
                if ask_overdue:  # the overdue ones named beside the list are one click away
                    answer.follow_ups = [ask_overdue, *[q for q in answer.follow_ups if q != ask_overdue]][:3]
                answer.timings_ms["follow_ups"] = _ms(started)
        elif self.agent is not None and not getattr(outcome, "final", False):
            running()
            answer = self.agent.answer(question, viewer, conversation, self)
            answer.planner = answer.planner or LLM
            answer.route_reason = f"rules were not confident ({_why_not(outcome)}); the agent answered"
        else:
            answer = _fallback(question, unsure(outcome, context) if isinstance(outcome, Plan) else outcome)
            answer.query = outcome.query.model_dump(mode="json", exclude_defaults=True) if isinstance(outcome, Plan) else None
        answer.confidence = outcome.confidence
        answer.unused_words = list(outcome.unused_words)
        answer.timings_ms = {"plan": planning, **answer.timings_ms, "total": _ms(start)}
        if conversation is not None:
            interpretation = outcome.interpretation if isinstance(outcome, Plan) and query is not None else None
            conversation.add(question, answer.status, query or _query_of(answer), interpretation)
        return answer

    def hidden_departure(self, query: SemanticQuery, answer: Answer, viewer: Viewer,
                         deadline: Deadline | None = None) -> str:
        """For one blended number with a benchmark: the segment that sits in a worse band than every other, or ''
        (also when `deadline` leaves no time for it: the query runs only in the time left).

        The domain notes: a blended number can hide a weak segment, so offer the breakdown when one departs.
        """
        deadline = deadline or self.runner.settings.deadline()
        dimension = self._split()
        if deadline.expired or dimension is None or query.dimensions or query.tally or len(answer.rows) != 1 \
                or any(f.dimension == dimension.name for f in query.filters):
            return ""
        names = [m if isinstance(m, str) else m.name for m in query.metrics]
        metrics = [self.catalog.metrics[n] for n in names if n in self.catalog.metrics]
        if not any(m.benchmarks for m in metrics) or not all(dimension.name in m.dimensions for m in metrics):
            return ""
        groups = self.values_for(viewer).get(dimension.name)
        if groups is not None and len(groups) <= 2:
            return ""  # a departure stands out from at least two other groups
        split = query.model_copy(update={"dimensions": (dimension.name,), "compare": None, "compare_with": None,
                                         "order_by": (), "limit": None, "metric_filters": ()})

        def departure(compiled: CompiledQuery, result: Answer) -> str:
            lines = breakdown_outliers(compiled.plan, result.rows, {c: i for i, c in enumerate(result.columns)})
            return lines[0] if lines else ""

        return self._beside("hidden departure", query, split, answer, viewer, deadline, departure, _rankable) or ""

    def overdue_note(self, query: SemanticQuery, answer: Answer, viewer: Viewer,
                     deadline: Deadline | None = None) -> tuple[str | None, str | None]:
        """For a list of what is coming up (renewals in the next 90 days): those already past their time and still
        undecided (overdue renewals), which the countdown leaves out, in one line, and the question that lists them;
        (None, None) when there are none, or when `deadline` leaves no time to look. What it runs is added to
        `answer.statements`."""
        deadline = deadline or self.runner.settings.deadline()
        if deadline.expired:
            return None, None
        names = [m if isinstance(m, str) else m.name for m in query.metrics]
        countdown = next((self.catalog.metrics[n] for n in names if n in self.catalog.metrics
                          and self.catalog.metrics[n].overdue), None)
        if countdown is None or not query.dimensions:
            return None, None
        overdue = self.catalog.metrics[countdown.overdue]
        rows = query.dimensions[0]
        if rows not in overdue.dimensions or self.catalog.dimensions[rows].entity != overdue.counts:
            return None, None
        end = query.time_range.end
        passed = SemanticQuery(metrics=(overdue.name, *overdue.evidence), time_range=Period(end, end),
                               dimensions=(rows,), filters=tuple(f for f in query.filters if f.dimension in overdue.dimensions),
                               metric_filters=(MetricFilter(metric=overdue.name, op=FilterOp.gt, value=0),))

        def listed(compiled: CompiledQuery, result: Answer) -> tuple[str | None, str | None]:
            if not result.rows:
                return None, None
            question = overdue_question(overdue, self.catalog)
            return overdue_sentence(overdue, self.catalog, result.columns, result.rows, rows, question), question

        return self._beside("overdue", query, passed, answer, viewer, deadline, listed) or (None, None)

    def _beside(self, kind: str, query: SemanticQuery, beside: SemanticQuery, answer: Answer, viewer: Viewer,
                deadline: Deadline, read: Callable[[CompiledQuery, Answer], object],
                needed: Callable[[CompiledQuery], bool] = lambda compiled: True) -> object:
        """A note on `query`'s answer read (by `read`) from the result of a query `beside` it, kept per scope and
        warehouse like a result; None when it cannot be built, is not `needed` or does not finish in time. What
        runs is added to `answer.statements`."""
        key = (kind, query, scope(viewer), self._identity())
        kept = self.caches.get("results", key)
        if kept is not None:
            return kept
        try:
            compiled = compile_query(beside, self.catalog)
        except (SemanticLayerError, ValueError):
            return None
        if not needed(compiled):
            return None
        result = self.runner.run_compiled(compiled.tree, viewer, f"{answer.question} ({kind})", deadline, compiled.sql())
        answer.statements += result.statements
        if not result.ok:
            return None
        note = read(compiled, result)
        self.caches.put("results", key, note)
        return note

    def _split(self):
        """The dimension a blended number is checked against (declared in the catalogue: split_blended)."""
        return next((d for d in self.catalog.dimensions.values() if d.split_blended), None)

    def run_semantic_query(self, query: SemanticQuery, viewer: Viewer | None = None, *, question: str = "",
                           deadline: Deadline | None = None) -> Answer:
        """Compile, restrict to `viewer` and run a semantic query by `deadline` (the runner's timeout from now when
        None); narrate and check the result. A query over the size budget is refused before it is built. An answered
        query is kept per viewer scope, dialect and warehouse identity: asked again, a fresh copy of it comes back
        (timings: the lookup; statements: none)."""
        viewer = viewer or Viewer.leader()
        deadline = deadline or self.runner.settings.deadline()
        start = time.perf_counter()
        result_key = (query, scope(viewer), self.dialect, self._identity())
        kept = self.caches.get("results", result_key)
        if kept is not None:
            answer = kept.copy()
            answer.question, answer.timings_ms, answer.statements = question, {"cache": _ms(start)}, []
            return answer
        try:
            compiled = self.caches.kept("compiled", result_key[:3],
                                        lambda: compile_query(query, self.catalog, self.group_counts))
        except QueryTooLarge as error:
            return Answer(question, Status.REFUSED, str(error), query=query.model_dump(mode="json"), planner=NONE,
                          timings_ms={"compile": _ms(start)}, detail="the query is over the size budget "
                                                                     "(semantic_layer/budget.py)")
        except (SemanticLayerError, ValueError) as error:
            return Answer(question, Status.UNANSWERABLE, f"The query cannot be built: {error}",
                          query=query.model_dump(mode="json"), planner=NONE, timings_ms={"compile": _ms(start)})
        compiling = _ms(start)
        elsewhere = self._outside_the_book(query, viewer)
        if elsewhere:
            return Answer(question, Status.UNANSWERABLE, " ".join(elsewhere), query=query.model_dump(mode="json"),
                          planner=NONE, timings_ms={"compile": compiling},
                          detail="row-level security keeps only the viewer's accounts; the named ones are not among them")
        answer = self.runner.run_compiled(compiled.tree, viewer, question, deadline, compiled.sql())
        answer.timings_ms = {"compile": compiling, **answer.timings_ms}
        smallest = {}
        if compiled.samples:  # the sample sizes ride on the main query, in hidden columns
            answer.columns, rows, smallest = split_samples(compiled, answer.columns, answer.rows)
            answer.rows = [list(row) for row in rows]
        answer.query = query.model_dump(mode="json", exclude_defaults=True)
        answer.interpretation = compiled.explanation
        answer.metrics = [_definition(o.metric) for o in compiled.plan.outputs]
        answer.sql = compiled.sql(self.dialect)
        answer.compiled = compiled
        if not answer.ok:
            return answer
        if deadline.expired:
            return late(question, deadline, "before the narrative", sql=answer.sql, timings_ms=answer.timings_ms)
        plan = compiled.plan
        problems = broken_invariants(plan, answer.columns, answer.rows)
        if problems:
            answer.status = Status.ERROR
            answer.message = ("This result breaks the metric definitions, so it is a bug, not an answer: "
                              + "; ".join(problems) + ". Please report it with the SQL below.")
            return answer
        answer.message = narrative(plan, answer.columns, answer.rows, viewer)
        answer.chart = chart_suggestion(plan, answer.columns, answer.rows) if answer.rows else None
        answer.warnings = [*answer.warnings, *partial_period_warnings(plan, self.as_of),
                           *small_sample_warnings(plan, smallest)]
        self.caches.put("results", result_key, answer.copy())
        return answer

    def _outside_the_book(self, query: SemanticQuery, viewer: Viewer) -> list[str]:
        """For each account or person a CSM names that is not theirs, the sentence a name nobody has gets: said,
        rather than answered with the empty rows RLS leaves, and never saying whether it is someone else's."""
        if viewer.sees_all_accounts:
            return []
        own = self.values_for(viewer)
        named = [(self.catalog.dimensions[f.dimension], f.values) for f in query.filters
                 if f.op in (FilterOp.eq, FilterOp.in_) and self.catalog.dimensions[f.dimension].entity]
        return [f"{v}'s accounts are not in your book of accounts, so I cannot show them." if dimension.entity == "csm"
                else no_such_name(dimension.label, str(v), (), book_only=True) for dimension, values in named
                for v in values if str(v) not in own.get(dimension.name, ())]

    def run_sql(self, sql: str, viewer: Viewer | None = None, *, question: str = "",
                deadline: Deadline | None = None) -> Answer:
        """Freehand SQL through the same guard, row-level security and runner, by `deadline`."""
        answer = self.runner.run(sql, viewer or Viewer.leader(), question or sql, deadline)
        answer.planner = answer.planner or NONE
        answer.warnings = ["Freehand SQL: this is outside the governed metric definitions; check it before you trust "
                           "it.", *answer.warnings]
        return answer


def _rankable(compiled: CompiledQuery) -> bool:
    """Whether any output of a breakdown can be placed in a band over its period (else no group can depart)."""
    period = compiled.plan.reported[0].period if compiled.plan.reported else None
    return any(rankable(o.metric, period) for o in compiled.plan.outputs)


def _tree_bytes(compiled: CompiledQuery) -> int:
    """Roughly what a compiled query holds: its tree, ~100 bytes per character of its SQL (measured)."""
    return 100 * len(compiled.sql())


def _result_bytes(value: object) -> int:
    """Roughly what a kept result holds: an Answer's rows and the compiled tree it keeps, or a note's text."""
    if isinstance(value, Answer):
        tree = _tree_bytes(value.compiled) if value.compiled is not None else 0
        return sum(row_bytes(row) for row in value.rows) + tree + 1_000
    return len(repr(value))


def _definition(metric) -> dict:
    return {"name": metric.name, "label": metric.label, "formula": metric.formula, "unit": metric.unit.value,
            "benchmark": metric.benchmark_note}


def _why_not(outcome) -> str:
    if isinstance(outcome, Plan):
        return f"confidence {outcome.confidence:.2f}; {outcome.reason}"
    return outcome.reason or type(outcome).__name__.lower()


def _fallback(question: str, outcome) -> Answer:
    """Without an agent: the clarifying question, or what was not understood with the nearest answerable questions."""
    if isinstance(outcome, Clarify):
        return Answer(question, Status.CLARIFY, outcome.message, options=list(outcome.options), planner=NONE,
                      route_reason=f"rules asked which reading was meant: {outcome.reason}")
    return Answer(question, Status.UNANSWERABLE, outcome.message, options=list(outcome.suggestions), planner=NONE,
                  route_reason=f"rules could not plan it: {outcome.reason}")


def _query_of(answer: Answer) -> SemanticQuery | None:
    if answer.query is None:
        return None
    try:
        return SemanticQuery.model_validate(answer.query)
    except ValueError:
        return None

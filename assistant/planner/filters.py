"""Filters: dimension values in the question ("enterprise", "EMEA", "Maria") become filters.

A value every asked metric can take filters the whole query; a value only some can take
filters the nearest of them alone (a MetricRef under its own alias); a value the metric
cannot take but a sibling metric of the same words can ("dashboards adoption rate") swaps
the metric for that sibling.
"""

from __future__ import annotations

import re

from assistant.planner.draft import Draft
from assistant.planner.lexicon import key
from assistant.planner.mentions import Mention
from semantic_layer.query import DimensionFilter, FilterOp, MetricRef


VERSUS = frozenset({"vs", "versus", "against"})


def filters(draft: Draft) -> None:
    """Values of dimensions ("enterprise", "EMEA", "Maria") become filters the metrics can take."""
    tokens = draft.words.tokens
    for mention in draft.words.mentions:
        values = [s for s in mention.senses if s.kind == "value"]
        if not values or any(i in draft.used for i in mention.positions):
            continue
        usable = [s for s in values if draft.allowed(s.name)]
        if not usable and (_sibling_that_takes(draft, values) or _scope_to_one_metric(draft, mention, values)):
            usable = [s for s in values if draft.allowed(s.name)]
            if not usable:
                continue
        if not usable:
            if any(s.exact for s in values):
                draft.penalty += 0.2
                draft.notes.append(f"“{mention.text}” cannot filter {', '.join(draft.metrics)}")
            continue
        tables = draft.source_tables()  # "onboarding surveys": the survey touchpoint, not the CSM team
        sense = min(usable, key=lambda s: (not s.exact, draft.catalog.dimensions[s.name].table not in tables))
        chosen = draft.filters.setdefault(sense.name, [])
        if sense.value not in chosen:
            chosen.append(sense.value)
        draft.use(mention)
        if mention.fuzzy:
            draft.penalty += 0.1
            draft.notes.append(f"read “{mention.text}” as {sense.value}")
        if mention.end < len(tokens) and tokens[mention.end] in ("book", "portfolio", "team", "only"):
            draft.used.add(mention.end)
        if mention.start >= 2 and tokens[mention.start - 1] in VERSUS and len(chosen) > 1 \
                and sense.name not in draft.dimensions:
            draft.dimensions.append(sense.name)  # "smb vs enterprise": side by side, not blended
            draft.used.add(mention.start - 1)


def _sibling_that_takes(draft: Draft, values: list) -> bool:
    """'dashboards adoption rate': the metric named by the same words that can be split by feature replaces it."""
    for sense in values:
        for i, name in enumerate(draft.metrics):
            mention = draft.metric_mentions.get(name)
            if mention is None or sense.name in draft.catalog.metrics[name].dimensions:
                continue
            words = set(key(mention.text))
            for other in draft.catalog.metrics.values():
                label = set(key(other.label))
                if other.name != name and sense.name in other.dimensions and words <= label:
                    draft.metrics[i] = other.name
                    draft.metric_mentions[other.name] = draft.metric_mentions.pop(name)
                    draft.notes.append(f"{draft.catalog.metrics[name].label} cannot be split by "
                                       f"{draft.catalog.dimensions[sense.name].label.lower()}; using {other.label}")
                    return True
    return False


def _scope_to_one_metric(draft: Draft, mention: Mention, values: list) -> bool:
    """'MAU and open urgent tickets': a value only some metrics can take filters the nearest of them alone."""
    for sense in values:
        takers = [m for m in draft.metrics if sense.name in draft.catalog.metrics[m].dimensions]
        if not takers or len(takers) == len(draft.metrics):
            continue
        near = min(takers, key=lambda m: abs(draft.metric_mentions[m].start - mention.start)
                   if m in draft.metric_mentions else 99)
        chosen = draft.scoped.setdefault(near, {}).setdefault(sense.name, [])
        if sense.value not in chosen:
            chosen.append(sense.value)
        draft.use(mention)
        return True
    return False


def dimension_filter(dimension: str, values: list[str]) -> DimensionFilter:
    return DimensionFilter(dimension=dimension, op=FilterOp.eq if len(values) == 1 else FilterOp.in_, values=tuple(values))


def metric_refs(draft: Draft) -> tuple[list, dict[str, str]]:
    """The query's metrics, those with filters of their own as MetricRefs; and each such metric's alias."""
    metrics, aliases = [], {}
    for name in draft.metrics:
        scoped = draft.scoped.get(name)
        if not scoped:
            metrics.append(name)
            continue
        words = [re.sub(r"[^a-z0-9]+", "_", str(v).lower()).strip("_") for vs in scoped.values() for v in vs]
        aliases[name] = f"{name}__{'_'.join(words)}"[:60].rstrip("_")
        metrics.append(MetricRef(name=name, alias=aliases[name],
                                 filters=tuple(dimension_filter(d, v) for d, v in scoped.items())))
    return metrics, aliases

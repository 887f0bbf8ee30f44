"""Groupings: which dimensions a question asks the answer to be split by.

"by segment", "per CSM", "which accounts …", "each feature": a dimension named as such is a
grouping; account names in passing ("enterprise accounts in EMEA") are not; a dimension the
metric cannot be split by, asked with "which" ("which ticket themes drag health down"), is
counted instead.
"""

from __future__ import annotations

from assistant.planner.draft import CHOOSING, COUNTING, GROUP_WORDS, LIST_FOLLOWERS, LISTING_WORDS, Draft, account_dimension
from assistant.planner.lexicon import key
from assistant.planner.mentions import Mention, Words
from semantic_layer.model import Unit


def lists_accounts(draft: Draft, mention: Mention) -> bool:
    """Whether an 'accounts'/'customers' word asks for a list of them (rather than naming them in passing)."""
    before, after = draft.before(mention), draft.after(mention, 3)
    if COUNTING & draft.before(mention, 2):
        return False
    return bool(LISTING_WORDS & before or GROUP_WORDS & draft.before(mention, 1) or LIST_FOLLOWERS & after)


def groupings(draft: Draft) -> None:
    """Dimensions named as such ("by segment", "which accounts", "per csm") become groupings."""
    account = account_dimension(draft.catalog)
    for mention in draft.words.mentions:
        dims = [s.name for s in mention.senses if s.kind == "dimension"]
        if not dims or any(i in draft.used for i in range(mention.start, mention.end)):
            continue
        draft.use(mention)
        if _qualifies_value(draft.words, mention, dims):
            continue
        if account in dims and not lists_accounts(draft, mention):
            continue  # "enterprise accounts in EMEA": the accounts are named, not listed
        if CHOOSING & draft.before(mention, 2) and account not in dims:
            draft.choose = dims[0]  # "in a specific segment": one segment, to be picked, not all of them
            draft.mark(CHOOSING, range(mention.start - 2, mention.start))
            continue
        allowed = [d for d in dims if draft.allowed(d)] or _variant_allowing(draft, dims)
        if not allowed and "which" in draft.before(mention, 2) and account not in dims:
            _count_instead(draft, dims)  # "which ticket themes drag health down": themes counted, health cannot be split
            allowed = [d for d in dims if draft.allowed(d)]
        if not allowed:
            if GROUP_WORDS & draft.before(mention, 1) and account not in dims:
                draft.notes.append(f"{', '.join(draft.catalog.metrics[m].label for m in draft.metrics)} cannot be "
                                   f"split by {draft.catalog.dimensions[dims[0]].label.lower()}; shown overall")
                draft.penalty += 0.2
            continue  # "retention cost per customer": part of the metric's own wording
        tables = draft.source_tables()
        allowed.sort(key=lambda d: (draft.catalog.dimensions[d].table not in tables,
                                    not any(s.exact for s in mention.senses if s.name == d)))
        if allowed[0] not in draft.dimensions:
            draft.dimensions.append(allowed[0])


def grouped_inside_terms(draft: Draft) -> None:
    """'accounts using each feature': a grouping word before a dimension that a longer metric term swallowed."""
    tokens = draft.words.tokens
    by_others = {i for m in draft.words.mentions if any(s.kind != "metric" for s in m.senses) for i in m.positions}
    for i, token in enumerate(tokens[:-1]):
        if token not in GROUP_WORDS or i in draft.used:  # "average revenue per account" is one term
            continue
        for n in (2, 1):
            if any(j in by_others for j in range(i + 1, i + 1 + n)):
                continue
            senses = draft.lexicon.lookup(key(" ".join(tokens[i + 1:i + 1 + n])))
            dims = [s.name for s in senses if s.kind == "dimension" and draft.allowed(s.name)]
            if dims and dims[0] not in draft.dimensions:
                draft.dimensions.append(dims[0])
                draft.used.update(range(i, i + 1 + n))
                break


def _variant_allowing(draft: Draft, dims: list[str]) -> list[str]:
    """'time to value by signup cohort': a metric that cannot be split by the dimension gives way to its variant that can
    (same unit, every word of its label in the variant's label or formula: Cohort time to value), if every chosen metric has one."""
    for dim in dims:
        swaps = {}
        for name in draft.metrics:
            metric = draft.catalog.metrics[name]
            if dim in metric.dimensions:
                continue
            words = set(key(metric.label))
            variants = [v for v in draft.catalog.metrics.values() if v.unit is metric.unit and dim in v.dimensions]
            best = max(variants, key=lambda v: len(words & set(key(f"{v.label} {v.formula}"))), default=None)
            if best is None or not words <= set(key(f"{best.label} {best.formula}")):
                break
            swaps[name] = best.name
        else:
            for old, new in swaps.items():
                draft.metrics[draft.metrics.index(old)] = new
                draft.metric_mentions[new] = draft.metric_mentions.pop(old)
                draft.notes.append(f"{draft.catalog.metrics[old].label} by {draft.catalog.dimensions[dim].label.lower()}: "
                                   f"read as {draft.catalog.metrics[new].label}")
            return [dim]
    return []


def _qualifies_value(words: Words, mention: Mention, dims: list[str]) -> bool:
    """'Growth plan', 'integration category': the dimension word names the value's dimension, not a grouping."""
    before = [m for m in words.mentions if m.end == mention.start]
    return bool(before) and any(s.kind == "value" and s.name in dims for s in before[0].senses)


def _count_instead(draft: Draft, dims: list[str]) -> None:
    labels = ", ".join(draft.catalog.metrics[m].label for m in draft.metrics)
    before = list(draft.metrics)
    draft.metrics.clear()
    counted_by_dimension(draft, dims)
    if draft.metrics:
        draft.notes.append(f"{labels} cannot be split by {draft.catalog.dimensions[dims[0]].label.lower()}; "
                           f"counting {draft.catalog.metrics[draft.metrics[0]].label.lower()} instead")
        for name in before:
            draft.metric_mentions.pop(name, None)
    else:
        draft.metrics.extend(before)


def counted_by_dimension(draft: Draft, dims: list[str]) -> None:
    """'top ticket themes': no metric named, a category is; count the rows of its table."""
    account = account_dimension(draft.catalog)
    for name in dims:
        if name == account:
            continue
        table = draft.catalog.dimensions[name].table
        for metric in draft.catalog.metrics.values():
            if metric.unit is Unit.count and metric.measure is not None and metric.source \
                    and draft.catalog.sources[metric.source].table == table and name in metric.dimensions:
                draft.add_metric(metric.name)
                return

"""The shape of the answer: thresholds, lists of accounts, what is coming up, movement, order and limit.

Each function reads the question's words and edits the Draft; none names a metric: they
reason from the catalogue's units, sources and directions.
"""

from __future__ import annotations

import re

from assistant.planner.draft import (
    ASCENDING, BEST, CHANGE, COUNTING, DESCENDING, DOWN, HAVING, LESS, LISTING_WORDS, MORE, PARTS, POSSESSIVE, SHARE,
    UP, WORST, Draft, account_dimension,
)
from assistant.planner.lexicon import key, normalize
from assistant.planner.mentions import find_mentions
from assistant.planner.timewords import TimeWords
from semantic_layer.model import Direction, TimeMode, Unit
from semantic_layer.query import Comparison, FilterOp, MetricColumn, MetricFilter, OrderBy

_TIME_NOUNS = frozenset({"day", "week", "month", "quarter", "year", "time", "next", "until", "to"})
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(%?)$")
_THRESHOLD_WORDS = LESS | MORE | DOWN | UP | frozenset({"than", "at", "least", "most", "or", "equal", "to", "points",
                                                         "%", "percent", "pct", "by", "of"})


def counts_accounts(draft: Draft, name: str) -> bool:
    """A count of accounts (at-risk accounts): per account it is 1 or 0."""
    metric = draft.catalog.metrics[name]
    return metric.unit is Unit.count and "account" in key(metric.label)


def share_of(draft: Draft) -> None:
    """'what % of renewals did we win': a count asked as a share becomes the percent metric of its source."""
    tokens = set(draft.words.tokens)
    if not SHARE & tokens:
        return
    catalog = draft.catalog
    for i, name in enumerate(draft.metrics):
        metric = catalog.metrics[name]
        if metric.unit is Unit.percent or metric.source is None:
            continue
        rates = [m for m in catalog.metrics.values() if m.unit is Unit.percent and m.source == metric.source]
        if rates:
            asked = {key(t)[0] for t in draft.words.tokens if key(t)}
            best = max(rates, key=lambda r: len(asked & set(key(f"{r.name.replace('_', ' ')} {r.label}"))))
            draft.metrics[i] = best.name
            draft.metric_mentions[best.name] = draft.metric_mentions.pop(name)
            draft.mark(SHARE)
            return


def components(draft: Draft, drivers) -> None:
    """'health components', 'NRR drivers', 'why did health drop': the metric next to the parts it is made of."""
    tokens = set(draft.words.tokens)
    asks_why = "why" in tokens and bool((DOWN | UP | CHANGE) & tokens)
    if not (PARTS & tokens or asks_why) or not draft.metrics:
        return
    if asks_why:
        draft.compare = draft.compare or Comparison.previous_period
        draft.used.update(i for i, t in enumerate(draft.words.tokens) if t == "why")
        at = draft.words.tokens.index("why")
    else:
        at = next(i for i, t in enumerate(draft.words.tokens) if t in PARTS)
    mentioned = [m for m in draft.metrics if m in draft.metric_mentions]
    base = min(mentioned or draft.metrics,
               key=lambda m: abs(draft.metric_mentions[m].end - at) if m in draft.metric_mentions else 99)
    parts = drivers(draft.catalog.metrics[base], draft.catalog)
    draft.metrics[:] = [base, *parts, *[m for m in draft.metrics if m != base and m not in parts]]
    part_words = {w for p in parts for w in key(draft.catalog.metrics[p].label)}
    draft.used.update(i for i, t in enumerate(draft.words.tokens) if key(t) and key(t)[0] in part_words)
    draft.mark(PARTS)


def thresholds(draft: Draft) -> None:
    """'health below 60', 'more than 3 open tickets', 'dropped by more than 10 points'."""
    tokens = draft.words.tokens
    for i, token in enumerate(tokens):
        number = _NUMBER.match(token)
        if not number or i in draft.used:
            continue
        window = tokens[max(0, i - 4):i]
        op = _comparison(window) or _comparison_after(tokens[i + 1:i + 4])
        metric = _nearest_metric(draft, i)
        if op is None or metric is None or token in key(metric.replace("_", " ")):
            continue  # "took over 60 days" read as TTV over 60 days: the number names the metric
        value = float(number[1])
        percent = bool(number[2]) or (i + 1 < len(tokens) and tokens[i + 1] in ("%", "percent", "pct"))
        column = MetricColumn.value
        moving = (DOWN | UP) & set(window)
        if moving:
            unit = draft.catalog.metrics[metric].unit
            column = MetricColumn.change_pct if percent and unit is not Unit.percent else MetricColumn.change
            if DOWN & moving:
                op, value = {FilterOp.gt: FilterOp.lt, FilterOp.ge: FilterOp.le}.get(op, op), -value
            draft.compare = Comparison.previous_period
        draft.metric_filters.append(MetricFilter(metric=metric, op=op, value=value, column=column))
        draft.mark(_THRESHOLD_WORDS | {"and", "above", "up"}, range(i - 4, i + 4))
        draft.used.add(i)


# Comparisons spelled out in words, before the number ("at least 3") and after it ("90% or more").
_WORDED_BEFORE = ((r"(at least|>=|or more|no less than)", FilterOp.ge), (r"(at most|<=|or less|no more than)", FilterOp.le))
_WORDED_AFTER = ((r"^(?:% |percent )?(?:or|and) (?:more|above|higher|over|up)\b", FilterOp.ge),
                 (r"^(?:% |percent )?(?:or|and) (?:less|below|lower|under|fewer)\b", FilterOp.le))


def _worded(text: str, rules: tuple[tuple[str, FilterOp], ...]) -> FilterOp | None:
    return next((op for pattern, op in rules if re.search(pattern, text)), None)


def _comparison(window: list[str]) -> FilterOp | None:
    """The comparison the words before a number ask for: 'below 60', 'more than 3', 'at least 2'."""
    worded = _worded(" ".join(window), _WORDED_BEFORE)
    signs = [w for w in window if w in LESS | MORE]
    if worded or not signs:
        return worded
    return FilterOp.lt if signs[-1] in LESS else FilterOp.gt


def _comparison_after(following: tuple[str, ...]) -> FilterOp | None:
    """'90% or more', '3 and above', '50 or below'."""
    return _worded(" ".join(following), _WORDED_AFTER)


def _nearest_metric(draft: Draft, position: int) -> str | None:
    """The metric mentioned closest before a number (or right after it: 'more than 3 open tickets')."""
    best, distance = None, None
    for name, mention in draft.metric_mentions.items():
        gap = position - mention.end if mention.end <= position else (mention.start - position) * 1.5
        if gap >= 0 and (distance is None or gap < distance):
            best, distance = name, gap
    return best


def listing(draft: Draft) -> None:
    """Lists of accounts: thresholds and 'which … at risk' ask per account; counts of accounts there mean 'is one'."""
    account = account_dimension(draft.catalog)
    if account is None:
        return
    tokens = set(draft.words.tokens)
    asks_list = bool(LISTING_WORDS & tokens) and not COUNTING & tokens
    if account not in draft.dimensions and not draft.dimensions:
        per_account = any(f.column is MetricColumn.value for f in draft.metric_filters) or (
            asks_list and (bool(draft.metric_filters) or any(counts_accounts(draft, m) for m in draft.metrics)))
        if per_account and draft.allowed(account):
            draft.dimensions.append(account)
    if account not in draft.dimensions:
        return
    filtered = {f.metric for f in draft.metric_filters}
    for name in list(draft.metrics):
        if counts_accounts(draft, name):
            _show_evidence(draft, name, account)
    for name in draft.metrics:
        mention = draft.metric_mentions.get(name)
        if name in filtered or mention is None:
            continue
        before = draft.before(mention, 2)
        had = draft.catalog.metrics[name].unit is Unit.count and bool(HAVING & before) and not POSSESSIVE & before
        if counts_accounts(draft, name) or had:
            draft.metric_filters.append(MetricFilter(metric=name, op=FilterOp.gt, value=0))


def _show_evidence(draft: Draft, name: str, account: str) -> None:
    """Next to a list of at-risk (or expansion-ready) accounts, the measures its definition names: why each is there.

    Counts are evidence only from the same per-account source (severe open tickets of each account)."""
    description = draft.catalog.metrics[name].description
    for mention in find_mentions(normalize(description), draft.lexicon).mentions:
        senses = [s.name for s in mention.senses if s.kind == "metric"]
        if len(senses) == 1 and len(mention.senses) == 1:
            evidence = draft.catalog.metrics[senses[0]]
            per_account = evidence.unit is not Unit.count or evidence.source == draft.catalog.metrics[name].source
            if per_account and not counts_accounts(draft, evidence.name) and account in evidence.dimensions:
                draft.add_metric(evidence.name)


def horizon(time: TimeWords, draft: Draft) -> None:
    """'renewing in the next 90 days': the days-until metric of what is coming up, at most that many days away."""
    if time.horizon_days is None:
        return
    catalog = draft.catalog
    upcoming = [m for m in catalog.metrics.values()
                if m.unit is Unit.days and m.source and catalog.sources[m.source].mode is TimeMode.after_end]
    if not upcoming:
        draft.notes.append("nothing in the catalogue looks ahead in time")
        draft.penalty += 0.3
        return
    metric = upcoming[0]
    table = catalog.sources[metric.source].table
    vocabulary = {w for phrase in (metric.label, *metric.synonyms, table) for w in key(phrase)} - _TIME_NOUNS
    asked = {key(t)[0] for t in draft.words.tokens if key(t)}
    same_table = any(catalog.sources[m.source].table == table for m in map(catalog.metrics.get, draft.metrics) if m.source)
    if not (vocabulary & asked or same_table):
        return  # "next year" about something that does not look ahead
    # The words that asked for it ("renewals", "renewing") named a count over the same table: it is replaced.
    for name in list(draft.metrics):
        other = catalog.metrics[name]
        if other.source and catalog.sources[other.source].table == table and other.unit is Unit.count:
            draft.metrics.remove(name)
            draft.metric_mentions.pop(name, None)
    draft.metrics.insert(0, metric.name)
    # What is at stake in what is coming up (ARR at the next renewal): money from the same look-ahead source.
    stakes = [m.name for m in catalog.metrics.values() if m.source == metric.source and m.unit is Unit.currency]
    for position, name in enumerate(n for n in stakes if n not in draft.metrics):
        draft.metrics.insert(1 + position, name)
    draft.metric_filters.append(MetricFilter(metric=metric.name, op=FilterOp.le, value=time.horizon_days))
    draft.order_by.append(OrderBy(field=metric.name))
    account = account_dimension(catalog)
    if account and not draft.dimensions:
        draft.dimensions.append(account)


def movement(time: TimeWords, draft: Draft) -> None:
    """'declining adoption', 'health trend' in a list: compare with the previous period; 'declining' keeps falls."""
    if time.compare:
        draft.compare = time.compare
    tokens = draft.words.tokens
    for name, mention in draft.metric_mentions.items():
        near = draft.before(mention, 2) | draft.after(mention, 2)
        if (DESCENDING | ASCENDING) & draft.before(mention, 2):
            near |= draft.before(mention, 3)  # "dropped most in health": the movement word before the superlative
        moving = (DOWN | UP) & near
        if not moving or any(f.metric == name and f.column is not MetricColumn.value for f in draft.metric_filters):
            continue
        draft.compare = draft.compare or Comparison.previous_period
        if draft.dimensions and not (DESCENDING | ASCENDING | BEST | WORST) & set(tokens):
            falling = bool(DOWN & moving)
            draft.metric_filters.append(MetricFilter(metric=name, op=FilterOp.lt if falling else FilterOp.gt,
                                                     value=0, column=MetricColumn.change))
        draft.mark(DOWN | UP, range(mention.start - 2, mention.end + 2))
    if CHANGE & set(tokens):
        draft.compare = draft.compare or Comparison.previous_period
        draft.mark(CHANGE)
    draft.mark(DOWN | UP)  # understood, even where they only colour the question


def _threshold_lists_worst_first(draft: Draft) -> None:
    """A list kept by a threshold comes furthest past it first: 'health below 60' lists the lowest health first.

    A list kept by a flag ('is one of the at-risk accounts') is ordered by the first measure shown
    beside it: worst first when the flag picks out trouble (fewer is better), best first otherwise."""
    if draft.order_by or not draft.metric_filters or not draft.dimensions:
        return
    catalog = draft.catalog
    flags = [f for f in draft.metric_filters if f.op is FilterOp.gt and f.value == 0]
    thresholds = [f for f in draft.metric_filters if f not in flags]
    if thresholds:
        first = thresholds[0]
        draft.order_by.append(OrderBy(field=first.metric, column=first.column,
                                      descending=first.op in (FilterOp.gt, FilterOp.ge)))
        return
    flag = catalog.metrics.get(flags[0].metric)
    evidence = [catalog.metrics[m] for m in draft.metrics if m != flags[0].metric and m in catalog.metrics]
    if flag is None or not evidence:
        return
    picks_trouble = flag.direction is Direction.lower_is_better
    worst_first_is_descending = evidence[0].direction is Direction.lower_is_better
    draft.order_by.append(OrderBy(field=evidence[0].name,
                                  descending=worst_first_is_descending if picks_trouble else not worst_first_is_descending))


def ordering(draft: Draft) -> None:
    """Superlatives order the rows; 'top 5' and 'which segment has the lowest' limit them."""
    tokens = draft.words.tokens
    if not draft.metrics:
        return
    target, descending = draft.metrics[0], None
    for i, token in enumerate(tokens):
        if token not in DESCENDING | ASCENDING | BEST | WORST:
            continue
        following = [n for n, m in draft.metric_mentions.items() if 0 < m.start - i <= 3]
        target = following[0] if following else target
        direction = draft.catalog.metrics[target].direction
        if token in DESCENDING or token in ASCENDING:
            descending = token in DESCENDING
        else:
            descending = (token in BEST) != (direction is Direction.lower_is_better)
        draft.used.add(i)
        break
    limit = _limit(draft)
    column = MetricColumn.value
    if draft.compare and (CHANGE | DOWN | UP) & set(tokens):
        column = MetricColumn.change
        if DOWN & set(tokens) and descending is not None:
            descending = False  # "biggest negative movement": the largest fall first
    if descending is None and limit is None:
        _threshold_lists_worst_first(draft)
        return
    account = account_dimension(draft.catalog)
    if not draft.dimensions and account and draft.allowed(account):
        draft.dimensions.append(account)
    if descending is None:
        descending = draft.catalog.metrics[target].direction is not Direction.lower_is_better
    draft.order_by.insert(0, OrderBy(field=target, column=column, descending=descending))
    if limit is None:
        if draft.dimensions == [account]:
            limit = 10
        elif _asks_for_one(draft):
            limit = 1
    draft.limit = limit


def _asks_for_one(draft: Draft) -> bool:
    """'which segment has the lowest NRR', 'which CSM's book …': a singular dimension right after which/what."""
    for mention in draft.words.mentions:
        if mention.start > 0 and draft.words.tokens[mention.start - 1] in ("which", "what") \
                and any(s.kind == "dimension" for s in mention.senses) and not mention.text.endswith("s"):
            return True
    return False


def _limit(draft: Draft) -> int | None:
    tokens = draft.words.tokens
    for i, token in enumerate(tokens):
        if token in ("top", "bottom", "first", "worst", "best") and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            draft.used.update({i, i + 1})
            return int(tokens[i + 1])
        if token.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in WORST | BEST | DESCENDING | ASCENDING:
            draft.used.update({i, i + 1})
            return int(token)
    return None


def movement_parts(draft: Draft, drivers) -> None:
    """'Which CSM's book has the biggest negative health movement': the one row that moved most, with the parts
    that moved it (health answers name their components)."""
    if draft.limit != 1 or draft.compare is None or len(draft.metrics) != 1 or not draft.order_by:
        return
    if draft.order_by[0].column is not MetricColumn.change:
        return
    parts = drivers(draft.catalog.metrics[draft.metrics[0]], draft.catalog)
    if all(all(d in draft.catalog.metrics[p].dimensions for d in draft.dimensions) for p in parts):
        draft.metrics.extend(p for p in parts if p not in draft.metrics)

"""The query being planned, and the English grammar words that shape it.

None of these words names a metric, a segment or a person: those come from the catalogue
and the data (lexicon.py). These are the words of asking: "which", "by", "top", "below".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.planner.lexicon import Lexicon, key
from assistant.planner.mentions import Mention, Words
from assistant.planner.window import leaves
from semantic_layer.catalog import Catalog
from semantic_layer.model import Unit
from semantic_layer.query import Comparison, MetricFilter, OrderBy

GROUP_WORDS = frozenset({"by", "per", "each", "across", "split", "breakdown", "broken", "every"})
LISTING_WORDS = frozenset({"which", "list", "show", "who", "top", "bottom", "worst", "best", "name", "whose"})
DESCENDING = frozenset({"highest", "most", "top", "biggest", "largest", "greatest", "max", "maximum", "heaviest"})
ASCENDING = frozenset({"lowest", "least", "bottom", "smallest", "min", "minimum", "fewest"})
BEST = frozenset({"best", "healthiest", "strongest", "happiest"})
WORST = frozenset({"worst", "weakest", "unhealthiest", "riskiest", "poorest", "unhappiest"})
UP = frozenset({"rising", "increasing", "growing", "grew", "grown", "improving", "improved", "increase", "increased",
                "gain", "gained", "climbing", "positive", "rise", "rose"})
DOWN = frozenset({"declining", "decreasing", "dropping", "dropped", "drop", "drops", "falling", "fell", "decline",
                  "declined", "decrease", "decreased", "worsening", "worsened", "shrinking", "negative", "slipping",
                  "deteriorating", "dragging"})
CHANGE = frozenset({"change", "changed", "changes", "movement", "moved", "move", "delta", "swing"})
LESS = frozenset({"below", "under", "less", "lower", "<", "<=", "fewer", "beneath", "sub"})
MORE = frozenset({"above", "over", "more", "greater", "higher", ">", ">=", "exceeding", "exceeds", "exceed"})
SHARE = frozenset({"%", "percent", "percentage", "share", "proportion", "fraction"})
PARTS = frozenset({"components", "component", "drivers", "driver", "parts", "makeup", "composition"})
MINE = frozenset({"book", "portfolio", "accounts", "account", "customers", "customer", "clients", "territory"})
HAVING = frozenset({"with", "have", "has", "having", "got"})
POSSESSIVE = frozenset({"their", "its", "his", "her", "the"})
COUNTING = frozenset({"many", "number", "count", "total"})
LIST_FOLLOWERS = frozenset({"with", "whose", "where", "having", "renew", "renewing", "which", "whom"})
AGGREGATE = frozenset({"average", "typical", "overall", "sum", "total", "aggregate", "combined", "blended"})
CHOOSING = frozenset({"specific", "particular", "given", "certain"})
VERDICT = frozenset({"healthy", "good", "bad", "ok", "okay", "fine", "worrying", "concerning", "normal", "too", "taking"})
UNIT_WORDS = {
    Unit.percent: ("percent", "percentage", "rate", "%", "share"), Unit.currency: ("dollars", "usd", "money", "$", "amount"),
    Unit.days: ("days",), Unit.hours: ("hours",), Unit.minutes: ("minutes",), Unit.ratio: ("ratio",),
    Unit.count: ("number", "count", "how many"), Unit.score: ("score", "points"),
}
GRAMMAR = (GROUP_WORDS | LISTING_WORDS | DESCENDING | ASCENDING | BEST | WORST | UP | DOWN | CHANGE | LESS | MORE
           | SHARE | PARTS | MINE | COUNTING | VERDICT | AGGREGATE)


@dataclass
class Draft:
    """The query being built, with the evidence the confidence is computed from."""

    catalog: Catalog
    words: Words
    lexicon: Lexicon
    metrics: list[str] = field(default_factory=list)
    metric_mentions: dict[str, Mention] = field(default_factory=dict)
    dimensions: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    scoped: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # metric → its own filters
    metric_filters: list[MetricFilter] = field(default_factory=list)
    order_by: list[OrderBy] = field(default_factory=list)
    limit: int | None = None
    compare: Comparison | None = None
    used: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    penalty: float = 0.0
    choose: str | None = None  # "in a specific segment": a dimension whose value the asker must pick

    def use(self, mention: Mention) -> None:
        self.used.update(mention.positions)

    def add_metric(self, name: str, mention: Mention | None = None) -> None:
        if name not in self.metrics:
            self.metrics.append(name)
        if mention is not None:
            self.metric_mentions.setdefault(name, mention)
            self.use(mention)

    def absorb_vocabulary(self) -> None:
        """Words of a chosen metric's name, label, synonyms, unit, description and source count as understood.

        "free trial conversion", "downgrades in dollars", "accounts that started in Q2" (the onboarding
        cohort's source places accounts by contract start).
        """
        vocabulary = set()
        chosen = [self.catalog.metrics[n] for n in self.metrics]
        for metric in {m.name: m for m in [*chosen, *leaves(chosen, self.catalog)]}.values():
            source = self.catalog.sources.get(metric.source)
            tables = (source.name, source.table, source.time, source.description) if source else ()
            for phrase in (metric.name, metric.label, *metric.synonyms, *tables, metric.description, *UNIT_WORDS[metric.unit]):
                vocabulary.update(key(phrase.replace("_", " ")))
        self.used.update(i for i, t in enumerate(self.words.tokens) if key(t) and key(t)[0] in vocabulary)

    def allowed(self, dimension: str) -> bool:
        """Whether every chosen metric can be grouped or filtered by `dimension`."""
        return all(dimension in self.catalog.metrics[m].dimensions for m in self.metrics)

    def source_tables(self) -> set[str]:
        sources = self.catalog.sources
        return {sources[m.source].table for m in map(self.catalog.metrics.get, self.metrics) if m.source in sources}

    def before(self, mention: Mention, count: int = 3) -> set[str]:
        return set(self.words.tokens[max(0, mention.start - count):mention.start])

    def after(self, mention: Mention, count: int = 2) -> set[str]:
        return set(self.words.tokens[mention.end:mention.end + count])

    def mark(self, words: frozenset[str], near: range | None = None) -> None:
        """Mark tokens in `words` (anywhere, or in `near`) as used."""
        positions = near if near is not None else range(len(self.words.tokens))
        self.used.update(i for i in positions if 0 <= i < len(self.words.tokens) and self.words.tokens[i] in words)


def account_dimension(catalog: Catalog) -> str | None:
    """The dimension that names one account: the one over the accounts table's name column."""
    for dimension in catalog.dimensions.values():
        if dimension.table == "accounts" and dimension.column == "name":
            return dimension.name
    return None

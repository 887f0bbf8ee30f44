"""Lexical retrieval over the catalogue: which metrics and dimensions a question is about.

BM25 over each entry's name, label, synonyms, description and formula, so the model is
shown a handful of relevant definitions instead of the whole catalogue. Query words the
catalogue never uses are mapped to its closest word (rapidfuzz), so "retension" still
finds retention; a query that names an entry or one of its synonyms outright ranks it first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from semantic_layer.catalog import Catalog
from semantic_layer.model import Dimension, Metric

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and are by for from how in is it of on or our per the to was what which with".split())
K1, B = 1.2, 0.75
TYPO_CUTOFF = 85  # rapidfuzz ratio above which an unknown word is read as a catalogue word
NAMED_BOOST = 10.0  # an entry named outright beats any bag-of-words match


def words(text: str) -> list[str]:
    """Lower-case word tokens without stop words; a trailing plural 's' is dropped."""
    tokens = (w for w in _WORD.findall(text.casefold().replace("_", " ")) if w not in _STOP)
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in tokens]


@dataclass(frozen=True)
class Hit:
    """One catalogue entry and its relevance score."""

    kind: str  # "metric" or "dimension"
    entry: Metric | Dimension
    score: float


def _document(entry: Metric | Dimension) -> str:
    parts = [entry.name, entry.label, *entry.synonyms, entry.description]
    if isinstance(entry, Metric):
        parts.append(entry.formula)
    return " ".join(parts)


def _names(entry: Metric | Dimension) -> list[list[str]]:
    return [w for w in (words(n) for n in (entry.name, entry.label, *entry.synonyms)) if w]


class CatalogIndex:
    """A BM25 index over one catalogue's metrics and dimensions."""

    def __init__(self, catalog: Catalog):
        self.entries = [("metric", m) for m in catalog.metrics.values()]
        self.entries += [("dimension", d) for d in catalog.dimensions.values()]
        self.docs = [Counter(words(_document(e))) for _, e in self.entries]
        self.names = [_names(e) for _, e in self.entries]
        self.avg_len = sum(sum(d.values()) for d in self.docs) / len(self.docs)
        frequency = Counter(w for d in self.docs for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def _known(self, word: str) -> list[str]:
        """The catalogue words `word` stands for: itself, words it begins ("renew"), or its closest spelling."""
        if word in self.idf:
            return [word]
        if len(word) < 4:
            return []
        if extended := [w for w in self.idf if w.startswith(word)]:
            return extended
        match = process.extractOne(word, list(self.idf), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return [match[0]] if match else []

    def search(self, text: str, limit: int = 8) -> list[Hit]:
        """Entries relevant to `text`, best first; empty when nothing matches."""
        query = [known for w in words(text) for known in self._known(w)]
        hits = []
        for (kind, entry), doc, names in zip(self.entries, self.docs, self.names):
            length = sum(doc.values())
            score = sum(
                self.idf[w] * doc[w] * (K1 + 1) / (doc[w] + K1 * (1 - B + B * length / self.avg_len))
                for w in query if w in doc
            )
            if any(_contains(query, name) for name in names):
                score += NAMED_BOOST
            if score > 0:
                hits.append(Hit(kind, entry, round(score, 3)))
        return sorted(hits, key=lambda h: -h.score)[:limit]


def _contains(sequence: list[str], part: list[str]) -> bool:
    """Whether `part` occurs in `sequence` as consecutive words."""
    return any(sequence[i:i + len(part)] == part for i in range(len(sequence) - len(part) + 1))

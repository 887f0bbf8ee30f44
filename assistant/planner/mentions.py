"""Find what a question mentions: catalogue terms, numbers and grammar words, in order.

Longest match first, left to right, over the words left once time phrases are taken out;
words no term explains get one typo-tolerant try against the catalogue's own terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.planner.lexicon import KEPT_IN_TERMS, STOPWORDS, Lexicon, Sense, stem, tokens


SCATTER_WIDTH = 5  # at most this many words from the first to the last word of a term found out of order
WORD_NEAR = 80  # each word of a typo'd phrase must be at least this close to its term's word


@dataclass(frozen=True)
class Mention:
    """A run of words `start`..`end` (token positions) and what it may mean."""

    start: int
    end: int
    text: str
    senses: tuple[Sense, ...] = ()
    fuzzy: bool = False
    positions: tuple[int, ...] = ()  # the words it explains (stop words and other mentions in between excluded)

    def __post_init__(self) -> None:
        if not self.positions:
            object.__setattr__(self, "positions", tuple(range(self.start, self.end)))

    def kinds(self) -> set[str]:
        return {s.kind for s in self.senses}


@dataclass(frozen=True)
class Words:
    """A question cut into tokens, with the catalogue mentions found among them."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    used: frozenset[int]  # token positions a mention explains

    def unused(self, also_used: set[int] = frozenset()) -> list[str]:
        """Content words nothing explained (stop words, numbers and signs are not content)."""
        return [t for i, t in enumerate(self.tokens)
                if i not in self.used and i not in also_used and t not in STOPWORDS and not _is_number(t)
                and re.search(r"[a-z]", t)]

    def has(self, *words: str) -> bool:
        return any(w in self.tokens for w in words)

    def index(self, word: str) -> int | None:
        return self.tokens.index(word) if word in self.tokens else None


def _is_number(token: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?%?", token))


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the characters of `spans` replaced by ' | ' so no term runs across them."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
        chars[start] = "|"
    return "".join(chars)


def find_mentions(text: str, lexicon: Lexicon, grammar: frozenset[str] = frozenset()) -> Words:
    """The mentions in normalized `text` ('|' marks a removed time phrase); `grammar` words are never typos.

    Terms are matched over the content words (stop words skipped on both sides), so "arr
    that was up for renewal" meets the label "ARR up for renewal".
    """
    words = _tokens_with_breaks(text)
    stems = [stem(w) for w in words]
    content = [i for i, w in enumerate(words) if w not in STOPWORDS or w == "|" or w in KEPT_IN_TERMS]
    mentions: list[Mention] = []
    used: set[int] = set()
    k = 0
    while k < len(content):
        for n in range(min(lexicon.longest, len(content) - k), 0, -1):
            positions = content[k:k + n]
            if any(words[i] == "|" for i in positions):
                continue
            senses = lexicon.lookup([stems[i] for i in positions])
            if senses:
                mentions.append(Mention(positions[0], positions[-1] + 1, " ".join(words[positions[0]:positions[-1] + 1]),
                                        tuple(senses), positions=tuple(positions)))
                used.update(positions)
                k += n
                break
        else:
            k += 1
    mentions = _typos(words, stems, mentions, used, lexicon, grammar)
    mentions = _scattered(words, stems, mentions, used, lexicon)
    mentions.sort(key=lambda m: m.start)
    return Words(tuple(words), tuple(mentions), frozenset(used))


def _tokens_with_breaks(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split("|"):
        out += tokens(part)
        out.append("|")
    return out[:-1]


def _scattered(words: list[str], stems: list[str], mentions: list[Mention], used: set[int],
               lexicon: Lexicon) -> list[Mention]:
    """A metric term whose words all appear, in any order, and explain more than the mentions there.

    "how many customers did we lose" holds "lost customers" (lose → lost); "accounts using the
    ai assistant feature" holds "accounts using the feature". The term replaces the shorter
    mentions it covers, and must take in at least one word nothing else explained.
    """
    positions: dict[str, list[int]] = {}
    for i, s in enumerate(stems):
        if words[i] not in STOPWORDS and words[i] != "|":
            positions.setdefault(s, []).append(i)
    best: tuple[int, tuple[str, ...], list[int]] | None = None
    for term, senses in lexicon.scattered_terms():
        if not all(t in positions for t in term):
            continue
        span = sorted({positions[t][0] for t in term})
        fresh = [i for i in span if i not in used]
        if span[-1] - span[0] > SCATTER_WIDTH:
            continue  # words too far apart to be one term
        if fresh and (best is None or len(span) > best[0]):
            best = (len(span), term, span)
    if best is None:
        return mentions
    _, term, span = best
    covered = [m for m in mentions if any(m.start <= i < m.end for i in span)]
    if any(m.end - m.start > len(span) or [s.kind for s in m.senses] == ["metric"] for m in covered):
        return mentions  # never undo a longer mention or a plain metric ("health components (usage …")
    kept = [m for m in mentions if m not in covered]
    kept.append(Mention(span[0], span[-1] + 1, " ".join(words[i] for i in span), tuple(lexicon.terms[term]),
                        positions=tuple(span)))
    used.update(span)
    return kept


def _typos(words: list[str], stems: list[str], mentions: list[Mention], used: set[int], lexicon: Lexicon,
           grammar: frozenset[str]) -> list[Mention]:
    """Mentions for runs of content words that are a typo away from a longer term.

    A run may take in a one-word mention ("customer aquisition cost" is one typo'd term, not
    the word customer and a typo), but it must hold at least one word nothing explained.
    """
    single = {m.start: m for m in mentions if m.end - m.start == 1}

    def free(i: int) -> bool:
        w = words[i]
        return (i not in used or i in single) and w != "|" and w not in STOPWORDS and w not in grammar \
            and not _is_number(w) and bool(re.search(r"[a-z]", w))

    content = [i for i, w in enumerate(words) if w not in STOPWORDS and w != "|"]
    for n in (3, 2, 1):
        for k in range(len(content) - n + 1):
            span = content[k:k + n]
            if not all(free(j) for j in span) or all(j in used for j in span):
                continue
            match = lexicon.closest([stems[j] for j in span])
            if match is None or len(match[0]) < n or not _word_by_word(match[0], [stems[j] for j in span]):
                continue
            mentions = [m for m in mentions if m.start not in span]
            mentions.append(Mention(span[0], span[-1] + 1, " ".join(words[span[0]:span[-1] + 1]),
                                    tuple(lexicon.terms[match[0]]), fuzzy=True, positions=tuple(span)))
            used.update(span)
            for j in span:
                single.pop(j, None)
    return mentions


def _word_by_word(term: tuple[str, ...], typed: list[str]) -> bool:
    """Each typed word is itself near its term word: "agent utilization" is not "seat utilization"."""
    return len(term) != len(typed) or all(fuzz.ratio(a, b) >= WORD_NEAR for a, b in zip(term, typed))

"""How sure the planner is: confidence from evidence, never from the share of words touched.

The evidence (interpretation.Evidence) is what the frames could not account for: content
words no span covered, spans no slot used, typos read as catalogue words, a metric found by
retrieval rather than named, slots filled by a default that changes the answer. The weights
were set by calibration on the dev set (`cs-assistant eval --calibrate` prints the table):
one content word nobody understood is enough to ask back ("are customers *happy*?" is not
the customer count), and so is a word that *was* recognised but that no slot used (a
grouping the metric cannot take, a number with no comparison), because either is a sign the
question meant something the query does not do. A typo read as a catalogue word costs a
little; several cost enough to ask.
"""

from __future__ import annotations

from assistant.planner.interpretation import Evidence

UNKNOWN = 0.45  # per content word no span covered
UNUSED = 0.45  # per recognised word (or understood request) no slot used
FUZZY = 0.08  # per word read through a typo
DEFAULT = 0.15  # per slot a default filled that changes the answer
RETRIEVED = 0.45  # a metric found by retrieval over the catalogue, never named: at most this


def confidence(evidence: Evidence) -> float:
    """A number in [0, 1]: 1 when every word was used by the interpretation."""
    value = 1.0 - UNKNOWN * len(evidence.unknown) - UNUSED * len(evidence.unused) - FUZZY * len(evidence.fuzzy) \
        - DEFAULT * len(evidence.defaults)
    if evidence.retrieved:
        value = min(value, RETRIEVED * max(evidence.margin, 0.0) + 0.1)
    return round(max(0.0, min(1.0, value)), 2)


def reason(evidence: Evidence) -> str:
    """The route reason an answer shows: what the rules did not understand, if anything."""
    missing = [*evidence.unknown, *evidence.unused]
    if not missing:
        return "rules understood every word"
    return f"rules did not use: {', '.join(missing)}"

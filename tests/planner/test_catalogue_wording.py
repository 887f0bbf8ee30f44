"""What the planner does never depends on the English of a label or a description.

A copy of the catalogue in which every metric's and every dimension's label and description
is replaced by an opaque text must plan every dev question (conversations included) to
exactly the same query, with the same status: what code needs to know about a metric is
declared in the catalogue's fields, and its display words are only for display.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.conversation import Conversation
from assistant.service import Assistant
from evals.cases import load_cases, set_folder
from semantic_layer.catalog import default_catalog


def renamed_catalogue():
    """The default catalogue with every metric and dimension label and description replaced."""
    catalog = default_catalog()
    metrics = {name: metric.model_copy(update={"label": f"Figure {i}", "description": f"Opaque text {i}."})
               for i, (name, metric) in enumerate(catalog.metrics.items())}
    dimensions = {name: dimension.model_copy(update={"label": f"Slice {i}", "description": f"Opaque text {i}."})
                  for i, (name, dimension) in enumerate(catalog.dimensions.items())}
    return replace(catalog, metrics=metrics, dimensions=dimensions)


def _planned(assistant: Assistant, case) -> list[tuple[str, dict | None]]:
    conversation = Conversation()
    turns = []
    for question in (*case.conversation, case.question):
        answer = assistant.ask(question, case.viewer, conversation)
        turns.append((answer.status.value, answer.query))
    return turns


@pytest.fixture(scope="module")
def dev_cases():
    return load_cases(set_folder("dev"))


def test_the_renamed_copy_really_has_other_words():
    original, renamed = default_catalog(), renamed_catalogue()
    assert all(renamed.metrics[n].label != m.label and renamed.metrics[n].description != m.description
               for n, m in original.metrics.items())
    assert all(renamed.dimensions[n].label != d.label for n, d in original.dimensions.items())


def test_renaming_every_label_and_description_leaves_every_dev_query_unchanged(demo_warehouse_path, dev_cases):
    with Assistant(demo_warehouse_path) as original, Assistant(demo_warehouse_path, catalog=renamed_catalogue()) as renamed:
        changed = [(case.id, before, after) for case in dev_cases
                   if (before := _planned(original, case)) != (after := _planned(renamed, case))]
    assert len(dev_cases) > 250
    assert not changed, "\n".join(f"{cid}: {b} → {a}" for cid, b, a in changed[:10])

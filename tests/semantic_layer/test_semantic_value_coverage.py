"""Every catalogue metric has a value test: a test marked `metric_values(name)` that checks its
value on a hand-built warehouse against an answer worked out by hand.

The marks are read from the value-test modules themselves, and a mark only counts when the
test's own source uses the metric's name, so a stale mark cannot hide a missing test.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from semantic_layer.catalog import default_catalog

HERE = Path(__file__).parent


def _marked_tests():
    """(test function, metric names) for every test in this folder marked metric_values."""
    for path in sorted(HERE.glob("test_semantic_*.py")):
        module = importlib.import_module(path.stem)
        for name, function in vars(module).items():
            if not name.startswith("test_") or not callable(function):
                continue
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "metric_values":
                    yield function, mark.args


def metrics_with_value_tests() -> dict[str, list[str]]:
    """Metric name → the tests that check its value (only tests whose source names the metric)."""
    found: dict[str, list[str]] = {}
    for function, names in _marked_tests():
        source = inspect.getsource(function)
        for name in names:
            if f'"{name}"' in source:
                found.setdefault(name, []).append(function.__name__)
    return found


def test_every_catalogue_metric_has_a_value_test():
    covered = metrics_with_value_tests()
    missing = [name for name in default_catalog().metrics if name not in covered]
    assert not missing, f"metrics without a hand-computed value test: {', '.join(missing)}"


def test_marks_name_catalogue_metrics_that_their_tests_use():
    catalogue = default_catalog().metrics
    for function, names in _marked_tests():
        source = inspect.getsource(function)
        for name in names:
            assert name in catalogue, f"{function.__name__} marks {name!r}, which is not a catalogue metric"
            assert f'"{name}"' in source, f"{function.__name__} marks {name!r} but never asks for it"

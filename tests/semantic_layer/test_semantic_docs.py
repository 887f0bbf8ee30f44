"""The semantic layer's docstring examples run as tests."""

from __future__ import annotations

import doctest

import semantic_layer


def test_package_docstring_examples():
    result = doctest.testmod(semantic_layer)
    assert result.attempted > 0 and result.failed == 0

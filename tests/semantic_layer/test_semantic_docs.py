"""The semantic layer's docstring examples run as tests."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import semantic_layer.compile

PACKAGE_INIT = Path(semantic_layer.compile.__file__).with_name("__init__.py")


def test_package_docstring_examples():
    # read from the file: an editable install made before __init__.py existed imports the package as a namespace
    docstring = ast.get_docstring(ast.parse(PACKAGE_INIT.read_text()))
    test = doctest.DocTestParser().get_doctest(docstring, {}, "semantic_layer", str(PACKAGE_INIT), 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert test.examples and runner.failures == 0

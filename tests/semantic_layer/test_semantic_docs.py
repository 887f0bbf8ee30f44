"""The semantic layer's docstring examples run as tests."""

from __future__ import annotations

import doctest
from pathlib import Path

import semantic_layer.compile

PACKAGE_DIR = Path(semantic_layer.compile.__file__).parent


def test_package_docstring_examples():
    # run from the file: an editable install made before __init__.py existed imports the package as a namespace
    result = doctest.testfile(str(PACKAGE_DIR / "__init__.py"), module_relative=False)
    assert result.attempted > 0 and result.failed == 0

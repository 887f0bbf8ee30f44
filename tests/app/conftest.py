"""The chat app served on a free loopback port, signed in from the demo users file."""

from __future__ import annotations

import pytest

from app.served import served_app


@pytest.fixture(scope="module")
def app(demo_warehouse_path):
    """(AppContext, url) of the app signed in from the demo users file."""
    with served_app(demo_warehouse_path) as served:
        yield served

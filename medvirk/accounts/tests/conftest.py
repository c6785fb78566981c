"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """allauth counts login attempts in the cache: start and end every test with none."""
    cache.clear()
    yield
    cache.clear()

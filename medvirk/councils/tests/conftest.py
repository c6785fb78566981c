from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages made outside a request (forms, services) are checked in English."""
    with translation.override("en"):
        yield

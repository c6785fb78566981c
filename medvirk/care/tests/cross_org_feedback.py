"""Organisation-scoped object URLs of the feedback pages, for tests/test_cross_organisation.py."""

from __future__ import annotations

from medvirk.core.testing import ObjectViewCase

CASES: list[ObjectViewCase] = []

"""Cross-organisation cases of the my-data pages (joined in cross_org.py)."""

from __future__ import annotations

from medvirk.core.testing import ObjectViewCase

CASES: list[ObjectViewCase] = []

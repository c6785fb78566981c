"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

Each area keeps its cases in its own module; this one joins them.
"""

from __future__ import annotations

from medvirk.core.testing import ObjectViewCase
from medvirk.representatives.tests import (
    cross_org_honorarium,
    cross_org_load,
    cross_org_recruitment,
    cross_org_registry,
)

CASES: list[ObjectViewCase] = [
    *cross_org_registry.CASES,
    *cross_org_recruitment.CASES,
    *cross_org_honorarium.CASES,
    *cross_org_load.CASES,
]

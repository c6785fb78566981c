"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py."""

from __future__ import annotations

from medvirk.care.tests import cross_org_kin, cross_org_mydata, cross_org_team
from medvirk.core.testing import ObjectViewCase

CASES: list[ObjectViewCase] = [
    *cross_org_team.CASES,
    *cross_org_kin.CASES,
    *cross_org_mydata.CASES,
]

"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py."""

from __future__ import annotations

from medvirk.care.tests import (
    cross_org_feedback,
    cross_org_kin,
    cross_org_mydata,
    cross_org_plan,
    cross_org_team,
    cross_org_topics,
)
from medvirk.core.testing import ObjectViewCase

CASES: list[ObjectViewCase] = [
    *cross_org_team.CASES,
    *cross_org_kin.CASES,
    *cross_org_mydata.CASES,
    *cross_org_plan.CASES,
    *cross_org_feedback.CASES,
    *cross_org_topics.CASES,
]

"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py."""

from medvirk.core.testing import ObjectViewCase

CASES = [
    ObjectViewCase("organizations:unit_detail", lambda w: {"unit_id": w.unit.pk}, role="user"),
    ObjectViewCase("organizations:unit_edit", lambda w: {"unit_id": w.unit.pk}, role="admin"),
    ObjectViewCase(
        "organizations:member_remove",
        lambda w: {"membership_id": w["user"].memberships.get().pk},
        role="admin",
    ),
]

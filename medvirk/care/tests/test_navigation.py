"""The individual level's menu entries per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.care.navigation import nav_items
from medvirk.organizations.access import org_context


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("staff", ["care:overview", "care:my_data"]),
        ("coordinator", ["care:courses", "care:deletion_requests", "care:my_data"]),
        ("user", ["care:my_care", "care:who_can_see", "care:my_data"]),
        ("next_of_kin", ["care:shared_with_me", "care:my_data"]),
        ("leader", ["care:my_data"]),
        ("admin", ["care:my_data"]),
        ("representative", ["care:my_data"]),
    ],
)
def test_menu_per_role(world, role, names):
    items = nav_items(org_context(world.a[role], world.a.org.slug))
    assert [item.url for item in items] == [reverse(n, args=[world.a.org.slug]) for n in names]

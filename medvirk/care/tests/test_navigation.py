"""The individual level's menu entries per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.care.navigation import nav_items
from medvirk.organizations.access import org_context


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("staff", ["care:overview"]),
        ("coordinator", ["care:courses"]),
        ("user", ["care:my_care", "care:who_can_see"]),
        ("next_of_kin", ["care:shared_with_me"]),
        ("leader", []),
        ("admin", []),
        ("representative", []),
    ],
)
def test_menu_per_role(world, role, names):
    items = nav_items(org_context(world.a[role], world.a.org.slug))
    assert [item.url for item in items] == [reverse(n, args=[world.a.org.slug]) for n in names]

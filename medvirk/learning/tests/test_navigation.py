"""The main menu links to learning for every member."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.learning.navigation import nav_items
from medvirk.organizations.access import org_context
from medvirk.organizations.roles import Role


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_role_gets_a_link_to_learning(world, role):
    items = nav_items(org_context(world.a[role], "org-a"))
    assert [item.url for item in items] == [reverse("learning:catalogue", args=["org-a"])]


def test_the_link_is_current_on_the_catalogue(world, english_client_for):
    url = reverse("learning:catalogue", args=["org-a"])
    html = english_client_for(world.a["user"]).get(url).content.decode()
    assert f'<a href="{url}" aria-current="page">Learning</a>' in html

"""The main menu links to the access log for those who may read it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.accesslog.navigation import nav_items
from medvirk.organizations.access import org_context
from medvirk.organizations.roles import Role


def test_admins_get_a_link_to_their_organisations_access_log(world):
    items = nav_items(org_context(world.a["admin"], "org-a"))
    assert [item.url for item in items] == [reverse("accesslog:entry_list", args=["org-a"])]


@pytest.mark.parametrize("role", [role.value for role in Role if role != Role.ADMIN])
def test_other_roles_get_no_link(world, role):
    assert nav_items(org_context(world.a[role], "org-a")) == []


def test_the_link_is_in_the_menu_of_an_organisation_page(world, english_client_for):
    html = (
        english_client_for(world.a["admin"])
        .get(reverse("accesslog:entry_list", args=["org-a"]))
        .content.decode()
    )
    url = reverse("accesslog:entry_list", args=["org-a"])
    assert f'<a href="{url}" aria-current="page">Access log</a>' in html

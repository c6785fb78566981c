"""The representatives' overview and the menu entry, per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.organizations.access import org_context
from medvirk.representatives.models import ClaimStatus, InvitationStatus
from medvirk.representatives.navigation import nav_items
from medvirk.representatives.tests.factories import claim, invitation


def url(org):
    return reverse("representatives:home", args=[org.slug])


def test_a_representative_sees_what_waits_for_them(world, client_for):
    invitation(world.a, status=InvitationStatus.INVITED)
    claim(world.a, status=ClaimStatus.DRAFT)
    claim(world.b, user=world.b["representative"], status=ClaimStatus.DRAFT)
    page = client_for(world.a["representative"]).get(url(world.a.org), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 waiting for your answer" in html
    assert "1 draft to check and submit" in html
    assert "you are not in the registry" in html
    assert "Search the registry" not in html


def test_an_experience_consultant_has_no_claims(world, client_for):
    page = client_for(world.a["experience_consultant"]).get(
        url(world.a.org), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "My honorarium claims" not in page.content.decode()


def test_a_coordinator_sees_the_work_to_do(world, client_for):
    claim(world.a, status=ClaimStatus.SUBMITTED)
    claim(world.a, status=ClaimStatus.APPROVED)
    claim(world.a, status=ClaimStatus.APPROVED)
    page = client_for(world.a["coordinator"]).get(url(world.a.org), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Search the registry" in html
    assert "1 waiting" in html
    assert "2 approved claims not yet exported" in html


@pytest.mark.parametrize("role", ["user", "staff", "next_of_kin"])
def test_others_may_not(world, client_for, role):
    assert client_for(world.a[role]).get(url(world.a.org)).status_code in {403, 404}


def test_another_organisation_gets_404(world, client_for):
    assert client_for(world.b["coordinator"]).get(url(world.a.org)).status_code == 404


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("coordinator", "representatives:home"),
        ("admin", "representatives:home"),
        ("leader", "representatives:load"),
        ("representative", "representatives:home"),
        ("experience_consultant", "representatives:home"),
    ],
)
def test_menu_entry_per_role(world, role, target):
    items = nav_items(org_context(world.a[role], world.a.org.slug))
    assert [item.url for item in items] == [reverse(target, args=[world.a.org.slug])]


@pytest.mark.parametrize("role", ["user", "staff", "next_of_kin"])
def test_no_menu_entry_for_others(world, role):
    assert nav_items(org_context(world.a[role], world.a.org.slug)) == []

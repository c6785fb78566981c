"""The access helpers answer 404 for missing and forbidden alike."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from medvirk.organizations.access import access_unit, org_context
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role


def test_member_gets_context_with_all_their_roles(world):
    user = world.a["staff"]
    from medvirk.organizations.tests.factories import MembershipFactory

    MembershipFactory(organization=world.a.org, user=user, role=Role.REPRESENTATIVE)
    context = org_context(user, "org-a")
    assert context.organization == world.a.org
    assert context.roles == {Role.STAFF, Role.REPRESENTATIVE}
    assert context.unit_ids == {world.a.unit.pk}


def test_non_member_gets_404(world):
    with pytest.raises(Http404):
        org_context(world.b["admin"], "org-a")


def test_unknown_organisation_gets_404_like_a_forbidden_one(world):
    with pytest.raises(Http404):
        org_context(world.a["admin"], "no-such-org")


def test_anonymous_gets_404(world):
    with pytest.raises(Http404):
        org_context(AnonymousUser(), "org-a")


def test_member_without_the_action_gets_404(world):
    with pytest.raises(Http404):
        org_context(world.a["user"], "org-a", Action.MANAGE_UNITS)


def test_unit_of_another_organisation_is_404_through_own_slug(world):
    with pytest.raises(Http404):
        access_unit(world.a["admin"], "org-a", world.b.unit.pk)


def test_unit_in_own_organisation_is_returned(world):
    context, unit = access_unit(world.a["user"], "org-a", world.a.unit.pk)
    assert unit == world.a.unit
    assert context.can(Action.VIEW_UNITS)

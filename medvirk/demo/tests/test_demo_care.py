"""The demo's individual level: Kari's team sees her, Ola sees her plan only, the leader nothing."""

from __future__ import annotations

import pytest
from django.http import Http404

from medvirk.accounts.models import User
from medvirk.care.access import Via, person_access
from medvirk.care.models import CareRelationship, NextOfKinGrant, Scope
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.demo.services import demo_load
from medvirk.organizations.access import org_context


def person(name: str) -> User:
    return User.objects.get(email=demo_email(name))


def test_demo_care_access(db):
    demo_load()
    kari = person("Kari Nordmann")
    slug = MUNICIPALITY.slug
    team = person_access(org_context(person("Ingrid Hansen"), slug), kari.pk)
    assert team.via == Via.TEAM
    kin = org_context(person("Ola Nordmann"), slug)
    assert person_access(kin, kari.pk, Scope.PLAN).via == Via.NEXT_OF_KIN
    with pytest.raises(Http404):
        person_access(kin, kari.pk, Scope.FEEDBACK)
    with pytest.raises(Http404):
        person_access(org_context(person("Lars Johansen"), slug), kari.pk)
    ended = CareRelationship.objects.get(person=kari, ended_on__isnull=False)
    assert ended.end_reason == "agreed"


def test_loading_twice_changes_nothing(db):
    demo_load()
    counts = (CareRelationship.objects.count(), NextOfKinGrant.objects.count())
    demo_load()
    assert (CareRelationship.objects.count(), NextOfKinGrant.objects.count()) == counts

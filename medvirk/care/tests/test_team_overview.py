"""The staff overview: the people whose current care team the staff member is on."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care.models import CareRelationship, EndReason, TeamMember
from medvirk.care.tests.factories import relationship
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(org_slug: str = "org-a", **query: object) -> str:
    return reverse("care:overview", kwargs={"org_slug": org_slug})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names_on(page: str) -> list[str]:
    return re.findall(r'href="/o/org-a/care/people/\d+/">([^<]+)</a>', page)


def person(world, name: str) -> User:
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.USER, unit=world.unit)
    return user


def colleague(world, name: str = "Other Staff") -> User:
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.STAFF, unit=world.unit)
    return user


def follow_many(world, count: int) -> None:
    """``count`` people followed by the world's staff member and one colleague (bulk)."""
    other = colleague(world)
    people = User.objects.bulk_create(
        User(email=f"followed{n}@example.test", full_name=f"Followed {n:04}", password="!")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(organization=world.org, user=user, role=Role.USER, unit=world.unit)
        for user in people
    )
    started = timezone.localdate() - datetime.timedelta(days=30)
    courses = CareRelationship.objects.bulk_create(
        CareRelationship(organization=world.org, person=user, unit=world.unit, started_on=started)
        for user in people
    )
    TeamMember.objects.bulk_create(
        [
            *(
                TeamMember(relationship=course, staff=world["staff"], added_on=started)
                for course in courses
            ),
            *(
                TeamMember(relationship=course, staff=other, added_on=started, is_primary=True)
                for course in courses
            ),
        ]
    )


def test_the_overview_lists_the_people_whose_team_i_am_on(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    ola = person(world.a, "Ola Hansen")
    other = colleague(world.a, "Berit Lund")
    relationship(world.a, person=kari, team=[world.a["staff"], other])
    relationship(world.a, person=ola, team=[other])  # not mine
    # Removed from this one, and this one ended: neither is listed.
    removed = relationship(world.a, person=person(world.a, "Removed Person"))
    TeamMember.objects.filter(relationship=removed).update(removed_on=timezone.localdate())
    relationship(
        world.a,
        person=person(world.a, "Ended Person"),
        ended_on=timezone.localdate(),
        end_reason=EndReason.AGREED,
    )
    relationship(world.b)  # another organisation
    page = english(client_for, world.a["staff"]).get(url()).content.decode()
    assert names_on(page) == ["Kari Nordmann"]
    assert "Psykisk helse og rus (Organisasjon A)" in page
    # The primary contact (the factory makes every member primary: the first is shown) and
    # the team size.
    assert "<td>Staff Organisasjon A</td>" in page
    assert "<td>2</td>" in page
    assert "1 course of care" in page


def test_the_primary_contact_and_the_team_size_count_only_current_members(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    primary = colleague(world.a, "Berit Lund")
    course = relationship(world.a, person=kari, team=[world.a["staff"]])
    TeamMember.objects.filter(relationship=course).update(is_primary=False)
    TeamMember.objects.create(
        relationship=course, staff=primary, added_on=course.started_on, is_primary=True
    )
    TeamMember.objects.create(
        relationship=course,
        staff=colleague(world.a, "Gone Member"),
        added_on=course.started_on,
        removed_on=timezone.localdate(),
    )
    page = english(client_for, world.a["staff"]).get(url()).content.decode()
    assert "<td>Berit Lund</td>" in page
    assert "<td>2</td>" in page


def test_filter_by_unit_and_search_by_name(world, client_for):
    other_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    MembershipFactory(
        organization=world.a.org, user=world.a["staff"], role=Role.STAFF, unit=other_unit
    )
    relationship(world.a, person=person(world.a, "Kari Nordmann"))
    relationship(world.a, person=person(world.a, "Ola Hansen"), unit=other_unit)
    client = english(client_for, world.a["staff"])
    assert names_on(client.get(url(), {"unit": other_unit.pk}).content.decode()) == ["Ola Hansen"]
    assert names_on(client.get(url(), {"text": "kari"}).content.decode()) == ["Kari Nordmann"]
    page = client.get(url(), {"text": "nobody"}).content.decode()
    assert names_on(page) == []
    assert "Nobody you follow matches the search." in page
    # A unit of another organisation is refused and the search still applies.
    page = client.get(url(), {"unit": world.b.unit.pk, "text": "ola"}).content.decode()
    assert "Select a valid choice." in page
    assert names_on(page) == ["Ola Hansen"]


def test_empty_state(world, client_for):
    page = english(client_for, world.a["staff"]).get(url()).content.decode()
    assert "You are not on anyone's care team yet." in page
    assert reverse("care:start", args=["org-a"]) in page


def test_pages_of_25(world, client_for):
    follow_many(world.a, 27)
    client = english(client_for, world.a["staff"])
    first = client.get(url()).content.decode()
    assert len(names_on(first)) == 25
    assert "27 courses of care" in first
    second = client.get(url(), {"page": 2}).content.decode()
    assert names_on(second) == ["Followed 0025", "Followed 0026"]


def _queries(client, django_assert_num_queries, number: int) -> None:
    with django_assert_num_queries(number):
        assert client.get(url()).status_code == 200


@pytest.mark.parametrize("count", [5, 500])
def test_query_count_does_not_grow_with_the_people_followed(
    world, client_for, django_assert_num_queries, count
):
    follow_many(world.a, count)
    client = client_for(world.a["staff"])
    # Session and user (2), MFA check (1), organisation context (2), the unit filter's
    # choices (1), the paginator's count (1), the page of courses with person, unit, team
    # size and primary contact (1), and the layout's bell and menu (2).
    _queries(client, django_assert_num_queries, 10)


@pytest.mark.parametrize("role", ["user", "next_of_kin", "leader", "admin", "representative"])
def test_roles_without_follow_users_get_404(world, client_for, role):
    assert client_for(world.a[role]).get(url()).status_code == 404


def test_a_coordinator_sees_the_link_to_all_courses(world, client_for):
    page = english(client_for, world.a["coordinator"]).get(url()).content.decode()
    assert reverse("care:courses", args=["org-a"]) in page
    staff_page = english(client_for, world.a["staff"]).get(url()).content.decode()
    assert reverse("care:courses", args=["org-a"]) not in staff_page

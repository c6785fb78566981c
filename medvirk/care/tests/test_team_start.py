"""Starting a course of care: finding the person, the unit, the team, the log and the notice."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import give_totp
from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care import team
from medvirk.care.models import CareRelationship, TeamMember
from medvirk.care.tests.factories import relationship
from medvirk.notifications.models import Notification
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(org_slug: str = "org-a") -> str:
    return reverse("care:start", kwargs={"org_slug": org_slug})


def english(client_for, user):
    User.objects.filter(pk=user.pk).update(preferred_language="en")
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def person(world, name: str, email: str = "") -> User:
    user = UserFactory.create(full_name=name, **({"email": email} if email else {}))
    MembershipFactory(organization=world.org, user=user, role=Role.USER, unit=world.unit)
    User.objects.filter(pk=user.pk).update(preferred_language="en")
    return user


def colleague(world, name: str) -> User:
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.STAFF, unit=world.unit)
    return user


def today() -> datetime.date:
    return timezone.localdate()


def start_data(world, who: User, **changes: object) -> dict[str, object]:
    return {
        "person": who.pk,
        "unit": world.unit.pk,
        "started_on": today().isoformat(),
        **changes,
    }


# --- Finding the person ----------------------------------------------------------------------


def test_the_search_finds_people_with_the_user_role_in_this_organisation(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    person(world.b, "Kari Elsewhere")
    colleague(world.a, "Kari Staff")
    client = english(client_for, world.a["staff"])
    page = client.get(url(), {"q": "kari"}).content.decode()
    assert f"?person={kari.pk}" in page
    assert "Kari Elsewhere" not in page
    assert "Kari Staff" not in page
    # By e-mail address too.
    page = client.get(url(), {"q": kari.email[:8]}).content.decode()
    assert f"?person={kari.pk}" in page
    assert "Nobody with the user role matches" in client.get(url(), {"q": "zzz"}).content.decode()


def test_a_search_needs_two_letters_and_asks_for_more_when_many_match(world, client_for):
    client = english(client_for, world.a["staff"])
    assert "Ensure this value has at least 2 characters" in (
        client.get(url(), {"q": "k"}).content.decode()
    )
    people = User.objects.bulk_create(
        User(email=f"many{n}@example.test", full_name=f"Many {n:02}", password="!")
        for n in range(25)
    )
    Membership.objects.bulk_create(
        Membership(organization=world.a.org, user=user, role=Role.USER) for user in people
    )
    page = client.get(url(), {"q": "many"}).content.decode()
    assert page.count("?person=") == 20
    assert "More people match" in page


def test_choosing_a_person_shows_the_start_form(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    client = english(client_for, world.a["staff"])
    page = client.get(url(), {"person": kari.pk}).content.decode()
    assert "Course of care for Kari Nordmann" in page
    assert f'name="person" value="{kari.pk}"' in page
    assert 'name="primary"' not in page  # staff are the primary contact themselves
    # Someone who is not a user here gets the search again.
    for other in (world.a["staff"].pk, world.b["user"].pk, "x"):
        page = client.get(url(), {"person": other}).content.decode()
        assert 'name="started_on"' not in page
        assert 'name="q"' in page


# --- Starting ----------------------------------------------------------------------------------


def test_staff_start_a_course_and_are_its_primary_contact(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    staff = world.a["staff"]
    response = english(client_for, staff).post(url(), start_data(world.a, kari))
    course = CareRelationship.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("care:person", args=["org-a", kari.pk])
    assert (course.organization, course.person, course.unit) == (world.a.org, kari, world.a.unit)
    assert course.started_on == today()
    assert course.created_by == staff
    assert [(m.staff, m.is_primary) for m in course.team.all()] == [(staff, True)]
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.subject) == (staff, AccessAction.CREATE, kari)
    assert entry.object_type == "care.carerelationship"
    notice = Notification.objects.get(recipient=kari)
    assert notice.message == "care_team_started"
    assert "You are now followed by Psykisk helse og rus (Organisasjon A)" in notice.body
    assert "Staff Organisasjon A (primary contact)" in notice.body
    assert notice.url == reverse("care:my_care", args=["org-a"])
    # Nobody else was told: the staff member started it themself.
    assert Notification.objects.count() == 1


def test_staff_may_start_only_in_their_own_units(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    elsewhere = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    client = english(client_for, world.a["staff"])
    page = client.get(url(), {"person": kari.pk}).content.decode()
    assert "Hjemmetjenester" not in page
    response = client.post(url(), start_data(world.a, kari, unit=elsewhere.pk))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not CareRelationship.objects.exists()


def test_staff_in_no_unit_are_told_to_ask_a_coordinator(world, client_for):
    loose = UserFactory.create(full_name="No Unit")
    MembershipFactory(organization=world.a.org, user=loose, role=Role.STAFF, unit=None)
    give_totp(loose)
    page = english(client_for, loose).get(url()).content.decode()
    assert "You do not work in any unit of this organisation" in page


def test_a_second_open_course_in_the_unit_is_refused_and_the_input_kept(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    relationship(world.a, person=kari, team=[colleague(world.a, "Berit Lund")])
    earlier = (today() - datetime.timedelta(days=3)).isoformat()
    response = english(client_for, world.a["staff"]).post(
        url(), start_data(world.a, kari, started_on=earlier)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kari Nordmann already has an open course of care in Psykisk helse og rus" in page
    assert f'value="{earlier}"' in page
    assert CareRelationship.objects.count() == 1
    assert not AccessLogEntry.objects.exists()
    assert not Notification.objects.exists()


def test_a_start_in_the_future_is_refused(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    response = english(client_for, world.a["staff"]).post(
        url(), start_data(world.a, kari, started_on=tomorrow)
    )
    assert "The start date cannot be in the future." in response.content.decode()
    assert not CareRelationship.objects.exists()


@pytest.mark.parametrize("who", ["other_org", "staff", "missing"])
def test_only_a_user_of_the_organisation_can_be_followed(world, client_for, who):
    target = {"other_org": world.b["user"].pk, "staff": world.a["leader"].pk, "missing": 999_999}
    data = start_data(world.a, world.a["user"], person=target[who])
    response = english(client_for, world.a["staff"]).post(url(), data)
    assert response.status_code == 200
    assert "Choose the person with the search first." in response.content.decode()
    assert not CareRelationship.objects.exists()


def test_a_coordinator_chooses_any_unit_and_the_primary_contact(world, client_for):
    kari = person(world.a, "Kari Nordmann")
    berit = colleague(world.a, "Berit Lund")
    User.objects.filter(pk=berit.pk).update(preferred_language="en")
    elsewhere = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    coordinator = world.a["coordinator"]
    client = english(client_for, coordinator)
    page = client.get(url(), {"person": kari.pk}).content.decode()
    assert "Hjemmetjenester" in page
    assert 'name="primary"' in page
    # The primary contact is required, and must be staff.
    response = client.post(url(), start_data(world.a, kari, unit=elsewhere.pk))
    assert "This field is required." in response.content.decode()
    response = client.post(
        url(), start_data(world.a, kari, unit=elsewhere.pk, primary=world.a["leader"].pk)
    )
    assert "Select a valid choice." in response.content.decode()
    assert not CareRelationship.objects.exists()

    response = client.post(url(), start_data(world.a, kari, unit=elsewhere.pk, primary=berit.pk))
    course = CareRelationship.objects.get()
    # The coordinator is not on the team, so goes to the course, not the person's page.
    assert response.url == reverse("care:course", args=["org-a", course.pk])
    assert course.unit == elsewhere
    assert [(m.staff, m.is_primary) for m in course.team.all()] == [(berit, True)]
    told = Notification.objects.get(recipient=berit)
    assert told.message == "care_team_member_added"
    # E-mail is no place for who is followed by which service.
    assert "Kari" not in told.body + told.subject
    assert "Hjemmetjenester" not in told.body
    assert told.url == reverse("care:person", args=["org-a", kari.pk])


@pytest.mark.parametrize("role", ["user", "next_of_kin", "leader", "admin", "representative"])
def test_roles_without_follow_users_get_404(world, client_for, role):
    assert client_for(world.a[role]).get(url()).status_code == 404
    response = client_for(world.a[role]).post(url(), start_data(world.a, world.a["user"]))
    assert response.status_code == 404
    assert not CareRelationship.objects.exists()


# --- The service ---------------------------------------------------------------------------------


def test_the_service_refuses_starting_a_course_for_oneself_and_a_person_on_their_own_team(world):
    both = UserFactory.create(full_name="Both Roles")
    MembershipFactory(organization=world.a.org, user=both, role=Role.USER, unit=world.a.unit)
    MembershipFactory(organization=world.a.org, user=both, role=Role.STAFF, unit=world.a.unit)
    common = {"organization": world.a.org, "unit": world.a.unit, "started_on": today()}
    with pytest.raises(ValidationError, match="for yourself"):
        team.course_start(person=both, primary=both, actor=both, **common)
    with pytest.raises(ValidationError, match="their own care team"):
        team.course_start(person=both, primary=both, actor=world.a["coordinator"], **common)
    assert not CareRelationship.objects.exists()


def test_the_service_adds_others_to_the_team(world):
    berit = colleague(world.a, "Berit Lund")
    course = team.course_start(
        organization=world.a.org,
        person=world.a["user"],
        unit=world.a.unit,
        started_on=today(),
        primary=world.a["staff"],
        others=[berit, world.a["staff"]],
        actor=world.a["staff"],
    )
    members = TeamMember.objects.filter(relationship=course)
    assert [(m.staff, m.is_primary) for m in members] == [
        (world.a["staff"], True),
        (berit, False),
    ]

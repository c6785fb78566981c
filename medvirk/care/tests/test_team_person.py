"""The person's page for their care team (logged on every opening) and the person's "My care"."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from conftest import give_totp
from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care.models import EndReason, TeamMember
from medvirk.care.tests.factories import grant, relationship
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def person_url(world, org_slug: str = "org-a") -> str:
    return reverse("care:person", kwargs={"org_slug": org_slug, "person_id": world["user"].pk})


def my_care_url(org_slug: str = "org-a") -> str:
    return reverse("care:my_care", kwargs={"org_slug": org_slug})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def colleague(world, name: str):
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.STAFF, unit=world.unit)
    give_totp(user)
    return user


@pytest.fixture
def history(world):
    """The world's user: an open course in A's unit with a team of two, and an ended one."""
    berit = colleague(world.a, "Berit Lund")
    course = relationship(world.a, team=[world.a["staff"]])
    TeamMember.objects.filter(relationship=course).update(role="Nurse")
    TeamMember.objects.create(
        relationship=course, staff=berit, added_on=course.started_on, role="Psychologist"
    )
    old_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    relationship(
        world.a,
        unit=old_unit,
        team=[berit],
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        ended_on=timezone.localdate() - datetime.timedelta(days=200),
        end_reason=EndReason.MOVED,
        end_note="Moved to Bodø.",
    )
    return {"course": course, "berit": berit}


# --- The person's page ---------------------------------------------------------------------------


def test_the_team_sees_the_courses_and_teams(world, client_for, history):
    page = english(client_for, world.a["staff"]).get(person_url(world.a)).content.decode()
    assert "User Organisasjon A" in page
    assert "Psykisk helse og rus (Organisasjon A)" in page
    assert "Nurse" in page
    assert "Psychologist" in page
    assert "Berit Lund" in page
    # The ended course, with how it ended.
    assert "Hjemmetjenester (ended)" in page
    assert "Moved to another service" in page
    assert "Moved to Bodø." in page
    # The staff member manages the team of the open course they are on, not the old one.
    assert reverse("care:course", args=["org-a", history["course"].pk]) in page
    assert page.count("/care/courses/") == 1


def test_every_opening_is_logged(world, client_for, history):
    client = client_for(world.a["staff"])
    for number in (1, 2):
        assert client.get(person_url(world.a)).status_code == 200
        assert AccessLogEntry.objects.count() == number
    entry = AccessLogEntry.objects.first()
    assert entry is not None
    assert (entry.actor, entry.subject, entry.organization) == (
        world.a["staff"],
        world.a["user"],
        world.a.org,
    )
    assert entry.action == AccessAction.VIEW
    assert entry.object_type == "care.carerelationship"


def outsider(world):
    user = UserFactory.create(full_name="Outside Staff")
    MembershipFactory(organization=world.org, user=user, role=Role.STAFF, unit=world.unit)
    give_totp(user)
    return user


@pytest.mark.parametrize(
    "who",
    [
        "staff_outside_the_team",
        "user",
        "other_user",
        "next_of_kin_with_every_scope",
        "leader",
        "admin",
        "coordinator",
        "representative",
        "experience_consultant",
        "other_org_staff",
    ],
)
def test_everyone_but_the_team_gets_404_and_nothing_is_logged(world, client_for, who):
    relationship(world.a)
    grant(world.a, see_plan=True, see_feedback=True, answer_questionnaire=True)
    other_user = UserFactory.create()
    MembershipFactory(organization=world.a.org, user=other_user, role=Role.USER)
    viewer = {
        "staff_outside_the_team": lambda: outsider(world.a),
        "other_user": lambda: other_user,
        "next_of_kin_with_every_scope": lambda: world.a["next_of_kin"],
        "other_org_staff": lambda: world.b["staff"],
    }.get(who, lambda: world.a[who])()
    client = client_for(viewer)
    assert client.get(person_url(world.a)).status_code == 404
    assert client.get(person_url(world.a, "org-b")).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_team_member_removed_or_a_course_ended_loses_the_page_at_once(world, client_for):
    course = relationship(world.a)
    client = client_for(world.a["staff"])
    assert client.get(person_url(world.a)).status_code == 200
    TeamMember.objects.filter(relationship=course).update(removed_on=timezone.localdate())
    assert client.get(person_url(world.a)).status_code == 404


def test_staff_who_are_also_the_person_get_404_on_the_team_page(world, client_for):
    both = world.a["staff"]
    MembershipFactory(organization=world.a.org, user=both, role=Role.USER, unit=world.a.unit)
    url = reverse("care:person", args=["org-a", both.pk])
    assert client_for(both).get(url).status_code == 404


# --- My care -----------------------------------------------------------------------------------


def test_my_care_shows_the_persons_courses_and_teams_unlogged(world, client_for, history):
    page = english(client_for, world.a["user"]).get(my_care_url()).content.decode()
    assert "Psykisk helse og rus (Organisasjon A)" in page
    assert "Staff Organisasjon A" in page
    assert "Berit Lund" in page
    assert "Psychologist" in page
    assert "Hjemmetjenester (ended)" in page
    assert "Moved to another service" in page
    assert not AccessLogEntry.objects.exists()
    # Nothing of organisation B's user.
    relationship(world.b, team=[world.b["staff"]])
    assert "Organisasjon B" not in (
        english(client_for, world.a["user"]).get(my_care_url()).content.decode()
    )


def test_my_care_when_nobody_follows_me(world, client_for):
    page = english(client_for, world.a["user"]).get(my_care_url()).content.decode()
    assert "No unit of Organisasjon A follows you at the moment." in page


@pytest.mark.parametrize("role", ["staff", "next_of_kin", "leader", "admin", "coordinator"])
def test_my_care_is_for_the_user_role_only(world, client_for, role):
    relationship(world.a)
    assert client_for(world.a[role]).get(my_care_url()).status_code == 404


def test_my_care_of_another_organisation_is_404(world, client_for):
    assert client_for(world.a["user"]).get(my_care_url("org-b")).status_code == 404

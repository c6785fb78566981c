"""Managing a course of care: the coordinators' list, the team, and the end of a course."""

from __future__ import annotations

import datetime
import re
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
from medvirk.care.models import CareRelationship, EndReason, TeamMember
from medvirk.care.tests.factories import grant, relationship
from medvirk.notifications.models import Notification
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a", **kwargs: object) -> str:
    return reverse(f"care:{name}", kwargs={"org_slug": org_slug, **kwargs})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def colleague(world, name: str) -> User:
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.STAFF, unit=world.unit)
    give_totp(user)
    User.objects.filter(pk=user.pk).update(preferred_language="en")
    return user


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def course(world) -> CareRelationship:
    User.objects.filter(pk=world.a["user"].pk).update(preferred_language="en")
    return relationship(world.a)


def member_of(course: CareRelationship, staff: User) -> TeamMember:
    return TeamMember.objects.get(relationship=course, staff=staff, removed_on__isnull=True)


# --- The coordinators' list ----------------------------------------------------------------------


def names_on(page: str) -> list[str]:
    return re.findall(r'href="/o/org-a/care/courses/\d+/">([^<]+)<span', page)


@pytest.fixture
def courses(world):
    berit = colleague(world.a, "Berit Lund")
    other_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    people = {}
    for name in ("Kari Nordmann", "Ola Hansen", "Per Ended"):
        people[name] = UserFactory.create(full_name=name)
        MembershipFactory(organization=world.a.org, user=people[name], role=Role.USER)
    relationship(world.a, person=people["Kari Nordmann"], team=[world.a["staff"], berit])
    relationship(world.a, person=people["Ola Hansen"], unit=other_unit, team=[berit])
    relationship(
        world.a,
        person=people["Per Ended"],
        started_on=today() - datetime.timedelta(days=100),
        ended_on=today() - datetime.timedelta(days=10),
        end_reason=EndReason.BY_USER,
    )
    relationship(world.b)
    return {"unit": other_unit}


def test_the_coordinators_list_shows_open_courses_with_their_teams(world, client_for, courses):
    page = english(client_for, world.a["coordinator"]).get(url("courses")).content.decode()
    assert names_on(page) == ["Kari Nordmann", "Ola Hansen"]
    assert "Berit Lund (primary contact), Staff Organisasjon A (primary contact)" in page or (
        "Staff Organisasjon A (primary contact), Berit Lund (primary contact)" in page
    )
    # Organisational data only: no way to the person pages.
    assert "/care/people/" not in page
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "ended"}, ["Per Ended"]),
        ({"status": "all"}, ["Kari Nordmann", "Ola Hansen", "Per Ended"]),
        ({"unit": "other"}, ["Ola Hansen"]),
        ({"text": "kari"}, ["Kari Nordmann"]),
        ({"text": "nobody"}, []),
    ],
)
def test_the_coordinators_list_filters(world, client_for, courses, query, expected):
    params = {
        key: courses["unit"].pk if value == "other" else value for key, value in query.items()
    }
    page = english(client_for, world.a["coordinator"]).get(url("courses"), params).content.decode()
    assert names_on(page) == expected
    if "ended" in query.values():
        assert "Ended by the user" in page


def test_the_coordinators_list_when_empty(world, client_for):
    page = english(client_for, world.a["coordinator"]).get(url("courses")).content.decode()
    assert "No course of care is open in the organisation." in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_coordinators_list_query_count_is_constant(
    world, client_for, django_assert_num_queries, count
):
    people = User.objects.bulk_create(
        User(email=f"p{n}@example.test", full_name=f"P {n:02}", password="!") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(organization=world.a.org, user=user, role=Role.USER) for user in people
    )
    made = CareRelationship.objects.bulk_create(
        CareRelationship(
            organization=world.a.org, person=user, unit=world.a.unit, started_on=today()
        )
        for user in people
    )
    TeamMember.objects.bulk_create(
        TeamMember(relationship=one, staff=world.a["staff"], added_on=today()) for one in made
    )
    client = client_for(world.a["coordinator"])
    # Session and user (2), MFA check (1), organisation context (2), the unit filter (1), the
    # count (1), the page of courses (1), their teams with the staff (1), bell and menu (2).
    with django_assert_num_queries(11):
        assert client.get(url("courses")).status_code == 200


@pytest.mark.parametrize("role", ["staff", "user", "next_of_kin", "leader", "admin"])
def test_the_coordinators_list_is_for_coordinators(world, client_for, role):
    assert client_for(world.a[role]).get(url("courses")).status_code == 404


# --- The course page -----------------------------------------------------------------------------


def test_the_course_page_shows_the_team_and_is_logged(world, client_for, course):
    berit = colleague(world.a, "Berit Lund")
    TeamMember.objects.create(
        relationship=course,
        staff=berit,
        added_on=course.started_on,
        removed_on=today(),
        role="Psychologist",
    )
    for viewer in (world.a["staff"], world.a["coordinator"]):
        page = english(client_for, viewer).get(url("course", course_id=course.pk)).content.decode()
        assert "Staff Organisasjon A" in page
        assert "Earlier on the team" in page
        assert "Berit Lund" in page
        entry = AccessLogEntry.objects.filter(actor=viewer).get()
        assert (entry.action, entry.subject) == (AccessAction.VIEW, world.a["user"])
        assert entry.object_id == str(course.pk)
    # Only the team member gets a link to the person's page.
    staff_page = english(client_for, world.a["staff"]).get(url("course", course_id=course.pk))
    assert url("person", person_id=world.a["user"].pk) in staff_page.content.decode()
    coordinator_page = english(client_for, world.a["coordinator"]).get(
        url("course", course_id=course.pk)
    )
    assert "/care/people/" not in coordinator_page.content.decode()


def _manage_urls(course: CareRelationship, member: TeamMember) -> list[str]:
    return [
        url("course", course_id=course.pk),
        url("course_end", course_id=course.pk),
        url("team_add", course_id=course.pk),
        url("team_member", course_id=course.pk, member_id=member.pk),
        url("team_remove", course_id=course.pk, member_id=member.pk),
    ]


@pytest.mark.parametrize(
    "who",
    [
        "staff_outside_the_team",
        "user",
        "next_of_kin",
        "leader",
        "admin",
        "representative",
        "experience_consultant",
        "other_org_coordinator",
    ],
)
def test_everyone_but_the_team_and_coordinators_gets_404(world, client_for, course, who):
    grant(world.a, see_plan=True, see_feedback=True, answer_questionnaire=True)
    viewer = {
        "staff_outside_the_team": lambda: colleague(world.a, "Outside Staff"),
        "other_org_coordinator": lambda: world.b["coordinator"],
    }.get(who, lambda: world.a[who])()
    client = client_for(viewer)
    for path in _manage_urls(course, member_of(course, world.a["staff"])):
        assert client.get(path).status_code == 404, path
    # The course page itself only reads (a POST there is 405 before anything is loaded).
    for path in _manage_urls(course, member_of(course, world.a["staff"]))[1:]:
        sent = {"reason": "agreed", "ended_on": today(), "staff": viewer.pk}
        assert client.post(path, sent).status_code == 404, path
    course.refresh_from_db()
    assert course.is_open
    assert TeamMember.objects.filter(relationship=course, removed_on__isnull=True).count() == 1
    assert not AccessLogEntry.objects.exists()


def test_a_member_of_one_team_cannot_manage_another_course_of_the_same_person(
    world, client_for, course
):
    other_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    other = relationship(world.a, unit=other_unit, team=[colleague(world.a, "Berit Lund")])
    client = client_for(world.a["staff"])
    assert client.get(url("course", course_id=other.pk)).status_code == 404
    assert client.get(url("course_end", course_id=other.pk)).status_code == 404


# --- The team ------------------------------------------------------------------------------------


def test_a_team_member_adds_a_colleague_who_gets_access_at_once(world, client_for, course):
    berit = colleague(world.a, "Berit Lund")
    person_page = url("person", person_id=world.a["user"].pk)
    assert client_for(berit).get(person_page).status_code == 404
    response = english(client_for, world.a["staff"]).post(
        url("team_add", course_id=course.pk),
        {"staff": berit.pk, "role": " Psychologist ", "is_primary": "on"},
    )
    assert response.url == url("course", course_id=course.pk)
    added = member_of(course, berit)
    assert (added.role, added.is_primary, added.added_on) == ("Psychologist", True, today())
    # One primary contact at a time.
    assert not member_of(course, world.a["staff"]).is_primary
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert (entry.actor, entry.subject) == (world.a["staff"], world.a["user"])
    notice = Notification.objects.get(recipient=berit)
    assert notice.message == "care_team_member_added"
    assert "User Organisasjon A" not in notice.body
    assert client_for(berit).get(person_page).status_code == 200


def test_adding_someone_already_on_the_team_or_not_staff_is_refused(world, client_for, course):
    client = english(client_for, world.a["staff"])
    response = client.post(url("team_add", course_id=course.pk), {"staff": world.a["staff"].pk})
    assert "Staff Organisasjon A is already on the team." in response.content.decode()
    for other in (world.a["leader"], world.a["user"], world.b["staff"]):
        response = client.post(
            url("team_add", course_id=course.pk), {"staff": other.pk, "role": "Helper"}
        )
        page = response.content.decode()
        assert "Select a valid choice." in page
        assert 'value="Helper"' in page
    assert TeamMember.objects.filter(relationship=course).count() == 1
    assert not AccessLogEntry.objects.exists()


def test_changing_the_role_and_the_primary_contact(world, client_for, course):
    berit = colleague(world.a, "Berit Lund")
    team.team_member_add(course=course, staff=berit, actor=world.a["coordinator"])
    response = english(client_for, world.a["coordinator"]).post(
        url("team_member", course_id=course.pk, member_id=member_of(course, berit).pk),
        {"role": "Psychologist", "is_primary": "on"},
    )
    assert response.url == url("course", course_id=course.pk)
    assert member_of(course, berit).is_primary
    assert member_of(course, berit).role == "Psychologist"
    assert not member_of(course, world.a["staff"]).is_primary
    assert AccessLogEntry.objects.filter(action=AccessAction.CHANGE).count() == 2


def test_a_removed_member_loses_access_at_once(world, client_for, course):
    berit = colleague(world.a, "Berit Lund")
    team.team_member_add(course=course, staff=berit, actor=world.a["staff"])
    person_page = url("person", person_id=world.a["user"].pk)
    assert client_for(berit).get(person_page).status_code == 200
    response = english(client_for, world.a["staff"]).post(
        url("team_remove", course_id=course.pk, member_id=member_of(course, berit).pk)
    )
    assert response.url == url("course", course_id=course.pk)
    removed = TeamMember.objects.get(relationship=course, staff=berit)
    assert removed.removed_on == today()
    assert client_for(berit).get(person_page).status_code == 404
    assert client_for(berit).get(url("course", course_id=course.pk)).status_code == 404
    assert AccessLogEntry.objects.filter(action=AccessAction.CHANGE, actor=world.a["staff"]).count()


def test_removing_oneself_leads_back_to_the_overview(world, client_for, course):
    team.team_member_add(course=course, staff=colleague(world.a, "Berit"), actor=world.a["staff"])
    response = english(client_for, world.a["staff"]).post(
        url("team_remove", course_id=course.pk, member_id=member_of(course, world.a["staff"]).pk)
    )
    assert response.url == url("overview")
    assert client_for(world.a["staff"]).get(url("course", course_id=course.pk)).status_code == 404


def test_the_last_member_cannot_be_removed(world, client_for, course):
    member = member_of(course, world.a["staff"])
    response = english(client_for, world.a["coordinator"]).post(
        url("team_remove", course_id=course.pk, member_id=member.pk)
    )
    assert response.status_code == 200
    assert "The last person on the team cannot be removed." in response.content.decode()
    member.refresh_from_db()
    assert member.removed_on is None
    assert not AccessLogEntry.objects.exists()


def test_a_removed_member_is_404_on_the_member_pages(world, client_for, course):
    berit = colleague(world.a, "Berit Lund")
    member = team.team_member_add(course=course, staff=berit, actor=world.a["staff"])
    team.team_member_remove(member=member, actor=world.a["staff"])
    client = client_for(world.a["coordinator"])
    assert (
        client.get(url("team_member", course_id=course.pk, member_id=member.pk)).status_code == 404
    )
    assert (
        client.get(url("team_remove", course_id=course.pk, member_id=member.pk)).status_code == 404
    )


def test_the_services_refuse_non_staff_and_changes_to_an_ended_course(world, course):
    with pytest.raises(ValidationError, match="Only staff"):
        team.team_member_add(course=course, staff=world.a["coordinator"], actor=world.a["staff"])
    with pytest.raises(ValidationError, match="own care team"):
        team.team_member_add(course=course, staff=world.a["user"], actor=world.a["staff"])
    team.course_end(
        course=course, ended_on=today(), reason=EndReason.AGREED, actor=world.a["staff"]
    )
    with pytest.raises(ValidationError, match="has ended"):
        team.team_member_add(
            course=course, staff=colleague(world.a, "Late"), actor=world.a["coordinator"]
        )
    with pytest.raises(ValidationError, match="has ended"):
        team.course_end(
            course=course, ended_on=today(), reason=EndReason.AGREED, actor=world.a["staff"]
        )


# --- The end of a course -------------------------------------------------------------------------


def test_the_team_ends_the_course_and_loses_access_at_once(world, client_for, course):
    client = english(client_for, world.a["staff"])
    person_page = url("person", person_id=world.a["user"].pk)
    assert client.get(person_page).status_code == 200
    assert world.a["user"].get_full_name() in client.get(url("overview")).content.decode()
    response = client.post(
        url("course_end", course_id=course.pk),
        {"ended_on": today().isoformat(), "reason": EndReason.MOVED, "note": " To Bodø. "},
    )
    assert response.url == url("overview")
    course.refresh_from_db()
    assert (course.ended_on, course.end_reason, course.end_note) == (
        today(),
        EndReason.MOVED,
        "To Bodø.",
    )
    assert client.get(person_page).status_code == 404
    assert client.get(url("course", course_id=course.pk)).status_code == 404
    assert world.a["user"].get_full_name() not in client.get(url("overview")).content.decode()
    entry = AccessLogEntry.objects.filter(action=AccessAction.CHANGE).get()
    assert (entry.actor, entry.subject) == (world.a["staff"], world.a["user"])
    notice = Notification.objects.get(recipient=world.a["user"], message="care_team_ended")
    assert "Moved to another service" in notice.body
    assert notice.url == url("my_care")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": ""}, "Choose how the course of care ended."),
        ({"reason": "unknown"}, "Select a valid choice."),
        ({"ended_on": "before"}, "The course of care cannot end before it started"),
        ({"ended_on": "tomorrow"}, "The end date cannot be in the future."),
        ({"ended_on": ""}, "This field is required."),
    ],
)
def test_a_wrong_end_is_refused_and_the_input_kept(world, client_for, course, data, error):
    dates = {
        "before": (course.started_on - datetime.timedelta(days=1)).isoformat(),
        "tomorrow": (today() + datetime.timedelta(days=1)).isoformat(),
    }
    sent = {"ended_on": today().isoformat(), "reason": EndReason.AGREED, "note": "Kept note"}
    sent.update({key: dates.get(value, value) for key, value in data.items()})
    response = english(client_for, world.a["staff"]).post(
        url("course_end", course_id=course.pk), sent
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert "Kept note" in page
    course.refresh_from_db()
    assert course.is_open
    assert not AccessLogEntry.objects.exists()
    assert not Notification.objects.exists()


def test_a_coordinator_ends_a_course_and_sees_it_ended(world, client_for, course):
    client = english(client_for, world.a["coordinator"])
    response = client.post(
        url("course_end", course_id=course.pk),
        {"ended_on": today().isoformat(), "reason": EndReason.AGREED},
    )
    assert response.url == url("course", course_id=course.pk)
    page = client.get(url("course", course_id=course.pk)).content.decode()
    assert "Ended as agreed" in page
    assert "Add a team member" not in page
    # The team pages of an ended course lead back to it with a message.
    response = client.get(url("team_add", course_id=course.pk), follow=True)
    assert "This course of care has ended" in response.content.decode()

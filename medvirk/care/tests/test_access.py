"""The one door to individual data: who gets in, for what, and the access log."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care.access import Via, log_read, person_access
from medvirk.care.models import EndReason, Scope, TeamMember
from medvirk.care.tests.factories import grant, relationship
from medvirk.organizations.access import org_context
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory


def ctx(world_org, user):
    return org_context(user, world_org.org.slug)


def test_the_person_sees_their_own_data(world):
    access = person_access(ctx(world.a, world.a["user"]), world.a["user"].pk, Scope.PLAN)
    assert access.via == Via.SELF
    assert access.allows(Scope.FEEDBACK)


def test_the_care_team_sees_everything(world):
    relationship(world.a)
    access = person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk, Scope.FEEDBACK)
    assert access.via == Via.TEAM
    assert access.allows(Scope.PLAN)


def test_staff_outside_the_team_get_404(world):
    relationship(world.a)
    other = UserFactory.create()
    MembershipFactory(organization=world.a.org, user=other, role=Role.STAFF, unit=world.a.unit)
    with pytest.raises(Http404):
        person_access(ctx(world.a, other), world.a["user"].pk)


def test_a_removed_team_member_and_an_ended_course_lose_access(world):
    course = relationship(world.a)
    TeamMember.objects.filter(relationship=course).update(removed_on=timezone.localdate())
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk)
    TeamMember.objects.filter(relationship=course).update(removed_on=None)
    course.ended_on = timezone.localdate()
    course.end_reason = EndReason.AGREED
    course.save()
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk)


@pytest.mark.parametrize("role", ["leader", "admin", "coordinator", "representative"])
def test_leaders_admins_and_others_get_404(world, role):
    relationship(world.a)
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a[role]), world.a["user"].pk)


def test_next_of_kin_see_exactly_what_is_granted(world):
    grant(world.a, see_plan=True)
    kin = ctx(world.a, world.a["next_of_kin"])
    access = person_access(kin, world.a["user"].pk, Scope.PLAN)
    assert access.via == Via.NEXT_OF_KIN
    assert not access.allows(Scope.FEEDBACK)
    with pytest.raises(Http404):
        person_access(kin, world.a["user"].pk, Scope.FEEDBACK)
    with pytest.raises(Http404):
        person_access(kin, world.a["user"].pk, Scope.QUESTIONNAIRE)


def test_a_grant_not_yet_accepted_or_withdrawn_gives_nothing(world):
    pending = grant(world.a, accepted=False, see_plan=True)
    kin = ctx(world.a, world.a["next_of_kin"])
    with pytest.raises(Http404):
        person_access(kin, world.a["user"].pk, Scope.PLAN)
    pending.next_of_kin = world.a["next_of_kin"]
    pending.accepted_at = timezone.now()
    pending.save()
    assert person_access(kin, world.a["user"].pk, Scope.PLAN).via == Via.NEXT_OF_KIN
    pending.withdrawn_at = timezone.now()
    pending.save()
    with pytest.raises(Http404):
        person_access(kin, world.a["user"].pk, Scope.PLAN)


def test_another_organisation_gets_404_even_with_the_same_role(world):
    relationship(world.a)
    with pytest.raises(Http404):
        person_access(ctx(world.b, world.b["staff"]), world.a["user"].pk)
    # A team in organisation B does not open A's person through B either.
    with pytest.raises(Http404):
        person_access(ctx(world.b, world.b["user"]), world.a["user"].pk)


def test_a_person_who_is_not_a_member_is_404(world):
    stranger = UserFactory.create()
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), stranger.pk)
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), 999_999)


def test_reads_by_others_are_logged_and_own_reads_are_not(world):
    course = relationship(world.a)
    team = person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk)
    log_read(team, course)
    entry = AccessLogEntry.objects.get()
    assert entry.actor == world.a["staff"]
    assert entry.subject == world.a["user"]
    assert entry.organization == world.a.org
    own = person_access(ctx(world.a, world.a["user"]), world.a["user"].pk)
    log_read(own, course)
    assert AccessLogEntry.objects.count() == 1


def test_an_old_course_in_another_unit_does_not_matter(world):
    relationship(
        world.a,
        team=[world.a["staff"]],
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        ended_on=timezone.localdate() - datetime.timedelta(days=200),
        end_reason=EndReason.MOVED,
    )
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk)


def test_a_team_member_who_lost_the_staff_role_loses_access(world):
    from medvirk.organizations.models import Membership

    relationship(world.a)
    Membership.objects.filter(
        organization=world.a.org, user=world.a["staff"], role=Role.STAFF
    ).delete()
    MembershipFactory(organization=world.a.org, user=world.a["staff"], role=Role.COORDINATOR)
    with pytest.raises(Http404):
        person_access(ctx(world.a, world.a["staff"]), world.a["user"].pk)

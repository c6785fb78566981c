"""Claims drafted from meeting attendance: who gets one, what it holds, never twice."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from medvirk.councils import meeting_services
from medvirk.councils.tests import factories as council_factories
from medvirk.councils.tests import meeting_factories
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import claims
from medvirk.representatives.claims import draft_claims_for_meeting
from medvirk.representatives.models import Claim, ClaimStatus
from medvirk.representatives.tests import factories
from medvirk.representatives.tests.cross_org_honorarium import ensure_rate


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def council(world):
    return council_factories.council(world.a.org)


def past_meeting(council, **kw):
    """A meeting three days ago, 18:00–19:40 (100 minutes), at the town hall."""
    starts = timezone.now().replace(
        hour=16, minute=0, second=0, microsecond=0
    ) - datetime.timedelta(days=3)
    return meeting_factories.meeting(
        council, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=100), **kw
    )


def attended(meeting, user, value=True):
    # Written with update(), as the attendance list does: no signal is sent.
    invitation = meeting_factories.invitation(meeting, user)
    type(invitation).objects.filter(pk=invitation.pk).update(attended=value)
    return invitation


@pytest.fixture
def seated(world, council):
    """The representative, with a paid assignment to the council, and a rate with preparation."""
    ensure_rate(world.a, preparation_minutes=30)
    return factories.assignment(world.a, council=council, title="Brukerrådet")


def test_an_attendee_with_a_paid_assignment_gets_a_draft_and_is_told(world, council, seated):
    meeting = past_meeting(council, title="Høstmøtet")
    attended(meeting, world.a["representative"])

    made = draft_claims_for_meeting(meeting=meeting)

    claim = Claim.objects.get()
    assert made == [claim]
    assert claim.organization == world.a.org
    assert claim.user == world.a["representative"]
    assert claim.meeting == meeting
    assert claim.assignment == seated
    assert claim.status == ClaimStatus.DRAFT
    assert claim.worked_on == timezone.localdate(meeting.starts_at)
    assert claim.minutes == 100
    assert claim.preparation_minutes == 30
    assert claim.in_person is True
    assert claim.description.endswith(": Høstmøtet")
    notification = Notification.objects.get(recipient=world.a["representative"])
    assert notification.message == "representative_claim_drafted"
    assert notification.url == claims.claim_path(claim)
    assert "Høstmøtet" in notification.subject


def test_drafting_is_idempotent(world, council, seated):
    meeting = past_meeting(council)
    attended(meeting, world.a["representative"])
    assert len(draft_claims_for_meeting(meeting=meeting)) == 1
    assert draft_claims_for_meeting(meeting=meeting) == []
    # Even after the person submitted it.
    claims.claim_submit(claim=Claim.objects.get())
    assert draft_claims_for_meeting(meeting=meeting) == []
    assert Claim.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_video_only_meeting_is_not_in_person(world, council, seated):
    meeting = past_meeting(council, place="", video_url="https://video.example/rom")
    attended(meeting, world.a["representative"])
    (claim,) = draft_claims_for_meeting(meeting=meeting)
    assert claim.in_person is False


def test_a_hybrid_meeting_counts_as_in_person(world, council, seated):
    meeting = past_meeting(council, video_url="https://video.example/rom")
    attended(meeting, world.a["representative"])
    (claim,) = draft_claims_for_meeting(meeting=meeting)
    assert claim.in_person is True


def test_nobody_without_a_paid_assignment_to_that_council_on_that_day(world, council):
    ensure_rate(world.a)
    meeting = past_meeting(council)
    day = timezone.localdate(meeting.starts_at)
    other_council = council_factories.council(world.a.org)
    people = {
        "experience_consultant": {"council": council, "paid": False},  # salaried
        "representative": {"council": other_council},  # another council
        "staff": {"council": council, "ends_on": day - datetime.timedelta(days=1)},  # ended
        "leader": {"council": council, "starts_on": day + datetime.timedelta(days=1)},  # later
    }
    for role, values in people.items():
        # Everyone also acts as a representative: only the assignment keeps them out.
        MembershipFactory(organization=world.a.org, user=world.a[role], role=Role.REPRESENTATIVE)
        factories.assignment(world.a, user=world.a[role], **values)
        attended(meeting, world.a[role])
    # Paid and seated, but marked as absent.
    MembershipFactory(organization=world.a.org, user=world.a["admin"], role=Role.REPRESENTATIVE)
    factories.assignment(world.a, user=world.a["admin"], council=council)
    attended(meeting, world.a["admin"], value=False)
    # Paid, seated and present, but not a representative (cannot open a claim).
    factories.assignment(world.a, user=world.a["coordinator"], council=council)
    attended(meeting, world.a["coordinator"])
    assert draft_claims_for_meeting(meeting=meeting) == []
    assert not Claim.objects.exists()


def test_without_a_rate_the_draft_is_made_without_preparation(world, council):
    factories.assignment(world.a, council=council)
    meeting = past_meeting(council)
    attended(meeting, world.a["representative"])
    (claim,) = draft_claims_for_meeting(meeting=meeting)
    assert claim.preparation_minutes == 0
    with pytest.raises(claims.ValidationError, match="No honorarium rate applies"):
        claims.claim_submit(claim=claim)


def test_saving_an_invitation_as_attended_drafts_through_the_signal(world, council, seated):
    meeting = past_meeting(council)
    invitation = meeting_factories.invitation(meeting, world.a["representative"])
    assert not Claim.objects.exists()
    # Saving other fields does nothing ...
    invitation.rsvp = "yes"
    invitation.save(update_fields=["rsvp"])
    assert not Claim.objects.exists()
    # ... marking attendance drafts the claim, once.
    invitation.attended = True
    invitation.save()
    invitation.save()
    claim = Claim.objects.get()
    assert claim.meeting == meeting
    assert claim.user == world.a["representative"]


def test_recording_attendance_on_the_meeting_page_drafts_the_claim(world, council, seated):
    """The councils service records attendance in bulk and signals it: the draft follows."""
    meeting = past_meeting(council)
    meeting_factories.invitation(meeting, world.a["representative"])
    meeting_factories.invitation(meeting, world.a["staff"])
    meeting_services.attendance_record(
        meeting=meeting, attended_user_ids=[world.a["representative"].pk], added_members=[]
    )
    claim = Claim.objects.get()  # only the representative with a paid assignment
    assert claim.user == world.a["representative"]
    meeting_services.attendance_record(  # recorded again: nothing more
        meeting=meeting, attended_user_ids=[world.a["representative"].pk], added_members=[]
    )
    assert Claim.objects.count() == 1
    claim = claims.claim_submit(claim=claim)
    # 100 min + 30 min preparation = 130 min → 150 min → 2.5 × 355 = 887.50.
    assert (claim.paid_minutes, claim.total) == (150, Decimal("887.50"))

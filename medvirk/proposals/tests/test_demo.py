"""The demo's proposals: the lifecycle in every state, loaded idempotently, telling nobody."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from medvirk.demo.data import MUNICIPALITY
from medvirk.demo.proposals import ANONYMOUS_EMAIL
from medvirk.demo.services import demo_load
from medvirk.notifications.models import Notification
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Change, Proposal, StatusChange, Support
from medvirk.surveys.models import Survey


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Proposal, StatusChange, Support, Change))


def test_demo_proposals_cover_the_lifecycle_and_load_twice_the_same(db, mailoutbox):
    demo_load()
    proposals = Proposal.objects.filter(organization__slug=MUNICIPALITY.slug)
    statuses = set(proposals.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.CONSIDERING, Status.PLANNED, Status.DONE, Status.DECLINED} <= (
        statuses
    )
    declined = proposals.get(status=Status.DECLINED)
    assert declined.decline_reason
    assert proposals.get(status=Status.DONE).answer
    assert proposals.filter(submitted_by=None, contact_email=ANONYMOUS_EMAIL).exists()
    assert Support.objects.filter(proposal__in=proposals).values("proposal").distinct().count() >= 2
    changes = Change.objects.filter(
        organization__slug=MUNICIPALITY.slug, published_at__isnull=False
    )
    assert changes.count() == 2
    survey = Survey.objects.filter(organization__slug=MUNICIPALITY.slug).order_by("pk").first()
    assert all(change.survey == survey for change in changes)
    before = _counts()
    demo_load()
    assert _counts() == before
    assert not Notification.objects.filter(message="proposal_status").exists()
    assert mailoutbox == []

    page = Client().get(reverse("public_proposals:you_said_we_did", args=[MUNICIPALITY.slug]))
    assert len(page.context["entries"]) == 5  # done, planned, declined and two changes

"""The proposal lists answer with the same number of queries for 30 or 5,000 proposals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medvirk.proposals.choices import Category, Status
from medvirk.proposals.models import Change, Proposal, StatusChange, Support

# Pinned. Inside: session, user, the MFA check, memberships and organisation (org_context),
# the page count, the units of the filter form, the page rows (support counts annotated,
# unit and people joined; for members also their own support as a subquery), the bell and
# the navigation's memberships.
TRIAGE_LIST_QUERIES = 10
MEMBER_LIST_QUERIES = 10
# "Your proposals" has no filter form but the status history of the page's rows, one prefetch.
OWN_LIST_QUERIES = 10
# Public: the organisation, the units for the unit links, the count and the page of the
# union, then the page's proposals and its changes.
PUBLIC_PAGE_QUERIES = 6

STATUSES = list(Status)


def _fill(world, count: int) -> None:
    now = timezone.now()
    submitter = world.a["user"]
    made = Proposal.objects.bulk_create(
        Proposal(
            organization=world.a.org,
            unit=world.a.unit,
            category=Category.ACCESS,
            title=f"Forslag {number}",
            text="Lengre åpningstid.",
            submitted_by=submitter if number % 2 else None,
            status=STATUSES[number % len(STATUSES)],
            decline_reason="Nei." if STATUSES[number % len(STATUSES)] == Status.DECLINED else "",
            answer="Svar." if number % 3 else "",
            answered_at=now if number % 3 else None,
            responsible=world.a["staff"] if number % 4 == 0 else None,
        )
        for number in range(count)
    )
    StatusChange.objects.bulk_create(StatusChange(proposal=p, status=Status.RECEIVED) for p in made)
    Support.objects.bulk_create(
        Support(proposal=p, user=world.a["representative"]) for p in made[::2]
    )
    # A few changes newer than every proposal: each run's first public page has both kinds.
    Change.objects.bulk_create(
        Change(
            organization=world.a.org,
            you_said="Sa",
            we_did="Gjorde",
            published_at=now + timedelta(minutes=1),
        )
        for _ in range(3)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "name", "pinned"),
    [
        ("coordinator", "list", TRIAGE_LIST_QUERIES),
        ("user", "list", MEMBER_LIST_QUERIES),
        ("user", "mine", OWN_LIST_QUERIES),
    ],
)
def test_lists_do_not_grow_with_the_number_of_proposals(world, client_for, role, name, pinned):
    client = client_for(world.a[role])
    url = reverse(f"proposals:{name}", args=["org-a"])
    _fill(world, 30)
    few = _count(client, url)
    _fill(world, 4970)
    many = _count(client, url)
    assert few == many == pinned
    assert _count(client, url + "?page=50&status=done") == pinned


def test_public_page_does_not_grow(world, client):
    url = reverse("public_proposals:you_said_we_did", args=["org-a"])
    _fill(world, 30)
    few = _count(client, url)
    _fill(world, 4970)
    many = _count(client, url)
    assert few == many == PUBLIC_PAGE_QUERIES

"""The consultation lists answer with the same number of queries for 30 or 5,000 entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medvirk.consultations.models import Consultation, ConsultationResponse

# Pinned: session, user, the MFA check, memberships and organisation (org_context),
# the count, the page rows (with the response counts and, for a representative, the
# audience rule as subqueries), the bell and the navigation's memberships.
LIST_QUERIES = 9
PUBLIC_LIST_QUERIES = 4


def _fill(world, count: int) -> None:
    today = timezone.localdate()
    now = timezone.now()
    Consultation.objects.bulk_create(
        Consultation(
            organization=world.a.org,
            coordinator=world.a["coordinator"],
            title=f"Høring {number}",
            question="Hva mener du?",
            opens_on=today - timedelta(days=number % 90 + 10),
            closes_on=today - timedelta(days=number % 90),
            published_at=now,
            audience_all_representatives=True,
            audience_public=number % 2 == 0,
            decision_published_at=now if number % 3 == 0 else None,
        )
        for number in range(count)
    )
    first = Consultation.objects.order_by("-closes_on", "-pk")[0]
    ConsultationResponse.objects.create(consultation=first, respondent=world.a["representative"])


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["coordinator", "representative"])
def test_list_queries_do_not_grow_with_the_number_of_consultations(world, client_for, role):
    client = client_for(world.a[role])
    url = reverse("consultations:list", args=["org-a"])
    _fill(world, 30)
    few = _count(client, url)
    _fill(world, 4970)
    many = _count(client, url)
    assert few == many == LIST_QUERIES
    assert _count(client, url + "?page=100&stage=decided") == LIST_QUERIES


def test_public_list_queries_do_not_grow(world, client):
    url = reverse("public_consultations:list", args=["org-a"])
    _fill(world, 30)
    few = _count(client, url)
    _fill(world, 4970)
    many = _count(client, url)
    assert few == many == PUBLIC_LIST_QUERIES

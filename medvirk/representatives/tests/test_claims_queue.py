"""The coordinators' queue: filters, the claim with its rule lines, logged file reads, decisions."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives import claims
from medvirk.representatives.models import Claim, ClaimStatus
from medvirk.representatives.tests.cross_org_honorarium import draft, submitted


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(world, client_for):
    client = client_for(world.a["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(world, name: str, **kw) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": world.a.org.slug, **kw})


def test_the_queue_shows_submitted_claims_and_filters(world, coordinator):
    waiting = submitted(world.a, description="Vårmøtet")
    decided = submitted(world.a, description="Høstmøtet", worked_on=datetime.date(2024, 3, 5))
    claims.claim_approve(claim=decided, decided_by=world.a["admin"])
    draft(world.a, description="Utkastet")
    other_org = submitted(world.b, description="Annen kommune")

    page = coordinator.get(_url(world, "honorarium_queue")).content.decode()
    assert "Vårmøtet" in page
    assert "Høstmøtet" not in page  # decided
    assert "Utkastet" not in page  # still the person's own
    assert other_org.description not in page

    page = coordinator.get(_url(world, "honorarium_queue"), {"status": "approved"}).content.decode()
    assert "Høstmøtet" in page
    assert "Vårmøtet" not in page
    page = coordinator.get(
        _url(world, "honorarium_queue"), {"status": "all", "month": "2024-03"}
    ).content.decode()
    assert "Høstmøtet" in page
    assert "Vårmøtet" not in page
    page = coordinator.get(
        _url(world, "honorarium_queue"),
        {"status": "all", "person": world.a["representative"].pk},
    ).content.decode()
    assert "Høstmøtet" in page
    assert "Vårmøtet" in page
    response = coordinator.get(_url(world, "honorarium_queue"), {"month": "mars"})
    assert "Write the month as year-month" in response.content.decode()
    assert waiting.status == ClaimStatus.SUBMITTED


def test_the_claim_shows_amounts_and_rules_and_its_reading_is_logged(world, coordinator):
    claim = submitted(world.a, receipt=True)
    page = coordinator.get(_url(world, "honorarium_claim", claim_id=claim.pk)).content.decode()
    assert "1 h 40 min → 2 h (rounded up to 30 min)" in page
    assert "Total: NOK 977.00" in page  # 710 + 147 + the 120 ticket
    assert AccessLogEntry.objects.filter(
        actor=world.a["coordinator"], subject=world.a["representative"], action=AccessAction.VIEW
    ).exists()


def test_opening_a_receipt_is_logged(world, coordinator):
    claim = submitted(world.a, receipt=True)
    before = AccessLogEntry.objects.count()
    response = coordinator.get(
        _url(world, "honorarium_claim_file", claim_id=claim.pk, kind="receipt")
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry is not None
    assert (entry.actor, entry.subject, entry.action) == (
        world.a["coordinator"],
        world.a["representative"],
        AccessAction.VIEW,
    )
    assert entry.object_id == str(claim.pk)
    assert "Receipt" in entry.object_label
    # No such file, or an unknown kind: 404.
    assert (
        coordinator.get(
            _url(world, "honorarium_claim_file", claim_id=claim.pk, kind="lost-earnings")
        ).status_code
        == 404
    )
    assert (
        coordinator.get(
            _url(world, "honorarium_claim_file", claim_id=claim.pk, kind="passport")
        ).status_code
        == 404
    )


def test_a_draft_is_not_the_coordinators_to_open(world, coordinator):
    claim = draft(world.a, receipt=True)
    assert coordinator.get(_url(world, "honorarium_claim", claim_id=claim.pk)).status_code == 404
    assert (
        coordinator.get(
            _url(world, "honorarium_claim_file", claim_id=claim.pk, kind="receipt")
        ).status_code
        == 404
    )


def test_approving_tells_the_person(world, coordinator):
    claim = submitted(world.a)
    response = coordinator.post(_url(world, "honorarium_claim_approve", claim_id=claim.pk))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by == world.a["coordinator"]
    assert claim.decided_at is not None
    notification = Notification.objects.get(recipient=world.a["representative"])
    assert notification.message == "representative_claim_approved"
    assert "857,00" in notification.body  # in the person's language (nb)
    # Deciding twice is refused.
    response = coordinator.post(_url(world, "honorarium_claim_approve", claim_id=claim.pk))
    assert "Only a submitted claim can be approved or rejected." in response.content.decode()
    assert Notification.objects.count() == 1


def test_rejecting_needs_a_reason_and_tells_the_person(world, coordinator):
    claim = submitted(world.a)
    url = _url(world, "honorarium_claim_reject", claim_id=claim.pk)
    response = coordinator.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not Notification.objects.exists()

    response = coordinator.post(url, {"reason": "Kvittering mangler."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.rejection_reason == "Kvittering mangler."
    notification = Notification.objects.get(recipient=world.a["representative"])
    assert notification.message == "representative_claim_rejected"
    assert "Kvittering mangler." in notification.body


def test_a_coordinator_does_not_decide_on_their_own_claim(world, coordinator):
    MembershipFactory(
        organization=world.a.org, user=world.a["coordinator"], role=Role.REPRESENTATIVE
    )
    claim = submitted(world.a, user=world.a["coordinator"])
    page = coordinator.get(_url(world, "honorarium_claim", claim_id=claim.pk)).content.decode()
    assert "Another coordinator decides on it." in page
    response = coordinator.post(_url(world, "honorarium_claim_approve", claim_id=claim.pk))
    assert "You cannot decide on your own claim." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


@pytest.mark.parametrize("role", ["representative", "leader", "staff", "user"])
def test_only_coordinators_and_admins_see_the_queue(world, client_for, role):
    claim = submitted(world.a)
    client = client_for(world.a[role])
    assert client.get(_url(world, "honorarium_queue")).status_code == 404
    assert client.get(_url(world, "honorarium_claim", claim_id=claim.pk)).status_code == 404
    assert (
        client.post(_url(world, "honorarium_claim_approve", claim_id=claim.pk)).status_code == 404
    )
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


# Pinned: session, user, MFA check, memberships and organisation (org_context), the people of
# the filter form, the page count, the page rows (person joined), the total (one aggregate),
# the bell and the navigation's memberships.
QUEUE_QUERIES = 11


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_has_a_fixed_number_of_queries(world, coordinator, count):
    for number in range(count):
        submitted(world.a, description=f"Krav {number}", worked_on=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        page = coordinator.get(_url(world, "honorarium_queue"))
    assert page.status_code == 200
    assert len(queries) == QUEUE_QUERIES, "\n".join(q["sql"][:150] for q in queries)

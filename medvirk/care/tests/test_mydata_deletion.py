"""Deletion requests: the person asks, one at a time; a coordinator records the outcome."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.care.models import DeletionRequest, DeletionStatus
from medvirk.care.mydata import handle_deletion, request_deletion
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a", **kw: object) -> str:
    return reverse(f"care:{name}", kwargs={"org_slug": org_slug, **kw})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make(world, person=None, **kw) -> DeletionRequest:
    return DeletionRequest.objects.create(
        organization=world.org, person=person or world["user"], **kw
    )


# --- The person --------------------------------------------------------------------------------


def test_a_person_asks_to_have_their_data_deleted(world, client_for) -> None:
    client = english(client_for, world.a["user"])
    assert client.get(url("deletion_request")).status_code == 200
    response = client.post(url("deletion_request"), {"message": "  My answers, please.  "})
    assert response.status_code == 302
    made = DeletionRequest.objects.get()
    assert made.person == world.a["user"]
    assert made.organization == world.a.org
    assert made.message == "My answers, please."
    assert made.status == DeletionStatus.RECEIVED
    page = client.get(url("deletion_request")).content.decode()
    assert "not been handled yet" in page
    assert "My answers, please." in page
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, subject=world.a["user"], object_id=str(made.pk)
    ).exists()


def test_the_message_is_optional(world, client_for) -> None:
    response = client_for(world.a["staff"]).post(url("deletion_request"), {"message": ""})
    assert response.status_code == 302
    assert DeletionRequest.objects.get().person == world.a["staff"]


def test_only_one_open_request_at_a_time(world, client_for) -> None:
    make(world.a, message="First")
    client = english(client_for, world.a["user"])
    response = client.post(url("deletion_request"), {"message": "Second"})
    assert response.status_code == 200
    assert "You already have a request" in response.content.decode()
    assert DeletionRequest.objects.count() == 1
    with pytest.raises(ValidationError):
        request_deletion(person=world.a["user"], organization=world.a.org, message="Third")
    # An open request in another organisation does not count here.
    request_deletion(person=world.a["user"], organization=world.b.org, message="Elsewhere")


def test_a_new_request_after_the_last_was_handled(world, client_for) -> None:
    make(world.a, status=DeletionStatus.REFUSED, outcome="Kept: journal duty.")
    client = english(client_for, world.a["user"])
    page = client.get(url("deletion_request")).content.decode()
    assert "Kept: journal duty." in page
    assert client.post(url("deletion_request"), {"message": "Again"}).status_code == 302
    assert DeletionRequest.objects.count() == 2


def test_too_long_message_is_refused_and_kept(world, client_for) -> None:
    text = "x" * 4001
    response = english(client_for, world.a["user"]).post(url("deletion_request"), {"message": text})
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not DeletionRequest.objects.exists()


# --- Coordinators ------------------------------------------------------------------------------


def test_a_coordinator_records_the_outcome_and_the_person_is_told(world, client_for) -> None:
    made = make(world.a, message="Everything")
    client = english(client_for, world.a["coordinator"])
    listing = client.get(url("deletion_requests"))
    assert listing.status_code == 200
    assert url("deletion_request_handle", request_id=made.pk) in listing.content.decode()
    page = client.get(url("deletion_request_handle", request_id=made.pk))
    assert page.status_code == 200
    assert "Everything" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        action=AccessAction.VIEW, actor=world.a["coordinator"], subject=world.a["user"]
    ).exists()

    outcome = "Deleted your answers. Kept the journal notes: the Health Personnel Act § 39."
    response = client.post(
        url("deletion_request_handle", request_id=made.pk),
        {"status": DeletionStatus.PARTLY, "outcome": outcome},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == DeletionStatus.PARTLY
    assert made.outcome == outcome
    assert made.handled_by == world.a["coordinator"]
    assert made.handled_at is not None
    notice = Notification.objects.get(recipient=world.a["user"], message="care_deletion_handled")
    assert notice.organization == world.a.org
    assert "Health Personnel Act" in notice.body
    assert notice.url == url("deletion_request")
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, actor=world.a["coordinator"], object_id=str(made.pk)
    ).exists()
    # Handled: no form any more, and a second POST changes nothing.
    page = client.get(url("deletion_request_handle", request_id=made.pk)).content.decode()
    assert "Record the outcome" not in page
    again = client.post(
        url("deletion_request_handle", request_id=made.pk),
        {"status": DeletionStatus.DONE, "outcome": "Changed"},
    )
    assert again.status_code == 302
    made.refresh_from_db()
    assert made.status == DeletionStatus.PARTLY
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"status": "done", "outcome": "   "}, "Write what was deleted"),
        ({"status": "received", "outcome": "Typed text"}, "Select a valid choice"),
        ({"outcome": "Typed text"}, "Choose what was done."),
    ],
)
def test_bad_input_is_refused_and_kept(world, client_for, data, error) -> None:
    made = make(world.a)
    response = english(client_for, world.a["coordinator"]).post(
        url("deletion_request_handle", request_id=made.pk), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    if data["outcome"].strip():
        assert data["outcome"] in html
    made.refresh_from_db()
    assert made.status == DeletionStatus.RECEIVED
    assert not Notification.objects.exists()


def test_the_service_demands_an_outcome(world) -> None:
    made = make(world.a)
    with pytest.raises(ValidationError) as caught:
        handle_deletion(request=made, actor=world.a["coordinator"], status="done", outcome="")
    assert "outcome" in caught.value.error_dict
    with pytest.raises(ValidationError):
        handle_deletion(request=made, actor=world.a["coordinator"], status="received", outcome="x")


@pytest.mark.parametrize("role", ["user", "staff", "leader", "admin", "next_of_kin"])
def test_only_coordinators_handle_requests(world, client_for, role) -> None:
    made = make(world.a)
    client = client_for(world.a[role])
    assert client.get(url("deletion_requests")).status_code == 404
    assert client.get(url("deletion_request_handle", request_id=made.pk)).status_code == 404
    response = client.post(
        url("deletion_request_handle", request_id=made.pk), {"status": "done", "outcome": "x"}
    )
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.status == DeletionStatus.RECEIVED


def test_another_organisations_request_is_404(world, client_for) -> None:
    made = make(world.b, person=world.b["user"])
    client = client_for(world.a["coordinator"])
    assert client.get(url("deletion_request_handle", request_id=made.pk)).status_code == 404
    assert (
        client.get(url("deletion_request_handle", "org-b", request_id=made.pk)).status_code == 404
    )
    listing = client.get(url("deletion_requests"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nobody has asked to have their data deleted." in listing


def test_the_list_puts_open_requests_first(world, client_for) -> None:
    handled = make(world.a, status=DeletionStatus.DONE, outcome="Deleted.")
    waiting = make(world.a, person=world.a["staff"])
    html = client_for(world.a["coordinator"]).get(url("deletion_requests")).content.decode()
    first = html.index(url("deletion_request_handle", request_id=waiting.pk))
    assert first < html.index(url("deletion_request_handle", request_id=handled.pk))


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_has_a_constant_query_count(
    world, client_for, django_assert_num_queries, count
) -> None:
    for number in range(count):
        person = UserFactory.create()
        MembershipFactory(organization=world.a.org, user=person, role=Role.USER)
        make(world.a, person=person, message=f"Request {number}")
        if number % 2:
            make(
                world.a,
                person=person,
                status=DeletionStatus.DONE,
                outcome="Deleted",
                handled_by=world.a["coordinator"],
            )
    client = client_for(world.a["coordinator"])
    client.get(url("deletion_requests"))
    # Session and user (2), MFA check (1), organisation context (2), count (1), the page of
    # requests with people and handlers (1), layout (2).
    with django_assert_num_queries(9):
        assert client.get(url("deletion_requests")).status_code == 200

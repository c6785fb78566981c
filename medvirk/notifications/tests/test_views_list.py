"""The list of a person's notifications at /notifications/."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medvirk.notifications.tests.factories import NotificationFactory
from medvirk.notifications.views import PAGE_SIZE


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English, so that the assertions on their text outlive translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


LIST_URL = "/notifications/"


def test_url_name():
    assert reverse("notifications:list") == LIST_URL


def test_login_required(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_shows_only_the_persons_own_notifications(world, client_for):
    NotificationFactory.create(recipient=world.a["user"], subject="Til meg")
    NotificationFactory.create(recipient=world.b["user"], subject="Til noen andre")
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert "Til meg" in html
    assert "Til noen andre" not in html
    assert "<title>Notifications – Medvirk</title>" in html


def test_unread_are_marked_and_have_a_mark_as_read_form(world, client_for):
    unread = NotificationFactory.create(recipient=world.a["user"], subject="Ulest")
    read = NotificationFactory.create(
        recipient=world.a["user"], subject="Lest", read_at=timezone.now()
    )
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert html.count(">Unread</span>") == 1
    assert reverse("notifications:mark_read", args=[unread.pk]) in html
    assert reverse("notifications:mark_read", args=[read.pk]) not in html
    assert "You have 1 unread notification." in html
    assert reverse("notifications:mark_all_read") in html


def test_mark_all_is_offered_only_when_something_is_unread(world, client_for):
    NotificationFactory.create(recipient=world.a["user"], read_at=timezone.now())
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert reverse("notifications:mark_all_read") not in html


def test_newest_first_with_link_and_organisation(world, client_for):
    NotificationFactory.create(recipient=world.a["user"], subject="Eldre")
    NotificationFactory.create(
        recipient=world.a["user"], subject="Nyere", organization=world.a.org, url="/o/org-a/"
    )
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert html.index("Nyere") < html.index("Eldre")
    assert '<a class="ds-link" href="/o/org-a/">Nyere</a>' in html
    assert "Organisasjon A" in html


def test_body_is_escaped(world, client_for):
    NotificationFactory.create(recipient=world.a["user"], body="<script>alert(1)</script>")
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_empty_state(world, client_for):
    html = client_for(world.a["user"]).get(LIST_URL).content.decode()
    assert "No notifications yet" in html
    assert 'id="notification-list"' in html


def test_paginates(world, client_for):
    person = world.a["user"]
    NotificationFactory.create_batch(PAGE_SIZE + 2, recipient=person)
    client = client_for(person)
    first = client.get(LIST_URL).content.decode()
    assert first.count('class="ds-card notification"') == PAGE_SIZE
    assert "Page 1 of 2" in first
    second = client.get(LIST_URL, {"page": 2}).content.decode()
    assert second.count('class="ds-card notification"') == 2
    assert "page 2" in second.split("</title>")[0]
    # The forms on page 2 bring the person back to page 2.
    assert 'name="page" value="2"' in second


def _queries_for_list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_bounded_and_does_not_grow_with_the_list(
    world, client_for, django_assert_max_num_queries
):
    person = world.a["user"]
    client = client_for(person)
    NotificationFactory.create_batch(3, recipient=person, organization=world.a.org)
    few = _queries_for_list(client)
    NotificationFactory.create_batch(PAGE_SIZE, recipient=person, organization=world.b.org)
    many = _queries_for_list(client)
    assert few == many
    # session, person, MFA check, navigation, bell count (shared with the page),
    # page count, page rows
    with django_assert_max_num_queries(7):
        client.get(LIST_URL)


def test_only_get(world, client_for):
    assert client_for(world.a["user"]).post(LIST_URL).status_code == 405

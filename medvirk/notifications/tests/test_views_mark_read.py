"""Marking notifications as read: POST only, own notifications only, htmx-enhanced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from medvirk.notifications.models import Notification
from medvirk.notifications.tests.factories import NotificationFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English, so that the assertions on their text outlive translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _mark_url(notification):
    return reverse("notifications:mark_read", args=[notification.pk])


MARK_ALL_URL = "/notifications/read-all/"


def test_marks_read_and_returns_to_the_same_page(world, client_for):
    notification = NotificationFactory.create(recipient=world.a["user"])
    response = client_for(world.a["user"]).post(_mark_url(notification), {"page": "3"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=3"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("page", ["", "1", "x", "//evil.example", "-2"])
def test_returns_to_the_first_page_without_a_sensible_page_number(world, client_for, page):
    notification = NotificationFactory.create(recipient=world.a["user"])
    response = client_for(world.a["user"]).post(_mark_url(notification), {"page": page})
    assert response["Location"] == "/notifications/"


def test_marking_again_keeps_the_first_time(world, client_for):
    first = timezone.now() - dt.timedelta(days=1)
    notification = NotificationFactory.create(recipient=world.a["user"], read_at=first)
    client_for(world.a["user"]).post(_mark_url(notification))
    notification.refresh_from_db()
    assert notification.read_at == first


def test_someone_elses_notification_is_404_and_unchanged(world, client_for):
    other = NotificationFactory.create(recipient=world.a["staff"])
    response = client_for(world.a["user"]).post(_mark_url(other))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_missing_notification_is_404(world, client_for):
    response = client_for(world.a["user"]).post("/notifications/987654/read/")
    assert response.status_code == 404


def test_get_does_not_mark_read(world, client_for):
    notification = NotificationFactory.create(recipient=world.a["user"])
    response = client_for(world.a["user"]).get(_mark_url(notification))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_is_sent_to_login(client, db):
    notification = NotificationFactory.create()
    response = client.post(_mark_url(notification))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_htmx_gets_the_item_the_bell_and_a_status(world, client_for):
    person = world.a["user"]
    notification = NotificationFactory.create(recipient=person, subject="Denne")
    NotificationFactory.create(recipient=person)
    response = client_for(person).post(_mark_url(notification), {"page": "2"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<li id="notification-{notification.pk}"' in html
    assert "Denne" in html
    # The item is now read: no form, no "Unread" tag, and it takes the focus.
    assert _mark_url(notification) not in html
    assert ">Unread</span>" not in html
    assert "autofocus" in html
    # The bell is swapped out of band with the new count.
    assert 'id="notification-bell"' in html
    assert 'hx-swap-oob="true"' in html
    assert "(1 unread)" in html
    assert 'id="notification-status" hx-swap-oob="innerHTML"' in html
    assert "marked as read" in html


def test_htmx_for_someone_elses_notification_is_404(world, client_for):
    other = NotificationFactory.create(recipient=world.b["user"])
    response = client_for(world.a["user"]).post(_mark_url(other), **HTMX)
    assert response.status_code == 404


def test_mark_all_marks_only_the_persons_own(world, client_for):
    person = world.a["user"]
    mine = NotificationFactory.create_batch(3, recipient=person)
    theirs = NotificationFactory.create(recipient=world.a["staff"])
    response = client_for(person).post(MARK_ALL_URL, {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_only_by_post(world, client_for):
    NotificationFactory.create(recipient=world.a["user"])
    assert client_for(world.a["user"]).get(MARK_ALL_URL).status_code == 405
    assert Notification.objects.filter(read_at=None).count() == 1


def test_mark_all_with_nothing_unread_says_so(world, client_for):
    response = client_for(world.a["user"]).post(MARK_ALL_URL, follow=True)
    assert "You had no unread notifications." in response.content.decode()


def test_htmx_mark_all_gets_the_list_and_the_bell(world, client_for):
    person = world.a["user"]
    NotificationFactory.create_batch(2, recipient=person, subject="Min melding")
    response = client_for(person).post(MARK_ALL_URL, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert '<div id="notification-list"' in html
    assert html.count("Min melding") == 2
    assert ">Unread</span>" not in html
    assert 'id="notification-bell"' in html
    assert "unread)" not in html
    assert "All notifications were marked as read." in html

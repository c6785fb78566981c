"""The bell in the page header: unread count, readable by screen readers, one query."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medvirk.notifications.tests.factories import NotificationFactory


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English, so that the assertions on their text outlive translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _bell(html):
    start = html.index('<a id="notification-bell"')
    return html[start : html.index("</a>", start) + 4]


def test_bell_shows_the_unread_count_as_badge_and_text(world, client_for):
    person = world.a["user"]
    NotificationFactory.create_batch(3, recipient=person)
    NotificationFactory.create(recipient=person, read_at=timezone.now())
    NotificationFactory.create(recipient=world.b["user"])
    bell = _bell(client_for(person).get("/").content.decode())
    assert 'href="/notifications/"' in bell
    # Screen readers hear "Notifications (3 unread)"; the badge is for the eyes only.
    assert 'data-count="3" aria-hidden="true"' in bell
    assert '<span class="ds-sr-only"> (3 unread)</span>' in bell
    assert bell.startswith('<a id="notification-bell" class="ds-link notification-bell"')


def test_bell_without_unread_has_no_badge(world, client_for):
    NotificationFactory.create(recipient=world.a["user"], read_at=timezone.now())
    bell = _bell(client_for(world.a["user"]).get("/").content.decode())
    assert "ds-badge" not in bell
    assert "unread" not in bell
    assert "Notifications" in bell


def test_badge_caps_at_99(world, client_for):
    NotificationFactory.create_batch(100, recipient=world.a["user"])
    bell = _bell(client_for(world.a["user"]).get("/").content.decode())
    assert 'data-count="99+"' in bell
    assert "(100 unread)" in bell


def test_bell_marks_the_list_page_as_current(world, client_for):
    client = client_for(world.a["user"])
    assert 'aria-current="page"' in _bell(client.get("/notifications/").content.decode())
    assert 'aria-current="page"' not in _bell(client.get("/").content.decode())


def _notification_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_bell_adds_exactly_one_query_per_page(world, client_for):
    person = world.a["user"]
    NotificationFactory.create_batch(5, recipient=person)
    client = client_for(person)
    [query] = _notification_queries(client, "/")
    assert "COUNT(*)" in query
    # The list page shows the same count: it reuses the bell's query.
    unread_counts = [
        sql
        for sql in _notification_queries(client, "/notifications/")
        if "COUNT(*)" in sql and "IS NULL" in sql
    ]
    assert len(unread_counts) == 1


def test_no_bell_and_no_query_for_anonymous_visitors(client, db):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/tilgjengelighet/").content.decode()
    assert 'id="notification-bell"' not in html
    assert not [q for q in queries if "notifications_notification" in q["sql"]]

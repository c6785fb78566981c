"""Organisation admins search their organisation's access log."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accesslog.tests.factories import AccessLogEntryFactory
from medvirk.organizations.roles import Role

URL = reverse("accesslog:entry_list", args=["org-a"])
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def admin_client(world, english_client_for):
    return english_client_for(world.a["admin"])


def _rows(response) -> list[str]:
    """The text of each row of the results table, in order."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    if body is None:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def _search(client, **params):
    return client.get(URL, params)


# --- listing -------------------------------------------------------------------------


def test_admin_sees_the_organisations_entries_newest_first(world, admin_client):
    old = AccessLogEntryFactory.create(
        organization=world.a.org,
        object_label="Old one",
        created_at=dt.datetime(2026, 1, 5, tzinfo=OSLO),
    )
    new = AccessLogEntryFactory.create(
        organization=world.a.org,
        object_label="New one",
        created_at=dt.datetime(2026, 3, 5, tzinfo=OSLO),
    )
    AccessLogEntryFactory.create(organization=world.b.org, object_label="Other organisation")
    response = _search(admin_client)
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 2
    assert new.object_label in rows[0]
    assert old.object_label in rows[1]
    assert "Other organisation" not in response.content.decode()


def test_times_are_shown_in_oslo_time_and_the_readers_format(world, admin_client):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Oslo.
    AccessLogEntryFactory.create(
        organization=world.a.org, created_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    )
    english = _search(admin_client)
    assert 'datetime="2026-02-01T00:30:00+01:00"' in english.content.decode()
    assert _rows(english)[0].startswith("02/01/2026 12:30 a.m.")
    admin_client.cookies["medvirk_language"] = "nb"
    assert _rows(_search(admin_client))[0].startswith("01.02.2026 00:30")


def test_an_empty_log_says_so(world, admin_client):
    response = _search(admin_client)
    assert "The access log of this organisation is empty." in response.content.decode()
    assert "<table" not in response.content.decode()


def test_a_search_without_matches_says_so(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org)
    response = _search(admin_client, actor="nobody-like-this")
    assert "No entries match your search." in response.content.decode()
    assert _rows(response) == []


# --- filters -------------------------------------------------------------------------


def test_filter_by_whose_data_matches_part_of_the_email(world, admin_client):
    AccessLogEntryFactory.create(
        organization=world.a.org, subject_label="kari.nordmann@example.test"
    )
    AccessLogEntryFactory.create(organization=world.a.org, subject_label="ola@example.test")
    rows = _rows(_search(admin_client, subject="NORDMANN"))
    assert len(rows) == 1
    assert "kari.nordmann@example.test" in rows[0]


def test_filter_by_whose_data_finds_the_persons_current_email_too(world, admin_client):
    person = world.a["user"]
    AccessLogEntryFactory.create(
        organization=world.a.org, subject=person, subject_label="old.address@example.test"
    )
    AccessLogEntryFactory.create(organization=world.a.org)
    rows = _rows(_search(admin_client, subject=person.email))
    assert len(rows) == 1
    assert "old.address@example.test" in rows[0]


def test_filter_by_who_acted(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org, actor_label="nurse@example.test")
    AccessLogEntryFactory.create(organization=world.a.org, actor_label="doctor@example.test")
    rows = _rows(_search(admin_client, actor="nurse"))
    assert len(rows) == 1
    assert "nurse@example.test" in rows[0]


def test_filter_by_action(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org, action="view", object_label="Was read")
    AccessLogEntryFactory.create(
        organization=world.a.org, action="delete", object_label="Was deleted"
    )
    rows = _rows(_search(admin_client, action="delete"))
    assert len(rows) == 1
    assert "Was deleted" in rows[0]
    assert "Deleted" in rows[0]


def test_filter_by_kind_of_record(world, admin_client):
    AccessLogEntryFactory.create(
        organization=world.a.org, object_type="organizations.membership", object_label="A role"
    )
    AccessLogEntryFactory.create(
        organization=world.a.org, object_type="organizations.unit", object_label="A unit"
    )
    rows = _rows(_search(admin_client, kind="organizations.membership"))
    assert len(rows) == 1
    assert "A role" in rows[0]
    assert "Membership" in rows[0]


def test_dates_are_whole_days_in_oslo_time(world, admin_client):
    # 00:30 on 1 February in Oslo, but still 31 January in UTC.
    AccessLogEntryFactory.create(
        organization=world.a.org,
        object_label="Just after midnight",
        created_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC),
    )
    AccessLogEntryFactory.create(
        organization=world.a.org,
        object_label="Late on the 28th",
        created_at=dt.datetime(2026, 2, 28, 23, 59, tzinfo=OSLO),
    )
    AccessLogEntryFactory.create(
        organization=world.a.org,
        object_label="First of March",
        created_at=dt.datetime(2026, 3, 1, 0, 0, tzinfo=OSLO),
    )

    def found(**params):
        rows = _rows(_search(admin_client, **params))
        return [label for label in LABELS if any(label in row for row in rows)]

    assert found(date_from="2026-02-01", date_to="2026-02-28") == LABELS[:2]
    assert found(date_to="2026-01-31") == []
    assert found(date_from="2026-02-01") == LABELS
    assert found(date_from="2026-03-01") == LABELS[2:]
    assert found(date_from="2026-02-28", date_to="2026-02-28") == [LABELS[1]]


LABELS = ["Just after midnight", "Late on the 28th", "First of March"]


def test_filters_combine(world, admin_client):
    AccessLogEntryFactory.create(
        organization=world.a.org,
        actor_label="nurse@example.test",
        action="view",
        object_label="Hit",
    )
    AccessLogEntryFactory.create(
        organization=world.a.org, actor_label="nurse@example.test", action="change"
    )
    AccessLogEntryFactory.create(
        organization=world.a.org, actor_label="doctor@example.test", action="view"
    )
    rows = _rows(_search(admin_client, actor="nurse", action="view"))
    assert len(rows) == 1
    assert "Hit" in rows[0]


# --- bad input -----------------------------------------------------------------------


def test_a_bad_date_shows_an_error_and_keeps_every_value_typed(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org, object_label="Should not be listed")
    response = _search(
        admin_client,
        subject="kari",
        actor="nurse",
        action="change",
        kind="organizations.unit",
        date_from="2026-02-31",
        date_to="2026-03-01",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_date_from"' in html  # the error summary links to the field
    assert "Enter a valid date." in html
    assert 'value="kari"' in html
    assert 'value="nurse"' in html
    assert 'value="2026-02-31"' in html
    assert 'value="2026-03-01"' in html
    assert re.search(r'<option value="change" selected>', html)
    assert re.search(r'<option value="organizations.unit" selected>', html)
    # No list that silently ignores the bad date.
    assert "Should not be listed" not in html
    assert "<title>Error: " in html


def test_an_end_date_before_the_start_date_is_an_error(world, admin_client):
    html = _search(admin_client, date_from="2026-03-01", date_to="2026-02-01").content.decode()
    assert "The end date is before the start date." in html
    assert 'href="#id_date_to"' in html


def test_an_unknown_action_or_kind_is_an_error(world, admin_client):
    html = _search(admin_client, action="peek", kind="nope.nothing").content.decode()
    assert 'href="#id_action"' in html
    assert 'href="#id_kind"' in html


# --- permissions ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [role.value for role in Role if role != Role.ADMIN])
def test_every_role_but_admin_gets_404(world, client_for, role):
    AccessLogEntryFactory.create(organization=world.a.org)
    assert client_for(world.a[role]).get(URL).status_code == 404


def test_admin_of_another_organisation_gets_404(world, client_for):
    AccessLogEntryFactory.create(organization=world.a.org)
    assert client_for(world.b["admin"]).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_reading_the_log_adds_no_entry(world, admin_client):
    """Reads of the log are not logged: the table would grow with every page view."""
    _search(admin_client)
    assert not AccessLogEntry.objects.exists()


# --- pagination and query counts -----------------------------------------------------------


def test_fifty_entries_per_page_and_the_page_links_keep_the_search(world, admin_client):
    AccessLogEntryFactory.create_batch(51, organization=world.a.org, action="view")
    AccessLogEntryFactory.create_batch(3, organization=world.a.org, action="change")
    first = admin_client.get(URL + "?actor=actor&action=view")
    assert len(_rows(first)) == 50
    html = first.content.decode()
    assert "51 entries match your search" in html
    assert 'href="?actor=actor&amp;action=view&amp;page=2"' in html
    second = admin_client.get(URL + "?actor=actor&action=view&page=2")
    assert len(_rows(second)) == 1
    assert 'href="?actor=actor&amp;action=view&amp;page=1"' in second.content.decode()


def test_the_export_link_carries_the_search(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org, action="view")
    html = _search(admin_client, action="view").content.decode()
    export = reverse("accesslog:entry_export", args=["org-a"])
    assert f'href="{export}?action=view"' in html


def _count_queries(admin_client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        "",
        "?subject=sub&actor=act&action=view&kind=organizations.unit"
        "&date_from=2020-01-01&date_to=2099-01-01",
    ],
)
def test_query_count_does_not_grow_with_the_page(
    world, admin_client, django_assert_max_num_queries, params
):
    AccessLogEntryFactory.create(organization=world.a.org)
    admin_client.get(URL)  # warm the session and caches
    one = _count_queries(admin_client, django_assert_max_num_queries, URL + params, 10)
    AccessLogEntryFactory.create_batch(120, organization=world.a.org)
    full_page = _count_queries(admin_client, django_assert_max_num_queries, URL + params, 10)
    assert one == full_page

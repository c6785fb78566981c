"""Admins download the current search as CSV; every download is itself logged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accesslog.tests.factories import AccessLogEntryFactory
from medvirk.organizations.roles import Role

URL = reverse("accesslog:entry_export", args=["org-a"])


@pytest.fixture
def admin_client(world, english_client_for):
    return english_client_for(world.a["admin"])


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


def test_export_has_a_header_and_every_field_of_the_matching_entries(world, admin_client):
    AccessLogEntryFactory.create(
        organization=world.a.org,
        actor_label="nurse@example.test",
        action="change",
        subject_label="kari@example.test",
        object_type="organizations.unit",
        object_id="17",
        object_label="Hjemmetjenesten, nord",
        created_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC),
    )
    AccessLogEntryFactory.create(organization=world.a.org, action="view")
    AccessLogEntryFactory.create(organization=world.b.org, action="change")
    response = admin_client.get(URL, {"action": "change"})
    assert 'attachment; filename="access-log-org-a-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows == [
        ["Time", "Who", "Action", "Whose data", "Kind of record", "Record id", "Record"],
        [
            "2026-02-01T00:30:00+01:00",
            "nurse@example.test",
            "Changed",
            "kari@example.test",
            "unit",
            "17",
            "Hjemmetjenesten, nord",
        ],
    ]


def test_without_a_search_everything_of_the_organisation_is_exported_newest_first(
    world, admin_client
):
    for day in (3, 1, 2):
        AccessLogEntryFactory.create(
            organization=world.a.org,
            object_label=f"Day {day}",
            created_at=dt.datetime(2026, 1, day, 12, tzinfo=dt.UTC),
        )
    AccessLogEntryFactory.create(organization=world.b.org, object_label="Other organisation")
    rows = _csv(admin_client.get(URL))
    # The export's own entry comes first: it was written before the rows were read.
    assert [row[6] for row in rows[1:]] == ["", "Day 3", "Day 2", "Day 1"]
    assert rows[1][2] == "Exported"


def test_the_export_is_logged_with_the_search_it_exported(world, admin_client):
    admin_client.get(URL, {"subject": "kari", "date_from": "2026-01-01"})
    entry = AccessLogEntry.objects.get()
    assert entry.organization == world.a.org
    assert (entry.actor, entry.actor_label) == (world.a["admin"], world.a["admin"].email)
    assert entry.action == "export"
    assert entry.object_type == "accesslog.accesslogentry"
    assert entry.object_label == "subject=kari&date_from=2026-01-01"


def test_spreadsheet_formulas_in_labels_are_neutralised(world, admin_client):
    AccessLogEntryFactory.create(
        organization=world.a.org, action="change", object_label='=HYPERLINK("http://evil")'
    )
    rows = _csv(admin_client.get(URL, {"action": "change"}))
    assert rows[1][6] == '\'=HYPERLINK("http://evil")'


def test_a_bad_date_exports_nothing_and_logs_nothing(world, admin_client):
    AccessLogEntryFactory.create(organization=world.a.org, object_label="Not exported")
    response = admin_client.get(URL, {"date_from": "2026-13-01", "actor": "nurse"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'href="#id_date_from"' in html
    assert 'value="nurse"' in html
    assert "Not exported" not in html
    assert not AccessLogEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", [role.value for role in Role if role != Role.ADMIN])
def test_every_role_but_admin_gets_404_and_nothing_is_logged(world, client_for, role):
    assert client_for(world.a[role]).get(URL).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_admin_of_another_organisation_gets_404(world, client_for):
    AccessLogEntryFactory.create(organization=world.a.org)
    assert client_for(world.b["admin"]).get(URL).status_code == 404
    assert not AccessLogEntry.objects.filter(action="export").exists()

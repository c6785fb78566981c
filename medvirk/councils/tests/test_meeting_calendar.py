"""The .ics of a meeting: parses with icalendar and starts at the right Oslo time all year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from medvirk.councils.choices import AgendaKind, MeetingStatus
from medvirk.councils.meeting_calendar import meeting_ics
from medvirk.councils.meeting_services import meeting_update
from medvirk.councils.tests.factories import council, member
from medvirk.councils.tests.meeting_factories import agenda_item, local, meeting


def _event(body: bytes):
    calendar = Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.parametrize(
    ("when", "utc_hour"),
    [
        pytest.param(local(2026, 1, 15, 18), 17, id="winter"),
        pytest.param(local(2026, 6, 15, 18), 16, id="summer"),
    ],
)
def test_starts_at_the_local_time_in_winter_and_summer(world, when, utc_hour):
    m = meeting(council(world.a.org), starts_at=when, ends_at=when + timedelta(hours=2))
    body = meeting_ics(m)
    calendar, event = _event(body)

    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (18, 0)
    assert str(start.tzinfo) == "Europe/Oslo"
    assert start.astimezone(UTC) == datetime(2026, when.month, 15, utc_hour, 0, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC).hour == utc_hour + 2
    # The zone travels with the file, so any client reads the same wall-clock time.
    assert f"DTSTART;TZID=Europe/Oslo:2026{when.month:02d}15T180000".encode() in body
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Oslo"


def test_has_uid_sequence_summary_location_url_and_agenda(world):
    c = council(world.a.org, name="Brukerrådet")
    m = meeting(c, title="Vårmøtet", place="Rådhuset", video_url="https://video.example/abc")
    agenda_item(m, title="Budsjett 2027", kind=AgendaKind.DECISION)
    agenda_item(m, title="Nytt fra tjenestene")

    _calendar, event = _event(meeting_ics(m, url="https://medvirk.example/m/1/"))

    assert str(event["UID"]) == str(m.uid)
    assert event.decoded("sequence") == 0
    assert "Vårmøtet" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Rådhuset"
    assert str(event["URL"]) == "https://medvirk.example/m/1/"
    description = str(event["DESCRIPTION"])
    assert "1. Budsjett 2027" in description
    assert "2. Nytt fra tjenestene" in description
    assert "https://video.example/abc" in description


def test_a_changed_meeting_keeps_its_uid_and_raises_the_sequence(world):
    m = meeting(council(world.a.org))
    uid = m.uid
    meeting_update(
        meeting=m,
        starts_at=m.starts_at + timedelta(hours=1),
        ends_at=m.ends_at + timedelta(hours=1),
    )
    meeting_update(meeting=m, status=MeetingStatus.CANCELLED)

    _calendar, event = _event(meeting_ics(m))
    assert str(event["UID"]) == str(uid)
    assert event.decoded("sequence") == 2
    assert str(event["STATUS"]) == "CANCELLED"


def test_video_only_meeting_uses_the_link_as_location(world):
    m = meeting(council(world.a.org), place="", video_url="https://video.example/x")
    _calendar, event = _event(meeting_ics(m))
    assert str(event["LOCATION"]) == "https://video.example/x"


def test_download_is_text_calendar_for_whoever_sees_the_council(world, client_for):
    c = council(world.a.org)
    member(c, world.a["representative"])
    m = meeting(c, starts_at=local(2026, 6, 15, 18), ends_at=local(2026, 6, 15, 20))
    url = reverse("councils:meeting_ics", args=[world.a.org.slug, m.pk])

    response = client_for(world.a["user"]).get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    _calendar, event = _event(response.content)
    assert event.decoded("dtstart").astimezone(UTC).hour == 16
    expected = reverse("councils:meeting_detail", args=[world.a.org.slug, m.pk])
    assert str(event["URL"]).endswith(expected)


def test_download_is_404_for_another_organisation(world, client_for):
    m = meeting(council(world.a.org))
    response = client_for(world.b["admin"]).get(
        reverse("councils:meeting_ics", args=[world.a.org.slug, m.pk])
    )
    assert response.status_code == 404


def test_the_video_link_is_only_in_members_calendar_files(world, client_for):
    c = council(world.a.org)
    member(c, world.a["representative"])
    m = meeting(c, place="", video_url="https://video.example/hemmelig")
    url = reverse("councils:meeting_ics", args=[world.a.org.slug, m.pk])

    own = client_for(world.a["representative"]).get(url).content
    outsider = client_for(world.a["user"]).get(url).content

    assert b"video.example/hemmelig" in own
    assert b"video.example/hemmelig" not in outsider
    _calendar, event = _event(outsider)
    assert "LOCATION" not in event

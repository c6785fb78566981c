"""A meeting as an iCalendar file (RFC 5545) people add to their own calendar.

Times are written in the installation's zone (Europe/Oslo by default) with
a VTIMEZONE, so a calendar shows 18:00 as 18:00 in winter and in summer.
UID is the meeting's stable ``uid`` and SEQUENCE its ``sequence``: a
changed meeting replaces the old entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from medvirk.councils.choices import MeetingStatus
from medvirk.councils.models import Meeting

PRODID = "-//Medvirk//Medvirk meetings//EN"
# The VTIMEZONE covers the meeting's year on each side: small, and enough for any client.
_ZONE_MARGIN = timedelta(days=366)
_STATUS = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_zone() -> ZoneInfo:
    """The zone meeting times are written and read in (the installation's)."""
    return ZoneInfo(settings.TIME_ZONE)


def _description(meeting: Meeting, url: str, with_video: bool) -> str:
    lines = [meeting.council.name]
    items = list(meeting.agenda_items.order_by("position", "pk"))
    if items:
        lines += ["", _("Agenda:")]
        lines += [f"{number}. {item.title}" for number, item in enumerate(items, start=1)]
    if with_video and meeting.video_url:
        lines += ["", _("Video link: %(url)s") % {"url": meeting.video_url}]
    if url:
        lines += ["", url]
    return "\n".join(lines)


def meeting_calendar(meeting: Meeting, *, url: str = "", with_video: bool = True) -> Calendar:
    """The meeting as one VEVENT in a VCALENDAR; ``url`` is the meeting's page.

    The video link is for the council's members and managers: ``with_video``
    leaves it out for everyone else who can see the council.
    """
    zone = meeting_zone()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", str(meeting.uid))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.title} ({meeting.council.name})")
    location = meeting.place or (meeting.video_url if with_video else "")
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("description", _description(meeting, url, with_video))
    event.add("status", _STATUS.get(MeetingStatus(meeting.status), "CONFIRMED"))
    calendar.add_component(event)
    day: date = meeting.starts_at.astimezone(zone).date()
    calendar.add_missing_timezones(first_date=day - _ZONE_MARGIN, last_date=day + _ZONE_MARGIN)
    return calendar


def meeting_ics(meeting: Meeting, *, url: str = "", with_video: bool = True) -> bytes:
    """The ``.ics`` file's bytes."""
    return meeting_calendar(meeting, url=url, with_video=with_video).to_ical()

"""Test helpers for meetings: rows made with the ORM, documents through the service.

Kept apart from ``factories.py`` (councils, seats, members), which another
part of the app owns; these build on it.
"""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils import meeting_services
from medvirk.councils.choices import AgendaKind
from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.models import AgendaItem, Council, Invitation, Meeting, MeetingDocument

_counter = itertools.count(1)

# The smallest files filetype recognises by their first bytes.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An aware datetime at this wall-clock time in the meeting zone (Europe/Oslo)."""
    return datetime(year, month, day, hour, minute, tzinfo=meeting_zone())


def meeting(council: Council, **kw: Any) -> Meeting:
    """A planned meeting next week, 18:00–20:00 local time, at the town hall."""
    day = timezone.localdate() + timedelta(days=7)
    starts = datetime.combine(day, time(18, 0), tzinfo=meeting_zone())
    values: dict[str, Any] = {
        "title": f"Møte {next(_counter)}",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "Rådhuset, møterom 2",
    }
    values.update(kw)
    return Meeting.objects.create(council=council, **values)


def agenda_item(meeting: Meeting, **kw: Any) -> AgendaItem:
    values: dict[str, Any] = {
        "title": f"Sak {next(_counter)}",
        "kind": AgendaKind.INFORMATION,
        "position": meeting.agenda_items.count() + 1,
    }
    values.update(kw)
    return AgendaItem.objects.create(meeting=meeting, **values)


def document(
    meeting: Meeting, agenda_item: AgendaItem | None = None, *, name: str = "notat.png"
) -> MeetingDocument:
    upload = SimpleUploadedFile(name, PNG, content_type="image/png")
    return meeting_services.document_add(meeting=meeting, upload=upload, agenda_item=agenda_item)


def invitation(meeting: Meeting, user: User, **kw: Any) -> Invitation:
    values: dict[str, Any] = {"sent_at": timezone.now()}
    values.update(kw)
    return Invitation.objects.create(meeting=meeting, user=user, **values)

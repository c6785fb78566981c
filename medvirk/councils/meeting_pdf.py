"""A meeting's agenda and minutes as PDF, drawn by WeasyPrint like the learning certificates.

The views decide who may download them (the same rules as the pages); these
functions only draw. Nothing is fetched from the network or the disk.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.models import Meeting


def _render(template: str, meeting: Meeting, **extra: object) -> bytes:
    with timezone.override(meeting_zone()):
        html = render_to_string(
            template,
            {
                "meeting": meeting,
                "council": meeting.council,
                "organization": meeting.council.organization,
                "items": list(
                    meeting.agenda_items.order_by("position", "pk").prefetch_related("documents")
                ),
                **extra,
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def agenda_pdf(meeting: Meeting, *, with_video: bool = True) -> bytes:
    """The notice of the meeting: time, place, and the agenda with descriptions.

    ``with_video`` is false for readers who are neither members nor managers:
    the video link is for those taking part.
    """
    return _render("councils/pdf/agenda.html", meeting, with_video=with_video)


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes: who attended, minutes per agenda item and the decisions made."""
    attended = list(
        meeting.invitations.filter(attended=True)
        .select_related("user", "member", "member__represents")
        .order_by("user__full_name", "pk")
    )
    return _render("councils/pdf/minutes.html", meeting, attended=attended, with_video=False)

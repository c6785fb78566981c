"""In a real browser: a coordinator runs a council meeting from scheduling to published minutes.

The demo's user council in the municipality is used; its coordinator (also
the council's secretary) schedules a meeting, writes the agenda, sends the
invitations, records attendance and minutes and publishes them. axe-core
checks every page on the way; a member then reads the minutes and answers.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from medvirk.councils.choices import MeetingStatus, MinutesAudience, Rsvp
from medvirk.councils.meeting_access import current_members
from medvirk.councils.models import Council, Invitation, Meeting
from medvirk.demo.councils import COUNCIL_NAME
from medvirk.demo.data import MUNICIPALITY
from medvirk.notifications.models import Notification
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
TITLE = "Ekstramøte om dagtilbudet"


def tab(page: Page, name: str) -> None:
    """Follow a link of the meeting's own menu."""
    menu = page.get_by_role("navigation", name="Run the meeting")
    with page.expect_navigation():
        menu.get_by_role("link", name=name, exact=True).click()


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_coordinator_runs_a_meeting_from_agenda_to_published_minutes(
    logged_in_context, demo
) -> None:
    council = Council.objects.get(name=COUNCIL_NAME, organization__slug=SLUG)
    members = {m.user_id for m in current_members(council)}
    coordinator = demo_user(demo, SLUG, "coordinator")
    page = logged_in_context(coordinator, locale="en-GB").new_page()

    # The council's meetings, then the form, which first refuses a meeting without a place.
    page.goto(reverse("councils:meeting_list", args=[SLUG, council.pk]))
    check_axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Schedule a meeting").click()
    check_axe(page)
    page.get_by_label("Title").fill(TITLE)
    # A meeting ahead (invitations are only for meetings that have not started).
    day = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Starts").fill(f"{day.isoformat()}T18:00")
    page.get_by_label("Ends").fill(f"{day.isoformat()}T20:00")
    submit(page, "Schedule the meeting")
    expect(page.get_by_text("Give a place, a video link or both.").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    check_axe(page)
    page.get_by_label("Place", exact=False).first.fill("Rådhuset, møterom Fjorden")
    submit(page, "Schedule the meeting")
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.starts_at == datetime.combine(day, time(18, 0), tzinfo=ZoneInfo("Europe/Oslo"))

    # Agenda: two items, the second moved to the top.
    expect(page.locator("h1")).to_have_text("Agenda")
    check_axe(page)
    for title, kind in [("Orientering om dagtilbudet", "Information"), ("Uttalelse", "Decision")]:
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Description").fill("Saken er beskrevet i vedlegget.")
        submit(page, "Add to the agenda")
    with page.expect_navigation():
        page.get_by_role("button", name="move “Uttalelse” up").click()
    rows = page.locator("#agenda tbody th")
    expect(rows).to_have_text(["Uttalelse", "Orientering om dagtilbudet"])
    check_axe(page)

    # Invitations: one per current member, each notified.
    tab(page, "Invitations and answers")
    check_axe(page)
    submit(page, "Send the invitations")
    expect(page.get_by_text(f"Invitations were sent to {len(members)} people.")).to_be_visible()
    check_axe(page)
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    assert invited == members
    notified = Notification.objects.filter(
        message="meeting_invitation", url__contains=str(meeting.pk)
    )
    assert set(notified.values_list("recipient_id", flat=True)) == members

    # Attendance.
    tab(page, "Attendance")
    check_axe(page)
    for name in ("Aisha Ali", "Per Olsen", "Sigrid Berg"):
        page.get_by_label(name).check()
    submit(page, "Save attendance")
    expect(page.get_by_text("The attendance was saved.")).to_be_visible()
    expect(page.get_by_label("Aisha Ali")).to_be_checked()
    came = Invitation.objects.filter(meeting=meeting, attended=True)
    assert came.count() == 3
    assert Invitation.objects.filter(meeting=meeting, attended=False).count() == len(members) - 3

    # Minutes and decision, the meeting marked held, then published to the members.
    tab(page, "Minutes")
    check_axe(page)
    page.get_by_label("Minutes for item 1: Uttalelse").fill("Rådet drøftet uttalelsen.")
    page.get_by_label("Decision for item 1").fill("Rådet sender uttalelsen.")
    page.get_by_label("Minutes for item 2: Orientering om dagtilbudet").fill(
        "Tatt til orientering."
    )
    submit(page, "Save and mark the meeting held")
    expect(page.get_by_text("The meeting is marked as held.")).to_be_visible()
    check_axe(page)
    page.get_by_label("Council members only").check()
    submit(page, "Publish the minutes")
    expect(page.get_by_text("The minutes are published to the council's members.")).to_be_visible()
    check_axe(page)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.minutes_audience == MinutesAudience.MEMBERS
    assert meeting.minutes_published_at is not None

    tab(page, "The meeting")
    expect(page.get_by_text("Rådet sender uttalelsen.")).to_be_visible()
    check_axe(page)


def test_a_member_answers_and_reads_members_only_minutes(logged_in_context, demo) -> None:
    council = Council.objects.get(name=COUNCIL_NAME, organization__slug=SLUG)
    coming = council.meetings.get(status=MeetingStatus.PLANNED)
    member = demo_user(demo, SLUG, "next_of_kin")  # Ola Nordmann, not answered yet
    page = logged_in_context(member, locale="en-GB").new_page()

    page.goto(reverse("councils:meeting_upcoming", args=[SLUG]))
    check_axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Answer the invitation").click()
    check_axe(page)
    page.get_by_label("Coming", exact=True).check()
    page.get_by_label("What do you need to take part?").fill("Teleslynge")
    submit(page, "Save your answer")
    expect(page.get_by_text("Thank you, your answer was saved.")).to_be_visible()
    check_axe(page)
    answer = Invitation.objects.get(meeting=coming, user=member)
    assert (answer.rsvp, answer.access_needs) == (Rsvp.YES, "Teleslynge")

    held = council.meetings.get(status=MeetingStatus.HELD, minutes_audience=MinutesAudience.MEMBERS)
    page.goto(reverse("councils:meeting_detail", args=[SLUG, held.pk]))
    expect(page.get_by_text("Published to the council's members.")).to_be_visible()
    check_axe(page)

    # Staff not on the council see the meeting and its agenda, but not those minutes.
    outsider = logged_in_context(demo_user(demo, SLUG, "staff"), locale="en-GB").new_page()
    outsider.goto(reverse("councils:meeting_detail", args=[SLUG, held.pk]))
    expect(outsider.get_by_text("The minutes are for the council's members only.")).to_be_visible()
    expect(outsider.get_by_text("Rådet drøftet forslaget")).to_have_count(0)
    expect(outsider.get_by_role("heading", name="Erfaringer med hjemmetjenestene")).to_be_visible()
    check_axe(outsider)

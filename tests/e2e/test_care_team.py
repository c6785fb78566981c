"""In a real browser: staff start a course of care, follow the person, and end the course.

The municipality's demo staff member (Ingrid Hansen, unit "Psykisk helse og
rus") finds Kari Nordmann by the search, starts her course of care, sees her
on the overview and opens her page; then ends the course with how it ended
(first forgetting the reason) and Kari is gone from the overview. axe runs on
every page on the way.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from medvirk.accesslog.models import AccessLogEntry
from medvirk.care.models import CareRelationship, EndReason
from medvirk.demo.data import MUNICIPALITY
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name).first.click()


def test_staff_start_follow_and_end_a_course_of_care(logged_in_context, demo) -> None:
    staff = demo_user(demo, SLUG, "staff")
    kari = demo_user(demo, SLUG, "user")
    # Start from no open course for Kari, whatever the demo holds.
    CareRelationship.objects.filter(person=kari, ended_on__isnull=True).update(
        ended_on=timezone.localdate(), end_reason=EndReason.OTHER
    )
    page = logged_in_context(staff, locale="en-GB").new_page()

    page.goto(reverse("care:start", args=[SLUG]))
    expect(page.locator("h1")).to_have_text("Start a course of care")
    check_axe(page)
    page.get_by_label("Name or e-mail address").fill("Kari")
    submit(page, "Search")
    check_axe(page)
    follow(page, kari.full_name)
    expect(page.get_by_text(f"Course of care for {kari.full_name}")).to_be_visible()
    check_axe(page)
    submit(page, "Start the course of care")
    expect(page.locator("h1")).to_have_text(kari.full_name)
    expect(page.get_by_text("has started")).to_be_visible()
    check_axe(page)
    course = CareRelationship.objects.get(person=kari, ended_on__isnull=True)
    assert course.unit.name == "Psykisk helse og rus"

    # Kari is on the overview; her page is opened from there (and the opening logged).
    page.goto(reverse("care:overview", args=[SLUG]))
    expect(page.locator("h1")).to_have_text("People I follow")
    check_axe(page)
    before = AccessLogEntry.objects.filter(actor=staff, subject=kari).count()
    follow(page, kari.full_name)
    expect(page.locator("h1")).to_have_text(kari.full_name)
    assert AccessLogEntry.objects.filter(actor=staff, subject=kari).count() == before + 1

    # The end: the reason is required.
    follow(page, "Manage the team or end the course of care")
    check_axe(page)
    follow(page, "End the course of care")
    check_axe(page)
    submit(page, "End the course of care")
    expect(page.get_by_text("Choose how the course of care ended.").first).to_be_visible()
    check_axe(page)
    page.get_by_label("Ended as agreed").check()
    submit(page, "End the course of care")
    expect(page.locator("h1")).to_have_text("People I follow")
    expect(page.get_by_text("has ended")).to_be_visible()
    expect(page.get_by_role("link", name=kari.full_name)).to_have_count(0)
    check_axe(page)
    course.refresh_from_db()
    assert course.end_reason == EndReason.AGREED

    # Her page is closed to the staff member at once.
    response = page.goto(reverse("care:person", args=[SLUG, kari.pk]))
    assert response is not None
    assert response.status == 404

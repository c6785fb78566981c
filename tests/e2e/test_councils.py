"""In a real browser: a coordinator sets up a council with seats and members; axe on each page.

Everything goes through the pages a coordinator uses, without JavaScript
shortcuts: the menu link, the council form (first with a mistake), the user
organisation list, seats, members, and the composition on the council page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from medvirk.councils.choices import MemberRole
from medvirk.councils.models import Council, CouncilMember
from medvirk.demo.data import MUNICIPALITY
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
# Fields are found by id: their accessible names end in "Required" for required fields.


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def test_coordinator_sets_up_a_council(logged_in_context, demo) -> None:
    coordinator = demo_user(demo, SLUG, "coordinator")
    representative = demo_user(demo, SLUG, "representative")
    user = demo_user(demo, SLUG, "user")
    page = logged_in_context(coordinator, locale="en-GB").new_page()

    page.goto(reverse("organizations:overview", args=[SLUG]))
    follow(page, "Councils")
    expect(page.locator("h1")).to_have_text("Councils and groups")
    check_axe(page)

    # The installation's list of user organisations.
    follow(page, "User organisations")
    page.locator("#id_name").fill("Mental Helse")
    page.locator("#id_short_name").fill("MH")
    submit(page, "Add")
    expect(page.get_by_text("“Mental Helse” was added.")).to_be_visible()
    check_axe(page)

    # A council, first without a name: the error names the field and keeps the rest.
    page.goto(reverse("councils:create", args=[SLUG]))
    page.locator("#id_mandate").fill("Advises the mental health services.")
    submit(page, "Save")
    expect(page.locator(".ds-validation-message").first).to_be_visible()
    expect(page.locator("#id_mandate")).to_have_value("Advises the mental health services.")
    check_axe(page)
    page.locator("#id_name").fill("User council for mental health")
    page.locator("#id_kind").select_option(label="User council")
    submit(page, "Save")
    expect(page.locator("h1")).to_have_text("User council for mental health")
    check_axe(page)

    # Two required seats.
    for title in ["Mental health and substance use", "Next of kin"]:
        follow(page, "Add a seat")
        page.locator("#id_title").fill(title)
        check_axe(page)
        submit(page, "Save")
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("2 required seats are unfilled.")).to_be_visible()

    # The chair, on the first seat, representing Mental Helse, with a term ending soon.
    follow(page, "Add a member")
    page.locator("#id_user").select_option(
        label=f"{representative.full_name} ({representative.email})"
    )
    page.locator("#id_role").select_option(label="Chair")
    page.locator("#id_seat").select_option(label="Mental health and substance use")
    page.locator("#id_represents").select_option(label="MH")
    ends = timezone.localdate() + timedelta(days=30)
    page.locator("#id_term_end").fill(ends.isoformat())
    check_axe(page)
    submit(page, "Save")
    expect(
        page.get_by_text(f"{representative.full_name} was added to the council.")
    ).to_be_visible()

    # A second chair at the same time is refused beside the role, with the input kept.
    follow(page, "Add a member")
    page.locator("#id_user").select_option(label=f"{user.full_name} ({user.email})")
    page.locator("#id_role").select_option(label="Chair")
    submit(page, "Save")
    expect(page.locator("#id_role_error")).to_contain_text("A council has one chair at a time")
    expect(page.locator("#id_role")).to_have_value(MemberRole.CHAIR)
    check_axe(page)
    page.locator("#id_role").select_option(label="Member")
    submit(page, "Save")

    # The composition: one seat held, one required seat open, the chair's term ends soon.
    expect(page.get_by_text("1 required seat is unfilled.")).to_be_visible()
    expect(page.get_by_text("Unfilled – the mandate requires this seat filled")).to_be_visible()
    members = page.get_by_role("table", name="Current members")
    expect(members.get_by_role("row")).to_have_count(3)  # header and two members
    chair_row = members.get_by_role("row", name=representative.full_name)
    expect(chair_row).to_contain_text("Chair")
    expect(chair_row).to_contain_text("Term ends soon")
    expect(chair_row).to_contain_text("Mental Helse")
    check_axe(page)

    council = Council.objects.get(name="User council for mental health")
    assert council.organization.slug == SLUG
    chair = CouncilMember.objects.get(council=council, role=MemberRole.CHAIR)
    assert (chair.user, chair.term_end) == (representative, ends)
    assert CouncilMember.objects.filter(council=council).count() == 2

    # The list shows the counts.
    follow(page, "Councils and groups")
    row = page.get_by_role("row", name="User council for mental health")
    cells = row.get_by_role("cell")
    expect(cells.nth(2)).to_have_text("Your organisation")
    expect(cells.nth(3)).to_have_text("2")  # current members
    expect(cells.nth(4)).to_have_text("1")  # unfilled required seats
    check_axe(page)

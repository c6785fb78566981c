"""In a real browser: a leader finds survey results through the menu.

The demo leader of the municipality (not a coordinator) opens "Survey results"
in the main menu, sees the demo survey's two rounds, follows one to its results
page and comes back through the breadcrumbs. Every page passes axe.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.demo.services import DemoLogin
from medvirk.demo.surveys import TITLE
from medvirk.surveys.models import Survey
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug


def test_leader_finds_results_through_the_menu(logged_in_context, demo: list[DemoLogin]) -> None:
    page = logged_in_context(demo_user(demo, SLUG, "leader"), locale="en-GB").new_page()
    list_url = reverse("surveys:results_list", args=[SLUG])
    page.goto(reverse("organizations:overview", args=[SLUG]))

    menu_entry = page.locator(f"nav[aria-label] a[href='{list_url}']").first
    expect(menu_entry).to_have_text("Survey results")
    with page.expect_navigation():
        menu_entry.click()

    expect(page.locator("main h1")).to_have_text("Survey results")
    rounds = Survey.objects.filter(organization__slug=SLUG, title=TITLE).order_by("-opens_on")
    assert rounds.count() == 2, "the demo survey has two rounds"
    table = page.locator("main table")
    expect(table.locator("caption")).to_have_text("2 surveys with results")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text(rounds[0].round_label)
    check_axe(page)

    newest = rounds[0]
    with page.expect_navigation():
        table.locator("tbody tr").first.get_by_role("link", name=TITLE).click()
    assert page.url.endswith(reverse("surveys:results", args=[SLUG, newest.pk]))
    expect(page.locator("main h1")).to_contain_text(TITLE)
    check_axe(page)

    # Back to the list through the breadcrumbs (a leader has no survey management pages).
    crumbs = page.locator("nav.site-breadcrumbs")
    expect(crumbs.locator(f"a[href='{reverse('surveys:list', args=[SLUG])}']")).to_have_count(0)
    with page.expect_navigation():
        crumbs.locator(f"a[href='{list_url}']").click()
    expect(page.locator("main h1")).to_have_text("Survey results")


def test_status_filter_works_without_javascript(logged_in_context, demo: list[DemoLogin]) -> None:
    context = logged_in_context(
        demo_user(demo, SLUG, "representative"), locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(reverse("surveys:results_list", args=[SLUG]))

    page.get_by_label("Status").select_option("closed")
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Show").click()

    assert "status=closed" in page.url
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Closed")

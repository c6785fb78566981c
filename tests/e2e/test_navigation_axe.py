"""Every page a person reaches from the navigation passes axe-core (WCAG 2.1 A/AA).

For each role in both demo organisations, the crawl starts at the start page
and the organisation's overview and follows every link in a labelled
navigation (header, main menu, breadcrumbs) and the footer. Links are read
from the pages, not listed here, so pages that new apps add to the
navigation are checked without touching this file. The login page and the
public pages linked from it, the error pages (403, 404, 500) and a form with
errors are checked too.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from playwright.sync_api import Page, expect

from medvirk.core.views import error_403, error_500
from medvirk.demo.data import HEALTH_TRUST, MUNICIPALITY
from medvirk.demo.services import DemoLogin
from tests.e2e.conftest import NAV_LINKS, check_axe, crawl, demo_user

pytestmark = pytest.mark.browser

ROLE_CASES = [
    (spec.slug, str(role)) for spec in (MUNICIPALITY, HEALTH_TRUST) for role, *_ in spec.people
]


@pytest.mark.parametrize(
    ("slug", "role"), ROLE_CASES, ids=[f"{slug}-{role}" for slug, role in ROLE_CASES]
)
def test_every_navigation_page_passes_axe(
    logged_in_context, live_server, demo: list[DemoLogin], slug: str, role: str
) -> None:
    """Each role's start page, organisation pages, profile, notifications and the
    accessibility statement have no serious or critical axe violations, and no two
    of them share a ``<title>``."""
    page = logged_in_context(demo_user(demo, slug, role)).new_page()
    overview = reverse("organizations:overview", args=[slug])

    titles = crawl(page, live_server.url, [reverse("core:home"), overview])

    expected = {
        reverse("core:home"),
        overview,
        reverse("accounts:profile"),
        reverse("core:accessibility"),
    }
    assert expected <= set(titles), f"not reached from the navigation: {expected - set(titles)}"
    pages = set(titles.items())  # a redirect's landing page is listed under both paths
    shared = [title for title, count in Counter(t for _, t in pages).items() if count > 1]
    assert not shared, f"pages sharing a <title>: {[p for p in pages if p[1] in shared]}"


def test_public_pages_pass_axe(page: Page, live_server) -> None:
    """The login page and the public pages linked from it (sign-up, password reset,
    accessibility statement) pass axe for a visitor who is not logged in."""
    login = reverse("account_login")

    titles = crawl(page, live_server.url, [login], selector=f"{NAV_LINKS}, main a[href]")

    assert {login, reverse("core:accessibility")} <= set(titles)


def test_404_page_passes_axe(logged_in_context, demo: list[DemoLogin]) -> None:
    """The page for a missing or forbidden address uses the layout and passes axe."""
    page = logged_in_context(demo_user(demo, MUNICIPALITY.slug, "user")).new_page()
    response = page.goto(reverse("organizations:overview", args=["finnes-ikke"]))
    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_be_visible()
    check_axe(page)


def test_404_page_passes_axe_logged_out(page: Page) -> None:
    """An unknown address answers 404 (not a login redirect) and the page passes axe."""
    response = page.goto("/denne-siden-finnes-ikke/")
    assert response is not None
    assert response.status == 404
    check_axe(page)


@pytest.mark.parametrize("status", [403, 500])
def test_error_pages_pass_axe(page: Page, rf, status: int) -> None:
    """The 403 and 500 pages (no URL leads to them on purpose) pass axe when rendered by
    their handlers and shown at the live server's address, so their styles load."""
    request = rf.get("/")
    request.user = AnonymousUser()
    response = error_403(request, PermissionDenied()) if status == 403 else error_500(request)
    assert response.status_code == status
    page.goto(reverse("core:accessibility"))

    page.set_content(response.content.decode())

    expect(page.locator("main h1")).to_be_visible()
    check_axe(page)


def test_form_with_errors_passes_axe(logged_in_context, demo: list[DemoLogin]) -> None:
    """A form sent back with errors (error summary, messages on fields) passes axe."""
    page = logged_in_context(demo_user(demo, MUNICIPALITY.slug, "coordinator")).new_page()
    page.goto(reverse("organizations:unit_create", args=[MUNICIPALITY.slug]))
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_axe(page)


def test_check_axe_fails_on_a_violation_and_names_it(page: Page) -> None:
    """The checker is not silent: an image without a text alternative fails with the
    rule, its impact and where it is."""
    page.goto(reverse("core:accessibility"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")

    with pytest.raises(pytest.fail.Exception) as failure:
        check_axe(page)

    report = str(failure.value)
    assert "[critical] image-alt" in report
    assert any(line.strip().startswith("at ") and "img" in line for line in report.splitlines())

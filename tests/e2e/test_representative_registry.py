"""In a real browser: a representative joins the registry, fills in a profile and withdraws.

The health trust's demo representative starts outside the registry and makes
a profile through the pages: consent (first without ticking the box), areas
and a language, save; the coordinator finds them in the registry; then the
representative withdraws and the coordinator's search loses them. axe runs on
every page on the way.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from medvirk.demo.data import HEALTH_TRUST
from medvirk.representatives.models import ConsentEvent, Profile
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = HEALTH_TRUST.slug


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def test_representative_joins_the_registry_and_withdraws(logged_in_context, demo) -> None:
    representative = demo_user(demo, SLUG, "representative")
    # Start outside the registry, whatever the demo holds.
    Profile.objects.filter(user=representative, organization__slug=SLUG).delete()
    events = ConsentEvent.objects.filter(user=representative, organization__slug=SLUG)
    before = events.count()
    page = logged_in_context(representative, locale="en-GB").new_page()

    page.goto(reverse("representatives:my_profile", args=[SLUG]))
    expect(page.locator("h1")).to_have_text("My profile in the registry")
    check_axe(page)

    # Consent must be given explicitly.
    submit(page, "Give consent and create my profile")
    expect(page.get_by_text("Tick the box to give your consent.").first).to_be_visible()
    check_axe(page)
    page.locator("#id_consent").check()
    submit(page, "Give consent and create my profile")
    expect(page.locator("h1")).to_have_text("Edit my profile")
    check_axe(page)

    page.get_by_label("Psykisk helse", exact=True).check()
    page.get_by_label("Rus", exact=True).check()
    page.get_by_label("Northern Sami", exact=True).check()
    page.locator("#id_region").fill("Bodø")
    submit(page, "Save")
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    expect(page.get_by_text("Psykisk helse, Rus")).to_be_visible()
    check_axe(page)
    profile = Profile.objects.get(user=representative, organization__slug=SLUG)
    assert profile.languages == ["se"]

    # The coordinator finds them.
    coordinator = logged_in_context(demo_user(demo, SLUG, "coordinator"), locale="en-GB")
    search = coordinator.new_page()
    search.goto(reverse("representatives:registry", args=[SLUG]))
    check_axe(search)
    follow(search, representative.full_name)
    expect(search.locator("h1")).to_have_text(representative.full_name)
    check_axe(search)

    # Withdrawal: a confirmation, then the profile is gone.
    follow(page, "Withdraw my consent")
    check_axe(page)
    submit(page, "Withdraw consent and delete my profile")
    expect(page.get_by_text("Your consent is withdrawn")).to_be_visible()
    check_axe(page)
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert events.count() == before + 2

    search.goto(reverse("representatives:registry", args=[SLUG]))
    expect(search.get_by_role("link", name=representative.full_name)).to_have_count(0)

"""A form sent with errors: error summary, focus, typed values kept, nothing stored.

The unit form stands for every form: all of them render through the same
templates (templates/django/forms/).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.organizations.models import Unit
from tests.e2e.conftest import demo_user

pytestmark = pytest.mark.browser

DESCRIPTION = "Tekst som ikke skal forsvinne"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_unit_form_with_empty_name_shows_summary_keeps_input_and_stores_nothing(
    logged_in_context, demo, javascript: bool
) -> None:
    """Sending the unit form without a name shows an error summary that takes focus (so a
    screen reader reads it first) and whose link moves focus to the name field, which is
    marked invalid and described by its error; the description typed is still there and
    no unit is created. With and without JavaScript."""
    coordinator = demo_user(demo, MUNICIPALITY.slug, "coordinator")
    units_before = Unit.objects.count()
    page = logged_in_context(coordinator, java_script_enabled=javascript).new_page()
    page.goto(reverse("organizations:unit_create", args=[MUNICIPALITY.slug]))

    page.locator("#id_name").fill("   ")
    page.locator("#id_description").fill(DESCRIPTION)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.locator("a[href='#id_name']")
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#id_name")).to_be_focused()

    name = page.locator("#id_name")
    expect(name).to_have_attribute("aria-invalid", "true")
    error_id = name.get_attribute("aria-describedby") or ""
    assert "id_name_error" in error_id.split()
    expect(page.locator("#id_name_error")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    assert Unit.objects.count() == units_before

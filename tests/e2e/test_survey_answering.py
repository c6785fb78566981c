"""In a real browser: an anonymous visitor answers a survey on a phone, by keyboard only.

No login (a new browser context), a 360 × 740 viewport, and only Tab, the arrow
keys, Space and Enter: choose the unit, answer, send, see the thanks page. Every
page passes axe and fits the screen without sideways scrolling. The same runs
with JavaScript switched off.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.organizations.models import Organization
from medvirk.surveys.models import AccessCode, SurveyResponse
from medvirk.surveys.tests.factories import survey
from tests.e2e.conftest import check_axe

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
PHONE = {"width": 360, "height": 740}
MAX_TABS = 40


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user would."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        if page.evaluate("el => el === document.activeElement", handle):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {target}")


def press_and_wait(page: Page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _organization() -> Organization:
    return Organization.objects.get(slug=SLUG)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_anonymous_visitor_answers_on_a_phone_by_keyboard_only(
    new_context: Any, javascript: bool
) -> None:
    organization = _organization()
    units = list(organization.units.order_by("name", "pk")[:2])
    assert len(units) == 2, "the demo municipality has at least two units"
    found = survey(organization, units=units, title="What do you think of us?")
    context = new_context(viewport=PHONE, locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()

    def check() -> None:
        fits_the_screen(page)
        if javascript:  # axe-core runs in the page
            check_axe(page)

    page.goto(reverse("survey_answer:answer", args=[found.token]))
    expect(page.locator("h1")).to_have_text("What do you think of us?")
    check()

    # Choose the second unit: Space picks the first option, the down arrow the next.
    tab_to(page, page.get_by_label(units[0].name))
    page.keyboard.press("Space")
    expect(page.get_by_label(units[0].name)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(units[1].name)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Next"))
    press_and_wait(page)
    assert page.url.endswith(f"?unit={units[1].pk}")
    expect(page.locator("main")).to_contain_text(f"You are answering about: {units[1].name}")
    check()

    tab_to(page, page.get_by_label("Not at all"))
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("To a large degree")).to_be_checked()
    comment = page.get_by_label("Anything else?")
    tab_to(page, comment)
    page.keyboard.type("Friendly staff")
    tab_to(page, page.get_by_role("button", name="Send your answers"))
    press_and_wait(page)

    expect(page.locator("h1")).to_have_text("Thank you for your answers!")
    check()

    stored = SurveyResponse.objects.select_related("response").get(survey=found)
    assert stored.unit == units[1]
    assert stored.response.anonymous
    assert stored.response.respondent_id is None
    answers = {a.link_id: a for a in stored.response.answers.all()}
    assert answers["q1"].value_code == "4"
    assert answers["comment"].value_text == "Friendly staff"


def test_code_and_status_pages_pass_axe_on_a_phone(new_context: Any) -> None:
    """The code step (also with its error), a survey not yet open and a closed one."""
    organization = _organization()
    today = timezone.localdate()
    coded = survey(organization, requires_code=True)
    AccessCode.objects.create(survey=coded, code="AB12CD")
    soon = survey(organization, opens_on=today + datetime.timedelta(days=2))
    closed = survey(
        organization,
        opens_on=today - datetime.timedelta(days=9),
        closes_on=today - datetime.timedelta(days=2),
    )
    page = new_context(viewport=PHONE, locale="en-GB").new_page()

    page.goto(reverse("survey_answer:answer", args=[coded.token]))
    fits_the_screen(page)
    check_axe(page)
    code = page.get_by_label("Your one-time code")
    tab_to(page, code)
    page.keyboard.type("wrong1")
    press_and_wait(page)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_axe(page)
    code = page.get_by_label("Your one-time code")
    code.fill("")
    tab_to(page, code)
    page.keyboard.type("ab 12 cd")
    press_and_wait(page)
    expect(page.get_by_label("Anything else?")).to_be_visible()

    for other, text in [(soon, "This survey opens on"), (closed, "This survey closed on")]:
        page.goto(reverse("survey_answer:answer", args=[other.token]))
        expect(page.locator("main")).to_contain_text(text)
        fits_the_screen(page)
        check_axe(page)

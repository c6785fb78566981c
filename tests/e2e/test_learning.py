"""In a real browser: taking a learning module with the keyboard only, and axe on every page.

The fixture modules of medvirk/learning/tests/fixtures/ are loaded as the
shipped curriculum, so these tests do not depend on the real content being
finished. They use the browser fixtures of tests/e2e/conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.learning import services
from medvirk.learning.models import ChecklistTick, ModuleProgress, QuizAnswer, ReflectionNote
from medvirk.learning.tests.factories import CONTENT, FULL_KEY, org_module
from medvirk.organizations.models import Organization
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
MAX_TABS = 80


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


def next_lesson(page: Page) -> None:
    tab_to(page, page.get_by_role("link", name="Next lesson"))
    press_and_wait(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_complete_a_module_with_the_keyboard_only(
    logged_in_context, demo, live_server, javascript: bool
) -> None:
    """A staff member opens the catalogue, takes every lesson (notes, quiz with radio
    buttons and checkboxes, checklist) and completes the module without a mouse, with and
    without JavaScript; every page and every lesson type has no serious axe violations."""
    services.content_load(path=CONTENT)
    person = demo_user(demo, SLUG, "staff")
    page = logged_in_context(person, java_script_enabled=javascript, locale="en-GB").new_page()

    def check(page: Page) -> None:
        # axe-core runs in the page: it needs JavaScript, so only the js run checks.
        if javascript:
            check_axe(page)

    page.goto(reverse("learning:catalogue", args=[SLUG]))
    check(page)

    tab_to(page, page.get_by_role("link", name="Participation in practice"))
    press_and_wait(page)
    expect(page.locator("h1")).to_have_text("Participation in practice")
    check(page)
    tab_to(page, page.get_by_role("link", name="Start the module"))
    press_and_wait(page)

    # Story, video, audio.
    for title in ["Kari wants to be heard", "Watch the film", "Listen"]:
        expect(page.locator("h1")).to_have_text(title)
        check(page)
        next_lesson(page)

    # Reflection: private notes.
    expect(page.locator("h1")).to_have_text("Think about it")
    check(page)
    tab_to(page, page.get_by_label("Your notes"))
    page.keyboard.type("I ask too rarely.")
    tab_to(page, page.get_by_role("button", name="Save my notes"))
    press_and_wait(page)
    expect(page.get_by_text("Your notes were saved. Only you can read them.")).to_be_visible()
    expect(page.get_by_label("Your notes")).to_have_value("I ask too rarely.")
    next_lesson(page)

    # Quiz: one radio group, one group of checkboxes, one more radio group.
    expect(page.locator("h1")).to_have_text("Check yourself")
    check(page)
    tab_to(page, page.get_by_label("The user"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Individual level"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Service level
    tab_to(page, page.get_by_label("Nothing"))
    page.keyboard.press("ArrowDown")  # moves to and chooses "Tell what happened to it"
    expect(page.get_by_label("Tell what happened to it")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Check my answers"))
    press_and_wait(page)
    expect(page.get_by_text("You answered 3 of 3 questions correctly.")).to_be_visible()
    expect(page.get_by_text("Right, that closes the loop.")).to_be_visible()
    check(page)
    next_lesson(page)

    # Tips: tick a checklist item.
    expect(page.locator("h1")).to_have_text("Tips")
    check(page)
    tab_to(page, page.get_by_label("Write the goal in the user's own words"))
    page.keyboard.press("Space")
    if javascript:
        expect(page.locator("#checklist-status")).to_have_text("Checklist saved: 1 item ticked.")
        expect(page.get_by_label("Write the goal in the user's own words")).to_be_focused()
    else:
        tab_to(page, page.get_by_role("button", name="Save checklist"))
        press_and_wait(page)
        expect(page.get_by_text("Your checklist was saved.")).to_be_visible()
    expect(page.get_by_label("Write the goal in the user's own words")).to_be_checked()
    check(page)

    tab_to(page, page.get_by_role("link", name="Finish: back to the module"))
    press_and_wait(page)
    tab_to(page, page.get_by_role("button", name="Complete the module"))
    press_and_wait(page)
    expect(page.get_by_text("Well done! You have completed the module.")).to_be_visible()
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_be_visible()
    check(page)

    progress = ModuleProgress.objects.get(user=person, module_key=FULL_KEY)
    assert progress.completed_at is not None
    assert QuizAnswer.objects.filter(progress=progress, is_correct=True).count() == 3
    assert ReflectionNote.objects.get(progress=progress).text == "I ask too rarely."
    ticks = ChecklistTick.objects.filter(progress=progress)
    assert list(ticks.values_list("item", flat=True)) == [1]


def test_quiz_with_a_missing_answer_shows_errors_that_pass_axe(logged_in_context, demo) -> None:
    services.content_load(path=CONTENT)
    person = demo_user(demo, SLUG, "staff")
    page = logged_in_context(person, locale="en-GB").new_page()
    page.goto(reverse("learning:lesson_detail", args=[SLUG, FULL_KEY, 5]))
    page.get_by_label("The user").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my answers").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page.get_by_label("The user")).to_be_checked()
    check_axe(page)


def test_coordinator_and_leader_pages_pass_axe(logged_in_context, demo) -> None:
    """Required modules, the completion report, the organisation's modules and the module
    editor with its preview and its error messages."""
    services.content_load(path=CONTENT)
    organization = Organization.objects.get(slug=SLUG)
    module = org_module(organization)
    coordinator = demo_user(demo, SLUG, "coordinator")
    page = logged_in_context(coordinator, locale="en-GB").new_page()
    for url in [
        reverse("learning:required", args=[SLUG]),
        reverse("learning:required", args=[SLUG]) + "?role=staff",
        reverse("learning:report", args=[SLUG]),
        reverse("learning:organization_module_list", args=[SLUG]),
        reverse("learning:organization_module_create", args=[SLUG]),
    ]:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        check_axe(page)

    page.goto(reverse("learning:organization_module_edit", args=[SLUG, module.pk]))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-heading")).to_be_visible()
    check_axe(page)

    page.get_by_label("Module text").fill("No front matter")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_axe(page)


REAL_CONTENT = services.content_root()


@pytest.mark.skipif(not REAL_CONTENT.is_dir(), reason="content/learning/ is not there")
@pytest.mark.parametrize("language", ["nb-NO", "en-GB"])
def test_starter_curriculum_lessons_pass_axe(logged_in_context, demo, language: str) -> None:
    """The shipped curriculum as `make run` loads it: the catalogue and every lesson of
    the first module pass axe in Bokmål and English."""
    services.content_load(path=REAL_CONTENT)
    person = demo_user(demo, SLUG, "representative")
    page = logged_in_context(person, locale=language).new_page()
    page.goto(reverse("learning:catalogue", args=[SLUG]))
    check_axe(page)
    page.locator("main .card-grid a").first.click()
    check_axe(page)
    lessons = page.locator("main .learning-steps a")
    for index in range(lessons.count()):
        with page.expect_navigation():
            lessons.nth(index).click()
        check_axe(page)
        page.go_back()

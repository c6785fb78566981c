"""In a real browser: the questionnaire pages with axe, keyboard-only answering, inert
untrusted text, and follow-up questions with and without JavaScript.

The helsenorge sample forms (medvirk/questionnaires/tests/fixtures/helsenorge/) are
imported through the import service in the test's setup, as a coordinator's upload
would store them. They use the browser fixtures of tests/e2e/conftest.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Locator, Page, expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.organizations.models import Organization
from medvirk.questionnaires import services
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.importing import import_resources
from medvirk.questionnaires.models import QuestionnaireVersion, Response
from medvirk.questionnaires.tests.factories import HELSENORGE, load_sample
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
MAX_TABS = 80
# Every sample that is a Questionnaire (sync-response-qr is the answer to sync-response-q).
SAMPLES = sorted(path.stem for path in HELSENORGE.glob("*.json") if path.stem != "sync-response-qr")
SCRIPT = "<script>alert('typed')</script>"
IMAGE = "<img src=x onerror=\"alert('typed image')\">"


def _import(name: str, resource: dict[str, Any] | None = None) -> QuestionnaireVersion:
    organization = Organization.objects.get(slug=SLUG)
    forms = import_resources(organization, resource or load_sample(name), activate=True)
    return forms[0].version


def _url(name: str, *args: Any) -> str:
    return reverse(f"questionnaires:{name}", args=[SLUG, *args])


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


def no_dialogs(page: Page) -> list[str]:
    """Collect every dialog the page opens (a script that ran), dismissing it."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def test_every_sample_form_previews_without_axe_violations(logged_in_context, demo) -> None:
    """A coordinator's list, import page, each form's page and the preview of every
    helsenorge sample (and of the instruments Medvirk ships) pass axe."""
    versions = [_import(name) for name in SAMPLES]
    coordinator = demo_user(demo, SLUG, "coordinator")
    page = logged_in_context(coordinator, locale="en-GB").new_page()
    for address in [_url("list"), _url("import"), _url("detail", versions[0].questionnaire_id)]:
        response = page.goto(address)
        assert response is not None
        assert response.status == 200, address
        check_axe(page)
    # Samples that share an id or name become versions of one form: each is previewed.
    shipped = QuestionnaireVersion.objects.filter(
        questionnaire__organization__slug=SLUG, questionnaire__origin="shipped"
    )
    for version in [*versions, *shipped.select_related("questionnaire")]:
        address = _url("preview", version.questionnaire_id) + f"?version={version.number}"
        response = page.goto(address)
        assert response is not None
        assert response.status == 200, f"{version.questionnaire.title}: {address}"
        expect(page.locator("form.q-form")).to_be_visible()
        check_axe(page)


def test_preview_reports_valid_answers_and_stores_nothing(logged_in_context, demo) -> None:
    version = _import("string")
    stored = Response.objects.count()  # the demo's own survey answers
    coordinator = demo_user(demo, SLUG, "coordinator")
    page = logged_in_context(coordinator, locale="en-GB").new_page()
    page.goto(_url("preview", version.questionnaire_id))
    page.locator("main input[type='text']").first.fill("Preview answer")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the answers").click()
    expect(page.get_by_text("The answers are valid — nothing was stored.")).to_be_visible()
    expect(page.locator("pre.questionnaire-json")).to_contain_text("Preview answer")
    check_axe(page)
    assert Response.objects.count() == stored
    assert not Response.objects.filter(version=version).exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_answer_a_form_with_the_keyboard_only(logged_in_context, demo, javascript: bool) -> None:
    """A member opens a form from the list, submits it empty, follows the error summary to
    the question, chooses an answer with the arrow keys and submits: the receipt shows
    the answer. No mouse, with and without JavaScript."""
    version = _import("choice-radio")
    person = demo_user(demo, SLUG, "user")
    page = logged_in_context(person, java_script_enabled=javascript, locale="en-GB").new_page()

    def check(page: Page) -> None:
        if javascript:  # axe-core runs in the page
            check_axe(page)

    page.goto(_url("list"))
    check(page)
    tab_to(page, page.locator(f"main a[href='{_url('answer', version.questionnaire_id)}']"))
    press_and_wait(page)
    check(page)

    tab_to(page, page.get_by_role("button", name="Submit"))
    press_and_wait(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    check(page)
    page.keyboard.press("Tab")
    link = summary.locator("a").first
    expect(link).to_be_focused()
    target = (link.get_attribute("href") or "").removeprefix("#")
    page.keyboard.press("Enter")
    first_option = page.locator(f"[id='{target}']")
    expect(first_option).to_be_focused()

    page.keyboard.press("ArrowDown")  # moves to and chooses the second option
    expect(page.get_by_label("Nei")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Submit"))
    press_and_wait(page)

    expect(page.locator("h1")).to_have_text("Your answers")
    expect(page.locator("main")).to_contain_text("Radio view label")
    expect(page.locator("main")).to_contain_text("Nei")
    check(page)
    response = Response.objects.get(respondent=person)
    assert response.status == ResponseStatus.COMPLETED


def test_untrusted_text_stays_inert(logged_in_context, demo) -> None:
    """Script in a form's texts and in typed answers never runs: no dialog opens, the
    plain text shows as text, Markdown loses its script, on the form, the receipt and the
    coordinator's view of the response."""
    resource = copy.deepcopy(load_sample("string-script-injection"))
    resource["item"][0]["text"] = f"Name {IMAGE}"
    resource["item"][2]["_text"]["extension"][0]["valueMarkdown"] = (
        "**Bold** <script>alert('markdown')</script><img src=x onerror=\"alert('md')\">"
    )
    version = _import("string-script-injection", resource)
    person = demo_user(demo, SLUG, "user")
    page = logged_in_context(person, locale="en-GB").new_page()
    opened = no_dialogs(page)

    page.goto(_url("answer", version.questionnaire_id))
    expect(page.get_by_text(f"Name {IMAGE}")).to_be_visible()
    expect(page.locator("main strong", has_text="Bold")).to_be_visible()
    assert page.locator("main script:not([src])").count() == 0
    assert page.locator("main img").count() == 0
    fields = page.locator("main input[type='text']")
    fields.nth(0).fill(SCRIPT)
    fields.nth(1).fill(IMAGE)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    expect(page.locator("h1")).to_have_text("Your answers")
    expect(page.get_by_text(SCRIPT)).to_be_visible()
    expect(page.get_by_text(IMAGE, exact=True)).to_be_visible()
    assert page.locator("main img").count() == 0

    response = Response.objects.get(respondent=person)
    coordinator = logged_in_context(demo_user(demo, SLUG, "coordinator"), locale="en-GB")
    staff_page = coordinator.new_page()
    opened_by_staff = no_dialogs(staff_page)
    staff_page.goto(_url("response_detail", version.questionnaire_id, response.pk))
    expect(staff_page.get_by_text(SCRIPT)).to_be_visible()
    check_axe(staff_page)
    assert opened == []
    assert opened_by_staff == []


def test_follow_up_questions_appear_live_with_javascript(logged_in_context, demo) -> None:
    """Answering "yes" reveals the next group at once, without loading a new page."""
    version = _import("enable-when-multiple")
    person = demo_user(demo, SLUG, "user")
    page = logged_in_context(person, locale="en-GB").new_page()
    page.goto(_url("answer", version.questionnaire_id))
    follow_up = page.get_by_text("Er selvhjelpsverkøy noe du ønsker å forsøke?")
    expect(follow_up).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Vet du hva du trenger nå?").check()
    expect(follow_up).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true")
    expect(page.get_by_label("Vet du hva du trenger nå?")).to_be_checked()
    check_axe(page)

    page.get_by_label("Er selvhjelpsverkøy noe du ønsker å forsøke?").check()
    expect(page.get_by_text("Sliter med en eller flere av disse utfordringene?")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true")


def test_follow_up_questions_appear_after_refresh_without_javascript(
    logged_in_context, demo
) -> None:
    """Without JavaScript the "Show follow-up questions" button asks the server."""
    version = _import("enable-when-multiple")
    person = demo_user(demo, SLUG, "user")
    page = logged_in_context(person, java_script_enabled=False, locale="en-GB").new_page()
    page.goto(_url("answer", version.questionnaire_id))
    follow_up = page.get_by_text("Er selvhjelpsverkøy noe du ønsker å forsøke?")
    expect(follow_up).to_have_count(0)
    page.get_by_label("Vet du hva du trenger nå?").check()
    expect(follow_up).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Show follow-up questions").click()
    expect(follow_up).to_be_visible()
    expect(page.get_by_label("Vet du hva du trenger nå?")).to_be_checked()


def test_coordinator_pages_of_responses_pass_axe(logged_in_context, demo) -> None:
    """Responses, one response, the receipt and the status page pass axe."""
    version = _import("choice-radio")
    person = demo_user(demo, SLUG, "user")
    organization = Organization.objects.get(slug=SLUG)
    response = services.start_response(version, organization=organization, respondent=person)
    option = version.resource["item"][0]["answerOption"][0]["valueCoding"]
    coding = {key: option[key] for key in ("system", "code", "display")}
    items = [{"linkId": version.resource["item"][0]["linkId"], "answer": [{"valueCoding": coding}]}]
    response = services.submit(response, items)

    coordinator = logged_in_context(demo_user(demo, SLUG, "coordinator"), locale="en-GB")
    page = coordinator.new_page()
    questionnaire_id = version.questionnaire_id
    for address in [
        _url("responses", questionnaire_id),
        _url("response_detail", questionnaire_id, response.pk),
        _url("version_status", questionnaire_id, version.number),
        _url("detail", questionnaire_id),
    ]:
        result = page.goto(address)
        assert result is not None
        assert result.status == 200, address
        check_axe(page)

    member = logged_in_context(person, locale="en-GB").new_page()
    member.goto(_url("my_response", questionnaire_id, response.pk))
    expect(member.locator("main")).to_contain_text("Ja")
    check_axe(member)


def test_an_untouched_slider_is_not_an_answer(logged_in_context, demo) -> None:
    """With JavaScript, a 0–10 slider nobody touched sends nothing, so "required" catches
    it instead of storing the starting point; an arrow key answers it."""
    person = demo_user(demo, SLUG, "user")
    version = QuestionnaireVersion.objects.get(
        questionnaire__organization__slug=SLUG,
        questionnaire__key="medvirk-session-en",
        status="active",
    )
    page = logged_in_context(person, locale="en-GB").new_page()
    page.goto(_url("answer", version.questionnaire_id))
    sliders = page.locator("main input[type='range']")
    first = sliders.first
    expect(page.locator(f"[id='{first.get_attribute('id')}_output']")).to_contain_text(
        "Not answered yet"
    )
    check_axe(page)
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"[id='{first.get_attribute('id')}_output']")).to_have_text("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    summary = page.locator("[data-error-summary]")
    expect(summary.locator("a")).to_have_count(sliders.count() - 1)
    assert not Response.objects.filter(respondent=person, status=ResponseStatus.COMPLETED)

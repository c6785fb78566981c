"""The language switcher works without JavaScript, and pages follow the browser's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SKIP_LINK_MSGID = "Skip to main content"


def switch_language(page: Page, language: str) -> None:
    """Choose a language in the header's switcher and send the form (a plain POST)."""
    page.locator("select[name='language']").select_option(language)
    with page.expect_navigation():
        page.locator("form:has(select[name='language']) button[type='submit']").click()


def skip_link_text(page: Page) -> str:
    return page.locator("a[href='#main']").first.inner_text().strip()


def test_switcher_changes_html_lang_without_javascript(new_context) -> None:
    """With JavaScript off, each language chosen in the switcher sets ``<html lang>``,
    stays on the same page, and is remembered on the next visit."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(reverse("core:accessibility"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    for language in ("en", "sv", "nn", "nb", "en"):
        switch_language(page, language)
        assert page.url.endswith(reverse("core:accessibility"))
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("select[name='language']")).to_have_value(language)

    page.goto(reverse("account_login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_switcher_changes_the_texts_without_javascript(new_context) -> None:
    """After each switch the page's texts come from the chosen language's catalogue (the
    skip link as example), and Bokmål and English pages read differently.

    The last check needs the Bokmål catalogue (locale/nb), which is written after the
    features are built: without a Bokmål skip link it is reported as an expected failure,
    and it becomes a real check by itself once the catalogue translates the skip link.
    """
    page = new_context(java_script_enabled=False).new_page()
    page.goto(reverse("core:accessibility"))
    texts = {}
    for language, _ in settings.LANGUAGES:
        switch_language(page, language)
        texts[language] = skip_link_text(page)
        with translation.override(language):
            assert texts[language] == translation.gettext(SKIP_LINK_MSGID)

    assert texts["en"] == SKIP_LINK_MSGID
    if texts["nb"] == SKIP_LINK_MSGID:
        pytest.xfail("no Bokmål translation of the skip link yet (locale/nb/LC_MESSAGES)")
    assert texts["nb"] != texts["en"]


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("sv-SE", "sv"), ("en-GB", "en"), ("nn-NO", "nn"), ("nb-NO", "nb"), ("de-DE", "nb")],
)
def test_html_lang_follows_accept_language_without_a_cookie(new_context, locale, lang) -> None:
    """With no language cookie, the browser's language decides; unknown ones get Bokmål."""
    context = new_context(locale=locale)
    page = context.new_page()
    page.goto(reverse("core:accessibility"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert not [c for c in context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME]

"""The layout works with the keyboard alone and at 320 CSS pixels wide.

axe-core cannot judge either: the skip link and focus indicators need real key
presses, and reflow (WCAG 1.4.10) needs a narrow window.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.demo.services import DemoLogin
from tests.e2e.conftest import crawl, demo_user

pytestmark = pytest.mark.browser

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        id: element.id,
        text: (element.innerText || element.value || "").trim().slice(0, 40),
        inHeader: !!element.closest("header"),
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none",
    };
}"""


def test_skip_link_comes_first_and_moves_focus_to_the_main_content(
    logged_in_context, demo: list[DemoLogin]
) -> None:
    """The first Tab shows the skip link; following it puts focus on ``<main>``."""
    page = logged_in_context(demo_user(demo, MUNICIPALITY.slug, "admin")).new_page()
    page.goto(reverse("organizations:unit_list", args=[MUNICIPALITY.slug]))

    page.keyboard.press("Tab")
    skip_link = page.locator("a[href='#main']")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["width"] > 1
    assert box["height"] > 1
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_every_header_control_shows_where_the_focus_is(
    logged_in_context, demo: list[DemoLogin]
) -> None:
    """Tabbing through the header (links, log-out, language switcher, main menu) lands
    on each control with a visible focus indicator."""
    page = logged_in_context(demo_user(demo, MUNICIPALITY.slug, "admin")).new_page()
    page.goto(reverse("organizations:overview", args=[MUNICIPALITY.slug]))
    page.keyboard.press("Tab")  # the skip link, checked above

    visited = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inHeader"]:
            break
        visited.append(focused)
    else:
        pytest.fail("the header holds more than 30 tab stops")

    assert len(visited) >= 6, visited  # logo, account links, switcher, main menu ...
    assert [f["text"] for f in visited if not f["ring"]] == []


def _fits_without_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide in a {widths[1]}px window"


def test_navigation_pages_reflow_at_320_css_pixels(
    logged_in_context, live_server, demo: list[DemoLogin]
) -> None:
    """At 320 CSS px (400 % zoom of a 1280 px window) no page of the administrator's
    navigation scrolls sideways; wide tables scroll inside their own wrapper."""
    page = logged_in_context(
        demo_user(demo, MUNICIPALITY.slug, "admin"), viewport={"width": 320, "height": 640}
    ).new_page()

    titles = crawl(
        page,
        live_server.url,
        [reverse("core:home"), reverse("organizations:overview", args=[MUNICIPALITY.slug])],
        check=_fits_without_sideways_scrolling,
    )

    assert reverse("organizations:member_list", args=[MUNICIPALITY.slug]) in titles

"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per test session (per worker under pytest-xdist), a fresh
browser context per test. Every test gets the demo installation loaded and
``DEMO_MODE`` on, so demo accounts log in without a second factor, exactly as
in ``make run``. The live server runs in this process, so settings overrides
reach it.

Helpers for the test files:

- ``login(page, email, password)`` logs in through the real login form;
- ``logged_in_context(user)`` is the fast way in for crawls: it copies a
  session made with ``Client.force_login`` into a new browser context;
- ``check_axe(page)`` runs axe-core on the page and fails on serious or
  critical WCAG 2.1 A/AA violations, listing each readably;
- ``crawl(page, base_url, start)`` follows the navigation links from the
  start pages and checks every page it reaches (axe by default);
- ``demo_login`` / ``demo_user`` pick the demo account of a role in an
  organisation.

Run them with ``uv run --frozen pytest tests/e2e`` (``make assets`` first);
``-m "not browser"`` leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from medvirk.accounts.models import User
from medvirk.demo.services import DemoLogin, demo_load

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(django_settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
AXE_URL = f"{django_settings.STATIC_URL}vendor/axe/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# Bokmål is the installation's default language; pinning the browser's locale keeps
# the Accept-Language header (and so every page's language) the same on every machine.
DEFAULT_LOCALE = "nb-NO"
TIMEOUT_MS = 10_000
# Where crawls find the pages a person can reach: every labelled navigation (header,
# main menu, breadcrumbs) and the footer.
NAV_LINKS = "nav[aria-label] a[href], footer a[href]"
MAX_PAGES = 40  # a guard against a crawl that never ends, far above today's count


# --- Browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API leaves an asyncio event loop marked as running in this thread
    # from start to stop. Django then refuses every ORM call (demo data, fixtures,
    # assertions) with SynchronousOnlyOperation, also in tests that run later in the same
    # worker, so the switch stays on until Playwright stops at the end of the session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as instance:
            yield instance
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make chromium` or set CHROMIUM.")
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Return a factory of browser contexts on the live server, closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", DEFAULT_LOCALE)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- Server and data ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def demo(transactional_db: None, live_server: Any, settings: Any) -> list[DemoLogin]:
    """Load the demo installation and switch demo mode on; return every demo login."""
    settings.DEMO_MODE = True
    # allauth keeps its login rate limits in the cache: start every test from zero.
    cache.clear()
    return demo_load()


@pytest.fixture
def logged_in_context(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> Callable[..., BrowserContext]:
    """Return a factory of browser contexts already logged in as a given person."""

    def make(user: User, **options: Any) -> BrowserContext:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context = new_context(**options)
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return context

    return make


# --- Helpers --------------------------------------------------------------------------


def login(page: Page, email: str, password: str) -> None:
    """Log in through the real login form, the way a person does."""
    page.goto(reverse("account_login"))
    page.locator("input[name='login']").fill(email)
    password_input = page.locator("input[name='password']")
    password_input.fill(password)
    # Enter submits the form the password field belongs to, whatever its button says.
    with page.expect_navigation():
        password_input.press("Enter")


def check_axe(page: Page) -> None:
    """Fail when axe-core finds a serious or critical WCAG 2.1 A/AA violation on the page."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make assets` first.")
    # Loaded by URL from the live server's static files rather than inlined from the
    # file (add_script_tag(path=...)): Chromium then reuses the compiled script, which
    # saves about a quarter of the time per page over a crawl of a hundred pages.
    page.add_script_tag(url=AXE_URL)
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(format_violations(page.url, blocking), pytrace=False)


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def demo_login(demo: list[DemoLogin], slug: str, role: str) -> DemoLogin:
    """The one demo login for a role in an organisation."""
    (login,) = [d for d in demo if (d.organization_slug, d.role) == (slug, role)]
    return login


def demo_user(demo: list[DemoLogin], slug: str, role: str) -> User:
    return User.objects.get(email=demo_login(demo, slug, role).email)


def same_site_links(page: Page, base_url: str, selector: str) -> list[str]:
    """Paths (with query) of the links matching ``selector`` that stay on this site."""
    hrefs: list[str] = page.locator(selector).evaluate_all("links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urlsplit(urljoin(page.url, href))
        if f"{url.scheme}://{url.netloc}" == base_url:
            paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def crawl(
    page: Page,
    base_url: str,
    start: list[str],
    selector: str = NAV_LINKS,
    check: Callable[[Page], None] = check_axe,
) -> dict[str, str]:
    """Visit every page reachable through ``selector`` links from ``start``; ``check`` each.

    Return the ``<title>`` of every page visited, by path.
    """
    queue = list(start)
    titles: dict[str, str] = {}
    while queue:
        path = queue.pop(0)
        if path in titles:
            continue
        assert len(titles) < MAX_PAGES, f"navigation crawl passed {MAX_PAGES} pages: {titles}"
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, f"{path} answered {response.status}"
        titles[path] = page.title()
        check(page)
        # A link that redirects (e.g. to a set-up page) counts as its landing page too.
        titles.setdefault(urlsplit(page.url).path, titles[path])
        queue.extend(
            link for link in same_site_links(page, base_url, selector) if link not in titles
        )
    return titles

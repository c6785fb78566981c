"""In a real browser: marking notifications as read with and without JavaScript.

Uses the browser fixtures of tests/e2e/conftest.py (demo installation, live
server, Chromium).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from medvirk.accounts.models import User
from medvirk.demo.data import MUNICIPALITY
from medvirk.notifications.models import Notification
from medvirk.notifications.tests.factories import NotificationFactory
from tests.e2e.conftest import check_axe

pytestmark = pytest.mark.browser


def _person(demo_logins) -> User:
    (login,) = [
        d for d in demo_logins if (d.organization_slug, d.role) == (MUNICIPALITY.slug, "user")
    ]
    return User.objects.get(email=login.email)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_mark_one_then_all_as_read(request: pytest.FixtureRequest, javascript: bool) -> None:
    """The count in the bell follows each step; with htmx the page is not reloaded."""
    person = _person(request.getfixturevalue("demo"))
    Notification.objects.filter(recipient=person).delete()
    first = NotificationFactory.create(recipient=person, subject="Første melding")
    NotificationFactory.create(recipient=person, subject="Andre melding")
    # An English browser, so that the assertions on the text outlive translation.
    page = request.getfixturevalue("logged_in_context")(
        person, java_script_enabled=javascript, locale="en-GB"
    ).new_page()
    page.goto("/notifications/")
    bell = page.locator("#notification-bell")
    expect(bell).to_contain_text("(2 unread)")
    if javascript:  # axe itself needs JavaScript
        check_axe(page)

    item = page.locator(f"#notification-{first.pk}")
    if javascript:
        item.get_by_role("button").click()
        expect(item.locator("h2")).to_be_focused()
        expect(page.locator("#notification-status")).to_contain_text("marked as read")
    else:
        with page.expect_navigation():
            item.get_by_role("button").click()
    expect(page.locator(f"#notification-{first.pk} form")).to_have_count(0)
    expect(bell).to_contain_text("(1 unread)")

    button = page.locator("main form[action$='/read-all/'] button")
    if javascript:
        button.click()
    else:
        with page.expect_navigation():
            button.click()
    expect(page.locator("#notification-list form")).to_have_count(0)
    expect(bell).not_to_contain_text("unread")
    if javascript:
        check_axe(page)
    assert not Notification.objects.filter(recipient=person, read_at=None).exists()

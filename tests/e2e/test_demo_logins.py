"""Every demo login printed by ``manage.py demo_logins`` works in the browser.

The cases come from the demo data itself (one per organisation and role), so a
person added to the demo is tested without touching this file.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from medvirk.demo.data import ORGANIZATIONS
from medvirk.demo.services import DemoLogin
from medvirk.organizations.models import Organization
from medvirk.organizations.roles import Role
from tests.e2e.conftest import demo_login, login

pytestmark = pytest.mark.browser

DEMO_MEMBERSHIPS = [(spec.slug, str(role)) for spec in ORGANIZATIONS for role, _, _ in spec.people]


def test_the_cases_cover_every_demo_login(demo: list[DemoLogin]) -> None:
    """The parametrised cases below are exactly the logins ``demo_logins`` prints."""
    assert sorted(DEMO_MEMBERSHIPS) == sorted((d.organization_slug, d.role) for d in demo)
    assert len(DEMO_MEMBERSHIPS) == 19


@pytest.mark.parametrize(
    ("slug", "role"), DEMO_MEMBERSHIPS, ids=[f"{slug}-{role}" for slug, role in DEMO_MEMBERSHIPS]
)
def test_demo_login_lands_on_the_start_page_with_its_organisation(
    page: Page, live_server, demo: list[DemoLogin], slug: str, role: str
) -> None:
    """Logging in with the published e-mail and password shows the person's start page,
    listing the organisation and the role the demo login is for."""
    account = demo_login(demo, slug, role)
    organization = Organization.objects.get(slug=slug)

    login(page, account.email, account.password)

    assert page.url == f"{live_server.url}/"
    card = page.locator("main li").filter(
        has=page.get_by_role("link", name=organization.name, exact=True)
    )
    expect(card).to_have_count(1)
    with translation.override("nb"):
        expect(card).to_contain_text(str(Role(role).label))

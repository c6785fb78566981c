"""In a real browser: a user invites her next of kin, he accepts, sees her page, she withdraws.

In the municipality's demo, Kari Nordmann invites Ola Nordmann by e-mail
with one scope. Ola opens the link from the e-mail in his own browser, logs
in through the real login form on the way, and accepts; Kari is then on his
"People who share with me" and her page opens. Kari withdraws, and Ola's very
next request to her page is 404. axe runs on every page on the way.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from medvirk.care.models import NextOfKinGrant
from medvirk.demo.data import DEMO_PASSWORD, MUNICIPALITY, demo_email
from medvirk.organizations.roles import Role
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def test_a_user_grants_and_withdraws_next_of_kin_access(
    logged_in_context, new_context, demo, mailoutbox
) -> None:
    kari = demo_user(demo, SLUG, Role.USER)
    ola = demo_user(demo, SLUG, Role.NEXT_OF_KIN)
    assert ola.email == demo_email("Ola Nordmann")
    # Start without grants between them, whatever the demo holds.
    NextOfKinGrant.objects.filter(person=kari).delete()
    NextOfKinGrant.objects.filter(next_of_kin=ola).delete()
    # Logging in switches to the person's own language: read Ola's pages in English.
    ola.preferred_language = "en"
    ola.save(update_fields=["preferred_language"])

    # Kari invites Ola with one scope.
    page = logged_in_context(kari, locale="en-GB").new_page()
    page.goto(reverse("care:who_can_see", args=[SLUG]))
    expect(page.locator("h1")).to_have_text("Who can see my data")
    check_axe(page)
    follow(page, "Invite a next of kin")
    expect(page.locator("h1")).to_have_text("Invite a next of kin")
    check_axe(page)
    page.get_by_label("Their e-mail address").fill(ola.email)
    page.get_by_label("Relation to you").fill("Brother")
    page.get_by_label("See my plan", exact=True).check()
    submit(page, "Send the invitation")
    expect(page.get_by_text(f"The invitation is on its way to {ola.email}")).to_be_visible()
    expect(page.get_by_text("Invited, not accepted yet")).to_be_visible()
    check_axe(page)

    # The link comes by e-mail.
    (mail,) = [message for message in mailoutbox if message.to == [ola.email]]
    match = re.search(r"https?://[^/\s]+(/care/invitations/[\w-]+/)", mail.body)
    assert match is not None, mail.body
    link = match.group(1)

    # Ola opens it in his own browser and logs in on the way.
    ola_page = new_context(locale="en-GB").new_page()
    ola_page.goto(link)
    expect(ola_page).to_have_url(re.compile(r"/accounts/login/"))
    check_axe(ola_page)
    ola_page.locator("input[name='login']").fill(ola.email)
    password = ola_page.locator("input[name='password']")
    password.fill(DEMO_PASSWORD)
    with ola_page.expect_navigation():
        password.press("Enter")
    expect(ola_page).to_have_url(re.compile(re.escape(link) + "$"))
    expect(ola_page.locator("h1")).to_have_text("Invitation to be next of kin")
    expect(ola_page.get_by_text("See my plan")).to_be_visible()
    check_axe(ola_page)
    submit(ola_page, "Accept the invitation")
    expect(ola_page.locator("h1")).to_have_text(kari.full_name)
    expect(ola_page.get_by_text("You have accepted.")).to_be_visible()
    expect(ola_page.get_by_text("See my plan")).to_be_visible()
    expect(ola_page.get_by_text("See my feedback graphs")).to_have_count(0)
    check_axe(ola_page)
    kari_page_url = ola_page.url

    follow(ola_page, "People who share with me")
    expect(ola_page.locator("h1")).to_have_text("People who share with me")
    check_axe(ola_page)
    follow(ola_page, kari.full_name)
    expect(ola_page.locator("h1")).to_have_text(kari.full_name)

    # Kari sees the acceptance and withdraws.
    page.reload()
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    withdraw = re.compile(rf"^Withdraw access\s*\({re.escape(ola.email)}\)$")
    with page.expect_navigation():
        page.get_by_role("link", name=withdraw).click()
    expect(page.locator("h1")).to_have_text("Withdraw access")
    check_axe(page)
    submit(page, "Withdraw")
    expect(page.get_by_text("Withdrawn. From now on")).to_be_visible()
    check_axe(page)

    # Ola's very next request is 404.
    response = ola_page.goto(kari_page_url)
    assert response is not None
    assert response.status == 404
    check_axe(ola_page)
    response = ola_page.goto(reverse("care:shared_with_me", args=[SLUG]))
    assert response is not None
    assert response.status == 200
    expect(ola_page.get_by_role("link", name=kari.full_name, exact=True)).to_have_count(0)

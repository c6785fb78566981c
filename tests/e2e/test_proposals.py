"""In a real browser: an anonymous proposal from the public form to "you said — we did".

A visitor without an account sends a proposal with an e-mail address on the
public page; a coordinator finds it in triage and moves it received → under
consideration → planned → done with a public answer; the visitor gets an
e-mail at each step; the public "you said — we did" page shows the proposal
and the answer. axe runs on every page on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medvirk.demo.data import MUNICIPALITY
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Proposal
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
TITLE = "Benk ved inngangen"
TEXT = "Det er langt å gå fra bussen. En benk ved inngangen ville hjulpet mange av oss."
ADDRESS = "besokende@example.org"
ANSWER = "Vi har satt opp to benker ved inngangen, med armlener."


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _triage_to(page: Page, status: str, answer: str = "") -> None:
    page.get_by_label(status, exact=True).check()
    if answer:
        page.get_by_label("Public answer").fill(answer)
    _submit(page, "Save")
    expect(page.locator(".site-messages")).to_contain_text("The status was changed")
    check_axe(page)


def test_anonymous_proposal_from_public_form_to_you_said_we_did(
    new_context, logged_in_context, demo, mailoutbox
) -> None:
    # An anonymous visitor sends a proposal.
    visitor = new_context(locale="en-GB").new_page()
    visitor.goto(f"/p/{SLUG}/proposals/new/")
    check_axe(visitor)
    _submit(visitor, "Send the proposal")  # nothing filled in: the errors are named
    expect(visitor.locator("[data-error-summary]")).to_contain_text("Write a title.")
    check_axe(visitor)
    visitor.get_by_label("Unit").select_option(label="Hjemmetjenester")
    visitor.get_by_label("What is it about?").select_option(label="Premises and surroundings")
    visitor.get_by_label("Title").fill(TITLE)
    visitor.get_by_label("Your proposal or feedback").fill(TEXT)
    visitor.get_by_label("E-mail (optional)").fill(ADDRESS)
    _submit(visitor, "Send the proposal")
    expect(visitor.locator("h1")).to_have_text("Thank you for your proposal")
    expect(visitor.locator("main")).to_contain_text("What happens next")
    check_axe(visitor)
    proposal = Proposal.objects.get(title=TITLE)
    assert (proposal.submitted_by, proposal.contact_email) == (None, ADDRESS)

    # A coordinator triages it to done, with an answer.
    coordinator = demo_user(demo, SLUG, "coordinator")
    admin = logged_in_context(coordinator, locale="en-GB").new_page()
    admin.goto(f"/o/{SLUG}/proposals/")
    check_axe(admin)
    with admin.expect_navigation():
        admin.get_by_role("link", name=TITLE).click()
    expect(admin.locator("h1")).to_have_text(TITLE)
    expect(admin.locator("main")).to_contain_text(ADDRESS)
    check_axe(admin)
    _triage_to(admin, "Under consideration")
    _triage_to(admin, "Planned")
    _triage_to(admin, "Done", ANSWER)
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE
    assert list(proposal.changes.values_list("status", flat=True)) == [
        Status.RECEIVED,
        Status.CONSIDERING,
        Status.PLANNED,
        Status.DONE,
    ]

    # The visitor was told by e-mail at every step, the answer in the last one.
    told = [mail for mail in mailoutbox if mail.to == [ADDRESS]]
    assert len(told) == 3
    assert all(TITLE in mail.subject for mail in told)
    assert ANSWER in told[-1].body

    # The public page shows it, for the organisation and for the unit.
    visitor.goto(f"/p/{SLUG}/you-said-we-did/")
    main = visitor.locator("main")
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text(ANSWER)
    check_axe(visitor)
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="Hjemmetjenester", exact=True).click()
    expect(visitor.locator("h1")).to_contain_text("Hjemmetjenester")
    expect(visitor.locator("main")).to_contain_text(ANSWER)
    check_axe(visitor)


def test_members_pages_and_changes_are_accessible(logged_in_context, demo) -> None:
    """A member supports a proposal and sends one; a coordinator publishes a change."""
    user = logged_in_context(demo_user(demo, SLUG, "user"), locale="en-GB").new_page()
    user.goto(f"/o/{SLUG}/proposals/")
    check_axe(user)
    with user.expect_navigation():
        user.get_by_role("link", name="Vite hvem som kommer").click()
    check_axe(user)
    _submit(user, "Me too")
    expect(user.locator(".site-messages")).to_contain_text("Your support is counted")
    expect(user.get_by_role("button", name="Withdraw my support")).to_be_visible()
    check_axe(user)
    user.goto(f"/o/{SLUG}/proposals/new/")
    check_axe(user)
    user.get_by_label("Unit").select_option(label="Psykisk helse og rus")
    user.get_by_label("Title").fill("Lengre åpningstid")
    user.get_by_label("Your proposal or feedback").fill("Åpent til 18 på torsdager, takk.")
    _submit(user, "Send the proposal")
    expect(user.locator("h1")).to_have_text("Thank you for your proposal")
    check_axe(user)
    with user.expect_navigation():
        user.get_by_role("link", name="Your proposals").first.click()
    expect(user.locator("main")).to_contain_text("Lengre åpningstid")
    check_axe(user)

    admin = logged_in_context(demo_user(demo, SLUG, "coordinator"), locale="en-GB").new_page()
    admin.goto(f"/o/{SLUG}/proposals/changes/")
    check_axe(admin)
    with admin.expect_navigation():
        admin.get_by_role("link", name="New change").click()
    check_axe(admin)
    admin.get_by_label("You said").fill("Dere ville ha mer lys i gangen.")
    admin.get_by_label("We did").fill("Vi har byttet alle lyspærene i gangen.")
    _submit(admin, "Publish")
    expect(admin.locator(".site-messages")).to_contain_text("The change is published")
    check_axe(admin)
    admin.goto(f"/p/{SLUG}/you-said-we-did/")
    expect(admin.locator("main")).to_contain_text("Vi har byttet alle lyspærene i gangen.")

"""In a real browser: a consultation from creation to a published decision.

A coordinator creates and publishes a consultation asking all user
representatives; a representative answers; after the close date (moved into
the past through the model, as time passing would) the coordinator writes
what we heard and the decision and publishes it; the representative finds the
notification in the app. axe runs on every page on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from medvirk.consultations.models import Consultation, ConsultationResponse
from medvirk.demo.data import MUNICIPALITY
from medvirk.notifications.models import Notification
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = MUNICIPALITY.slug
TITLE = "Kveldsåpent bibliotek på sykehjemmet"


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_consultation_from_creation_to_published_decision(logged_in_context, demo) -> None:
    coordinator = demo_user(demo, SLUG, "coordinator")
    representative = demo_user(demo, SLUG, "representative")
    today = timezone.localdate()

    # The coordinator creates the consultation.
    admin = logged_in_context(coordinator, locale="en-GB").new_page()
    admin.goto(f"/o/{SLUG}/consultations/")
    check_axe(admin)
    with admin.expect_navigation():
        admin.get_by_role("link", name="New consultation").click()
    check_axe(admin)
    admin.fill("#id_title", TITLE)
    admin.fill("#id_question", "Vil du bruke biblioteket om kvelden?")
    admin.fill("#id_background", "Vi vurderer **kveldsåpent** to dager i uken.")
    admin.fill("#id_opens_on", today.isoformat())
    admin.fill("#id_closes_on", (today + timedelta(days=14)).isoformat())
    admin.check("#id_audience_all_representatives")
    _submit(admin, "Save")
    expect(admin.locator("h1")).to_have_text(TITLE)
    check_axe(admin)
    consultation = Consultation.objects.get(title=TITLE)
    with admin.expect_navigation():
        admin.get_by_role("link", name="Documents", exact=True).click()
    check_axe(admin)
    admin.go_back()

    # ... and publishes it: the representatives are told.
    with admin.expect_navigation():
        admin.get_by_role("link", name="Publish", exact=True).click()
    check_axe(admin)
    _submit(admin, "Publish")
    expect(admin.locator(".site-messages")).to_contain_text("The consultation is published")
    representatives = set(
        Membership.objects.filter(
            organization__slug=SLUG, role=Role.REPRESENTATIVE, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    opened = Notification.objects.filter(message="consultation_opened")
    assert {n.recipient_id for n in opened} == representatives

    # The representative answers.
    rep = logged_in_context(representative, locale="en-GB").new_page()
    rep.goto(f"/o/{SLUG}/consultations/{consultation.pk}/")
    expect(rep.locator(".background strong")).to_have_text("kveldsåpent")
    check_axe(rep)
    with rep.expect_navigation():
        rep.get_by_role("link", name="Give your input").click()
    check_axe(rep)
    rep.get_by_label("Your input").fill("Ja, torsdager passer fint for meg.")
    _submit(rep, "Send your input")
    expect(rep.locator(".site-messages")).to_contain_text("Your input was saved")
    check_axe(rep)
    assert ConsultationResponse.objects.get(consultation=consultation).respondent == representative

    # Time passes: the consultation closed yesterday.
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=today - timedelta(days=15), closes_on=today - timedelta(days=1)
    )

    # The coordinator closes the loop.
    admin.goto(f"/o/{SLUG}/consultations/{consultation.pk}/")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Write the decision record").first.click()
    check_axe(admin)
    admin.fill("#id_what_we_heard", "Representantene ønsket kveldsåpent på torsdager.")
    _submit(admin, "Save draft")
    expect(admin.locator("#id_what_we_heard")).to_have_value(
        "Representantene ønsket kveldsåpent på torsdager."
    )
    admin.fill("#id_decision", "Biblioteket holder åpent til 20 på torsdager.")
    admin.fill("#id_input_used", "Dagen ble valgt ut fra innspillene.")
    admin.fill("#id_not_followed", "To kvelder har vi ikke bemanning til.")
    admin.fill("#id_decided_by", "Enhetsleder")
    _submit(admin, "Publish the decision")
    expect(admin.locator(".site-messages")).to_contain_text("The decision is published")
    expect(admin.locator("#decision-heading")).to_be_visible()
    check_axe(admin)

    admin.goto(f"/o/{SLUG}/consultations/{consultation.pk}/responses/")
    expect(admin.locator("main")).to_contain_text("torsdager passer fint")
    check_axe(admin)

    # Every respondent and audience member is told exactly once.
    decided = Notification.objects.filter(message="consultation_decision")
    assert sorted(n.recipient_id for n in decided) == sorted(representatives | {representative.pk})

    # The representative sees it in the app and follows it to the decision.
    rep.goto("/notifications/")
    item = rep.locator(f"#notification-{decided.get(recipient=representative).pk}")
    expect(item).to_contain_text(TITLE)
    check_axe(rep)
    with rep.expect_navigation():
        item.get_by_role("link").first.click()
    expect(rep.locator("#decision-heading")).to_be_visible()
    expect(rep.locator("main")).to_contain_text("Biblioteket holder åpent til 20 på torsdager.")
    check_axe(rep)

    # The public page shows the decision, without the response.
    rep.goto(f"/p/{SLUG}/consultations/{consultation.pk}/")
    expect(rep.locator("main")).to_contain_text("Dagen ble valgt ut fra innspillene.")
    expect(rep.locator("main")).not_to_contain_text("torsdager passer fint")
    check_axe(rep)
    rep.goto(f"/p/{SLUG}/consultations/")
    expect(rep.locator("main")).to_contain_text(TITLE)
    check_axe(rep)

"""In a real browser, the whole representative path in the health trust of the demo.

A coordinator writes a recruitment request and sees the representative
suggested; invites her; she accepts, accepts the agreement and signs the
confidentiality declaration; the coordinator records the introduction course
and assigns her to a council; after a meeting the coordinator records her
attendance, which drafts her honorarium claim; she submits it; the
coordinator approves it and exports it for payroll, and the XLSX holds her
claim with the total. axe runs on every page on the way.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from medvirk.councils.models import Council, Invitation, Meeting, MeetingStatus
from medvirk.demo.data import HEALTH_TRUST
from medvirk.organizations.models import Organization
from medvirk.representatives.models import (
    Assignment,
    Claim,
    ClaimStatus,
    ExperienceArea,
    Onboarding,
    Profile,
    Rate,
    Request,
)
from medvirk.representatives.models import Invitation as RecruitmentInvitation
from tests.e2e.conftest import check_axe, demo_user

pytestmark = pytest.mark.browser

SLUG = HEALTH_TRUST.slug


def press(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def url(name: str, *args: object) -> str:
    return reverse(f"representatives:{name}", args=[SLUG, *args])


def test_request_to_payroll(logged_in_context, demo) -> None:
    organization = Organization.objects.get(slug=SLUG)
    coordinator = demo_user(demo, SLUG, "coordinator")
    representative = demo_user(demo, SLUG, "representative")
    # What earlier parts of the product hold: her registry profile, a council, a rate.
    Profile.objects.filter(organization=organization, user=representative).delete()
    profile = Profile.objects.create(
        organization=organization, user=representative, consented_at=timezone.now()
    )
    profile.areas.set([ExperienceArea.objects.get(name="Psykisk helse")])
    Onboarding.objects.filter(organization=organization, user=representative).delete()
    council = Council.objects.create(organization=organization, name="Brukerutvalget DPS")
    Rate.objects.create(
        organization=organization,
        effective_from=datetime.date(2020, 1, 1),
        hourly_rate=Decimal("355.00"),
        rounding_minutes=30,
        minimum_minutes_in_person=60,
        per_km=Decimal("3.50"),
    )
    boss = logged_in_context(coordinator, locale="en-GB").new_page()
    her = logged_in_context(representative, locale="en-GB").new_page()

    # 1. The request, and the suggestion.
    boss.goto(url("request_create"))
    check_axe(boss)
    boss.get_by_label("What for").fill("Brukerrepresentant til brukerutvalget")
    boss.get_by_label("Council").select_option(label=council.name)
    boss.get_by_label("Psykisk helse", exact=True).check()
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    boss.get_by_label("From").fill(week_ago.isoformat())
    press(boss, "Save")
    request = Request.objects.get(title="Brukerrepresentant til brukerutvalget")
    expect(boss.locator("h1")).to_contain_text(request.title)
    expect(boss.get_by_text("Lived experience in common: Psykisk helse").first).to_be_visible()
    check_axe(boss)

    # 2. The invitation.
    boss.locator(f"#invite-{representative.pk}").check()
    press(boss, "Invite the people chosen")
    invitation = RecruitmentInvitation.objects.get(request=request, user=representative)

    # 3. She accepts.
    her.goto(url("my_invitations"))
    check_axe(her)
    her.goto(url("invitation_respond", invitation.pk))
    her.get_by_label("Yes, I accept").check()
    press(her, "Send your answer")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"

    # 4. Onboarding: the agreement and the declaration; the coordinator records the course.
    her.goto(url("my_onboarding"))
    check_axe(her)
    her.locator("#id_accept").check()
    press(her, "Accept the agreement")
    her.locator("#id_signature").fill(representative.full_name)
    press(her, "Sign the declaration")
    check_axe(her)
    onboarding = Onboarding.objects.get(organization=organization, user=representative)
    assert onboarding.confidentiality_signed_at is not None
    boss.goto(url("onboarding_detail", onboarding.pk))
    check_axe(boss)
    press(boss, "Record the introduction course as completed")
    onboarding.refresh_from_db()
    assert onboarding.complete

    # 5. The assignment to the council.
    boss.goto(url("assignment_create", invitation.pk))
    check_axe(boss)
    boss.get_by_label("From").fill(week_ago.isoformat())
    press(boss, "Assign")
    assignment = Assignment.objects.get(user=representative, request=request)
    assert assignment.council == council
    assert assignment.paid

    # 6. A meeting yesterday, 1 h 40 min at the DPS; the coordinator records attendance.
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    starts -= datetime.timedelta(days=1)
    meeting = Meeting.objects.create(
        council=council,
        title="Møte i brukerutvalget",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=100),
        place="DPS Eksempel, møterom 2",
        status=MeetingStatus.HELD,
    )
    Invitation.objects.create(meeting=meeting, user=representative)
    boss.goto(reverse("councils:meeting_attendance", args=[SLUG, meeting.pk]))
    boss.get_by_label(representative.full_name, exact=True).check()
    press(boss, "Save attendance")
    claim = Claim.objects.get(user=representative, meeting=meeting)
    assert claim.status == ClaimStatus.DRAFT

    # 7. She checks the draft, adds her 42 km and submits it.
    her.goto(url("claims_mine"))
    check_axe(her)
    her.goto(url("claim_edit", claim.pk))
    her.get_by_label("Travel by car (km)").fill("42")
    press(her, "Preview")
    check_axe(her)
    expect(her.get_by_text("147").first).to_be_visible()  # 42 km × 3.50
    press(her, "Save as draft")
    her.goto(url("claim_detail", claim.pk))
    check_axe(her)
    press(her, "Submit the claim")
    claim.refresh_from_db()
    # 100 min → 120 min (half hours, up) → 2 × 355 = 710.00; 42 × 3.50 = 147.00.
    assert (claim.status, claim.fee, claim.travel, claim.total) == (
        ClaimStatus.SUBMITTED,
        Decimal("710.00"),
        Decimal("147.00"),
        Decimal("857.00"),
    )

    # 8. Approval and the payroll export.
    boss.goto(url("honorarium_claim", claim.pk))
    check_axe(boss)
    press(boss, "Approve the claim")
    boss.goto(url("honorarium_payroll"))
    check_axe(boss)
    press(boss, "Create export")
    check_axe(boss)
    with boss.expect_download() as download:
        boss.get_by_role("link", name="Download XLSX").first.click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert representative.full_name in values
    assert any(str(value) in {"857", "857.0", "857.00"} for value in values if value)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EXPORTED

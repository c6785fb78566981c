"""The demo registry, recruitment and claims: every stage present, loaded once."""

from __future__ import annotations

from decimal import Decimal

from medvirk.demo.data import demo_email
from medvirk.demo.services import demo_load
from medvirk.representatives.models import (
    Claim,
    ClaimStatus,
    Invitation,
    InvitationStatus,
    PayrollExport,
    Profile,
    ProfileKind,
    Rate,
    Request,
)


def test_demo_registry_request_rates_and_claims(db):
    demo_load()
    profiles = Profile.objects.filter(organization__slug="eksempel-kommune")
    assert profiles.count() == 6
    assert profiles.filter(kind=ProfileKind.EXPERIENCE_CONSULTANT).count() == 1
    assert all(profile.areas.exists() for profile in profiles)
    request = Request.objects.get(title="Arbeidsgruppe for ny pårørendeplan")
    assert {i.status for i in Invitation.objects.filter(request=request)} == {
        InvitationStatus.INVITED,
        InvitationStatus.DECLINED,
    }
    assert Rate.objects.filter(organization=request.organization).count() == 2
    claims = Claim.objects.filter(user__email=demo_email("Aisha Ali"))
    assert {c.status for c in claims} == {
        ClaimStatus.EXPORTED,
        ClaimStatus.APPROVED,
        ClaimStatus.SUBMITTED,
        ClaimStatus.DRAFT,
    }
    exported = claims.get(status=ClaimStatus.EXPORTED)
    # A two-hour meeting + 30 min preparation = 2.5 h × 355 = 887.50; 42 km × 3.50 = 147.00.
    assert (exported.fee, exported.travel, exported.total) == (
        Decimal("887.50"),
        Decimal("147.00"),
        Decimal("1034.50"),
    )
    assert exported.export is not None
    assert exported.export.total == exported.total
    draft = claims.get(status=ClaimStatus.DRAFT)
    assert draft.meeting is not None
    assert draft.total == 0  # computed when she submits it


def test_loading_twice_changes_nothing(db):
    demo_load()
    counts = (Profile.objects.count(), Claim.objects.count(), PayrollExport.objects.count())
    demo_load()
    assert (Profile.objects.count(), Claim.objects.count(), PayrollExport.objects.count()) == counts
